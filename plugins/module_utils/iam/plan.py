# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan type: a list of API actions with the ``before``/``after`` of the diff; pure, no I/O."""

from __future__ import annotations


CREATE_OPERATIONS = frozenset(('CreateUser', 'CreateGroup', 'CreateRole', 'CreateLoginProfile'))
REMOVE_PREFIXES = ('Delete', 'Detach', 'Remove', 'Deactivate', 'Untag')
# The calls whose answer is a secret (a new key's secret) or that set one (a console password).
SECRET_OPERATIONS = frozenset(('CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile'))


class Action:
    """One planned API call: ``operation`` is the IAM action name (``CreateUser``), ``params`` its arguments."""

    __slots__ = ('operation', 'params')

    def __init__(self, operation, **params):
        self.operation = operation
        self.params = params

    def __eq__(self, other):
        return isinstance(other, Action) and (self.operation, self.params) == (other.operation, other.params)

    def __repr__(self):
        # Params are left out: CreateLoginProfile carries the password.
        return 'Action(%s)' % self.operation


class Plan:
    """The outcome of a plan function: the actions to apply, and the before/after views for ``--diff``."""

    def __init__(self, actions=None, before=None, after=None):
        self.actions = list(actions or [])
        self.before = before if before is not None else {}
        self.after = after if after is not None else {}

    @property
    def changed(self):
        return bool(self.actions)

    @property
    def operations(self):
        return [action.operation for action in self.actions]

    def diff(self):
        return {'before': self.before, 'after': self.after}


class Prepared:
    """One entry of a task, checked and planned before the first write: everything its apply needs.

    ``kind``: 'group', 'user', 'user removal' or 'role'; ``desired``: the checked options (managed policies
    as ARNs; ``label`` when the entry is one of a list); ``current``: as read (None: missing); ``plan``;
    for a user, the ``password`` this run sets (or None) and the ``key_plan``."""

    __slots__ = ('kind', 'desired', 'current', 'plan', 'password', 'key_plan')

    def __init__(self, kind, desired, current, plan, password=None, key_plan=None):
        self.kind, self.desired, self.current, self.plan = kind, desired, current, plan
        self.password, self.key_plan = password, key_plan

    def __repr__(self):
        return 'Prepared(%s %s: %s)' % (self.kind, self.desired.get('name'), ', '.join(self.plan.operations) or 'no change')


def created(responses, operation):
    """The answer of the create ``operation`` among an executor's ``(action, answer)`` pairs; None when it was
    not planned, or met an entity that already existed (a retried create, or another run's)."""
    return next((answer for action, answer in responses if action.operation == operation and answer), None)
