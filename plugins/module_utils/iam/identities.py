# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Groups and users in one task (iam_bootstrap_identities): the entries checked across each other, the
account's users and groups read once (GetAccountAuthorizationDetails), the batch engine (batch.py) run over
them, and the task's result: each entry's, the diff of all, the account and the snapshot handed on."""

from __future__ import annotations

import re

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.batch import AccountRead
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.batch import apply_entries
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.batch import entry_errors
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.batch import known
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.batch import prepare_entries
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_parts
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sign_in_url
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sts_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import checked_snapshot
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import handed_on
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import identities_after
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import known_views
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import desired_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import group_from_details
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import DETAILS_FILTER
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_name

ACCOUNT_ID_PATTERN = re.compile(r'[0-9]{12}')
# The most entities GetAccountAuthorizationDetails returns per call.
DETAILS_PAGE_SIZE = 1000


def entry_label(option, index, entry):
    """How messages name one entry of ``groups`` or ``users``: by its name when it is a valid one."""
    name = entry.get('name') if isinstance(entry, dict) else None
    try:
        return '%s[%s]' % (option, check_name('name', name, option[:-1]))
    except OptionError:
        return '%s[%d]' % (option, index)


def desired_identities(params):
    """(groups, users): every entry checked as its own module checks it, then across entries. No I/O."""
    found = {}
    for option, desire in (('groups', desired_group), ('users', desired_user)):
        entries = []
        for index, entry in enumerate(params.get(option) or []):
            label = entry_label(option, index, entry)
            with entry_errors(label):
                desired = desire(entry)
            if any(other['name'].lower() == desired['name'].lower() for other in entries):
                raise OptionError(label, 'the %s %r is given twice' % (option[:-1], desired['name']))
            entries.append(dict(desired, label=label))
        found[option] = entries
    removed = {group['name'].lower() for group in found['groups'] if group['state'] == 'absent'}
    for user in found['users']:
        if user['state'] == 'present':
            for group in [group for group in user['groups'] or [] if group.lower() in removed]:
                raise OptionError('%s.groups' % user['label'], 'the group %r is removed by this task (groups[%s] has state=absent)' % (group, group))
    return found['groups'], found['users']


def read_identities(client):
    """Every user, group, role and customer managed policy of the account, with GetAccountAuthorizationDetails
    (one call per 1000): users and groups for the plans, all of it for the snapshot later tasks take."""
    return read_pages(client, 'GetAccountAuthorizationDetails', Filter=DETAILS_FILTER,
                      PaginationConfig={'PageSize': DETAILS_PAGE_SIZE}) or {}


def snapshot_from_details(details):
    """{'users': {name: entry}, 'groups': {name: current group}} from GetAccountAuthorizationDetails,
    keyed by lower-case name: IAM names are unique regardless of case, and found regardless of it. Pure."""
    users = {user['UserName'].lower(): user for user in details.get('UserDetailList') or []}
    members = {}
    for user in users.values():
        for group in user.get('GroupList') or []:
            members.setdefault(group.lower(), []).append(user['UserName'])
    groups = {group['GroupName'].lower(): group_from_details(group, members.get(group['GroupName'].lower(), []))
              for group in details.get('GroupDetailList') or []}
    return {'users': users, 'groups': groups}


def check_group_references(groups, users, snapshot):
    """Every group a user is to join exists, or is made by this task; before any write."""
    made = {group['name'].lower() for group in groups if group['state'] == 'present'}
    for user in users:
        if user['state'] != 'present':
            continue
        for group in user['groups'] or []:
            if group.lower() not in made and known(snapshot, 'groups', group) is None:
                raise OptionError('%s.groups' % user['label'], 'no IAM group %r exists, and groups does not create it' % group)


def account_from_arns(arns):
    """(partition, account id) of the first ARN that has an account, or (None, None)."""
    for arn in arns:
        parts = arn_parts(arn)
        if parts and ACCOUNT_ID_PATTERN.fullmatch(parts['account_id']):
            return parts['partition'], parts['account_id']
    return None, None


def account_facts(partition, account_id):
    if account_id is None:
        return {'account_id': None, 'sign_in_url': None}
    return {'account_id': account_id, 'sign_in_url': sign_in_url(partition, account_id)}


def combined_diff(results):
    """Takes each entry's ``diff`` out of ``results``: {'before': {'groups': {name: ...}, 'users': ...}, 'after': ...}
    with the entries that change."""
    diff = {'before': {'groups': {}, 'users': {}}, 'after': {'groups': {}, 'users': {}}}
    for option in ('groups', 'users'):
        for entry in results[option]:
            entry_diff = entry.pop('diff', None) or {}
            if entry['changed']:
                diff['before'][option][entry['name']] = entry_diff.get('before', {})
                diff['after'][option][entry['name']] = entry_diff.get('after', {})
    return diff


def settle_memberships(results):
    """Each group's members after the whole task: the users it added to (or removed from) the group
    are applied after the group itself, so the group's own result cannot know them."""
    for group_entry in results['groups']:
        group = group_entry.get('group')
        if group is None:
            continue
        members = {member.lower(): member for member in group.get('members') or []}
        for user_entry in results['users']:
            name = user_entry['name']
            if user_entry['state'] == 'absent':
                members.pop(name.lower(), None)
                continue
            groups = (user_entry.get('user') or {}).get('groups')
            if groups is None:
                continue
            if group['group_name'].lower() in {joined.lower() for joined in groups}:
                members.setdefault(name.lower(), name)
            else:
                members.pop(name.lower(), None)
        group['members'] = sorted(members.values())
        after = (group_entry.get('diff') or {}).get('after')
        if after and 'members' in after:
            after['members'] = group['members']


