# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""CIS findings (pure), the credential report parsing, the MFA policy document and the findings table."""

from __future__ import annotations

import datetime
import os

import yaml

from ansible_collections.awsbootstrap.iam.plugins.filter.iam_report import cis_findings_table
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.findings import TITLES
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.findings import allows_full_admin
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.findings import compute_findings
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.findings import denies_without_mfa
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.report import parse_credential_report
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.report import report_key_slots

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *['..'] * 5))
NOW = datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc)
ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'
SUPPORT = 'arn:aws:iam::aws:policy/AWSSupportAccess'
POLICY = {'minimum_password_length': 14, 'password_reuse_prevention': 24}


def mfa_policy():
    with open(os.path.join(ROOT, 'roles', 'account_admin', 'vars', 'main.yml'), encoding='utf-8') as handle:
        text = handle.read().replace('{{ account_admin__account.partition }}', 'aws')
    return yaml.safe_load(text)['account_admin__mfa_policy']


def user(name, console=False, mfa=False, groups=(), keys=(), attached=(), inline=(), created='2025-05-30T00:00:00+00:00', **extra):
    record = {'user_name': name, 'console_access': console, 'mfa_active': mfa, 'groups': list(groups), 'access_keys': list(keys),
              'attached_policies': list(attached), 'inline_policies': list(inline), 'create_date': created,
              'password_last_used': None, 'password_last_changed': created if console else None}
    record.update(extra)
    return record


def key(key_id='AKIAEXAMPLEKEY0001', status='Active', age=1, last_used=None):
    created = (NOW - datetime.timedelta(days=age)).isoformat()
    return {'access_key_id': key_id, 'status': status, 'create_date': created, 'age_days': age, 'last_used_date': last_used}


def good_account(users=None, details=None, **raw):
    details = details or {
        'GroupDetailList': [{'GroupName': 'Administrators', 'AttachedManagedPolicies': [],
                             'GroupPolicyList': [{'PolicyName': 'ForceMFA', 'PolicyDocument': mfa_policy()}]}],
        'RoleDetailList': [{'RoleName': 'AWSSupport', 'AttachedManagedPolicies': [{'PolicyArn': SUPPORT}], 'RolePolicyList': []}],
        'UserDetailList': [], 'Policies': [],
    }
    report = {'users': users if users is not None else [user('Administrator', console=True, groups=['Administrators'])],
              'password_policy': dict(POLICY), 'account_summary': {'account_mfa_enabled': 1, 'account_access_keys_present': 0}}
    base = {'details': details, 'root_row': None, 'root_virtual_mfa': [], 'server_certificates': [], 'caller_arn': 'arn:aws:iam::1:user/x'}
    base.update(raw)
    return report, base


def statuses(report, raw, **kwargs):
    return {row['id']: row for row in compute_findings(report, raw, NOW, **kwargs)}


# --- the MFA policy -------------------------------------------------------------------------------

AWS_DOCUMENTED_NOT_ACTION = {'iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:GetUser', 'iam:ListMFADevices',
                             'iam:ListVirtualMFADevices', 'iam:ResyncMFADevice', 'sts:GetSessionToken'}


def test_mfa_policy_has_the_aws_documented_structure():
    document = mfa_policy()
    assert document['Version'] == '2012-10-17'
    by_sid = {statement['Sid']: statement for statement in document['Statement']}
    deny = by_sid['DenyAllExceptListedIfNoMFA']
    assert deny['Effect'] == 'Deny' and deny['Resource'] == '*' and 'Action' not in deny
    assert deny['Condition'] == {'BoolIfExists': {'aws:MultiFactorAuthPresent': 'false'}}
    # The documented exemptions, plus only what the first-sign-in password change needs (and GetMFADevice, read-only).
    assert set(deny['NotAction']) - AWS_DOCUMENTED_NOT_ACTION == {'iam:ChangePassword', 'iam:GetAccountPasswordPolicy', 'iam:GetMFADevice'}
    assert AWS_DOCUMENTED_NOT_ACTION <= set(deny['NotAction'])
    # Allows are limited to the user's own user and MFA devices; deactivating needs MFA.
    for sid in ('AllowManageOwnPasswords', 'AllowManageOwnUserMFA', 'AllowDeactivateOwnMFAOnlyWithMFA'):
        assert by_sid[sid]['Effect'] == 'Allow' and by_sid[sid]['Resource'] == 'arn:aws:iam::*:user/${aws:username}'
    assert by_sid['AllowManageOwnVirtualMFADevice']['Resource'] == 'arn:aws:iam::*:mfa/*'
    assert by_sid['AllowDeactivateOwnMFAOnlyWithMFA']['Condition'] == {'Bool': {'aws:MultiFactorAuthPresent': 'true'}}
    assert 'iam:DeactivateMFADevice' not in deny['NotAction']
    assert all(statement['Effect'] == 'Deny' or '*' not in statement['Action'] for statement in document['Statement'])
    assert denies_without_mfa(document) and not allows_full_admin(document)


