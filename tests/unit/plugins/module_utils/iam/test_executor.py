# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Applying plans against moto: IAM's eventual consistency, creates met twice, retried errors, removals."""

from __future__ import annotations

import time

import boto3
import botocore
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import SERVER_ERROR
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMRetry
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_retry
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan


def boto_iam(endpoint):
    return boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='AKIAIOSFODNN7SANDBOX',
                        aws_secret_access_key='x')


def retrying(client):
    """The client as AnsibleAWSModule.client builds it."""
    return RetryingBotoClientWrapper(client, iam_retry())


class Flaky:
    """Wraps a (retrying) client; the first calls of the named operations fail with the given codes."""

    def __init__(self, client, failures):
        self.client = client
        self.failures = {operation: list(codes) for operation, codes in failures.items()}
        self.calls = []

    def __getattr__(self, name):
        method = getattr(self.client, name)
        if not callable(method):
            return method

        def call(*args, **kwargs):
            self.calls.append(name)
            pending = self.failures.get(name)
            if pending:
                code = pending.pop(0)
                raise botocore.exceptions.ClientError({'Error': {'Code': code, 'Message': 'injected %s' % code},
                                                       'ResponseMetadata': {'HTTPStatusCode': 409 if code != 'NoSuchEntity' else 404}}, name)
            return method(*args, **kwargs)
        return call


def new_user_plan(groups=(), console_access=False):
    """What a new user's plan holds: CreateUser, a membership per group, and with console access its login profile."""
    actions = [Action('CreateUser', UserName='alice', Path='/')]
    actions += [Action('AddUserToGroup', GroupName=group, UserName='alice') for group in groups]
    if console_access:
        actions.append(Action('CreateLoginProfile', UserName='alice', Password='Sup3r-Secret-Pass!', PasswordResetRequired=True))
    return Plan(actions)


def test_no_such_entity_right_after_create_user_is_waited_out(sandbox):
    iam = boto_iam(sandbox.endpoint)
    iam.create_group(GroupName='Admins')
    client = Flaky(retrying(iam), {'add_user_to_group': ['NoSuchEntity', 'NoSuchEntity'],
                                   'create_login_profile': ['EntityTemporarilyUnmodifiable']})
    plan = new_user_plan(groups=['Admins'], console_access=True)
    Executor(client).run_all(plan.actions)
    assert client.calls == ['create_user', 'add_user_to_group', 'add_user_to_group', 'add_user_to_group',
                            'create_login_profile', 'create_login_profile']
    assert [u['UserName'] for u in iam.get_group(GroupName='Admins')['Users']] == ['alice']
    assert iam.get_login_profile(UserName='alice')['LoginProfile']['UserName'] == 'alice'


def test_no_such_entity_without_a_create_before_fails_at_once(sandbox):
    client = retrying(boto_iam(sandbox.endpoint))
    started = time.monotonic()
    with pytest.raises(IAMFailure) as raised:
        Executor(client).run(Action('AddUserToGroup', GroupName='Nope', UserName='nobody'))
    assert time.monotonic() - started < 2
    assert 'AddUserToGroup' in raised.value.message


def test_a_create_that_already_took_effect_is_not_an_error(sandbox):
    iam = boto_iam(sandbox.endpoint)
    iam.create_user(UserName='alice')  # as if a first CreateUser took effect and its answer was lost
    iam.create_group(GroupName='Admins')
    plan = new_user_plan(groups=['Admins'])
    results = Executor(retrying(iam)).run_all(plan.actions)
    assert [r is None for _a, r in results] == [True, False]
    assert [g['GroupName'] for g in iam.list_groups_for_user(UserName='alice')['Groups']] == ['Admins']


def test_a_create_role_that_already_took_effect_is_not_an_error(sandbox):
    iam = boto_iam(sandbox.endpoint)
    trust = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}'
    iam.create_role(RoleName='AWSSupport', AssumeRolePolicyDocument=trust)  # as if a first CreateRole took effect, its answer lost
    executor = Executor(retrying(iam))
    assert executor.run(Action('CreateRole', RoleName='AWSSupport', Path='/', AssumeRolePolicyDocument=trust)) is None
    assert executor.settling  # what follows waits out IAM's delay after a create, as after any other create
    executor.run(Action('AttachRolePolicy', RoleName='AWSSupport', PolicyArn='arn:aws:iam::aws:policy/AWSSupportAccess'))
    assert [p['PolicyName'] for p in iam.list_attached_role_policies(RoleName='AWSSupport')['AttachedPolicies']] == ['AWSSupportAccess']


def test_removing_what_is_already_gone_is_not_an_error(sandbox):
    executor = Executor(retrying(boto_iam(sandbox.endpoint)))
    assert executor.run(Action('DeleteLoginProfile', UserName='ghost')) is None
    assert executor.run(Action('DeleteUser', UserName='ghost')) is None


@pytest.mark.parametrize('status, code, retried', [
    (500, 'InternalFailure', True), (503, 'Whatever', True), (500, 'ServiceFailure', True),
    (400, 'Throttling', True), (400, 'NoSuchEntity', False), (409, 'EntityAlreadyExists', False),
])
def test_which_errors_are_retried(status, code, retried):
    error = botocore.exceptions.ClientError({'Error': {'Code': code}, 'ResponseMetadata': {'HTTPStatusCode': status}}, 'X')
    found = IAMRetry.status_code_from_exception(error)
    if status >= 500:
        assert found == SERVER_ERROR
    assert IAMRetry.found(found, ['ServiceFailure', SERVER_ERROR]) is retried
