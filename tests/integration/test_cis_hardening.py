# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 7: the account_admin role hardens the account for the CIS AWS Foundations IAM controls, and
iam_bootstrap_info reports them. What is checked is read back from moto with boto3, recorded by the
proxy, or evaluated by moto's own IAM authorization - not copied from the modules.
"""

from __future__ import annotations

import datetime
import json
import os

import boto3
import botocore.config
import botocore.exceptions
from botocore.parsers import ResponseParserError
import pytest

from tests.utils.ansible_runner import ROOT, run_module, run_playbook

ACCOUNT = '123456789012'
EXCEPTION = {'1.16': 'the guide gives Administrators AdministratorAccess'}
MANUAL_BY_NATURE = {'1.1', '1.2', '1.3', '1.7', '1.18', '1.20', '1.21'}
# What only a person can do in a fresh account: root's MFA device (1.5, 1.6), the console users' enrolment (1.10).
MANUAL_PERSON = {'1.5', '1.6', '1.10'}
# The role's calls on a re-run (the guide's 10 plus the account settings' 4 reads, the MFA policy's 2 and the
# support role's 2); see the report for the budget.
ROLE_RERUN_BUDGET = 18
ROLE_FIRST_RUN_BUDGET = 30


def moto(sandbox, service='iam', key_id='x', secret='y', attempts=None):
    config = botocore.config.Config(retries={'max_attempts': attempts, 'mode': 'standard'}) if attempts else None
    return boto3.client(service, endpoint_url=sandbox.endpoint, region_name='us-east-1', aws_access_key_id=key_id,
                        aws_secret_access_key=secret, config=config)


def role_playbook(tmp_path, variables=None):
    variables = dict({'account_admin_credentials_dir': str(tmp_path / 'csv'), 'account_admin_report': False}, **(variables or {}))
    playbook = tmp_path / 'account_admin.yml'
    playbook.write_text(json.dumps([{
        'name': 'account_admin', 'hosts': 'localhost', 'gather_facts': False,
        'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
        'roles': [{'role': 'awsbootstrap.iam.account_admin', 'vars': variables}],
    }]))
    return playbook


def findings(proxy_or_sandbox, home, exceptions=None):
    result = run_module('iam_bootstrap_info', {'exceptions': exceptions or {}}, home, extra_env=proxy_or_sandbox.env)
    assert not result.get('failed'), result
    return {row['id']: row for row in result['findings']}, result


def test_default_bootstrap_passes_every_api_checkable_control_but_the_explained_1_16(aws_proxy, sandbox, home, tmp_path):
    playbook = role_playbook(tmp_path)
    run_playbook(playbook, home, aws_proxy.env)
    first = aws_proxy.counts()
    aws_proxy.clear()
    proc = run_playbook(playbook, home, aws_proxy.env)
    rerun = aws_proxy.counts()
    assert 'changed=0' in proc.stdout and aws_proxy.write_calls() == []
    print('\naccount_admin API calls (hardened defaults): first %d %s\n re-run %d %s'
          % (sum(first.values()), dict(first), sum(rerun.values()), dict(rerun)))
    assert sum(first.values()) <= ROLE_FIRST_RUN_BUDGET, first
    assert sum(rerun.values()) <= ROLE_RERUN_BUDGET, rerun

    # The hardening, read back from moto.
    iam = moto(sandbox)
    policy = iam.get_account_password_policy()['PasswordPolicy']
    assert policy['MinimumPasswordLength'] == 14 and policy['PasswordReusePrevention'] == 24
    assert all(policy[field] for field in ('RequireUppercaseCharacters', 'RequireLowercaseCharacters', 'RequireNumbers',
                                           'RequireSymbols', 'AllowUsersToChangePassword'))
    assert iam.list_group_policies(GroupName='Administrators')['PolicyNames'] == ['ForceMFA']
    assert iam.list_group_policies(GroupName='PowerUsers')['PolicyNames'] == []  # no console user there
    role = iam.get_role(RoleName='AWSSupport')['Role']
    assert role['AssumeRolePolicyDocument']['Statement'][0]['Principal'] == {'AWS': 'arn:aws:iam::%s:root' % ACCOUNT}
    assert [p['PolicyArn'] for p in iam.list_attached_role_policies(RoleName='AWSSupport')['AttachedPolicies']] == [
        'arn:aws:iam::aws:policy/AWSSupportAccess']
    for user in ('Administrator', 'PowerUser'):
        assert iam.list_attached_user_policies(UserName=user)['AttachedPolicies'] == []
        assert iam.list_user_policies(UserName=user)['PolicyNames'] == []
    assert iam.list_access_keys(UserName='Administrator')['AccessKeyMetadata'] == []

    rows, _result = findings(sandbox, home, EXCEPTION)
    statuses = {control: row['status'] for control, row in rows.items()}
    assert {c for c, s in statuses.items() if s == 'manual'} == MANUAL_BY_NATURE | MANUAL_PERSON, statuses
    assert {c for c, s in statuses.items() if s == 'fail'} == {'1.16'}, statuses
    assert rows['1.16']['exception'] == EXCEPTION['1.16']
    assert rows['1.16']['resources'] == ['group Administrators'] and 'AdministratorAccess' in rows['1.16']['evidence']
    assert rows['1.10']['resources'] == ['Administrator']
    assert rows['1.17']['resources'] == ['role AWSSupport']
    assert 'AccountMFAEnabled = 0' in rows['1.5']['evidence']


def test_the_report_playbook_prints_the_findings_table(sandbox, home, tmp_path):
    run_playbook(role_playbook(tmp_path), home, sandbox.env)
    proc = run_playbook(os.path.join(ROOT, 'playbooks', 'report.yml'), home, sandbox.env)
    assert '"CIS   Status ' in proc.stdout
    assert '"1.8   PASS ' in proc.stdout and '"1.16  FAIL (exception) ' in proc.stdout and '"1.10  MANUAL ' in proc.stdout
    assert '1.16 exception: The guide gives' in proc.stdout


def test_scoped_administrators_pass_1_16(sandbox, home, tmp_path):
    run_playbook(role_playbook(tmp_path), home, sandbox.env)
    run_playbook(role_playbook(tmp_path, {'account_admin_administrators_access': 'scoped'}), home, sandbox.env)
    attached = moto(sandbox).list_attached_group_policies(GroupName='Administrators')['AttachedPolicies']
    assert sorted(p['PolicyName'] for p in attached) == ['IAMFullAccess', 'PowerUserAccess']
    rows, _result = findings(sandbox, home)
    assert rows['1.16']['status'] == 'pass' and rows['1.16']['exception'] is None


def test_role_refuses_a_console_user_with_a_key_before_any_change(aws_proxy, home, tmp_path):
    users = '[{"name": "Dev", "console_access": true, "password": "Dev-Passw0rd-Long!", "access_key": "present"}]'
    proc = run_playbook(role_playbook(tmp_path, {'account_admin_users': json.loads(users)}), home, aws_proxy.env, check=False)
    assert proc.returncode != 0 and 'CIS 1.11' in proc.stdout
    assert aws_proxy.calls == []


def test_bad_accounts_fail_the_matching_controls_with_evidence(sandbox, home):
    iam = moto(sandbox)
    iam.update_account_password_policy(MinimumPasswordLength=8, PasswordReusePrevention=3)
    iam.create_group(GroupName='Devs')
    iam.attach_group_policy(GroupName='Devs', PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess')
    iam.create_user(UserName='direct')
    iam.attach_user_policy(UserName='direct', PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess')
    iam.put_user_policy(UserName='direct', PolicyName='own', PolicyDocument=json.dumps(
        {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:ListBucket', 'Resource': '*'}]}))
    iam.create_user(UserName='twokeys')
    two = [iam.create_access_key(UserName='twokeys')['AccessKey']['AccessKeyId'] for _number in range(2)]
    iam.create_user(UserName='console')
    iam.add_user_to_group(GroupName='Devs', UserName='console')
    iam.create_login_profile(UserName='console', Password='Console-Passw0rd!')
    setup_key = iam.create_access_key(UserName='console')['AccessKey']['AccessKeyId']

    rows, result = findings(sandbox, home)
    assert rows['1.8']['status'] == 'fail' and 'MinimumPasswordLength = 8' in rows['1.8']['evidence']
    assert rows['1.9']['status'] == 'fail' and 'PasswordReusePrevention = 3' in rows['1.9']['evidence']
    assert rows['1.10']['status'] == 'fail' and rows['1.10']['resources'] == ['console']  # Devs has no MFA policy
    assert rows['1.11']['status'] == 'fail' and rows['1.11']['resources'] == ['console']
    assert rows['1.13']['status'] == 'fail' and rows['1.13']['resources'] == ['twokeys'] and 'twokeys (2)' in rows['1.13']['evidence']
    assert rows['1.15']['status'] == 'fail' and rows['1.15']['resources'] == ['direct']
    assert 'ReadOnlyAccess' in rows['1.15']['evidence'] and 'inline own' in rows['1.15']['evidence']
    assert rows['1.17']['status'] == 'fail'
    assert rows['1.14']['status'] == 'pass'  # every key is new
    # No secret and no full key id in the evidence: keys are named by their last 4 characters.
    text = json.dumps(result['findings'])
    assert not any(key in text for key in two + [setup_key])


class _NoRetryKwarg:
    """A plain boto3 client where the module_utils expect an AWSRetry-wrapped one (``aws_retry=True``)."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if not callable(attribute) or name in ('get_paginator',):
            return attribute

        def call(*args, **kwargs):
            kwargs.pop('aws_retry', None)
            return attribute(*args, **kwargs)
        return call


