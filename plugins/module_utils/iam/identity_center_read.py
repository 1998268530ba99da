# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM Identity Center read as a whole, for iam_bootstrap_sso_info: the raw answers (users, groups with
their members, permission sets with their AWS managed policies, the assignments of some accounts), and
the pure step that turns them into names: who is in which group, and who may use which permission set on
which account (directly or through a group)."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import read_groups
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import read_members
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import read_users
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import read_permission_set_names

START_URL = 'https://%s.awsapps.com/start'


def start_url(identity_store_id):
    """The AWS access portal URL of an instance whose portal keeps its default name (the identity store id)."""
    return START_URL % identity_store_id


def read_permission_sets(client, instance_arn, handed=None):
    """[{'name', 'arn', 'description', 'session_duration', 'managed_policies': [names]}]: ListPermissionSets,
    DescribePermissionSet and ListManagedPoliciesInPermissionSet per permission set; none of what ``handed``
    (the snapshot's read permission sets) holds."""
    found = []
    for state in handed if handed is not None else read_permission_set_names(client, instance_arn).values():
        if 'managed_policies' in state:
            found.append(state)
            continue
        attached = read_pages(client, 'ListManagedPoliciesInPermissionSet', 'AttachedManagedPolicies', InstanceArn=instance_arn,
                              PermissionSetArn=state['arn']) or []
        found.append(dict(state, managed_policies=[policy.get('Name') or arn_name(policy['Arn']) for policy in attached]))
    return found


def read_account_assignments(client, instance_arn, accounts, permission_sets, handed=None):
    """[{'account_id', 'permission_set_arn', 'principal_type', 'principal_id'}]: ListAccountAssignments per
    account and permission set that ``handed`` (the snapshot's read assignments) does not hold."""
    found = []
    for account_id in accounts:
        for permission_set in permission_sets:
            principals = ((handed or {}).get(account_id) or {}).get(permission_set['arn'])
            if principals is None:
                principals = [(item['PrincipalType'], item['PrincipalId']) for item in read_pages(
                    client, 'ListAccountAssignments', 'AccountAssignments', InstanceArn=instance_arn, AccountId=account_id,
                    PermissionSetArn=permission_set['arn']) or []]
            found += [{'account_id': account_id, 'permission_set_arn': permission_set['arn'], 'principal_type': principal_type,
                       'principal_id': principal_id} for principal_type, principal_id in principals]
    return found


def read_all(sso_admin, store, instance, accounts, handed=None):
    """The raw answers ``describe_instance`` takes; none of what ``handed`` (the snapshot's read) holds."""
    handed = handed or {}
    store_id = instance['identity_store_id']
    users = handed['users'] if 'users' in handed else read_users(store, store_id)
    groups = [group if 'member_ids' in group else dict(group, member_ids=list(read_members(store, store_id, group['group_id'])))
              for group in (handed['groups'] if 'groups' in handed else read_groups(store, store_id))]
    permission_sets = read_permission_sets(sso_admin, instance['arn'], handed.get('permission_sets'))
    assignments = read_account_assignments(sso_admin, instance['arn'], accounts, permission_sets, handed.get('assignments'))
    return {'users': users, 'groups': groups, 'permission_sets': permission_sets, 'assignments': assignments}


def _groups_view(groups, user_names):
    return sorted(({'name': group['name'], 'group_id': group['group_id'], 'description': group.get('description'),
                    'members': sorted(user_names.get(member, member) for member in group['member_ids'])} for group in groups),
                  key=lambda group: group['name'])


def _assignments_view(assignments, names, permission_set_names):
    view = []
    for item in assignments:
        view.append({'account_id': item['account_id'],
                     'permission_set': permission_set_names.get(item['permission_set_arn'], item['permission_set_arn']),
                     'principal_type': item['principal_type'],
                     'principal_name': names.get((item['principal_type'], item['principal_id']), item['principal_id'])})
    return sorted(view, key=lambda entry: (entry['account_id'], entry['permission_set'], entry['principal_type'], entry['principal_name']))


def effective_access(users, groups, assignments):
    """{user name: [{'account_id', 'permission_set'}]}: every user (an empty list when none), each assignment
    to the user or to a group the user is in, sorted, once each. Pure."""
    access = {user['user_name']: set() for user in users}
    members = {group['name']: group['members'] for group in groups}
    for item in assignments:
        holders = [item['principal_name']] if item['principal_type'] == 'USER' else members.get(item['principal_name'], [])
        for holder in holders:
            if holder in access:
                access[holder].add((item['account_id'], item['permission_set']))
    return {name: [{'account_id': account, 'permission_set': permission_set} for account, permission_set in sorted(pairs)]
            for name, pairs in access.items()}


def describe_instance(raw):
    """The raw answers of ``read_all`` -> users, groups, permission_sets, assignments and access by name,
    each sorted. Pure."""
    user_names = {user['user_id']: user['user_name'] for user in raw['users']}
    groups = _groups_view(raw['groups'], user_names)
    in_groups = {}
    for group in groups:
        for member in group['members']:
            in_groups.setdefault(member, []).append(group['name'])
    users = sorted(({'user_name': user['user_name'], 'user_id': user['user_id'], 'display_name': user.get('display_name'),
                     'email': user.get('email'), 'groups': sorted(in_groups.get(user['user_name'], []))} for user in raw['users']),
                   key=lambda user: user['user_name'])
    permission_sets = sorted(({'name': state['name'], 'arn': state['arn'], 'description': state.get('description'),
                               'session_duration': state.get('session_duration'), 'managed_policies': sorted(state['managed_policies'])}
                              for state in raw['permission_sets']), key=lambda state: state['name'])
    names = {('USER', user_id): name for user_id, name in user_names.items()}
    names.update((('GROUP', group['group_id']), group['name']) for group in raw['groups'])
    assignments = _assignments_view(raw['assignments'], names, {state['arn']: state['name'] for state in raw['permission_sets']})
    return {'users': users, 'groups': groups, 'permission_sets': permission_sets, 'assignments': assignments,
            'access': effective_access(users, groups, assignments)}


def known_ids(described):
    """{kind: {name: id}} of what was read, for the snapshot later tasks take. Pure."""
    return {'users': {user['user_name']: user['user_id'] for user in described['users']},
            'groups': {group['name']: group['group_id'] for group in described['groups']},
            'permission_sets': {state['name']: state['arn'] for state in described['permission_sets']}}


def not_enabled(region):
    """The answer when the account has no IAM Identity Center instance. Pure."""
    return {'enabled': False, 'instance_arn': None, 'identity_store_id': None, 'region': region, 'start_url': None, 'users': [],
            'groups': [], 'permission_sets': [], 'assignments': [], 'access': {}, 'identity_center_snapshot': None}
