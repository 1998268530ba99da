# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Identity Center option checks: every bad value is refused with a message naming the entry and the option,
and the instance is chosen from ListInstances' answer (none: the manual step)."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import check_snapshot
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import choose_instance
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import read_handed_on
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import snapshot_result
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_instance_arn
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import session_seconds
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import desired_assignments
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import assignments_read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import known_names
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import with_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import check_members
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import check_new_users
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import desired_identities
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import identities_read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import desired_permission_sets
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import permission_sets_read

ALICE = {'user_name': 'alice', 'display_name': 'Alice M', 'given_name': 'Alice', 'family_name': 'Martin'}
DOC = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]}
INSTANCE = {'InstanceArn': 'arn:aws:sso:::instance/ssoins-0123456789abcdef', 'IdentityStoreId': 'd-0123456789', 'Status': 'ACTIVE'}


def refused(function, *args):
    with pytest.raises(OptionError) as error:
        function(*args)
    return error.value.message


IDENTITY_CASES = [
    # (id, params, the start of the message, a piece of the rule)
    ('user-name-space', {'users': [dict(ALICE, user_name='alice m')]}, 'users[0].user_name:', 'spaces'),
    ('user-name-reserved', {'users': [dict(ALICE, user_name='Administrator')]}, 'users[0].user_name:', 'reserves'),
    ('user-name-long', {'users': [dict(ALICE, user_name='u' * 129)]}, 'users[0].user_name:', 'at most 128'),
    ('user-email', {'users': [dict(ALICE, email='alice at example.com')]}, 'users[alice].email:', 'NAME@DOMAIN'),
    ('user-display-empty', {'users': [dict(ALICE, display_name='  ')]}, 'users[alice].display_name:', 'must not be empty'),
    ('user-given-newline', {'users': [dict(ALICE, given_name='Al\nice')]}, 'users[alice].given_name:', 'line breaks'),
    ('user-twice', {'users': [ALICE, dict(ALICE, user_name='ALICE')]}, 'users[ALICE].user_name:', 'given twice'),
    ('group-reserved', {'groups': [{'name': 'AWSAdministrators'}]}, 'groups[0].name:', 'reserves'),
    ('group-padded', {'groups': [{'name': ' Admins'}]}, 'groups[0].name:', 'begin or end'),
    ('group-member-space', {'groups': [{'name': 'Admins', 'members': ['bad name']}]}, 'groups[Admins].members:', 'spaces'),
    ('group-member-twice', {'groups': [{'name': 'Admins', 'members': ['bob', 'Bob']}]}, 'groups[Admins].members:', 'listed twice'),
    ('group-member-removed', {'users': [{'user_name': 'bob', 'state': 'absent'}], 'groups': [{'name': 'Admins', 'members': ['bob']}]},
     'groups[Admins].members:', 'removed by this task'),
    ('group-description-long', {'groups': [{'name': 'Admins', 'description': 'd' * 1025}]}, 'groups[Admins].description:', 'at most 1024'),
]


@pytest.mark.parametrize('case, params, prefix, rule', IDENTITY_CASES, ids=[case[0] for case in IDENTITY_CASES])
def test_identity_entries_are_refused_naming_entry_and_option(case, params, prefix, rule):
    message = refused(desired_identities, params)
    assert message.startswith(prefix) and rule in message, (case, message)