def test_a_100_day_old_key_fails_rotation_and_unused(sandbox):
    from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.findings import compute_findings
    from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.report import read_report

    iam = moto(sandbox)
    iam.create_user(UserName='old')
    key = iam.create_access_key(UserName='old')['AccessKey']
    created = iam.list_access_keys(UserName='old')['AccessKeyMetadata'][0]['CreateDate']
    # moto cannot backdate a key; reading the account 100 days after the key was made is the same thing.
    later = created + datetime.timedelta(days=100)
    report, raw = read_report(_NoRetryKwarg(iam), _NoRetryKwarg(moto(sandbox, 'sts')), now=later, sleep=lambda _s: None)
    rows = {row['id']: row for row in compute_findings(report, raw, later)}
    assert rows['1.14']['status'] == 'fail' and rows['1.14']['resources'] == ['old']
    assert '%s (100 days)' % key['AccessKeyId'][-4:] in rows['1.14']['evidence']
    assert rows['1.12']['status'] == 'fail' and rows['1.12']['resources'] == ['old']


def _denied(call):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        call()
    assert error.value.response['Error']['Code'] in ('AccessDenied', 'AccessDeniedException'), error.value.response['Error']
    return True


def _not_denied(call):
    """The call passed moto's authorization: it answered, or failed after the check (moto authorizes before it looks
    the action up, and answers 500 for an action it does not implement, such as ChangePassword)."""
    try:
        call()
    except botocore.exceptions.ClientError as error:
        assert error.response['Error']['Code'] not in ('AccessDenied', 'AccessDeniedException'), error.response['Error']
    except ResponseParserError as error:
        assert '500 Internal Server Error' in str(error)
    return True