def test_policy_predicates_read_json_and_url_encoded_documents():
    full = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}'
    assert allows_full_admin(full) and allows_full_admin(full.replace('"', '%22').replace('{', '%7B').replace('}', '%7D'))
    assert not allows_full_admin({'Statement': [{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}]})
    assert not denies_without_mfa({'Statement': [{'Effect': 'Deny', 'NotAction': 'iam:GetUser', 'Resource': '*',
                                                  'Condition': {'BoolIfExists': {'aws:MultiFactorAuthPresent': 'true'}}}]})


# --- findings -------------------------------------------------------------------------------------

def test_a_good_account_has_one_row_per_control_and_no_failure():
    rows = statuses(*good_account())
    assert list(rows) == list(TITLES)
    assert {control for control, row in rows.items() if row['status'] == 'fail'} == set()
    assert rows['1.10']['status'] == 'manual' and rows['1.10']['resources'] == ['Administrator']
    assert all(row['remediation'] is None for row in rows.values() if row['status'] == 'pass')


def test_root_posture():
    report, raw = good_account()
    report['account_summary'] = {'account_mfa_enabled': 0, 'account_access_keys_present': 1}
    rows = statuses(report, raw)
    assert rows['1.4']['status'] == 'fail' and 'AccountAccessKeysPresent = 1' in rows['1.4']['evidence']
    assert rows['1.5']['status'] == rows['1.6']['status'] == 'manual'
    report['account_summary'] = {'account_mfa_enabled': 1, 'account_access_keys_present': 0}
    raw.update(root_virtual_mfa=['arn:aws:iam::1:mfa/root-account-mfa-device'], caller_arn='arn:aws:iam::1:root')
    rows = statuses(report, raw)
    assert rows['1.5']['status'] == 'pass' and rows['1.6']['status'] == 'fail' and 'root-account-mfa-device' in rows['1.6']['evidence']
    assert rows['1.7']['status'] == 'fail'
    raw.update(root_row={'user': '<root_account>', 'password_last_used': '2025-05-01T00:00:00+00:00', 'mfa_active': 'true',
                         'access_key_1_active': 'true', 'access_key_2_active': 'false'}, caller_arn='arn:aws:iam::1:user/x')
    report['account_summary'] = {'account_mfa_enabled': 1, 'account_access_keys_present': 0}
    rows = statuses(report, raw)
    assert rows['1.4']['status'] == 'fail'  # the credential report's root row has an active key
    assert rows['1.7']['status'] == 'manual' and '2025-05-01' in rows['1.7']['evidence']


def test_weak_or_missing_password_policy():
    report, raw = good_account()
    report['password_policy'] = {'minimum_password_length': 8, 'password_reuse_prevention': 0}
    rows = statuses(report, raw)
    assert rows['1.8']['status'] == 'fail' and 'MinimumPasswordLength = 8' in rows['1.8']['evidence']
    assert rows['1.9']['status'] == 'fail' and 'not set' in rows['1.9']['evidence']
    report['password_policy'] = None
    rows = statuses(report, raw)
    assert rows['1.8']['status'] == rows['1.9']['status'] == 'fail'


def test_bad_users():
    users = [
        user('nomfa', console=True, groups=['Other']),
        user('setupkey', console=True, mfa=True, keys=[key('AKIASETUPKEY00000001')]),
        user('two', keys=[key('AKIATWOKEYS000000001'), key('AKIATWOKEYS000000002'), key('AKIATWOKEYS000000003', status='Inactive')]),
        user('old', keys=[key('AKIAOLDKEY0000000099', age=100, last_used=(NOW - datetime.timedelta(days=2)).isoformat())]),
        user('direct', attached=[ADMIN], inline=['mine']),
        user('idle', console=True, mfa=True, created='2025-01-01T00:00:00+00:00'),
    ]
    rows = statuses(*good_account(users))
    assert rows['1.10']['status'] == 'fail' and rows['1.10']['resources'] == ['nomfa']
    assert rows['1.11']['status'] == 'fail' and rows['1.11']['resources'] == ['setupkey']
    assert rows['1.12']['status'] == 'fail' and rows['1.12']['resources'] == ['idle'] and 'idle password (151 days)' in rows['1.12']['evidence']
    assert rows['1.13']['status'] == 'fail' and rows['1.13']['resources'] == ['two'] and 'two (2)' in rows['1.13']['evidence']
    assert rows['1.14']['status'] == 'fail' and rows['1.14']['resources'] == ['old'] and '0099 (100 days)' in rows['1.14']['evidence']
    assert rows['1.15']['status'] == 'fail' and rows['1.15']['resources'] == ['direct']
    assert 'AdministratorAccess' in rows['1.15']['evidence'] and 'inline mine' in rows['1.15']['evidence']
    assert 'AKIAOLDKEY0000000099' not in str(rows)


