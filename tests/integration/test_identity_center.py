# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM Identity Center, account side: playbooks/identity_center.yml and the three modules through the real
ansible-playbook against moto's sso-admin and identitystore, every call recorded by the proxy.

1. a first run creates exactly the users, groups, members, permission sets and assignments asked for
   (read back with boto3, not from the modules' results); a re-run makes no write call;
2. ``--check`` on a fresh account makes no write call and reports every task changed;
3. ``--diff`` shows a change (a new member, a shorter session) and a provisioned permission set is provisioned again;
4. removals (assignment, permission set, group, users) leave nothing behind (3 and 4 follow 1 on the same account);
5. bad inputs are refused before any API call, naming the entry and the option;
6. throttling and 5xx answers injected by the proxy converge to the same account.
"""

from __future__ import annotations

import json
import os

import boto3
import pytest

from tests.utils.ansible_runner import ROOT, run_module, run_playbook, run_playbook_json, task_results
from tests.utils.aws_proxy import Faults
from tests.utils.sandbox import SANDBOX_ACCESS_KEY_ID, SANDBOX_REGION, SANDBOX_SECRET_ACCESS_KEY

PLAYBOOK = os.path.join(ROOT, 'playbooks', 'identity_center.yml')
# The account_admin role's Identity Center tasks, which the playbook runs.
IDENTITIES, PERMISSION_SETS, ASSIGNMENTS = TASKS = tuple('awsbootstrap.iam.account_admin : Identity Center ' + name for name in (
    'users and groups with their members', 'permission sets', 'account assignments'))
ACCOUNT = '123456789012'
POLICY = 'arn:aws:iam::aws:policy/%s'
PEOPLE = {
    'account_admin_identity_center_users': [
        {'user_name': 'alice', 'display_name': 'Alice Martin', 'given_name': 'Alice', 'family_name': 'Martin', 'email': 'alice@example.com',
         'groups': ['Administrators']},
        {'user_name': 'bob', 'display_name': 'Bob Kim', 'given_name': 'Bob', 'family_name': 'Kim', 'groups': ['PowerUsers']},
    ],
}
# What the account holds after the playbook with PEOPLE (written from the issue, not from the modules' output).
EXPECTED = {
    'users': {'alice': ('Alice Martin', 'Alice', 'Martin', 'alice@example.com'), 'bob': ('Bob Kim', 'Bob', 'Kim', None)},
    'groups': {'Administrators': ['alice'], 'PowerUsers': ['bob']},
    'permission_sets': {'AdministratorAccess': ('PT4H', [POLICY % 'AdministratorAccess']), 'PowerUserAccess': ('PT8H', [POLICY % 'PowerUserAccess'])},
    'assignments': [(ACCOUNT, 'AdministratorAccess', 'GROUP', 'Administrators'), (ACCOUNT, 'PowerUserAccess', 'GROUP', 'PowerUsers')],
}
FIRST_RUN_WRITES = sorted(['CreateUser'] * 2 + ['CreateGroup'] * 2 + ['CreateGroupMembership'] * 2 + ['CreatePermissionSet'] * 2
                          + ['AttachManagedPolicyToPermissionSet'] * 2 + ['CreateAccountAssignment'] * 2)


def client(sandbox, service):
    return boto3.client(service, endpoint_url=sandbox.endpoint, region_name=SANDBOX_REGION, aws_access_key_id=SANDBOX_ACCESS_KEY_ID,
                        aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY)


def account_state(sandbox):
    """Users, groups with members, permission sets with policies, and assignments, read straight from moto."""
    sso, store = client(sandbox, 'sso-admin'), client(sandbox, 'identitystore')
    instance = sso.list_instances()['Instances'][0]
    arn, store_id = instance['InstanceArn'], instance['IdentityStoreId']
    users = {}
    for user in store.list_users(IdentityStoreId=store_id)['Users']:
        email = (user.get('Emails') or [{}])[0].get('Value')
        users[user['UserName']] = (user.get('DisplayName'), user['Name']['GivenName'], user['Name']['FamilyName'], email)
    user_names = {user['UserId']: name for name, user in
                  ((u['UserName'], u) for u in store.list_users(IdentityStoreId=store_id)['Users'])}
    groups, group_names = {}, {}
    for group in store.list_groups(IdentityStoreId=store_id)['Groups']:
        group_names[group['GroupId']] = group['DisplayName']
        members = store.list_group_memberships(IdentityStoreId=store_id, GroupId=group['GroupId'])['GroupMemberships']
        groups[group['DisplayName']] = sorted(user_names[m['MemberId']['UserId']] for m in members)
    permission_sets, assignments = {}, []
    for ps_arn in sso.list_permission_sets(InstanceArn=arn)['PermissionSets']:
        described = sso.describe_permission_set(InstanceArn=arn, PermissionSetArn=ps_arn)['PermissionSet']
        policies = sso.list_managed_policies_in_permission_set(InstanceArn=arn, PermissionSetArn=ps_arn)['AttachedManagedPolicies']
        permission_sets[described['Name']] = (described.get('SessionDuration'), sorted(p['Arn'] for p in policies))
        for item in sso.list_account_assignments(InstanceArn=arn, AccountId=ACCOUNT, PermissionSetArn=ps_arn)['AccountAssignments']:
            name = group_names.get(item['PrincipalId']) or user_names.get(item['PrincipalId'])
            assignments.append((item['AccountId'], described['Name'], item['PrincipalType'], name))
    return {'users': users, 'groups': groups, 'permission_sets': permission_sets, 'assignments': sorted(assignments)}


def vars_file(tmp_path, variables=None):
    path = tmp_path / ('vars-%d.json' % len(list(tmp_path.glob('vars-*.json'))))
    path.write_text(json.dumps(PEOPLE if variables is None else variables))
    return path


def run(home, proxy, tmp_path, variables=None, args=(), check=True):
    """The playbook with PEOPLE (or ``variables``); ({task name: result}, CompletedProcess)."""
    report, proc = run_playbook_json(PLAYBOOK, home, proxy.env, args=['-e', '@%s' % vars_file(tmp_path, variables)] + list(args), check=check)
    return task_results(report), proc


def writes(proxy):
    return sorted(call.action for call in proxy.write_calls())


# -- 1. first run, re-run, then 3. a change with --diff and 4. removals on the same account ----------


def test_first_run_rerun_change_with_diff_and_removals(aws_proxy, sandbox, home, tmp_path):
    results, _proc = run(home, aws_proxy, tmp_path)
    assert all(results[task]['changed'] for task in TASKS)
    assert account_state(sandbox) == EXPECTED
    assert writes(aws_proxy) == FIRST_RUN_WRITES
    first = sum(aws_proxy.counts().values())

    aws_proxy.clear()
    results, _proc = run(home, aws_proxy, tmp_path)
    assert not any(results[task]['changed'] for task in TASKS)
    assert aws_proxy.write_calls() == []
    assert account_state(sandbox) == EXPECTED
    rerun = aws_proxy.counts()
    # The re-run reads: the instance once (later tasks take it from the first one's snapshot), users and groups
    # once, two memberships, the permission sets (list + describe each) once, their policies, STS, two
    # assignment lists: 13. The AWS CLI script doing the same takes 15 (benchmarks/identity_center.py).
    assert rerun == {'ListInstances': 1, 'ListUsers': 1, 'ListGroups': 1, 'ListGroupMemberships': 2, 'ListPermissionSets': 1,
                     'DescribePermissionSet': 2, 'ListManagedPoliciesInPermissionSet': 2, 'GetCallerIdentity': 1, 'ListAccountAssignments': 2}
    assert first <= 21, aws_proxy.counts()

    change_with_diff(aws_proxy, sandbox, home, tmp_path)
    remove_power_users(aws_proxy, sandbox, home)


# -- 2. check mode ---------------------------------------------------------------------------------


def test_check_mode_on_a_fresh_account_writes_nothing_and_reports_every_change(aws_proxy, sandbox, home, tmp_path):
    empty = account_state(sandbox)
    assert empty == {'users': {}, 'groups': {}, 'permission_sets': {}, 'assignments': []}
    results, proc = run(home, aws_proxy, tmp_path, args=['--check', '--diff'])
    assert aws_proxy.write_calls() == []
    assert all(results[task]['changed'] for task in TASKS)
    assert account_state(sandbox) == empty
    identities = results[IDENTITIES]
    assert identities['diff']['after']['groups']['Administrators']['members'] == ['alice']
    assert identities['diff']['before']['users']['bob'] == {}
    assert results[PERMISSION_SETS]['diff']['after']['permission_sets']['PowerUserAccess']['managed_policies'] == [POLICY % 'PowerUserAccess']
    assert results[ASSIGNMENTS]['diff']['after']['assignments'] == [
        '%s AdministratorAccess: GROUP Administrators' % ACCOUNT, '%s PowerUserAccess: GROUP PowerUsers' % ACCOUNT]
    # The groups and permission sets the assignments need come from earlier tasks: warned about, not failed.
    assert 'an earlier task may create it' in proc.stdout


# -- 3. diff, re-provisioning (after test 1's first run) -------------------------------------------


def change_with_diff(aws_proxy, sandbox, home, tmp_path):
    """--diff shows a change (a new user and member, a shorter session), and a provisioned permission set
    that changes is provisioned again."""
    sso = client(sandbox, 'sso-admin')
    instance_arn = sso.list_instances()['Instances'][0]['InstanceArn']
    admin_ps = next(arn for arn in sso.list_permission_sets(InstanceArn=instance_arn)['PermissionSets']
                    if sso.describe_permission_set(InstanceArn=instance_arn, PermissionSetArn=arn)['PermissionSet']['Name'] == 'AdministratorAccess')
    sso.provision_permission_set(InstanceArn=instance_arn, PermissionSetArn=admin_ps, TargetType='AWS_ACCOUNT', TargetId=ACCOUNT)
    changed = {'account_admin_identity_center_users': PEOPLE['account_admin_identity_center_users'] + [
        {'user_name': 'carol', 'display_name': 'Carol Diaz', 'given_name': 'Carol', 'family_name': 'Diaz', 'groups': ['PowerUsers']}]}
    changed['account_admin_identity_center_permission_sets'] = [
        {'name': 'AdministratorAccess', 'description': 'AWS managed AdministratorAccess', 'session_duration': 'PT2H',
         'managed_policies': ['AdministratorAccess']},
        {'name': 'PowerUserAccess', 'description': 'AWS managed PowerUserAccess', 'session_duration': 'PT480M', 'managed_policies': ['PowerUserAccess']},
    ]
    aws_proxy.clear()
    # The default output, as a user sees it.
    proc = run_playbook(PLAYBOOK, home, aws_proxy.env, args=['-e', '@%s' % vars_file(tmp_path, changed), '--diff'])
    assert '-            "session_duration": "PT4H"\n' in proc.stdout and '+            "session_duration": "PT2H"\n' in proc.stdout
    assert '+                "carol"' in proc.stdout and '+            "user_name": "carol"' in proc.stdout
    # PT480M is PT8H: PowerUserAccess does not change; the assignments neither.
    assert 'PowerUserAccess": {' not in proc.stdout.split(PERMISSION_SETS + ']')[1].split(ASSIGNMENTS + ']')[0]
    assert 'changed=2 ' in proc.stdout
    assert writes(aws_proxy) == ['CreateGroupMembership', 'CreateUser', 'ProvisionPermissionSet', 'UpdatePermissionSet']
    provision = next(call for call in aws_proxy.write_calls() if call.action == 'ProvisionPermissionSet')
    assert provision.params['PermissionSetArn'] == admin_ps and provision.params['TargetType'] == 'ALL_PROVISIONED_ACCOUNTS'
    state = account_state(sandbox)
    assert state['groups']['PowerUsers'] == ['bob', 'carol'] and state['permission_sets']['AdministratorAccess'][0] == 'PT2H'


# -- 4. removals (after step 3) --------------------------------------------------------------------


def remove_power_users(aws_proxy, sandbox, home):
    """Removing an assignment, a permission set, a group and its users leaves nothing of them behind."""
    aws_proxy.clear()
    args = {'assignments': [{'permission_set': 'PowerUserAccess', 'principal_name': 'PowerUsers', 'state': 'absent'}]}
    result = run_module('iam_bootstrap_sso_assignments', args, home, extra_env=aws_proxy.env)
    assert result['changed'] is True and writes(aws_proxy) == ['DeleteAccountAssignment']
    result = run_module('iam_bootstrap_permission_sets', {'permission_sets': [{'name': 'PowerUserAccess', 'state': 'absent'}]}, home,
                        extra_env=aws_proxy.env)
    assert result['changed'] is True
    result = run_module('iam_bootstrap_sso_identities', {'users': [{'user_name': 'bob', 'state': 'absent'}, {'user_name': 'carol', 'state': 'absent'}],
                                                         'groups': [{'name': 'PowerUsers', 'state': 'absent'}]}, home, extra_env=aws_proxy.env)
    assert result['changed'] is True
    # Each membership is deleted once (by its group's removal), then the group and the users.
    assert writes(aws_proxy) == sorted(['DeleteAccountAssignment', 'DetachManagedPolicyFromPermissionSet', 'DeletePermissionSet',
                                        'DeleteGroupMembership', 'DeleteGroupMembership', 'DeleteGroup', 'DeleteUser', 'DeleteUser'])
    state = account_state(sandbox)
    assert state == {'users': {'alice': EXPECTED['users']['alice']}, 'groups': {'Administrators': ['alice']},
                     'permission_sets': {'AdministratorAccess': ('PT2H', [POLICY % 'AdministratorAccess'])},
                     'assignments': [EXPECTED['assignments'][0]]}
    # Removing again: nothing to do.
    aws_proxy.clear()
    assert run_module('iam_bootstrap_sso_assignments', args, home, extra_env=aws_proxy.env)['changed'] is False
    assert aws_proxy.write_calls() == []


# -- 5. bad inputs ---------------------------------------------------------------------------------

USER = {'user_name': 'alice', 'display_name': 'Alice', 'given_name': 'Alice', 'family_name': 'Martin'}
BAD_INPUTS = [
    # (id, module, arguments, what the message starts with, a piece of the rule)
    ('user-name-space', 'iam_bootstrap_sso_identities', {'users': [dict(USER, user_name='alice m')]}, 'users[0].user_name:', 'spaces'),
    ('user-name-reserved', 'iam_bootstrap_sso_identities', {'users': [dict(USER, user_name='Administrator')]}, 'users[0].user_name:', 'reserves'),
    ('user-email', 'iam_bootstrap_sso_identities', {'users': [dict(USER, email='alice@')]}, 'users[alice].email:', 'NAME@DOMAIN'),
    ('user-twice', 'iam_bootstrap_sso_identities', {'users': [USER, USER]}, 'users[alice].user_name:', 'given twice'),
    ('group-member-removed', 'iam_bootstrap_sso_identities',
     {'users': [{'user_name': 'bob', 'state': 'absent'}], 'groups': [{'name': 'Devs', 'members': ['bob']}]}, 'groups[Devs].members:', 'removed'),
    ('group-padded', 'iam_bootstrap_sso_identities', {'groups': [{'name': 'Devs '}]}, 'groups[0].name:', 'begin or end'),
    ('ps-name', 'iam_bootstrap_permission_sets', {'permission_sets': [{'name': 'Admin Access'}]}, 'permission_sets[0].name:', '1 to 32'),
    ('ps-duration', 'iam_bootstrap_permission_sets', {'permission_sets': [{'name': 'Admin', 'session_duration': '4 hours'}]},
     'permission_sets[Admin].session_duration:', 'ISO-8601'),
    ('ps-duration-long', 'iam_bootstrap_permission_sets', {'permission_sets': [{'name': 'Admin', 'session_duration': 'PT24H'}]},
     'permission_sets[Admin].session_duration:', 'between 1 and 12'),
    ('ps-policy-name', 'iam_bootstrap_permission_sets', {'permission_sets': [{'name': 'Admin', 'managed_policies': ['Admin Access']}]},
     'permission_sets[Admin].managed_policies:', 'neither'),
    ('ps-inline', 'iam_bootstrap_permission_sets', {'permission_sets': [{'name': 'Admin', 'inline_policy': '{"Statement": '}]},
     'permission_sets[Admin].inline_policy:', 'not valid JSON'),
    ('ps-customer-path', 'iam_bootstrap_permission_sets',
     {'permission_sets': [{'name': 'Admin', 'customer_managed_policies': [{'name': 'mine', 'path': 'team'}]}]},
     'permission_sets[Admin].customer_managed_policies:', 'begins and ends'),
    ('assignment-account', 'iam_bootstrap_sso_assignments',
     {'assignments': [{'permission_set': 'Admin', 'principal_name': 'Admins', 'account_id': '1234'}]}, 'assignments[Admins/Admin].account_id:', '12 digits'),
    ('assignment-user', 'iam_bootstrap_sso_assignments',
     {'assignments': [{'permission_set': 'Admin', 'principal_type': 'USER', 'principal_name': 'a b'}]}, 'assignments[a b/Admin].principal_name:', 'spaces'),
    ('instance-arn', 'iam_bootstrap_sso_assignments', {'instance_arn': 'arn:aws:sso:::instance/x', 'assignments': []}, 'instance_arn:', 'not an IAM'),
]


@pytest.mark.parametrize('case, module, args, prefix, rule', BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_refused_before_any_call_naming_entry_and_option(case, module, args, prefix, rule, aws_proxy, home):
    result = run_module(module, args, home, extra_env=aws_proxy.env)
    assert result.get('failed'), result
    assert result['msg'].startswith(prefix) and rule in result['msg'], (case, result['msg'])
    assert aws_proxy.calls == []


def test_at_least_ten_bad_inputs():
    assert len(BAD_INPUTS) >= 10


def test_what_only_the_account_can_tell_is_refused_before_any_write(aws_proxy, sandbox, home):
    result = run_module('iam_bootstrap_permission_sets', {'permission_sets': [{'name': 'Admin', 'managed_policies': ['NoSuchPolicyAtAll']}]},
                        home, extra_env=aws_proxy.env)
    assert result['msg'].startswith("permission_sets[Admin].managed_policies: no managed policy 'NoSuchPolicyAtAll' exists"), result['msg']
    result = run_module('iam_bootstrap_sso_identities', {'groups': [{'name': 'Devs', 'members': ['nobody']}]}, home, extra_env=aws_proxy.env)
    assert result['msg'] == "groups[Devs].members: no Identity Store user 'nobody' exists, and users does not create it"
    result = run_module('iam_bootstrap_sso_identities', {'users': [{'user_name': 'dave', 'display_name': 'Dave'}]}, home, extra_env=aws_proxy.env)
    assert result['msg'].startswith('users[dave].given_name: required to create')
    result = run_module('iam_bootstrap_sso_assignments', {'assignments': [{'permission_set': 'Admin', 'principal_name': 'Devs'}]}, home,
                        extra_env=aws_proxy.env)
    assert result['msg'] == "assignments[Devs/Admin].permission_set: no permission set 'Admin' exists in this IAM Identity Center instance"
    assert aws_proxy.calls and aws_proxy.write_calls() == []


# -- 6. faults -------------------------------------------------------------------------------------


def test_throttling_and_server_errors_converge_to_the_same_account(make_aws_proxy, sandbox, home, tmp_path):
    proxy = make_aws_proxy(Faults(throttle=0.25, server_error=0.25, seed=15))
    results, _proc = run(home, proxy, tmp_path)
    assert proxy.faulted('throttle') and proxy.faulted('server_error'), 'seed 15 no longer injects both faults'
    assert {call.status for call in proxy.faulted('server_error')} <= {500, 503} and {call.status for call in proxy.faulted('throttle')} == {400}
    assert all(results[task]['changed'] for task in TASKS)
    assert account_state(sandbox) == EXPECTED

    proxy.faults = None
    proxy.clear()
    results, _proc = run(home, proxy, tmp_path)
    assert not any(results[task]['changed'] for task in TASKS)
    assert proxy.write_calls() == []