def test_mfa_policy_denies_a_console_user_without_mfa_under_moto_authorization(sandbox, home, tmp_path):
    users = [{'name': 'Administrator', 'groups': ['Administrators'], 'console_access': True, 'password': 'Admin-Initial-Passw0rd!'},
             {'name': 'Operator', 'groups': ['Operators'], 'console_access': True, 'password': 'Operator-Initial-Passw0rd!'},
             {'name': 'PowerUser', 'groups': ['PowerUsers'], 'access_key': 'present'}]
    groups = [{'name': 'Administrators', 'managed_policies': ['AdministratorAccess']},
              {'name': 'Operators', 'managed_policies': ['AdministratorAccess'], 'mfa_policy': False},
              {'name': 'PowerUsers', 'managed_policies': ['PowerUserAccess']}]
    run_playbook(role_playbook(tmp_path, {'account_admin_users': users, 'account_admin_groups': groups}), home, sandbox.env)
    iam = moto(sandbox)
    assert iam.list_group_policies(GroupName='Operators')['PolicyNames'] == []  # opted out
    # Keys for the two console users, only to talk to moto as them (a real console session has no key).
    keys = {name: iam.create_access_key(UserName=name)['AccessKey'] for name in ('Administrator', 'Operator')}

    def as_user(name, service='iam'):
        return moto(sandbox, service, keys[name]['AccessKeyId'], keys[name]['SecretAccessKey'], attempts=1)

    sandbox.enforce_auth(True)
    try:
        admin, admin_s3 = as_user('Administrator'), as_user('Administrator', 's3')
        # Ordinary actions are denied without MFA, although AdministratorAccess allows them ...
        assert _denied(admin_s3.list_buckets)
        assert _denied(admin.list_users)
        assert _denied(lambda: admin.create_user(UserName='Intruder'))
        assert _denied(lambda: admin.list_access_keys(UserName='Administrator'))
        # ... the first-sign-in steps are not: read the password policy, change the password, enrol a device.
        assert admin.get_account_password_policy()['PasswordPolicy']['MinimumPasswordLength'] == 14
        assert admin.get_user(UserName='Administrator')['User']['UserName'] == 'Administrator'
        assert _not_denied(lambda: admin.change_password(OldPassword='Admin-Initial-Passw0rd!', NewPassword='Admin-Second-Passw0rd!!'))
        device = admin.create_virtual_mfa_device(VirtualMFADeviceName='Administrator')['VirtualMFADevice']['SerialNumber']
        admin.enable_mfa_device(UserName='Administrator', SerialNumber=device, AuthenticationCode1='123456', AuthenticationCode2='654321')
        assert [d['SerialNumber'] for d in admin.list_mfa_devices(UserName='Administrator')['MFADevices']] == [device]
        # The same permissions without the policy (the opted-out group) are not denied: the policy is what denies.
        operator_s3 = as_user('Operator', 's3')
        operator_s3.list_buckets()
        assert 'Intruder' not in [u['UserName'] for u in as_user('Operator').list_users()['Users']]
    finally:
        sandbox.enforce_auth(False)
    assert 'Intruder' not in [u['UserName'] for u in iam.list_users()['Users']]
    rows, _result = findings(sandbox, home)
    # Administrator now has MFA; Operator has none and no MFA-enforcing group: 1.10 fails for Operator only.
    assert rows['1.10']['status'] == 'fail' and rows['1.10']['resources'] == ['Operator']


