# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What one task read of the account, handed to later tasks of the same run so that they do not read it again.

A snapshot is a dict of parts, each the answer of one account-wide read, with dates as ISO text so that it
survives Ansible's JSON:

- ``caller``: GetCallerIdentity;
- ``summary``: GetAccountSummary's SummaryMap;
- ``password_policy``: GetAccountPasswordPolicy's PasswordPolicy (None: the account has none);
- ``details``: GetAccountAuthorizationDetails for users, groups, roles and the account's own policies;
- ``access_keys``: {user name: [{access_key_id, status, create_date}]} for the users whose keys were listed;
- ``aliases``: ListAccountAliases's AccountAliases;
- ``new_users``: not a read but what the chain did: the users created in this run (a credential report made
  before them does not list them).

A task that wrote to the account hands on the parts it knows as its writes left them, with ``written``: the
parts its writes may have changed. The ``account_snapshot`` filter (``merged``) drops what earlier tasks read of
those parts, and everything they read when a task changed something without saying what (a task that cannot
know its post-write state, or ran in check mode, hands on nothing). All functions are pure.
"""

from __future__ import annotations

import datetime

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

PARTS = ('caller', 'summary', 'password_policy', 'details', 'access_keys', 'aliases')
# What a snapshot holds besides the parts: the chain's new users, and (in one task's snapshot) the parts it wrote.
META = ('new_users', 'written')
# The option every module that can take a snapshot has.
SNAPSHOT_OPTION = dict(type='dict', default={}, no_log=False)
# The filter that reads every part of the details: whoever hands details on must have read these.
DETAILS_FILTER = ['User', 'Group', 'Role', 'LocalManagedPolicy']


def encode(value):
    """Dates as ISO text, everything else as it is (recursively)."""
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def decode(value, key=''):
    """The inverse of ``encode``: the text of a field whose name ends in ``Date`` becomes a datetime again."""
    if isinstance(value, dict):
        return {name: decode(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [decode(item, key) for item in value]
    if isinstance(value, str) and key.endswith('Date'):
        try:
            return datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
        except ValueError:
            return value
    return value


def checked_snapshot(snapshot, option='account_snapshot'):
    """The snapshot given to a module, decoded, after checking its parts (before any call)."""
    snapshot = snapshot or {}
    unknown = sorted(set(snapshot) - set(PARTS) - set(META))
    if unknown:
        raise OptionError(option, 'unknown part(s) %s (known: %s); give the account_snapshot an earlier task returned'
                          % (', '.join(unknown), ', '.join(PARTS)))
    for name in ('caller', 'summary', 'details', 'access_keys'):
        if name in snapshot and not isinstance(snapshot[name], dict):
            raise OptionError('%s.%s' % (option, name), 'must be a dict, as the task that read it returned it')
    snapshot = {name: value for name, value in snapshot.items() if name != 'written'}
    return decode(snapshot)


def handed_on(changed, written=None, new_users=(), **parts):
    """The snapshot a task returns: the parts it read, or, when it changed the account, the parts it knows as its
    writes left them and ``written`` (the parts its writes may have changed); nothing when it changed the account
    and gives no ``written`` (it cannot say what it changed, or check mode changed nothing to know)."""
    if changed and written is None:
        return {}
    snapshot = {name: encode(_without_metadata(value)) for name, value in parts.items() if name in PARTS}
    if changed:
        snapshot['written'] = sorted(written)
    if new_users:
        snapshot['new_users'] = sorted(new_users)
    return snapshot


def _without_metadata(value):
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if key != 'ResponseMetadata'}
    return value


def merged(results):
    """The snapshot of a chain of task results (oldest first): each part as the last task that read or wrote it
    handed it on, none that a later task changed without handing it on (it no longer describes the account)."""
    snapshot, new_users = {}, set()
    for result in results or []:
        result = result or {}
        given = result.get('account_snapshot') or {}
        if result.get('changed'):
            for name in given.get('written', PARTS):
                snapshot.pop(name, None)
        snapshot.update((name, value) for name, value in given.items() if name in PARTS)
        new_users.update(given.get('new_users') or ())
    if new_users:
        snapshot['new_users'] = sorted(new_users)
    return snapshot


# The account as writes left it, in GetAccountAuthorizationDetails's shape (what a task that wrote hands on).

def policy_entries(arns):
    """Managed policy ARNs as the AttachedManagedPolicies of an entry."""
    return [{'PolicyName': arn_name(arn), 'PolicyArn': arn} for arn in sorted(arns)]


def replaced(details, listing, key, entries):
    """``details`` with the entries of ``listing`` named in ``entries`` ({name: entry, or None for removed}) replaced,
    added or removed; names compare regardless of case, as IAM's do."""
    wanted = {name.lower(): entry for name, entry in entries.items()}
    kept = [entry for entry in details.get(listing) or [] if entry[key].lower() not in wanted]
    return dict(details, **{listing: kept + [entry for entry in wanted.values() if entry is not None]})


