# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Removing a user or a group with iam_bootstrap_user / iam_bootstrap_group against moto: everything attached
goes, in IAM's order, and a second run writes nothing."""

from __future__ import annotations

import boto3
import botocore
import pytest

from tests.utils.ansible_runner import run_module


def boto_iam(endpoint):
    return boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='AKIAIOSFODNN7SANDBOX',
                        aws_secret_access_key='x')


def test_user_absent_removes_everything_in_order(aws_proxy, home, sandbox):
    iam = boto_iam(sandbox.endpoint)
    iam.create_group(GroupName='Admins')
    iam.create_user(UserName='leaver')
    iam.add_user_to_group(GroupName='Admins', UserName='leaver')
    iam.create_login_profile(UserName='leaver', Password='Sup3r-Secret-Pass!')
    key_id = iam.create_access_key(UserName='leaver')['AccessKey']['AccessKeyId']
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName='leaver')['VirtualMFADevice']['SerialNumber']
    iam.enable_mfa_device(UserName='leaver', SerialNumber=serial, AuthenticationCode1='123456', AuthenticationCode2='654321')
    iam.attach_user_policy(UserName='leaver', PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess')
    iam.put_user_policy(UserName='leaver', PolicyName='own', PolicyDocument='{"Version": "2012-10-17", "Statement": '
                        '[{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}')
    result = run_module('iam_bootstrap_user', {'name': 'leaver', 'state': 'absent'}, home, extra_env=aws_proxy.env)
    assert result['changed'], result
    writes = [(c.action, c.params) for c in aws_proxy.write_calls()]
    assert [action for action, _p in writes] == [
        'DeleteLoginProfile', 'DeleteAccessKey', 'DeactivateMFADevice', 'DeleteVirtualMFADevice',
        'RemoveUserFromGroup', 'DetachUserPolicy', 'DeleteUserPolicy', 'DeleteUser']
    assert writes[1][1]['AccessKeyId'] == key_id and writes[3][1]['SerialNumber'] == serial
    assert 'ListServiceSpecificCredentials' in aws_proxy.actions()
    assert 'ListSSHPublicKeys' in aws_proxy.actions() and 'ListSigningCertificates' in aws_proxy.actions()
    with pytest.raises(botocore.exceptions.ClientError):
        iam.get_user(UserName='leaver')
    assert iam.list_virtual_mfa_devices()['VirtualMFADevices'] == []
    aws_proxy.clear()
    again = run_module('iam_bootstrap_user', {'name': 'leaver', 'state': 'absent'}, home, extra_env=aws_proxy.env)
    assert not again['changed'] and aws_proxy.write_calls() == []


def test_group_absent_removes_policies_and_members(aws_proxy, home, sandbox):
    iam = boto_iam(sandbox.endpoint)
    iam.create_group(GroupName='Old')
    iam.create_user(UserName='alice')
    iam.add_user_to_group(GroupName='Old', UserName='alice')
    iam.attach_group_policy(GroupName='Old', PolicyArn='arn:aws:iam::aws:policy/ReadOnlyAccess')
    iam.put_group_policy(GroupName='Old', PolicyName='own', PolicyDocument='{"Version": "2012-10-17", "Statement": '
                         '[{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}')
    result = run_module('iam_bootstrap_group', {'name': 'Old', 'state': 'absent'}, home, extra_env=aws_proxy.env)
    assert result['changed'] and 'group' not in result
    assert [c.action for c in aws_proxy.write_calls()] == ['DetachGroupPolicy', 'DeleteGroupPolicy', 'RemoveUserFromGroup', 'DeleteGroup']
    assert iam.list_groups()['Groups'] == []
    assert iam.list_groups_for_user(UserName='alice')['Groups'] == []