def result_arns(snapshot, results):
    """Every ARN the task saw: the account's users and groups, and those it created."""
    arns = [user.get('Arn') for user in snapshot['users'].values()]
    arns += [group.get('arn') for group in snapshot['groups'].values()]
    arns += [(entry.get('group') or {}).get('arn') for entry in results['groups']]
    arns += [(entry.get('user') or {}).get('arn') for entry in results['users']]
    return [arn for arn in arns if arn]


def account_of(module, snapshot, results, caller=None):
    """(partition, account id) from the ARNs the task saw; only without any (check mode on an empty account)
    from the ``caller`` an earlier task handed on, or STS's GetCallerIdentity."""
    partition, account_id = account_from_arns(result_arns(snapshot, results))
    if account_id is None:
        caller = caller or read(sts_client(module), 'GetCallerIdentity') or {}
        partition, account_id = account_from_arns([caller.get('Arn')])
    return partition, account_id


def account_after(module, snapshot, details, results, diff):
    """The account as this task left it (as read when it changed nothing; nothing in check mode when it would have)."""
    changed = any(entry['changed'] for entry in results['groups'] + results['users'])
    if changed and module.check_mode:
        return handed_on(changed)
    created = [user['name'] for user in results['users'] if user['state'] == 'present' and known(snapshot, 'users', user['name']) is None]
    return handed_on(changed, ('details', 'access_keys', 'summary'), created, access_keys=known_views(results['users']),
                     details=identities_after(details, results, diff) if changed else details)


def run_identities(module):
    """iam_bootstrap_identities's run: validate, read the account once (or take an earlier task's read), prepare every
    entry, apply, result."""
    groups, users = desired_identities(module.params)
    given = checked_snapshot(module.params['account_snapshot'])
    client = iam_client(module)
    details = given['details'] if 'details' in given else read_identities(client)
    snapshot = snapshot_from_details(details)
    check_group_references(groups, users, snapshot)
    prepared = prepare_entries(module, client, AccountRead(module, client, snapshot), groups, users, given)
    results = apply_entries(module, client, prepared, given.get('aliases'))
    for option, entries in (('groups', groups), ('users', users)):
        results[option] = [dict(outcome, name=desired['name'], state=desired['state']) for outcome, desired in zip(results[option], entries)]
    settle_memberships(results)
    diff = combined_diff(results)
    changed = any(entry['changed'] for entry in results['groups'] + results['users'])
    result = dict(changed=changed, diff=diff, account_snapshot=account_after(module, snapshot, details, results, diff), **results)
    result.update(account_facts(*account_of(module, snapshot, results, given.get('caller'))))
    return result
