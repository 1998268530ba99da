# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""iam_bootstrap_info costs a constant number of calls plus at most one per user, and still reports what is in moto.

The accounts are built with boto3 straight on moto; the calls are the ones the recording proxy saw.
"""

from __future__ import annotations

import boto3

from tests.utils.ansible_runner import run_module

ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'


def moto_iam(sandbox):
    return boto3.client('iam', endpoint_url=sandbox.endpoint, region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')


def build_account(sandbox, developers):
    """A group with a policy, ``developers`` users in it: every other one with a console password, each with one key,
    the first with a virtual MFA device."""
    iam = moto_iam(sandbox)
    iam.create_group(GroupName='Developers')
    iam.attach_group_policy(GroupName='Developers', PolicyArn='arn:aws:iam::aws:policy/PowerUserAccess')
    keys = {}
    for number in range(developers):
        name = 'dev%02d' % number
        iam.create_user(UserName=name, Tags=[{'Key': 'team', 'Value': 'core'}])
        iam.add_user_to_group(GroupName='Developers', UserName=name)
        if number % 2 == 0:
            iam.create_login_profile(UserName=name, Password='Pa55word!Pa55word!')
        keys[name] = iam.create_access_key(UserName=name)['AccessKey']['AccessKeyId']
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName='dev00')['VirtualMFADevice']['SerialNumber']
    iam.enable_mfa_device(UserName='dev00', SerialNumber=device, AuthenticationCode1='123456', AuthenticationCode2='654321')
    return keys, device


def report_calls(proxy, home):
    proxy.clear()
    result = run_module('iam_bootstrap_info', {}, home, extra_env=proxy.env)
    assert not result.get('failed'), result
    assert proxy.write_calls() == []
    return result, proxy.counts()


def test_info_costs_one_call_per_user_at_most(aws_proxy, sandbox, home):
    keys, device = build_account(sandbox, 1)
    result_1, counts_1 = report_calls(aws_proxy, home)

    sandbox.reset()
    keys, device = build_account(sandbox, 10)
    result_10, counts_10 = report_calls(aws_proxy, home)

    total_1, total_10 = sum(counts_1.values()), sum(counts_10.values())
    print('\niam_bootstrap_info API calls: 1 user %d %s\n                              10 users %d %s'
          % (total_1, dict(counts_1), total_10, dict(counts_10)))
    assert total_10 - total_1 <= 9, (counts_1, counts_10)  # one per extra user at most
    assert counts_10['ListAccessKeys'] == 10
    for per_user in ('GetLoginProfile', 'ListGroupsForUser', 'ListAttachedUserPolicies', 'ListUserPolicies',
                     'ListMFADevices', 'GetAccessKeyLastUsed', 'GetUser'):
        assert counts_10[per_user] == 0, per_user
    assert total_1 <= 12, counts_1

    # The report still says what moto holds (built above, not read from the module).
    users = {user['user_name']: user for user in result_10['users']}
    assert sorted(users) == sorted(keys)
    for name, key_id in keys.items():
        user = users[name]
        assert user['groups'] == ['Developers']
        assert user['console_access'] is (int(name[3:]) % 2 == 0)
        assert [key['access_key_id'] for key in user['access_keys']] == [key_id]
        assert user['access_keys'][0]['status'] == 'Active' and user['access_keys'][0]['age_days'] == 0
        assert user['tags'] == {'team': 'core'} and user['attached_policies'] == [] and user['inline_policies'] == []
        assert user['in_credential_report']
    assert users['dev00']['mfa_active'] and [d['serial_number'] for d in users['dev00']['mfa_devices']] == [device]
    assert not users['dev01']['mfa_active'] and users['dev01']['mfa_devices'] == []
    assert [(g['group_name'], g['managed_policies'], len(g['members'])) for g in result_10['groups']] == [
        ('Developers', ['arn:aws:iam::aws:policy/PowerUserAccess'], 10)]
    assert result_10['account_summary']['users'] == 10
    assert [finding['id'] for finding in result_10['findings']] == ['1.%d' % number for number in range(1, 23)]


def test_key_last_use_comes_from_the_credential_report(aws_proxy, sandbox, home):
    keys, _device = build_account(sandbox, 2)
    iam = moto_iam(sandbox)
    secret_key = iam.create_access_key(UserName='dev01')['AccessKey']
    # Using the key with moto's authorization on makes moto record its last use.
    sandbox.enforce_auth(True)
    try:
        boto3.client('sts', endpoint_url=sandbox.endpoint, region_name='us-east-1', aws_access_key_id=secret_key['AccessKeyId'],
                     aws_secret_access_key=secret_key['SecretAccessKey']).get_caller_identity()
    finally:
        sandbox.enforce_auth(False)
    last_used = iam.get_access_key_last_used(AccessKeyId=secret_key['AccessKeyId'])['AccessKeyLastUsed'].get('LastUsedDate')
    result, _counts = report_calls(aws_proxy, home)
    dev01 = {user['user_name']: user for user in result['users']}['dev01']
    listed = {key['access_key_id']: key for key in dev01['access_keys']}
    assert set(listed) == {keys['dev01'], secret_key['AccessKeyId']}
    assert listed[keys['dev01']]['last_used_date'] is None
    if last_used is not None:
        assert listed[secret_key['AccessKeyId']]['last_used_date'][:16] == last_used.isoformat()[:16]
    assert secret_key['SecretAccessKey'] not in str(result)
    assert {f['id']: f for f in result['findings']}['1.13']['status'] == 'fail'


def test_keys_an_earlier_task_read_are_not_listed_again(aws_proxy, sandbox, home):
    build_account(sandbox, 3)
    listed = {}
    for user in ('dev00', 'dev01'):
        listed[user] = [{'access_key_id': key['AccessKeyId'], 'status': key['Status'], 'create_date': key['CreateDate'].isoformat()}
                        for key in moto_iam(sandbox).list_access_keys(UserName=user)['AccessKeyMetadata']]
    full, _counts = report_calls(aws_proxy, home)
    aws_proxy.clear()
    result = run_module('iam_bootstrap_info', {'known_access_keys': listed}, home, extra_env=aws_proxy.env)
    listing = [call.params.get('UserName') for call in aws_proxy.calls if call.action == 'ListAccessKeys']
    assert sorted(listing) == ['dev02']
    assert [user['access_keys'] for user in result['users']] == [user['access_keys'] for user in full['users']]
