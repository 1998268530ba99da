# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The moto sandbox: managed policies loaded, reachable only through the standard AWS environment, always stopped."""

from __future__ import annotations

import os
import subprocess
import sys

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.utils.sandbox import MotoSandbox


def clients(sandbox, **overrides):
    env = sandbox.environ(**overrides)
    session = boto3.session.Session(aws_access_key_id=env['AWS_ACCESS_KEY_ID'], aws_secret_access_key=env['AWS_SECRET_ACCESS_KEY'],
                                    region_name=env['AWS_DEFAULT_REGION'])
    return session.client('iam', endpoint_url=env['AWS_ENDPOINT_URL']), session.client('sts', endpoint_url=env['AWS_ENDPOINT_URL'])


def test_managed_policies_and_reset(sandbox):
    iam, sts = clients(sandbox)
    assert iam.get_policy(PolicyArn='arn:aws:iam::aws:policy/PowerUserAccess')['Policy']['PolicyName'] == 'PowerUserAccess'
    iam.create_user(UserName='Temp')
    sandbox.reset()
    assert [u['UserName'] for u in iam.list_users()['Users']] == []
    assert sts.get_caller_identity()['Account'] == '123456789012'


def test_environment_drops_stray_aws_settings(sandbox):
    env = sandbox.environ(base={'AWS_PROFILE': 'prod', 'AWS_SESSION_TOKEN': 'x', 'PATH': '/bin'})
    assert 'AWS_PROFILE' not in env and 'AWS_SESSION_TOKEN' not in env
    assert env['AWS_ENDPOINT_URL'].startswith('http://127.0.0.1:')


def test_enforced_authorization_denies_a_user_without_policies(sandbox):
    iam, _sts = clients(sandbox)
    iam.create_user(UserName='NoRights')
    key = iam.create_access_key(UserName='NoRights')['AccessKey']
    sandbox.enforce_auth(True)
    try:
        limited = boto3.client('iam', endpoint_url=sandbox.endpoint, region_name='us-east-1',
                               aws_access_key_id=key['AccessKeyId'], aws_secret_access_key=key['SecretAccessKey'])
        with pytest.raises(ClientError) as info:
            limited.list_users()
        assert info.value.response['Error']['Code'] in ('AccessDenied', 'AccessDeniedException')
    finally:
        sandbox.enforce_auth(False)
    assert iam.list_users()['Users']


def test_server_is_stopped_even_when_the_body_fails():
    sandbox = MotoSandbox()
    with pytest.raises(RuntimeError):
        with sandbox:
            process = sandbox.process
            raise RuntimeError('boom')
    assert process.poll() is not None


def test_run_command_line_passes_the_environment_and_exit_code():
    script = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'utils', 'sandbox.py')
    code = 'import os,sys; sys.exit(0 if os.environ["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:") else 3)'
    assert subprocess.run([sys.executable, script, 'run', '--', sys.executable, '-c', code], check=False, capture_output=True).returncode == 0
    assert subprocess.run([sys.executable, script, 'run', '--', sys.executable, '-c', 'raise SystemExit(7)'],
                          check=False, capture_output=True).returncode == 7
