# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""iam_bootstrap_sso_info's pure part: raw answers -> users, groups, permission sets, assignments and effective
access by name; the instance that may be missing; the accounts option."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import find_instance
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import describe_instance
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import effective_access
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import known_ids
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import not_enabled
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import read_all
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import start_url
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.modules.iam_bootstrap_sso_info import checked_accounts

ACCOUNT, OTHER = '111111111111', '222222222222'
INSTANCE = 'arn:aws:sso:::instance/ssoins-0123456789abcdef'


def user(name, user_id):
    return {'user_name': name, 'user_id': user_id, 'display_name': name.upper(), 'email': None, 'given_name': None, 'family_name': None}


RAW = {
    'users': [user('zoe', 'u-z'), user('alice', 'u-a'), user('bob', 'u-b')],
    'groups': [{'name': 'PowerUsers', 'group_id': 'g-p', 'description': None, 'member_ids': ['u-z', 'u-b']},
               {'name': 'Administrators', 'group_id': 'g-a', 'description': 'admins', 'member_ids': ['u-a', 'u-gone']}],
    'permission_sets': [{'name': 'Power', 'arn': 'ps-p', 'description': None, 'session_duration': 'PT8H',
                         'relay_state': None, 'managed_policies': ['PowerUserAccess', 'Billing']},
                        {'name': 'Admin', 'arn': 'ps-a', 'description': 'all', 'session_duration': None,
                         'relay_state': None, 'managed_policies': ['AdministratorAccess']}],
    'assignments': [{'account_id': OTHER, 'permission_set_arn': 'ps-p', 'principal_type': 'USER', 'principal_id': 'u-b'},
                    {'account_id': ACCOUNT, 'permission_set_arn': 'ps-p', 'principal_type': 'GROUP', 'principal_id': 'g-p'},
                    {'account_id': ACCOUNT, 'permission_set_arn': 'ps-p', 'principal_type': 'USER', 'principal_id': 'u-b'},
                    {'account_id': ACCOUNT, 'permission_set_arn': 'ps-a', 'principal_type': 'GROUP', 'principal_id': 'g-a'},
                    {'account_id': ACCOUNT, 'permission_set_arn': 'ps-a', 'principal_type': 'USER', 'principal_id': 'u-deleted'}],
}


def test_users_sorted_with_their_groups_sorted():
    users = describe_instance(RAW)['users']
    assert [(u['user_name'], u['user_id'], u['display_name'], u['groups']) for u in users] == [
        ('alice', 'u-a', 'ALICE', ['Administrators']), ('bob', 'u-b', 'BOB', ['PowerUsers']), ('zoe', 'u-z', 'ZOE', ['PowerUsers'])]
    assert set(users[0]) == {'user_name', 'user_id', 'display_name', 'email', 'groups'}


def test_groups_sorted_with_member_names_and_unknown_member_ids_kept():
    assert describe_instance(RAW)['groups'] == [
        {'name': 'Administrators', 'group_id': 'g-a', 'description': 'admins', 'members': ['alice', 'u-gone']},
        {'name': 'PowerUsers', 'group_id': 'g-p', 'description': None, 'members': ['bob', 'zoe']}]


def test_permission_sets_sorted_with_policy_names_sorted():
    assert describe_instance(RAW)['permission_sets'] == [
        {'name': 'Admin', 'arn': 'ps-a', 'description': 'all', 'session_duration': None, 'managed_policies': ['AdministratorAccess']},
        {'name': 'Power', 'arn': 'ps-p', 'description': None, 'session_duration': 'PT8H', 'managed_policies': ['Billing', 'PowerUserAccess']}]


def test_assignments_by_name_sorted_and_a_deleted_principal_shown_by_id():
    assert [tuple(entry.values()) for entry in describe_instance(RAW)['assignments']] == [
        (ACCOUNT, 'Admin', 'GROUP', 'Administrators'), (ACCOUNT, 'Admin', 'USER', 'u-deleted'),
        (ACCOUNT, 'Power', 'GROUP', 'PowerUsers'), (ACCOUNT, 'Power', 'USER', 'bob'), (OTHER, 'Power', 'USER', 'bob')]