PERMISSION_SET_CASES = [
    ('name-long', {'name': 'p' * 33}, 'permission_sets[0].name:', '1 to 32'),
    ('name-space', {'name': 'Admin Access'}, 'permission_sets[0].name:', '1 to 32'),
    ('duration-not-iso', {'name': 'Admin', 'session_duration': '4h'}, 'permission_sets[Admin].session_duration:', 'ISO-8601'),
    ('duration-short', {'name': 'Admin', 'session_duration': 'PT30M'}, 'permission_sets[Admin].session_duration:', 'between 1 and 12'),
    ('duration-long', {'name': 'Admin', 'session_duration': 'PT13H'}, 'permission_sets[Admin].session_duration:', 'between 1 and 12'),
    ('relay-state-space', {'name': 'Admin', 'relay_state': 'https://x\ny'}, 'permission_sets[Admin].relay_state:', 'line breaks'),
    ('relay-state-long', {'name': 'Admin', 'relay_state': 'https://' + 'x' * 240}, 'permission_sets[Admin].relay_state:', 'at most 240'),
    ('description-long', {'name': 'Admin', 'description': 'd' * 701}, 'permission_sets[Admin].description:', '1 to 700'),
    ('policy-bad-name', {'name': 'Admin', 'managed_policies': ['Admin Access']}, 'permission_sets[Admin].managed_policies:', 'neither'),
    ('policy-customer-arn', {'name': 'Admin', 'managed_policies': ['arn:aws:iam::123456789012:policy/Mine']},
     'permission_sets[Admin].managed_policies:', 'customer_managed_policies'),
    ('too-many-policies', {'name': 'Admin', 'managed_policies': ['P%d' % i for i in range(21)]},
     'permission_sets[Admin].managed_policies:', 'at most 20'),
    ('customer-path', {'name': 'Admin', 'customer_managed_policies': [{'name': 'mine', 'path': 'teams'}]},
     'permission_sets[Admin].customer_managed_policies:', 'begins and ends'),
    ('customer-name', {'name': 'Admin', 'customer_managed_policies': [{'name': 'my policy', 'path': '/'}]},
     'permission_sets[Admin].customer_managed_policies:', '1 to 128'),
    ('inline-json', {'name': 'Admin', 'inline_policy': '{"Statement": ['}, 'permission_sets[Admin].inline_policy:', 'not valid JSON'),
    ('inline-effect', {'name': 'Admin', 'inline_policy': {'Statement': [{'Action': '*'}]}}, 'permission_sets[Admin].inline_policy:', '"Effect"'),
    ('inline-size', {'name': 'Admin', 'inline_policy': dict(DOC, Statement=[dict(DOC['Statement'][0], Resource=['r' * 40000])])},
     'permission_sets[Admin].inline_policy:', 'at most 32768'),
]


@pytest.mark.parametrize('case, entry, prefix, rule', PERMISSION_SET_CASES, ids=[case[0] for case in PERMISSION_SET_CASES])
def test_permission_sets_are_refused_naming_entry_and_option(case, entry, prefix, rule):
    message = refused(desired_permission_sets, {'permission_sets': [entry]})
    assert message.startswith(prefix) and rule in message, (case, message)


def test_permission_set_given_twice():
    message = refused(desired_permission_sets, {'permission_sets': [{'name': 'Admin'}, {'name': 'admin'}]})
    assert message.startswith('permission_sets[admin].name:') and 'given twice' in message


ASSIGNMENT_CASES = [
    ('account-short', {'account_id': '12345', 'assignments': []}, 'account_id:', '12 digits'),
    ('entry-account', {'assignments': [{'permission_set': 'Admin', 'principal_name': 'Admins', 'account_id': 'x' * 12}]},
     'assignments[Admins/Admin].account_id:', '12 digits'),
    ('permission-set', {'assignments': [{'permission_set': 'Admin Access', 'principal_name': 'Admins'}]},
     'assignments[Admins/Admin Access].permission_set:', '1 to 32'),
    ('user-space', {'assignments': [{'permission_set': 'Admin', 'principal_type': 'USER', 'principal_name': 'a b'}]},
     'assignments[a b/Admin].principal_name:', 'spaces'),
    ('type', {'assignments': [{'permission_set': 'Admin', 'principal_type': 'ROLE', 'principal_name': 'x'}]},
     'assignments[x/Admin].principal_type:', 'USER or GROUP'),
]


@pytest.mark.parametrize('case, params, prefix, rule', ASSIGNMENT_CASES, ids=[case[0] for case in ASSIGNMENT_CASES])
def test_assignments_are_refused_naming_entry_and_option(case, params, prefix, rule):
    message = refused(desired_assignments, params)
    assert message.startswith(prefix) and rule in message, (case, message)


def test_an_assignment_given_twice_is_refused_once_its_account_is_known():
    params = {'assignments': [{'permission_set': 'Admin', 'principal_name': 'Admins'},
                              {'permission_set': 'admin', 'principal_name': 'admins', 'account_id': '123456789012'}]}
    entries = desired_assignments(params)
    message = refused(with_account, entries, '123456789012')
    assert message.startswith('assignments[admins/admin]:') and 'also given as assignments[Admins/Admin]' in message
    assert len(with_account(entries, '210987654321')) == 2