def test_iam_bootstrap_role_check_mode_apply_rerun_and_trust_change(aws_proxy, sandbox, home):
    args = {'name': 'AWSSupport', 'managed_policies': ['AWSSupportAccess'], 'description': 'support'}
    checked = run_module('iam_bootstrap_role', args, home, check_mode=True, diff=True, extra_env=aws_proxy.env)
    assert checked['changed'] and checked['diff']['before'] == {} and aws_proxy.write_calls() == []
    created = run_module('iam_bootstrap_role', args, home, extra_env=aws_proxy.env)
    assert created['changed'] and created['role']['arn'] == 'arn:aws:iam::%s:role/AWSSupport' % ACCOUNT
    role = moto(sandbox).get_role(RoleName='AWSSupport')['Role']
    # Without a trust policy given, a new role trusts the caller's own account.
    assert role['AssumeRolePolicyDocument']['Statement'][0]['Principal'] == {'AWS': 'arn:aws:iam::%s:root' % ACCOUNT}
    aws_proxy.clear()
    again = run_module('iam_bootstrap_role', args, home, extra_env=aws_proxy.env)
    assert not again['changed'] and aws_proxy.write_calls() == []
    assert sorted(aws_proxy.counts()) == ['GetRole', 'ListAttachedRolePolicies']
    other = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::210987654321:root'},
                                                     'Action': 'sts:AssumeRole'}]}
    aws_proxy.clear()
    changed = run_module('iam_bootstrap_role', dict(args, assume_role_policy_document=other), home, extra_env=aws_proxy.env)
    assert changed['changed'] and [c.action for c in aws_proxy.write_calls()] == ['UpdateAssumeRolePolicy']
    role = moto(sandbox).get_role(RoleName='AWSSupport')['Role']
    assert role['AssumeRolePolicyDocument']['Statement'][0]['Principal'] == {'AWS': 'arn:aws:iam::210987654321:root'}
    gone = run_module('iam_bootstrap_role', {'name': 'AWSSupport', 'state': 'absent'}, home, extra_env=aws_proxy.env)
    assert gone['changed'] and 'AWSSupport' not in [r['RoleName'] for r in moto(sandbox).list_roles()['Roles']]
