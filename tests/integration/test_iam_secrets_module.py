# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 17 through the modules, against moto: retiring around an in-use key that is gone is refused before any
write (case 2), and a path change returns the user's new ARN (case 7). The engine's parts are unit-tested in
tests/unit/plugins/module_utils/iam/test_secrets.py."""

from __future__ import annotations

from tests.utils import proof
from tests.utils.ansible_runner import run_module

ACCOUNT = '123456789012'


def test_case_2_against_moto_refuses_before_any_write(aws_proxy, home):
    iam = proof.iam(aws_proxy.sandbox.endpoint)
    iam.create_user(UserName='dev')
    gone = iam.create_access_key(UserName='dev')['AccessKey']['AccessKeyId']
    kept = iam.create_access_key(UserName='dev')['AccessKey']['AccessKeyId']
    iam.delete_access_key(UserName='dev', AccessKeyId=gone)
    aws_proxy.clear()
    result = run_module('iam_bootstrap_user', {'name': 'dev', 'access_key_state': 'present', 'access_key_in_use': gone,
                                               'retire_other_access_keys': True}, home, extra_env=aws_proxy.env)
    assert result['failed'] and 'retire_other_access_keys' in result['msg'] and gone in result['msg']
    assert aws_proxy.write_calls() == []
    assert [k['AccessKeyId'] for k in iam.list_access_keys(UserName='dev')['AccessKeyMetadata']] == [kept]


def test_case_7_a_path_change_returns_the_new_arn(aws_proxy, home):
    iam = proof.iam(aws_proxy.sandbox.endpoint)
    iam.create_user(UserName='dev', Path='/old/')
    result = run_module('iam_bootstrap_user', {'name': 'dev', 'path': '/new/'}, home, extra_env=aws_proxy.env)
    assert result['changed'] and result['user']['path'] == '/new/'
    assert result['user']['arn'] == iam.get_user(UserName='dev')['User']['Arn'] == 'arn:aws:iam::%s:user/new/dev' % ACCOUNT
    batch = run_module('iam_bootstrap_identities', {'users': [{'name': 'dev', 'path': '/newer/'}]}, home, extra_env=aws_proxy.env)
    assert batch['users'][0]['user']['arn'] == iam.get_user(UserName='dev')['User']['Arn'] == 'arn:aws:iam::%s:user/newer/dev' % ACCOUNT