def test_a_new_user_needs_its_names_and_members_must_exist():
    users, groups = desired_identities({'users': [{'user_name': 'carol', 'display_name': 'Carol'}],
                                        'groups': [{'name': 'Admins', 'members': ['carol', 'dave']}]})
    empty = {'users': {}, 'groups': {}}
    assert refused(check_new_users, users, empty).startswith('users[carol].given_name: required to create')
    # An existing user needs none of them.
    check_new_users(users, {'users': {'carol': {'user_name': 'carol', 'user_id': 'u-1'}}, 'groups': {}})
    assert refused(check_members, groups, users, empty) == \
        "groups[Admins].members: no Identity Store user 'dave' exists, and users does not create it"
    assert check_members(groups, users, empty, check_mode=True) == [
        "groups[Admins].members: no Identity Store user 'dave' exists, and users does not create it (check mode: an earlier task may create it)"]


def test_session_durations_are_compared_by_length():
    assert session_seconds('PT1H') == session_seconds('PT60M') == session_seconds('PT3600S') == 3600
    assert session_seconds('PT8H30M') == 30600
    assert session_seconds('PT') is None and session_seconds('P1D') is None and session_seconds(None) is None


def test_instance_arn_shape():
    assert check_instance_arn('instance_arn', INSTANCE['InstanceArn']) == INSTANCE['InstanceArn']
    assert refused(check_instance_arn, 'instance_arn', 'arn:aws:sso:::permissionSet/x').startswith('instance_arn:')


def test_no_instance_is_a_manual_step():
    with pytest.raises(IAMFailure) as error:
        choose_instance([])
    assert 'not enabled' in error.value.message and 'Manual step' in error.value.message and 'no API' in error.value.message
    with pytest.raises(IAMFailure):
        choose_instance([dict(INSTANCE, Status='CREATE_IN_PROGRESS')])


def test_the_instance_is_the_only_one_or_the_one_named():
    other = dict(INSTANCE, InstanceArn='arn:aws:sso:::instance/ssoins-fedcba9876543210')
    assert choose_instance([INSTANCE]) == INSTANCE
    assert choose_instance([INSTANCE, other], other['InstanceArn']) == other
    with pytest.raises(IAMFailure) as error:
        choose_instance([INSTANCE, other])
    assert error.value.message.startswith('instance_arn: this account sees 2')
    with pytest.raises(IAMFailure) as error:
        choose_instance([INSTANCE], other['InstanceArn'])
    assert error.value.message.startswith('instance_arn: this account sees no IAM Identity Center instance')