def test_access_direct_or_through_a_group_once_each_sorted_and_every_user_a_key():
    assert describe_instance(RAW)['access'] == {
        'alice': [{'account_id': ACCOUNT, 'permission_set': 'Admin'}],
        'bob': [{'account_id': ACCOUNT, 'permission_set': 'Power'}, {'account_id': OTHER, 'permission_set': 'Power'}],
        'zoe': [{'account_id': ACCOUNT, 'permission_set': 'Power'}]}


def test_access_of_a_user_without_assignment_is_empty_and_unknown_principals_give_none():
    users = [{'user_name': 'carol'}]
    assignments = [{'account_id': ACCOUNT, 'permission_set': 'Admin', 'principal_type': 'USER', 'principal_name': 'u-deleted'},
                   {'account_id': ACCOUNT, 'permission_set': 'Admin', 'principal_type': 'GROUP', 'principal_name': 'Nobody'}]
    assert effective_access(users, [], assignments) == {'carol': []}


def test_empty_instance():
    assert describe_instance({'users': [], 'groups': [], 'permission_sets': [], 'assignments': []}) == {
        'users': [], 'groups': [], 'permission_sets': [], 'assignments': [], 'access': {}}


def test_known_ids_for_the_snapshot():
    assert known_ids(describe_instance(RAW)) == {'users': {'alice': 'u-a', 'bob': 'u-b', 'zoe': 'u-z'},
                                                 'groups': {'Administrators': 'g-a', 'PowerUsers': 'g-p'},
                                                 'permission_sets': {'Admin': 'ps-a', 'Power': 'ps-p'}}


def test_not_enabled_answer_and_start_url():
    answer = not_enabled('eu-west-1')
    assert answer['enabled'] is False and answer['region'] == 'eu-west-1' and answer['start_url'] is None
    assert all(answer[key] == [] for key in ('users', 'groups', 'permission_sets', 'assignments')) and answer['access'] == {}
    assert start_url('d-1234567890') == 'https://d-1234567890.awsapps.com/start'


class Instances:
    """A client whose ListInstances answers ``instances`` (one page)."""

    def __init__(self, instances):
        self.instances = instances

    def get_paginator(self, _name):
        return self

    def paginate(self, **_params):
        return self

    def build_full_result(self):
        return {'Instances': self.instances}


def test_no_instance_is_none_when_not_required_and_a_failure_naming_the_manual_step_when_required():
    assert find_instance(Instances([]), required=False) is None
    assert find_instance(Instances([{'InstanceArn': INSTANCE, 'IdentityStoreId': 'd-1', 'Status': 'DELETE_IN_PROGRESS'}]), required=False) is None
    with pytest.raises(IAMFailure, match='not enabled'):
        find_instance(Instances([]))
    found = find_instance(Instances([{'InstanceArn': INSTANCE, 'IdentityStoreId': 'd-1', 'Status': 'ACTIVE'}]), required=False)
    assert found == {'arn': INSTANCE, 'identity_store_id': 'd-1', 'partition': 'aws'}
    with pytest.raises(IAMFailure, match='instance_arn'):
        find_instance(Instances([]), instance_arn=INSTANCE, required=False)


def test_accounts_checked_each_once():
    assert checked_accounts(None) is None
    assert checked_accounts([ACCOUNT, OTHER, ACCOUNT]) == [ACCOUNT, OTHER]
    with pytest.raises(OptionError, match=r'accounts\[1\]'):
        checked_accounts([ACCOUNT, '12'])
    with pytest.raises(OptionError, match='accounts'):
        checked_accounts([])


# --- what the snapshot's read already holds is not read again --------------------------------------

