# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Groups and users in one task (iam_bootstrap_identities): the checks across entries, the snapshot
read from GetAccountAuthorizationDetails, the diff and members of the task, and the account it names."""

from __future__ import annotations

import datetime
import json

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import (
    account_facts,
    account_from_arns,
    check_group_references,
    combined_diff,
    desired_identities,
    known,
    settle_memberships,
    snapshot_from_details,
)
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from tests.utils.iam_entries import GROUP_DEFAULTS
from tests.utils.iam_entries import USER_DEFAULTS
from tests.utils.iam_entries import group_entry
from tests.utils.iam_entries import user_entry

ACCOUNT = '123456789012'
READ_ONLY_ARN = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
POWER_ARN = 'arn:aws:iam::aws:policy/PowerUserAccess'
DOC = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:ListAllMyBuckets', 'Resource': '*'}]}
OTHER_DOC = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Deny', 'Action': 'iam:*', 'Resource': '*'}]}


def params(groups=(), users=()):
    return {'groups': list(groups), 'users': list(users)}


def option_error(**kwargs):
    with pytest.raises(OptionError) as raised:
        desired_identities(params(**kwargs))
    return raised.value


# --- desired_identities ---------------------------------------------------------------------------

def test_valid_entries_become_desired_states_with_labels():
    groups, users = desired_identities(params(
        groups=[group_entry('Admins', managed_policies=['ReadOnlyAccess'], inline_policies={'read': json.dumps(DOC)}),
                group_entry('Old', state='absent')],
        users=[user_entry('alice', groups=['Admins', 'Admins', 'Dev'], tags={'team': 'ops'}),
               user_entry('bob', state='absent')]))
    assert groups == [
        {'name': 'Admins', 'path': None, 'state': 'present', 'managed_policies': ['ReadOnlyAccess'], 'purge_policies': False,
         'inline_policies': {'read': DOC}, 'purge_inline_policies': False, 'label': 'groups[Admins]'},
        {'name': 'Old', 'path': None, 'state': 'absent', 'managed_policies': None, 'purge_policies': False,
         'inline_policies': None, 'purge_inline_policies': False, 'label': 'groups[Old]'},
    ]
    alice = {'name': 'alice', 'state': 'present', 'path': None, 'tags': {'team': 'ops'}, 'purge_tags': True,
             'groups': ['Admins', 'Dev'], 'purge_groups': False, 'console_access': None, 'password': None,
             'password_reset_required': True, 'update_password': 'on_create', 'access_key': None, 'in_use': None,
             'max_age_days': None, 'retire': False, 'credentials_csv': None, 'label': 'users[alice]'}
    bob = dict(alice, name='bob', state='absent', tags=None, groups=None, label='users[bob]')
    assert users == [alice, bob]


def test_empty_input_gives_no_entries():
    assert desired_identities({}) == ([], [])
    assert desired_identities({'groups': None, 'users': None}) == ([], [])
    assert desired_identities(params()) == ([], [])


def test_an_invalid_name_is_labelled_by_the_entry_index():
    error = option_error(groups=[group_entry('Admins'), group_entry('bad name')])
    assert error.option == 'groups[1].name'
    assert error.message.startswith('groups[1].name: an IAM group name may only contain')
    error = option_error(users=[user_entry('alice'), user_entry('bob'), user_entry('')])
    assert error.message == 'users[2].name: an IAM user name must not be empty'


def test_a_user_name_too_long_for_a_user_is_labelled_by_the_index():
    name = 'u' * 65  # a valid group name, but one character over the limit for a user
    error = option_error(users=[user_entry(name)])
    assert error.message.startswith('users[0].name: an IAM user name is at most 64 characters')
    groups, _users = desired_identities(params(groups=[group_entry(name)]))  # for a group it is a valid name
    assert groups[0]['label'] == 'groups[%s]' % name


def test_other_errors_are_labelled_by_the_entry_name():
    error = option_error(users=[user_entry('alice'), user_entry('PowerUser', password='S3cret-Passw0rd!')])
    assert error.option == 'users[PowerUser].password'
    assert error.message == 'users[PowerUser].password: is only used with console_access=true'
    assert 'S3cret-Passw0rd!' not in error.message
    error = option_error(groups=[group_entry('Admins', inline_policies={'read': '{not json'})])
    assert error.message.startswith('groups[Admins].inline_policies.read: the policy document is not valid JSON')
    error = option_error(groups=[group_entry('Admins', managed_policies=['arn:aws:iam::bad'])])
    assert error.option == 'groups[Admins].managed_policies'
    error = option_error(users=[user_entry('carol', groups=['ok', 'not ok'])])
    assert error.option == 'users[carol].groups'


def test_an_error_of_a_later_entry_is_found_before_any_io():
    error = option_error(groups=[group_entry('A'), group_entry('B'), group_entry('C', path='no-slashes')])
    assert error.message.startswith('groups[C].path: an IAM path must begin and end with "/"')


def test_a_name_given_twice_is_refused():
    error = option_error(groups=[group_entry('Admins'), group_entry('Dev'), group_entry('Admins', state='absent')])
    assert error.option == 'groups[Admins]'
    assert 'twice' in error.rule and "'Admins'" in error.rule
    error = option_error(users=[user_entry('alice'), user_entry('alice', state='absent')])
    assert error.option == 'users[alice]' and 'twice' in error.rule


def test_a_group_and_a_user_may_share_a_name():
    groups, users = desired_identities(params(groups=[group_entry('ops')], users=[user_entry('ops')]))
    assert [g['label'] for g in groups] == ['groups[ops]'] and [u['label'] for u in users] == ['users[ops]']


def test_a_present_user_cannot_join_a_group_this_task_removes():
    error = option_error(groups=[group_entry('Admins'), group_entry('Old', state='absent')],
                         users=[user_entry('alice', groups=['Admins', 'Old'])])
    assert error.option == 'users[alice].groups'
    assert "'Old'" in error.rule and 'groups[Old]' in error.rule and 'state=absent' in error.rule


def test_a_removed_user_or_one_not_managing_groups_may_name_a_removed_group():
    groups, users = desired_identities(params(groups=[group_entry('Old', state='absent')],
                                              users=[user_entry('bob', state='absent', groups=['Old']), user_entry('carol')]))
    assert [g['name'] for g in groups] == ['Old'] and [u['name'] for u in users] == ['bob', 'carol']


# --- snapshot_from_details ------------------------------------------------------------------------

CREATED = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)

# GetAccountAuthorizationDetails(Filter=['User', 'Group']) as boto3 returns it (policy documents
# come URL-decoded; botocore parses most of them into dicts, a string is accepted too).
DETAILS = {
    'UserDetailList': [
        {'Path': '/', 'UserName': 'zoe', 'UserId': 'AIDAZOE000000000001', 'Arn': 'arn:aws:iam::%s:user/zoe' % ACCOUNT,
         'CreateDate': CREATED, 'GroupList': ['Admins', 'Dev'], 'AttachedManagedPolicies': [], 'UserPolicyList': [],
         'Tags': [{'Key': 'team', 'Value': 'ops'}]},
        {'Path': '/staff/', 'UserName': 'alice', 'UserId': 'AIDAALICE0000000001', 'Arn': 'arn:aws:iam::%s:user/staff/alice' % ACCOUNT,
         'CreateDate': CREATED, 'GroupList': ['Admins'], 'AttachedManagedPolicies': []},
        {'Path': '/', 'UserName': 'loner', 'UserId': 'AIDALONER0000000001', 'Arn': 'arn:aws:iam::%s:user/loner' % ACCOUNT,
         'CreateDate': CREATED, 'GroupList': [], 'AttachedManagedPolicies': [], 'Tags': []},
    ],
    'GroupDetailList': [
        {'Path': '/', 'GroupName': 'Admins', 'GroupId': 'AGPAADMINS000000001', 'Arn': 'arn:aws:iam::%s:group/Admins' % ACCOUNT,
         'CreateDate': CREATED,
         'GroupPolicyList': [{'PolicyName': 'as-dict', 'PolicyDocument': DOC},
                             {'PolicyName': 'as-string', 'PolicyDocument': json.dumps(OTHER_DOC)}],
         'AttachedManagedPolicies': [{'PolicyName': 'ReadOnlyAccess', 'PolicyArn': READ_ONLY_ARN},
                                     {'PolicyName': 'PowerUserAccess', 'PolicyArn': POWER_ARN},
                                     {'PolicyName': 'Mine', 'PolicyArn': 'arn:aws:iam::%s:policy/Mine' % ACCOUNT}]},
        {'Path': '/dev/', 'GroupName': 'Dev', 'GroupId': 'AGPADEV000000000001', 'Arn': 'arn:aws:iam::%s:group/dev/Dev' % ACCOUNT,
         'CreateDate': CREATED, 'GroupPolicyList': [], 'AttachedManagedPolicies': []},
        {'Path': '/', 'GroupName': 'Empty', 'GroupId': 'AGPAEMPTY0000000001', 'Arn': 'arn:aws:iam::%s:group/Empty' % ACCOUNT,
         'CreateDate': CREATED},
    ],
    'Policies': [],
    'RoleDetailList': [],
}


def test_snapshot_keys_users_by_name_and_keeps_their_entries():
    snapshot = snapshot_from_details(DETAILS)
    assert sorted(snapshot['users']) == ['alice', 'loner', 'zoe']
    assert snapshot['users']['alice'] is DETAILS['UserDetailList'][1]
    assert snapshot['users']['zoe']['Tags'] == [{'Key': 'team', 'Value': 'ops'}]


def test_snapshot_groups_have_members_policies_and_documents():
    # Keyed by lower-case name: IAM finds and keeps names regardless of case.
    groups = snapshot_from_details(DETAILS)['groups']
    assert sorted(groups) == ['admins', 'dev', 'empty']
    assert groups['admins'] == {
        'group_name': 'Admins', 'group_id': 'AGPAADMINS000000001', 'arn': 'arn:aws:iam::123456789012:group/Admins', 'path': '/',
        'create_date': '2024-01-02T03:04:05+00:00',
        'members': ['alice', 'zoe'],  # from the users' GroupList, sorted
        'managed_policies': ['arn:aws:iam::123456789012:policy/Mine', 'arn:aws:iam::aws:policy/PowerUserAccess',
                             'arn:aws:iam::aws:policy/ReadOnlyAccess'],
        'inline_policies': {'as-dict': DOC, 'as-string': OTHER_DOC},
    }
    assert isinstance(groups['admins']['inline_policies']['as-string'], dict)
    assert groups['dev']['members'] == ['zoe'] and groups['dev']['path'] == '/dev/'
    assert groups['dev']['managed_policies'] == [] and groups['dev']['inline_policies'] == {}
    assert groups['empty']['members'] == [] and groups['empty']['managed_policies'] == [] and groups['empty']['inline_policies'] == {}


def test_snapshot_finds_users_and_groups_regardless_of_case():
    snapshot = snapshot_from_details(DETAILS)
    assert known(snapshot, 'groups', 'ADMINS')['group_name'] == 'Admins'
    assert known(snapshot, 'users', 'Alice') is DETAILS['UserDetailList'][1]
    assert known(snapshot, 'users', 'nobody') is None


def test_snapshot_of_an_empty_account():
    assert snapshot_from_details({}) == {'users': {}, 'groups': {}}
    assert snapshot_from_details({'UserDetailList': [], 'GroupDetailList': []}) == {'users': {}, 'groups': {}}


# --- check_group_references -----------------------------------------------------------------------

def references(groups=(), users=()):
    return desired_identities(params(groups=groups, users=users))


def test_a_group_that_exists_or_is_created_may_be_joined():
    snapshot = snapshot_from_details(DETAILS)
    groups, users = references(groups=[group_entry('New')], users=[user_entry('alice', groups=['Admins', 'New'])])
    assert check_group_references(groups, users, snapshot) is None


def test_a_group_neither_existing_nor_created_is_refused_naming_the_user():
    snapshot = snapshot_from_details(DETAILS)
    groups, users = references(groups=[group_entry('New')],
                               users=[user_entry('alice', groups=['Admins']), user_entry('bob', groups=['New', 'Missing'])])
    with pytest.raises(OptionError) as raised:
        check_group_references(groups, users, snapshot)
    assert raised.value.option == 'users[bob].groups'
    assert "'Missing'" in raised.value.rule


def test_a_group_in_an_empty_account_not_created_here_is_refused():
    groups, users = references(users=[user_entry('alice', groups=['Admins'])])
    with pytest.raises(OptionError) as raised:
        check_group_references(groups, users, {'users': {}, 'groups': {}})
    assert raised.value.option == 'users[alice].groups'


def test_absent_users_and_users_not_managing_groups_are_not_checked():
    groups, users = references(users=[user_entry('bob', state='absent', groups=['Missing']), user_entry('carol')])
    assert check_group_references(groups, users, {'users': {}, 'groups': {}}) is None


# --- combined_diff --------------------------------------------------------------------------------

def test_combined_diff_has_only_the_changed_entries_and_strips_every_diff():
    results = {
        'groups': [
            {'name': 'Admins', 'changed': True, 'diff': {'before': {}, 'after': {'group_name': 'Admins'}}},
            {'name': 'Same', 'changed': False, 'diff': {'before': {'group_name': 'Same'}, 'after': {'group_name': 'Same'}}},
        ],
        'users': [
            {'name': 'alice', 'changed': True, 'diff': {'before': {'tags': {}}, 'after': {'tags': {'a': 'b'}}}},
            {'name': 'bob', 'changed': True, 'diff': {'before': {'user_name': 'bob'}, 'after': {}}},
            {'name': 'quiet', 'changed': False},
        ],
    }
    diff = combined_diff(results)
    assert diff == {
        'before': {'groups': {'Admins': {}}, 'users': {'alice': {'tags': {}}, 'bob': {'user_name': 'bob'}}},
        'after': {'groups': {'Admins': {'group_name': 'Admins'}}, 'users': {'alice': {'tags': {'a': 'b'}}, 'bob': {}}},
    }
    for option in ('groups', 'users'):
        for entry in results[option]:
            assert 'diff' not in entry
    assert results['groups'][1] == {'name': 'Same', 'changed': False}


def test_combined_diff_of_a_changed_entry_without_a_diff():
    diff = combined_diff({'groups': [{'name': 'G', 'changed': True, 'diff': None}], 'users': []})
    assert diff == {'before': {'groups': {'G': {}}, 'users': {}}, 'after': {'groups': {'G': {}}, 'users': {}}}
    assert combined_diff({'groups': [], 'users': []}) == {'before': {'groups': {}, 'users': {}}, 'after': {'groups': {}, 'users': {}}}


# --- account_from_arns / account_facts ------------------------------------------------------------

@pytest.mark.parametrize('arn, partition, domain', [
    ('arn:aws:iam::111122223333:user/alice', 'aws', 'signin.aws.amazon.com'),
    ('arn:aws-cn:iam::111122223333:group/Admins', 'aws-cn', 'signin.amazonaws.cn'),
    ('arn:aws-us-gov:iam::111122223333:user/path/bob', 'aws-us-gov', 'signin.amazonaws-us-gov.com'),
])
def test_account_and_sign_in_url_from_an_arn(arn, partition, domain):
    assert account_from_arns([arn]) == (partition, '111122223333')
    assert account_facts(partition, '111122223333') == {
        'account_id': '111122223333', 'sign_in_url': 'https://111122223333.%s/console' % domain}


def test_account_from_the_first_arn_with_an_account():
    arns = [None, '', 'not-an-arn', 'arn:aws:iam', 'arn:aws:s3:::bucket-without-account',
            'arn:aws-cn:iam::444455556666:user/first', 'arn:aws:iam::111122223333:user/second']
    assert account_from_arns(arns) == ('aws-cn', '444455556666')


def test_an_aws_managed_policy_arn_has_no_account():
    assert account_from_arns(['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::111122223333:user/alice']) == (
        'aws', '111122223333')


def test_no_account_without_arns():
    assert account_from_arns([]) == (None, None)
    assert account_from_arns(['nope', None, 'arn:aws:s3:::bucket']) == (None, None)
    assert account_facts(None, None) == {'account_id': None, 'sign_in_url': None}


def test_names_given_twice_in_another_case_are_duplicates():
    # IAM keeps one user per name regardless of case: 'Admins' and 'admins' are the same group.
    with pytest.raises(OptionError) as raised:
        desired_identities({'groups': [dict(GROUP_DEFAULTS, name='Admins'), dict(GROUP_DEFAULTS, name='admins')], 'users': []})
    assert raised.value.message.startswith('groups[admins]: ')


def test_a_user_may_not_join_a_removed_group_written_in_another_case():
    params = {'groups': [dict(GROUP_DEFAULTS, name='Temp', state='absent')],
              'users': [dict(USER_DEFAULTS, name='bob', groups=['TEMP'])]}
    with pytest.raises(OptionError) as raised:
        desired_identities(params)
    assert raised.value.message.startswith('users[bob].groups: ')


# --- settle_memberships ---------------------------------------------------------------------------

def _group_entry(name, members, changed=True):
    return {'name': name, 'state': 'present', 'changed': changed,
            'group': {'group_name': name, 'members': list(members)},
            'diff': {'before': {}, 'after': {'group_name': name, 'members': list(members)}}}


def _user_entry(name, groups=None, state='present'):
    entry = {'name': name, 'state': state, 'changed': True}
    if state == 'present':
        entry['user'] = {'user_name': name} if groups is None else {'user_name': name, 'groups': list(groups)}
    return entry


def test_members_after_the_task_include_users_it_added_and_drop_those_it_removed():
    results = {
        'groups': [_group_entry('Admins', ['old', 'stays']), _group_entry('Devs', [])],
        'users': [
            _user_entry('new', ['Admins', 'devs']),   # joins both (names compared regardless of case)
            _user_entry('old', state='absent'),       # removed user leaves its groups
            _user_entry('Stays'),                     # groups not managed: membership untouched
            _user_entry('moved', ['Devs']),           # not in Admins after the task
        ],
    }
    settle_memberships(results)
    assert results['groups'][0]['group']['members'] == ['new', 'stays']
    assert results['groups'][1]['group']['members'] == ['moved', 'new']
    assert results['groups'][0]['diff']['after']['members'] == ['new', 'stays']


def test_a_removed_group_has_no_members_to_settle():
    results = {'groups': [{'name': 'Gone', 'state': 'absent', 'changed': True, 'diff': {'before': {}, 'after': {}}}],
               'users': [_user_entry('new', ['Gone'])]}
    settle_memberships(results)
    assert 'group' not in results['groups'][0] and results['groups'][0]['diff']['after'] == {}