SNAPSHOT = {'instance_arn': INSTANCE['InstanceArn'], 'identity_store_id': 'd-0123456789', 'users': {'Alice': 'u-1'},
            'groups': {'Admins': 'g-1'}, 'permission_sets': {'Admin': 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-1'}}


def test_a_snapshot_from_an_earlier_task_is_checked_and_names_lower_cased():
    snapshot = check_snapshot('identity_center_snapshot', SNAPSHOT)
    assert snapshot['users'] == {'alice': 'u-1'} and snapshot['instance_arn'] == INSTANCE['InstanceArn']
    assert check_snapshot('identity_center_snapshot', None) is None and check_snapshot('identity_center_snapshot', {}) is None
    assert refused(check_snapshot, 'identity_center_snapshot', {'users': {}}).startswith('identity_center_snapshot:')
    assert refused(check_snapshot, 'identity_center_snapshot', dict(SNAPSHOT, groups=['Admins'])).startswith('identity_center_snapshot.groups:')
    other = 'arn:aws:sso:::instance/ssoins-fedcba9876543210'
    assert 'not of instance_arn' in refused(check_snapshot, 'identity_center_snapshot', SNAPSHOT, other)


def test_a_task_hands_on_what_it_knows_and_forgets_what_it_removed():
    snapshot = check_snapshot('identity_center_snapshot', SNAPSHOT)
    instance = {'arn': INSTANCE['InstanceArn'], 'identity_store_id': 'd-0123456789'}
    result = snapshot_result(snapshot, instance, users={'Bob': 'u-2', 'alice': None, 'Carol': None})
    assert result['users'] == {'bob': 'u-2'} and result['groups'] == {'admins': 'g-1'}
    assert snapshot_result(None, instance) == dict(instance_arn=instance['arn'], identity_store_id='d-0123456789', users={}, groups={},
                                                   permission_sets={})


def test_a_snapshot_s_read_is_checked_and_kept():
    read = {'users': [{'user_name': 'alice', 'user_id': 'u-1'}], 'assignments': {'123456789012': {'ps-1': [['GROUP', 'g-1']]}}}
    assert check_snapshot('identity_center_snapshot', dict(SNAPSHOT, read=read))['read'] == read
    assert check_snapshot('identity_center_snapshot', SNAPSHOT)['read'] == {}
    for bad in (['users'], {'users': {}}, {'assignments': []}, {'roles': []}):
        assert refused(check_snapshot, 'identity_center_snapshot', dict(SNAPSHOT, read=bad)).startswith('identity_center_snapshot.read:')


def test_what_was_read_is_handed_on_only_by_a_task_that_changed_nothing():
    alice = {'user_name': 'alice', 'user_id': 'u-1', 'display_name': 'A', 'email': None}
    current = {'users': {'alice': dict(alice, memberships={'Admins': 'm-1'})},
               'groups': {'admins': {'name': 'Admins', 'group_id': 'g-1', 'description': None, 'members': {'alice': 'm-1'}, 'member_ids': ['u-1']},
                          'others': {'name': 'Others', 'group_id': 'g-2', 'description': 'x', 'members': None}}}
    identities = identities_read(current)
    assert identities == {'users': [alice], 'groups': [{'name': 'Admins', 'group_id': 'g-1', 'description': None, 'member_ids': ['u-1']},
                                                       {'name': 'Others', 'group_id': 'g-2', 'description': 'x'}]}
    snapshot = check_snapshot('identity_center_snapshot', dict(SNAPSHOT, read=read_handed_on(None, False, **identities)))
    names = {'admin': {'name': 'Admin', 'arn': 'ps-1'}, 'other': {'name': 'Other', 'arn': 'ps-2'}}
    prepared = [({}, dict(names['admin'], managed_policies=['arn:aws:iam::aws:policy/job-function/ViewOnlyAccess']), None), ({}, None, None)]
    permission_sets = permission_sets_read(names, prepared)
    assert permission_sets == [dict(names['admin'], managed_policies=['ViewOnlyAccess']), names['other']]
    handed = read_handed_on(snapshot, False, permission_sets=permission_sets)
    assert handed == dict(identities, permission_sets=permission_sets)
    first = assignments_read({('123456789012', 'ps-1'): [('GROUP', 'g-1')]})
    handed = read_handed_on({'read': read_handed_on({'read': handed}, False, assignments=first)}, False,
                            assignments=assignments_read({('123456789012', 'ps-2'): [], ('210987654321', 'ps-1'): [('USER', 'u-1')]}))
    assert handed['assignments'] == {'123456789012': {'ps-1': [['GROUP', 'g-1']], 'ps-2': []}, '210987654321': {'ps-1': [['USER', 'u-1']]}}
    assert handed['users'] == [alice]
    # A task that changed something (or would have, in check mode) hands on no read at all: its writes may have made any of it untrue.
    assert read_handed_on({'read': handed}, True, assignments=first) == {}
    instance = {'arn': INSTANCE['InstanceArn'], 'identity_store_id': 'd-0123456789'}
    assert 'read' not in snapshot_result({'read': handed}, instance, {}) and snapshot_result(None, instance, handed)['read'] == handed


def test_assignments_take_names_from_the_snapshot_only_when_it_has_them_all():
    snapshot = check_snapshot('identity_center_snapshot', SNAPSHOT)
    entries = desired_assignments({'assignments': [{'permission_set': 'Admin', 'principal_name': 'Admins'}]}, '123456789012')
    permission_sets, principals = known_names(snapshot, entries)
    assert permission_sets == {'admin': {'arn': SNAPSHOT['permission_sets']['Admin']}} and principals[('GROUP', 'admins')] == 'g-1'
    entries = desired_assignments({'assignments': [{'permission_set': 'Other', 'principal_type': 'USER', 'principal_name': 'bob'}]}, '123456789012')
    assert known_names(snapshot, entries) == (None, None)
    assert known_names(None, entries) == (None, None)
