# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one engine of the group, user and identities modules: a batch of entries (a single-resource module
is a batch of one) is read, checked and planned - one ``Prepared`` per entry - before the first write, then
applied in an order that never needs a group before it exists: groups, users, removed users, removed groups.

How the entries are read is the one difference: ``AccountRead`` takes users and groups from one
GetAccountAuthorizationDetails (the batch), ``EntityRead`` reads the entry's own resource (a single-resource
module, which suits large accounts and per-host loops)."""

from __future__ import annotations

import contextlib
import re

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import account_alias_reader
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import apply_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import prepare_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import read_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import reads_needed
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import password_policy_reader
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import read_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import apply_removal
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import apply_user_run
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import check_groups_exist
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import prepare_removal
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import prepare_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

OPTION_PREFIX = re.compile(r'[a-z_]+: ')


@contextlib.contextmanager
def entry_errors(label):
    """Errors raised for one entry of a list name it: ``users[PowerUser].password: ...``. No ``label`` (the
    entry of a single-resource module): errors name the option alone."""
    if label is None:
        yield
        return
    try:
        yield
    except OptionError as error:
        raise OptionError('%s.%s' % (label, error.option), error.rule) from error
    except IAMFailure as failure:
        # A message of ours that starts with the option it is about (the two-key limit's) joins the label.
        joint = '.' if failure.exception is None and OPTION_PREFIX.match(failure.message) else ': '
        raise IAMFailure('%s%s%s' % (label, joint, failure.message), failure.exception) from failure


def known(snapshot, option, name):
    """The snapshot's entry for ``name`` in ``option`` ('users' or 'groups'), or None: IAM names are unique
    regardless of case, and found regardless of it."""
    return snapshot[option].get(name.lower())


class AccountRead:
    """The current state of a batch's entries from one account read (``snapshot``: {'users': {lower-case
    name: UserDetailList entry}, 'groups': {lower-case name: current group}}); what it does not hold (login
    profile, access keys, a removed user's credentials) is read per entry."""

    def __init__(self, module, client, snapshot):
        self.module, self.client, self.snapshot = module, client, snapshot

    def group(self, desired):
        return known(self.snapshot, 'groups', desired['name'])

    def user(self, desired):
        return read_user(self.client, desired, known(self.snapshot, 'users', desired['name']))

    def user_exists(self, desired):
        # A user the account does not have needs no removal reads.
        return known(self.snapshot, 'users', desired['name']) is not None


class EntityRead:
    """The current state of one entry, read on its own (a single-resource module)."""

    def __init__(self, module, client):
        self.module, self.client = module, client

    def group(self, desired):
        return read_group(self.client, desired['name'], reads_needed(desired))

    def user(self, desired):
        current = read_user(self.client, desired)
        # In check mode an earlier task of the run may create a missing group: a warning, not a failure.
        check_groups_exist(self.client, desired, current, warn=self.module.warn if self.module.check_mode else None)
        return current

    def user_exists(self, desired):
        return True


def prepare_entries(module, client, reader, groups, users, given=None):
    """{'groups': [Prepared], 'users': [Prepared]}: every entry read, checked and planned, and every check
    that needs IAM made (policies exist - each once -, passwords meet the account's policy - read once, or
    taken from what an earlier task handed on (``given``) -, the two-key limit), before the first write."""
    prepared = {'groups': [], 'users': []}
    verified = set()
    for desired in groups:
        with entry_errors(desired.get('label')):
            prepared['groups'].append(prepare_group(client, desired, reader.group(desired), verified))
    password_policy = password_policy_reader(client, given or {})
    for desired in users:
        with entry_errors(desired.get('label')):
            if desired['state'] == 'absent':
                prepared['users'].append(prepare_removal(module, client, desired, reader.user_exists(desired)))
            else:
                prepared['users'].append(prepare_user(client, desired, reader.user(desired), password_policy))
    return prepared


def application_order(groups, users):
    """Indexes of the entries in the order their plans are applied: created or updated groups, then
    users, then removed users, then removed groups."""
    order = [('groups', index) for index, group in enumerate(groups) if group['state'] == 'present']
    order += [('users', index) for index, user in enumerate(users) if user['state'] == 'present']
    order += [('users', index) for index, user in enumerate(users) if user['state'] == 'absent']
    order += [('groups', index) for index, group in enumerate(groups) if group['state'] == 'absent']
    return order


def apply_prepared(module, client, prepared, executor, account_alias):
    """One entry's plan applied (not in check mode) by the batch's one executor; the entry's result."""
    if prepared.kind == 'group':
        return apply_group(module, client, prepared, executor)
    if prepared.kind == 'user removal':
        return apply_removal(module, client, prepared, executor)
    return apply_user_run(module, client, prepared, executor, account_alias)


def apply_entries(module, client, prepared, aliases=None):
    """{'groups': [result], 'users': [result]}, each entry's result (with ``changed`` and ``diff``) where its
    Prepared was. The secrets created are the executor's until delivered: a failure revokes them. ``aliases``:
    the account's, when an earlier task handed them on (else read once, for the first CSV's sign-in link)."""
    results = {option: [None] * len(entries) for option, entries in prepared.items()}
    executor = Executor(client)
    account_alias = account_alias_reader(client, aliases)
    order = application_order([entry.desired for entry in prepared['groups']], [entry.desired for entry in prepared['users']])
    for option, index in order:
        entry = prepared[option][index]
        with entry_errors(entry.desired.get('label')):
            results[option][index] = apply_prepared(module, client, entry, executor, account_alias)
    return results


def run_one(module, option, desired):
    """A single-resource module: a batch of one (``option`` 'groups' or 'users') read on its own; its result."""
    client = iam_client(module)
    entries = {'groups': [], 'users': [], option: [desired]}
    prepared = prepare_entries(module, client, EntityRead(module, client), entries['groups'], entries['users'])
    return apply_entries(module, client, prepared)[option][0]


def single_resource_module(options, option, desire):
    """The main() of iam_bootstrap_group / iam_bootstrap_user: ``options`` (the argument spec), checked by
    ``desire`` into the one entry of ``option``."""
    run_iam_module(dict(options), lambda module: run_one(module, option, desire(module.params)))
