# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""iam_bootstrap_sso_info against moto's sso-admin and identitystore, every call recorded by the proxy: an
instance set up with boto3 (not with the collection's modules) is reported by name, with each user's effective
access; the calls are counted; bad input is refused before any call."""

from __future__ import annotations

import pytest

from tests.integration.test_identity_center import client
from tests.utils.ansible_runner import run_module
from tests.utils.sandbox import SANDBOX_REGION

ACCOUNT = '123456789012'
OTHER = '210987654321'


def set_up(sandbox):
    """alice in Administrators, bob in PowerUsers with ReadOnly directly on OTHER, carol in no group."""
    sso, store = client(sandbox, 'sso-admin'), client(sandbox, 'identitystore')
    instance = sso.list_instances()['Instances'][0]
    arn, store_id = instance['InstanceArn'], instance['IdentityStoreId']
    users = {}
    for name in ('bob', 'alice', 'carol'):
        users[name] = store.create_user(IdentityStoreId=store_id, UserName=name, DisplayName=name.title(),
                                        Name={'GivenName': name.title(), 'FamilyName': 'X'},
                                        Emails=[{'Value': '%s@example.com' % name, 'Primary': True}])['UserId']
    groups = {}
    for name, member in (('PowerUsers', 'bob'), ('Administrators', 'alice')):
        groups[name] = store.create_group(IdentityStoreId=store_id, DisplayName=name, Description=name + ' of the team')['GroupId']
        store.create_group_membership(IdentityStoreId=store_id, GroupId=groups[name], MemberId={'UserId': users[member]})
    permission_sets = {}
    for name, policy in (('AdministratorAccess', 'AdministratorAccess'), ('PowerUserAccess', 'PowerUserAccess'), ('ReadOnly', 'ReadOnlyAccess')):
        permission_sets[name] = sso.create_permission_set(InstanceArn=arn, Name=name, SessionDuration='PT4H')['PermissionSet']['PermissionSetArn']
        sso.attach_managed_policy_to_permission_set(InstanceArn=arn, PermissionSetArn=permission_sets[name],
                                                    ManagedPolicyArn='arn:aws:iam::aws:policy/' + policy)
    for account, permission_set, kind, principal in ((ACCOUNT, 'AdministratorAccess', 'GROUP', groups['Administrators']),
                                                     (ACCOUNT, 'PowerUserAccess', 'GROUP', groups['PowerUsers']),
                                                     (OTHER, 'ReadOnly', 'USER', users['bob']),
                                                     (ACCOUNT, 'PowerUserAccess', 'USER', users['bob'])):
        sso.create_account_assignment(InstanceArn=arn, TargetId=account, TargetType='AWS_ACCOUNT', PermissionSetArn=permission_sets[permission_set],
                                      PrincipalType=kind, PrincipalId=principal)
    return instance, users, groups, permission_sets


def test_reports_everything_by_name_with_effective_access(aws_proxy, sandbox, home):
    instance, users, _groups, permission_sets = set_up(sandbox)
    aws_proxy.clear()
    result = run_module('iam_bootstrap_sso_info', {'accounts': [ACCOUNT, OTHER]}, home, extra_env=aws_proxy.env)
    assert result.get('failed') is not True, result
    assert result['changed'] is False and result['enabled'] is True
    assert result['instance_arn'] == instance['InstanceArn']
    assert result['start_url'] == 'https://%s.awsapps.com/start' % instance['IdentityStoreId']
    assert result['region'] == SANDBOX_REGION
    assert [(u['user_name'], u['user_id'], u['display_name'], u['email'], u['groups']) for u in result['users']] == [
        ('alice', users['alice'], 'Alice', 'alice@example.com', ['Administrators']),
        ('bob', users['bob'], 'Bob', 'bob@example.com', ['PowerUsers']),
        ('carol', users['carol'], 'Carol', 'carol@example.com', [])]
    assert [(g['name'], g['description'], g['members']) for g in result['groups']] == [
        ('Administrators', 'Administrators of the team', ['alice']), ('PowerUsers', 'PowerUsers of the team', ['bob'])]
    assert [(p['name'], p['arn'], p['session_duration'], p['managed_policies']) for p in result['permission_sets']] == [
        ('AdministratorAccess', permission_sets['AdministratorAccess'], 'PT4H', ['AdministratorAccess']),
        ('PowerUserAccess', permission_sets['PowerUserAccess'], 'PT4H', ['PowerUserAccess']),
        ('ReadOnly', permission_sets['ReadOnly'], 'PT4H', ['ReadOnlyAccess'])]
    assert [tuple(a.values()) for a in result['assignments']] == [
        (ACCOUNT, 'AdministratorAccess', 'GROUP', 'Administrators'), (ACCOUNT, 'PowerUserAccess', 'GROUP', 'PowerUsers'),
        (ACCOUNT, 'PowerUserAccess', 'USER', 'bob'), (OTHER, 'ReadOnly', 'USER', 'bob')]
    # bob's PowerUserAccess on ACCOUNT comes twice (group and direct): once in his access.
    assert result['access'] == {
        'alice': [{'account_id': ACCOUNT, 'permission_set': 'AdministratorAccess'}],
        'bob': [{'account_id': ACCOUNT, 'permission_set': 'PowerUserAccess'}, {'account_id': OTHER, 'permission_set': 'ReadOnly'}],
        'carol': []}
    assert result['identity_center_snapshot']['users'] == users
    assert aws_proxy.write_calls() == []
    # 3 users, 2 groups, 3 permission sets, 2 accounts given (no STS): 1 + 1 + 1 + 2 + 1 + 3 + 3 + 2 * 3 = 18.
    assert aws_proxy.counts() == {'ListInstances': 1, 'ListUsers': 1, 'ListGroups': 1, 'ListGroupMemberships': 2, 'ListPermissionSets': 1,
                                  'DescribePermissionSet': 3, 'ListManagedPoliciesInPermissionSet': 3, 'ListAccountAssignments': 6}


def test_this_account_by_default_and_the_snapshot_saves_list_instances(aws_proxy, sandbox, home):
    set_up(sandbox)
    first = run_module('iam_bootstrap_sso_info', {}, home, extra_env=aws_proxy.env)
    assert {a['account_id'] for a in first['assignments']} == {ACCOUNT}
    aws_proxy.clear()
    again = run_module('iam_bootstrap_sso_info', {'identity_center_snapshot': first['identity_center_snapshot']}, home, extra_env=aws_proxy.env)
    assert again['access'] == first['access']
    counts = aws_proxy.counts()
    assert 'ListInstances' not in counts and counts['GetCallerIdentity'] == 1


@pytest.mark.parametrize('args, named', [
    ({'accounts': ['12345']}, 'accounts[0]'),
    ({'accounts': []}, 'accounts'),
    ({'instance_arn': 'arn:aws:sso:::instance/nope'}, 'instance_arn'),
    ({'identity_center_snapshot': {'instance_arn': 'x'}}, 'identity_center_snapshot'),
])
def test_bad_input_refused_before_any_call(aws_proxy, home, args, named):
    result = run_module('iam_bootstrap_sso_info', args, home, extra_env=aws_proxy.env)
    assert result['failed'] is True and named in result['msg']
    assert aws_proxy.counts() == {}
