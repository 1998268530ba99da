# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Groups and users in one task (iam_bootstrap_identities): the checks across entries, the snapshot
read from GetAccountAuthorizationDetails, the order plans are applied in, and the reads a batch saves."""

from __future__ import annotations

import datetime
import json

import boto3
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_retry
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import desired_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import prepare_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import (
    account_facts,
    account_from_arns,
    application_order,
    check_group_references,
    combined_diff,
    desired_identities,
    entry_errors,
    known,
    settle_memberships,
    snapshot_from_details,
)
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import read_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import account_alias_reader
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

ACCOUNT = '123456789012'
READ_ONLY_ARN = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
POWER_ARN = 'arn:aws:iam::aws:policy/PowerUserAccess'
DOC = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:ListAllMyBuckets', 'Resource': '*'}]}
OTHER_DOC = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Deny', 'Action': 'iam:*', 'Resource': '*'}]}

# What Ansible's argument spec fills in for an option left out of one entry (None, or its default).
GROUP_DEFAULTS = dict(path=None, managed_policies=None, purge_policies=False, inline_policies=None,
                      purge_inline_policies=False, state='present')
USER_DEFAULTS = dict(path=None, tags=None, purge_tags=True, groups=None, purge_groups=False, console_access=None,
                     password=None, password_reset_required=True, update_password='on_create', access_key_state=None,
                     access_key_in_use=None, access_key_max_age_days=None, retire_other_access_keys=False,
                     credentials_csv=None, state='present')


def group_entry(name, **options):
    return dict(GROUP_DEFAULTS, name=name, **options)


def user_entry(name, **options):
    return dict(USER_DEFAULTS, name=name, **options)


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


# --- entry_errors ---------------------------------------------------------------------------------

def test_entry_errors_prefix_the_label():
    with pytest.raises(OptionError) as raised:
        with entry_errors('groups[Admins]'):
            raise OptionError('managed_policies', 'no managed policy exists')
    assert raised.value.message == 'groups[Admins].managed_policies: no managed policy exists'
    cause = ValueError('boom')
    with pytest.raises(IAMFailure) as failed:
        with entry_errors('users[alice]'):
            raise IAMFailure('CreateUser failed: denied', cause)
    assert failed.value.message == 'users[alice]: CreateUser failed: denied' and failed.value.exception is cause


def test_entry_errors_join_a_failure_that_names_its_option():
    # The two-key limit is an IAMFailure of ours (no botocore error) whose text starts with the option.
    with pytest.raises(IAMFailure) as failed:
        with entry_errors('users[alice]'):
            raise IAMFailure('access_key_state: a new key is needed')
    assert failed.value.message == 'users[alice].access_key_state: a new key is needed'


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


# --- application_order ----------------------------------------------------------------------------

def test_application_order_groups_users_removed_users_removed_groups():
    groups = [{'state': 'absent'}, {'state': 'present'}, {'state': 'absent'}, {'state': 'present'}]
    users = [{'state': 'present'}, {'state': 'absent'}, {'state': 'present'}, {'state': 'absent'}]
    assert application_order(groups, users) == [
        ('groups', 1), ('groups', 3),
        ('users', 0), ('users', 2),
        ('users', 1), ('users', 3),
        ('groups', 0), ('groups', 2),
    ]


def test_application_order_covers_every_entry_once():
    groups = [{'state': 'present'}] * 3
    users = [{'state': 'absent'}] * 2
    order = application_order(groups, users)
    assert sorted(order) == [('groups', 0), ('groups', 1), ('groups', 2), ('users', 0), ('users', 1)]
    assert order[:3] == [('groups', 0), ('groups', 1), ('groups', 2)]
    assert application_order([], []) == []


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


# --- read_user and prepare_group against moto (in process) ----------------------------------------

@pytest.fixture
def iam(monkeypatch):
    """An IAM client (as AnsibleAWSModule builds it) on an in-process moto account with the AWS managed
    policies, and the list of operations it has called so far."""
    from moto import mock_aws  # pylint: disable=import-outside-toplevel
    for variable in ('AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_IAM', 'AWS_CONFIG_FILE',
                     'AWS_SHARED_CREDENTIALS_FILE', 'AWS_SESSION_TOKEN'):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv('MOTO_IAM_LOAD_MANAGED_POLICIES', 'true')
    with mock_aws():
        raw = boto3.client('iam', region_name='us-east-1', aws_access_key_id='AKIAIOSFODNN7EXAMPLE', aws_secret_access_key='x')
        calls = []
        raw.meta.events.register('before-call.iam', lambda model, **_kwargs: calls.append(model.name))
        yield raw, RetryingBotoClientWrapper(raw, iam_retry()), calls


def want_user(**options):
    return desired_user(user_entry('alice', **options))


def details_of_alice(**overrides):
    """alice's UserDetailList entry, deliberately unlike the user moto holds: what read_user returns must come from it."""
    detail = {'Path': '/from-details/', 'UserName': 'alice', 'UserId': 'AIDADETAILS00000001',
              'Arn': 'arn:aws:iam::%s:user/from-details/alice' % ACCOUNT, 'CreateDate': CREATED,
              'GroupList': ['Zeta', 'Admins'], 'AttachedManagedPolicies': [],
              'Tags': [{'Key': 'team', 'Value': 'ops'}, {'Key': 'cost', 'Value': '42'}]}
    detail.update(overrides)
    return detail


