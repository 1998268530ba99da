# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The access key logic against moto, through iam_bootstrap_user (the pure plan's cases are in
tests/unit/plugins/module_utils/iam/test_user_keys.py)."""

from __future__ import annotations

import datetime

import boto3
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_retry
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import plan_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import read_user

from tests.utils.ansible_runner import run_module


# --- against moto, through the module -------------------------------------------------------------

@pytest.fixture
def iam(sandbox):
    return boto3.client('iam', endpoint_url=sandbox.endpoint, region_name='us-east-1',
                        aws_access_key_id='AKIAIOSFODNN7SANDBOX', aws_secret_access_key='x')


def keys_in_moto(iam, user='dev'):
    return {k['AccessKeyId']: k['Status'] for k in iam.list_access_keys(UserName=user)['AccessKeyMetadata']}


def use_key(sandbox, key_id, secret):
    """Make moto record a use of the key (an STS call signed with it)."""
    sts = boto3.client('sts', endpoint_url=sandbox.endpoint, region_name='us-east-1', aws_access_key_id=key_id, aws_secret_access_key=secret)
    return sts.get_caller_identity()['Arn']


def run_user(aws_proxy, home, **options):
    aws_proxy.clear()
    return run_module('iam_bootstrap_user', dict(name='dev', access_key_state='present', **options), home, extra_env=aws_proxy.env)


def test_module_none_then_kept(aws_proxy, iam, home, sandbox):
    first = run_user(aws_proxy, home)
    assert first['changed'] and first['access_key_created']
    assert keys_in_moto(iam) == {first['access_key_id']: 'Active'}
    assert use_key(sandbox, first['access_key_id'], first['secret_access_key']).endswith(':user/dev')
    again = run_user(aws_proxy, home, access_key_in_use=first['access_key_id'])
    assert not again['changed'] and not again['access_key_created'] and 'secret_access_key' not in again
    assert again['access_key_id'] == first['access_key_id']
    assert aws_proxy.write_calls() == []
    unnamed = run_user(aws_proxy, home)
    assert not unnamed['changed'] and unnamed['access_key_id'] == first['access_key_id']


def test_module_in_use_deleted_in_iam_is_replaced(aws_proxy, iam, home):
    first = run_user(aws_proxy, home)
    iam.delete_access_key(UserName='dev', AccessKeyId=first['access_key_id'])
    second = run_user(aws_proxy, home, access_key_in_use=first['access_key_id'])
    assert second['changed'] and second['access_key_created'] and second['access_key_id'] != first['access_key_id']
    assert keys_in_moto(iam) == {second['access_key_id']: 'Active'}


def test_module_two_keys_one_inactive(aws_proxy, iam, home):
    iam.create_user(UserName='dev')
    active = iam.create_access_key(UserName='dev')['AccessKey']['AccessKeyId']
    inactive = iam.create_access_key(UserName='dev')['AccessKey']['AccessKeyId']
    iam.update_access_key(UserName='dev', AccessKeyId=inactive, Status='Inactive')
    result = run_user(aws_proxy, home, access_key_in_use='AKIAGONEGONEGONEGONE')
    assert result['deleted_access_keys'] == [inactive] and result['access_key_created']
    assert keys_in_moto(iam) == {active: 'Active', result['access_key_id']: 'Active'}
    assert [(c.action, c.params.get('AccessKeyId')) for c in aws_proxy.write_calls()] == [('DeleteAccessKey', inactive), ('CreateAccessKey', None)]


def test_module_two_used_active_keys_neither_in_use_fails_and_deletes_nothing(aws_proxy, iam, home, sandbox):
    iam.create_user(UserName='dev')
    made = [iam.create_access_key(UserName='dev')['AccessKey'] for _attempt in range(2)]
    for access_key in made:
        use_key(sandbox, access_key['AccessKeyId'], access_key['SecretAccessKey'])
    result = run_user(aws_proxy, home, access_key_in_use='AKIAGONEGONEGONEGONE')
    assert result.get('failed')
    assert 'None was deleted' in result['msg'] and all(k['AccessKeyId'] in result['msg'] for k in made)
    assert aws_proxy.write_calls() == []
    assert len(keys_in_moto(iam)) == 2


def test_module_two_active_keys_one_never_used_is_dropped(aws_proxy, iam, home, sandbox):
    iam.create_user(UserName='dev')
    used, unused = [iam.create_access_key(UserName='dev')['AccessKey'] for _attempt in range(2)]
    use_key(sandbox, used['AccessKeyId'], used['SecretAccessKey'])
    result = run_user(aws_proxy, home, access_key_in_use='AKIAGONEGONEGONEGONE')
    assert result['deleted_access_keys'] == [unused['AccessKeyId']]
    assert set(keys_in_moto(iam)) == {used['AccessKeyId'], result['access_key_id']}


def test_max_age_against_moto_then_retire(aws_proxy, iam, home):
    """Keys cannot be back-dated in moto, so the run's clock is moved forward instead (read and apply are real)."""
    first = run_user(aws_proxy, home)
    old = first['access_key_id']
    client = RetryingBotoClientWrapper(boto3.client('iam', endpoint_url=aws_proxy.endpoint, region_name='us-east-1',
                                                    aws_access_key_id='AKIAIOSFODNN7SANDBOX', aws_secret_access_key='x'), iam_retry())
    params = dict(name='dev', state='present', access_key_state='present', access_key_in_use=old, access_key_max_age_days=90)
    desired = desired_user(params)
    current = read_user(client, desired)
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=91)
    plan, key_plan = plan_user(current, desired, now=later)
    assert plan.actions == [Action('CreateAccessKey', UserName='dev')]
    responses = dict((a.operation, r) for a, r in Executor(client).run_all(plan.actions))
    new = responses['CreateAccessKey']['AccessKey']['AccessKeyId']
    assert key_plan.kept[0]['access_key_id'] == old
    assert keys_in_moto(iam) == {old: 'Active', new: 'Active'}
    # The workstation now has the new key: the second half of the rotation retires the old one.
    retired = run_user(aws_proxy, home, access_key_in_use=new, retire_other_access_keys=True)
    assert retired['changed'] and retired['deleted_access_keys'] == [old] and not retired['access_key_created']
    assert keys_in_moto(iam) == {new: 'Active'}


def test_module_absent_deletes_keys(aws_proxy, iam, home):
    run_user(aws_proxy, home)
    result = run_module('iam_bootstrap_user', dict(name='dev', access_key_state='absent'), home, extra_env=aws_proxy.env)
    assert result['changed'] and len(result['deleted_access_keys']) == 1
    assert keys_in_moto(iam) == {}