def identities_after(details, results, diff):
    """GetAccountAuthorizationDetails as iam_bootstrap_identities left it: ``results`` are its per-entry results,
    ``diff`` its combined diff (the changed groups' policies as they are after the task)."""
    before = {option: {entry[key].lower(): entry for entry in details.get(listing) or []}
              for option, listing, key in (('groups', 'GroupDetailList', 'GroupName'), ('users', 'UserDetailList', 'UserName'))}
    groups, users = {}, {}
    for entry in results['groups']:
        if entry['changed']:
            old = before['groups'].get(entry['name'].lower())
            groups[entry['name']] = _group_entry(old, entry['group'], diff['after']['groups'][entry['name']]) if entry.get('group') else None
    for entry in results['users']:
        if entry['changed']:
            old = before['users'].get(entry['name'].lower())
            users[entry['name']] = _user_entry(old, entry['user']) if entry.get('user') else None
    removed = {name.lower() for name, entry in groups.items() if entry is None}
    after = replaced(replaced(details, 'GroupDetailList', 'GroupName', groups), 'UserDetailList', 'UserName', users)
    if removed:
        after['UserDetailList'] = [dict(user, GroupList=[group for group in user.get('GroupList') or [] if group.lower() not in removed])
                                   for user in after['UserDetailList']]
    return after


def _group_entry(old, group, view):
    entry = dict(old or {'GroupPolicyList': [], 'AttachedManagedPolicies': []})
    entry.update(GroupName=group['group_name'], GroupId=group['group_id'], Arn=group['arn'], Path=group['path'],
                 CreateDate=group['create_date'])
    if 'managed_policies' in view:
        entry['AttachedManagedPolicies'] = policy_entries(view['managed_policies'])
    if 'inline_policies' in view:
        entry['GroupPolicyList'] = [{'PolicyName': name, 'PolicyDocument': document} for name, document in view['inline_policies'].items()]
    return entry


def _user_entry(old, user):
    entry = dict(old or {'GroupList': [], 'AttachedManagedPolicies': [], 'UserPolicyList': []})
    entry.update(UserName=user['user_name'], UserId=user['user_id'], Arn=user['arn'], Path=user['path'], CreateDate=user['create_date'],
                 Tags=[{'Key': key, 'Value': value} for key, value in (user.get('tags') or {}).items()])
    if 'groups' in user:
        entry['GroupList'] = list(user['groups'])
    return entry


def role_after(details, name, role):
    """GetAccountAuthorizationDetails after iam_bootstrap_role: ``role`` its result (None: removed)."""
    entry = None
    if role is not None:
        old = next((found for found in details.get('RoleDetailList') or [] if found['RoleName'].lower() == name.lower()), None)
        entry = dict(old or {'RolePolicyList': [], 'InstanceProfileList': [], 'Tags': []})
        entry.update(RoleName=role['role_name'], RoleId=role['role_id'], Arn=role['arn'], Path=role['path'], CreateDate=role['create_date'],
                     AssumeRolePolicyDocument=role['assume_role_policy_document'],
                     AttachedManagedPolicies=policy_entries(role['managed_policies']))
    return replaced(details, 'RoleDetailList', 'RoleName', {name: entry})