def test_read_user_with_no_details_entry_is_no_user_and_no_call(iam):
    _raw, client, calls = iam
    desired = want_user(groups=['Admins'], console_access=True, access_key_state='present')
    assert read_user(client, desired, None) is None
    assert calls == []


def test_read_user_takes_identity_tags_and_groups_from_details_without_a_call(iam):
    _raw, client, calls = iam
    current = read_user(client, want_user(groups=['Admins']), details=details_of_alice())
    assert current == {
        'user_name': 'alice', 'user_id': 'AIDADETAILS00000001', 'arn': 'arn:aws:iam::123456789012:user/from-details/alice',
        'path': '/from-details/', 'create_date': '2024-01-02T03:04:05+00:00', 'tags': {'team': 'ops', 'cost': '42'},
        'groups': ['Admins', 'Zeta'],
    }
    assert calls == []


def test_read_user_from_details_without_groups_or_tags(iam):
    _raw, client, calls = iam
    current = read_user(client, want_user(groups=[]), details=details_of_alice(GroupList=[], Tags=[]))
    assert current['groups'] == [] and current['tags'] == {}
    current = read_user(client, want_user(), details=details_of_alice())
    assert 'groups' not in current  # groups not managed: not part of the current state
    assert calls == []


def test_read_user_from_details_makes_only_the_optional_reads(iam):
    raw, client, calls = iam
    raw.create_user(UserName='alice')
    raw.create_login_profile(UserName='alice', Password='Sup3r-Secret-Pass!')
    raw.create_user(UserName='bob')  # no login profile, no key
    key_id = raw.create_access_key(UserName='alice')['AccessKey']['AccessKeyId']
    del calls[:]
    current = read_user(client, want_user(groups=['Admins'], console_access=True, access_key_state='present'),
                        details=details_of_alice())
    assert sorted(calls) == ['GetLoginProfile', 'ListAccessKeys']
    assert current['path'] == '/from-details/' and current['groups'] == ['Admins', 'Zeta']
    # moto does not keep PasswordResetRequired: only the profile's presence is checked here.
    assert sorted(current['login_profile']) == ['password_reset_required']
    assert [(key['access_key_id'], key['status']) for key in current['access_keys']] == [(key_id, 'Active')]
    del calls[:]
    bob = read_user(client, desired_user(user_entry('bob', console_access=False, access_key_state='absent')),
                    details=details_of_alice(UserName='bob', Arn='arn:aws:iam::%s:user/from-details/bob' % ACCOUNT))
    assert sorted(calls) == ['GetLoginProfile', 'ListAccessKeys']
    assert bob['user_name'] == 'bob' and bob['login_profile'] is None and bob['access_keys'] == []
    assert 'groups' not in bob


