# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan type: a list of API actions with the ``before``/``after`` of the diff; pure, no I/O."""

from __future__ import annotations


CREATE_OPERATIONS = frozenset(('CreateUser', 'CreateGroup', 'CreateLoginProfile'))
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