def test_full_admin_anywhere_fails_1_16_and_exceptions_are_carried():
    report, raw = good_account()
    full = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}
    raw['details']['Policies'] = [{'Arn': 'arn:aws:iam::1:policy/Everything', 'PolicyVersionList': [
        {'IsDefaultVersion': False, 'Document': {'Statement': []}}, {'IsDefaultVersion': True, 'Document': full}]}]
    raw['details']['GroupDetailList'][0]['AttachedManagedPolicies'] = [{'PolicyArn': ADMIN}]
    raw['details']['RoleDetailList'].append({'RoleName': 'ci', 'AttachedManagedPolicies': [{'PolicyArn': 'arn:aws:iam::1:policy/Everything'}],
                                             'RolePolicyList': [{'PolicyName': 'all', 'PolicyDocument': full}]})
    rows = statuses(report, raw, exceptions={'1.16': 'the guide'})
    assert rows['1.16']['status'] == 'fail' and rows['1.16']['exception'] == 'the guide'
    assert rows['1.16']['resources'] == ['group Administrators', 'role ci']
    assert 'role ci: Everything' in rows['1.16']['evidence'] and 'role ci: inline all' in rows['1.16']['evidence']
    assert rows['1.4']['exception'] is None


def test_support_role_cloudshell_and_certificates():
    report, raw = good_account()
    raw['details']['RoleDetailList'] = []
    raw['details']['GroupDetailList'][0]['AttachedManagedPolicies'] = [{'PolicyArn': 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess'}]
    raw['server_certificates'] = [{'ServerCertificateName': 'old', 'Expiration': NOW - datetime.timedelta(hours=1)},
                                  {'ServerCertificateName': 'new', 'Expiration': NOW + datetime.timedelta(days=9)}]
    rows = statuses(report, raw)
    assert rows['1.17']['status'] == 'fail'
    assert rows['1.22']['status'] == 'fail' and rows['1.22']['resources'] == ['group Administrators']
    assert rows['1.19']['status'] == 'fail' and rows['1.19']['resources'] == ['old']


def test_a_group_without_the_mfa_policy_leaves_its_console_users_failing_1_10():
    report, raw = good_account()
    raw['details']['GroupDetailList'][0]['GroupPolicyList'] = []
    assert statuses(report, raw)['1.10']['status'] == 'fail'
    report['users'][0]['mfa_active'] = True
    assert statuses(report, raw)['1.10']['status'] == 'pass'


# --- the credential report ------------------------------------------------------------------------

HEADER = ('user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,'
          'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,'
          'access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,'
          'access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n')


def test_credential_report_rows_and_key_slots():
    content = (HEADER + '<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,2025-01-01T00:00:00+00:00,'
               'not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n'
               'a,arn:aws:iam::1:user/a,2025-01-01T00:00:00+00:00,true,no_information,2025-01-01T00:00:00+00:00,N/A,false,'
               'true,2025-01-01T00:00:00+00:00,2025-05-01T00:00:00+00:00,us-east-1,s3,'
               'true,2025-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n').encode()
    rows = parse_credential_report(content)
    assert sorted(rows) == ['<root_account>', 'a'] and rows['a']['password_enabled'] == 'true'
    same_second = datetime.datetime(2025, 1, 1, 0, 0, 0, 300000, tzinfo=datetime.timezone.utc)
    keys = [{'AccessKeyId': 'K2', 'CreateDate': same_second + datetime.timedelta(microseconds=5)}, {'AccessKeyId': 'K1', 'CreateDate': same_second}]
    assert report_key_slots(rows['a'], keys) == {'K1': '1', 'K2': '2'}
    assert report_key_slots(rows['a'], [{'AccessKeyId': 'K3', 'CreateDate': NOW}]) == {}
    assert report_key_slots(None, keys) == {}


# --- the table ------------------------------------------------------------------------------------

def test_findings_table():
    rows = compute_findings(*good_account(), NOW, exceptions={'1.10': 'people enrol later'})
    lines = cis_findings_table(rows)
    assert lines[0].split()[:3] == ['CIS', 'Status', 'Control']
    assert max(len(line) for line in lines) <= 96 and not any('"' in line for line in lines)
    assert lines[2].startswith('1.1 ') and 'MANUAL' in lines[2]
    assert any(line.startswith('1.10  MANUAL (exception)') for line in lines)
    assert lines[-2] == '%d pass, 0 fail, %d manual' % (sum(r['status'] == 'pass' for r in rows), sum(r['status'] == 'manual' for r in rows))
    assert lines[-1] == '1.10 exception: people enrol later'