class Answers:
    """A client of canned answers (paginated or not) that records each operation called."""

    def __init__(self, answers):
        self.answers, self.calls = answers, []

    def get_paginator(self, operation):
        return self._Paginator(self, operation)

    def describe_permission_set(self, aws_retry=False, **params):
        self.calls.append('describe_permission_set')
        return {'PermissionSet': self.answers['describe_permission_set'][params['PermissionSetArn']]}

    class _Paginator:
        def __init__(self, client, operation):
            self.client, self.operation = client, operation

        def paginate(self, **params):
            self.client.calls.append(self.operation)
            answer = self.client.answers[self.operation]
            answer = answer(params) if callable(answer) else answer
            return type('Pages', (), {'build_full_result': lambda _self: answer})()


INSTANCE_READ = {'arn': INSTANCE, 'identity_store_id': 'd-0123456789'}
STORE_ANSWERS = {
    'list_users': {'Users': [{'UserName': 'alice', 'UserId': 'u-a', 'DisplayName': 'A'}]},
    'list_groups': {'Groups': [{'GroupId': 'g-a', 'DisplayName': 'Administrators'}, {'GroupId': 'g-p', 'DisplayName': 'PowerUsers'}]},
    'list_group_memberships': lambda params: {'GroupMemberships': [{'MembershipId': 'm-' + params['GroupId'], 'MemberId': {'UserId': 'u-a'}}]},
}
ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess'
SSO_ANSWERS = {
    'list_permission_sets': {'PermissionSets': ['ps-a', 'ps-p']},
    'describe_permission_set': {'ps-a': {'Name': 'Admin'}, 'ps-p': {'Name': 'Power'}},
    'list_managed_policies_in_permission_set': {'AttachedManagedPolicies': [{'Arn': ADMIN_ARN}]},
    'list_account_assignments': lambda params: {'AccountAssignments': [{'PrincipalType': 'GROUP', 'PrincipalId': 'g-a'}]},
}


def test_without_a_snapshot_s_read_everything_is_read():
    store, sso_admin = Answers(STORE_ANSWERS), Answers(SSO_ANSWERS)
    raw = read_all(sso_admin, store, INSTANCE_READ, [ACCOUNT])
    assert store.calls == ['list_users', 'list_groups', 'list_group_memberships', 'list_group_memberships']
    assert sorted(sso_admin.calls) == sorted(['list_permission_sets'] + ['describe_permission_set', 'list_managed_policies_in_permission_set',
                                                                         'list_account_assignments'] * 2)
    assert [group['member_ids'] for group in raw['groups']] == [['u-a'], ['u-a']]
    assert [state['managed_policies'] for state in raw['permission_sets']] == [['AdministratorAccess'], ['AdministratorAccess']]


def test_only_what_the_snapshot_s_read_lacks_is_read():
    handed = {
        'users': [user('alice', 'u-a')],
        'groups': [{'name': 'Administrators', 'group_id': 'g-a', 'description': None, 'member_ids': ['u-a']},
                   {'name': 'PowerUsers', 'group_id': 'g-p', 'description': None}],
        'permission_sets': [{'name': 'Admin', 'arn': 'ps-a', 'description': None, 'session_duration': 'PT4H', 'managed_policies': ['ReadOnlyAccess']},
                            {'name': 'Power', 'arn': 'ps-p', 'description': None, 'session_duration': None}],
        'assignments': {ACCOUNT: {'ps-a': [['USER', 'u-a']]}, OTHER: {'ps-p': []}},
    }
    store, sso_admin = Answers(STORE_ANSWERS), Answers(SSO_ANSWERS)
    raw = read_all(sso_admin, store, INSTANCE_READ, [ACCOUNT], handed)
    assert store.calls == ['list_group_memberships']
    assert sso_admin.calls == ['list_managed_policies_in_permission_set', 'list_account_assignments']
    assert raw['users'] == handed['users'] and [group['member_ids'] for group in raw['groups']] == [['u-a'], ['u-a']]
    assert [state['managed_policies'] for state in raw['permission_sets']] == [['ReadOnlyAccess'], ['AdministratorAccess']]
    assert raw['assignments'] == [
        {'account_id': ACCOUNT, 'permission_set_arn': 'ps-a', 'principal_type': 'USER', 'principal_id': 'u-a'},
        {'account_id': ACCOUNT, 'permission_set_arn': 'ps-p', 'principal_type': 'GROUP', 'principal_id': 'g-a'}]