def test_read_user_without_details_reads_the_user(iam):
    raw, client, calls = iam
    raw.create_group(GroupName='Admins')
    raw.create_user(UserName='alice', Path='/staff/', Tags=[{'Key': 'team', 'Value': 'ops'}])
    raw.add_user_to_group(GroupName='Admins', UserName='alice')
    del calls[:]
    current = read_user(client, want_user(groups=['Admins']))
    assert calls == ['GetUser', 'ListGroupsForUser']
    assert (current['path'], current['tags'], current['groups']) == ('/staff/', {'team': 'ops'}, ['Admins'])


def group_wanting(name, *policies):
    return desired_group(group_entry(name, managed_policies=list(policies)))


def test_prepare_group_verifies_a_policy_once_per_batch(iam):
    _raw, client, calls = iam
    verified = set()
    first, plan = prepare_group(client, group_wanting('A', 'ReadOnlyAccess'), None, verified)
    assert calls == ['GetPolicy']
    assert first['managed_policies'] == [READ_ONLY_ARN]
    assert plan.operations == ['CreateGroup', 'AttachGroupPolicy']
    assert verified == {READ_ONLY_ARN}
    second, plan = prepare_group(client, group_wanting('B', READ_ONLY_ARN), None, verified)
    assert calls == ['GetPolicy']  # no second GetPolicy for the same ARN
    assert second['managed_policies'] == [READ_ONLY_ARN] and plan.operations == ['CreateGroup', 'AttachGroupPolicy']
    prepare_group(client, group_wanting('C', 'ReadOnlyAccess', 'PowerUserAccess'), None, verified)
    assert calls == ['GetPolicy', 'GetPolicy']  # only the new one
    assert verified == {READ_ONLY_ARN, POWER_ARN}


def test_prepare_group_without_a_shared_set_verifies_every_time(iam):
    _raw, client, calls = iam
    prepare_group(client, group_wanting('A', 'ReadOnlyAccess'), None)
    prepare_group(client, group_wanting('B', 'ReadOnlyAccess'), None)
    assert calls == ['GetPolicy', 'GetPolicy']


def test_prepare_group_skips_policies_already_attached(iam):
    _raw, client, calls = iam
    current = snapshot_from_details(DETAILS)['groups']['admins']
    verified = set()
    desired, plan = prepare_group(client, group_wanting('Admins', 'ReadOnlyAccess'), current, verified)
    assert calls == [] and verified == set()
    assert desired['managed_policies'] == [READ_ONLY_ARN] and plan.actions == []


def test_prepare_group_refuses_an_unknown_policy_naming_managed_policies(iam):
    _raw, client, calls = iam
    verified = set()
    with pytest.raises(OptionError) as raised:
        prepare_group(client, group_wanting('A', 'NoSuchPolicyAnywhere'), None, verified)
    assert raised.value.option == 'managed_policies'
    assert "'NoSuchPolicyAnywhere'" in raised.value.rule
    assert 'arn:aws:iam::aws:policy/NoSuchPolicyAnywhere' in raised.value.rule
    assert verified == set() and calls == ['GetPolicy']
    missing = 'arn:aws:iam::%s:policy/Nope' % ACCOUNT
    with pytest.raises(OptionError) as raised:
        prepare_group(client, group_wanting('B', missing), None, verified)
    assert raised.value.option == 'managed_policies' and repr(missing) in raised.value.rule
    with pytest.raises(OptionError) as raised:
        with entry_errors('groups[B]'):
            prepare_group(client, group_wanting('B', 'ReadOnlyAccess', 'NoSuchPolicyAnywhere'), None, verified)
    assert raised.value.option == 'groups[B].managed_policies'


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


# --- account_alias_reader ---------------------------------------------------------------------------

def test_the_account_alias_is_read_once_however_many_csvs_are_written(iam):
    raw, client, calls = iam
    alias = account_alias_reader(client)
    assert calls == []  # nothing is read until a CSV needs the link
    assert alias() is None and alias() is None
    assert calls == ['ListAccountAliases']
    raw.create_account_alias(AccountAlias='bootstrap-test')
    fresh = account_alias_reader(client)
    assert fresh() == 'bootstrap-test' and fresh() == 'bootstrap-test'
    assert calls.count('ListAccountAliases') == 2
