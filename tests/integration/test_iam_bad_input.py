# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bad inputs to the controller modules: each fails with a message naming the option, and no write call
reaches moto (asserted on the recording proxy's calls)."""

from __future__ import annotations

import json

import boto3
import pytest

from tests.utils.ansible_runner import run_module
from tests.utils.ansible_runner import warnings_of

GOOD_DOC = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]}
SECRET = 'Sh0rt!x'

CASES = [
    # (id, module, arguments, option named in the message, part of the rule)
    ('user-name-chars', 'iam_bootstrap_user', {'name': 'Power User'}, 'name', 'may only contain'),
    ('user-name-long', 'iam_bootstrap_user', {'name': 'u' * 65}, 'name', 'at most 64'),
    ('user-path-slash', 'iam_bootstrap_user', {'name': 'dev', 'path': '/devs'}, 'path', 'begin and end'),
    ('group-name-long', 'iam_bootstrap_group', {'name': 'g' * 129}, 'name', 'at most 128'),
    ('group-path-double', 'iam_bootstrap_group', {'name': 'G', 'path': '/a//b/'}, 'path', 'segments'),
    ('policy-bad-arn', 'iam_bootstrap_group', {'name': 'G', 'managed_policies': ['arn:aws:iam::aws:role/Admin']}, 'managed_policies', 'not a valid'),
    ('policy-bad-name', 'iam_bootstrap_group', {'name': 'G', 'managed_policies': ['Admin Access']}, 'managed_policies', 'neither'),
    ('policy-unknown-name', 'iam_bootstrap_group', {'name': 'G', 'managed_policies': ['AdministratorAccess', 'NoSuchPolicyAtAll']},
     'managed_policies', "'NoSuchPolicyAtAll' exists"),
    ('policy-unknown-arn', 'iam_bootstrap_group', {'name': 'G', 'managed_policies': ['arn:aws:iam::123456789012:policy/Missing']},
     'managed_policies', 'no managed policy'),
    ('inline-bad-json', 'iam_bootstrap_group', {'name': 'G', 'inline_policies': {'p': '{"Statement": ['}}, 'inline_policies.p', 'not valid JSON'),
    ('inline-no-effect', 'iam_bootstrap_group', {'name': 'G', 'inline_policies': {'p': {'Statement': [{'Action': '*'}]}}},
     'inline_policies.p', '"Effect"'),
    ('inline-bad-name', 'iam_bootstrap_group', {'name': 'G', 'inline_policies': {'p q': GOOD_DOC}}, 'inline_policies.p q', 'may only contain'),
    ('tag-aws-prefix', 'iam_bootstrap_user', {'name': 'dev', 'tags': {'aws:owner': 'me'}}, 'tags', 'reserved'),
    ('tag-too-many', 'iam_bootstrap_user', {'name': 'dev', 'tags': {'k%d' % i: 'v' for i in range(51)}}, 'tags', 'at most 50'),
    ('tag-value-long', 'iam_bootstrap_user', {'name': 'dev', 'tags': {'k': 'v' * 257}}, 'tags', 'longer than 256'),
    ('tag-key-long', 'iam_bootstrap_user', {'name': 'dev', 'tags': {'k' * 129: 'v'}}, 'tags', '1 to 128'),
    ('password-short-default', 'iam_bootstrap_user', {'name': 'dev', 'console_access': True, 'password': SECRET}, 'password', 'at least 8'),
    ('password-short-policy', 'iam_bootstrap_user', {'name': 'dev', 'console_access': True, 'password': 'Abcdefgh12!x'},
     'password', 'needs at least 14'),
    ('password-needs-symbol', 'iam_bootstrap_user', {'name': 'dev', 'console_access': True, 'password': 'Abcdefghijkl12345'},
     'password', 'requires symbols'),
    ('password-without-console', 'iam_bootstrap_user', {'name': 'dev', 'console_access': False, 'password': 'Abcdefgh12!x'},
     'password', 'console_access=true'),
    ('update-always-generated', 'iam_bootstrap_user', {'name': 'dev', 'console_access': True, 'update_password': 'always'},
     'update_password', 'needs password'),
    ('update-password-choice', 'iam_bootstrap_user', {'name': 'dev', 'update_password': 'sometimes'}, 'update_password', 'one of'),
    ('in-use-without-key', 'iam_bootstrap_user', {'name': 'dev', 'access_key_in_use': 'AKIAIOSFODNN7EXAMPLE'},
     'access_key_in_use', 'access_key_state=present'),
    ('in-use-malformed', 'iam_bootstrap_user', {'name': 'dev', 'access_key_state': 'present', 'access_key_in_use': 'not-a-key'},
     'access_key_in_use', '16 to 128'),
    ('retire-without-in-use', 'iam_bootstrap_user', {'name': 'dev', 'access_key_state': 'present', 'retire_other_access_keys': True},
     'retire_other_access_keys', 'needs access_key_in_use'),
    ('max-age-zero', 'iam_bootstrap_user', {'name': 'dev', 'access_key_state': 'present', 'access_key_max_age_days': 0},
     'access_key_max_age_days', 'at least 1'),
    ('group-name-in-groups', 'iam_bootstrap_user', {'name': 'dev', 'groups': ['Admins', 'bad/group']}, 'groups', 'may only contain'),
    # A reference, not a shape: found missing with one read, before the user is created (no Zed left behind).
    ('group-does-not-exist', 'iam_bootstrap_user', {'name': 'Zed', 'groups': ['Nope']}, 'groups', "no IAM group 'Nope' exists"),
    ('alias-bad', 'iam_bootstrap_account', {'alias': 'Bad_Alias'}, 'alias', 'lower-case'),
    ('policy-length-low', 'iam_bootstrap_account', {'password_policy': {'minimum_password_length': 4}},
     'password_policy.minimum_password_length', 'between 6 and 128'),
    ('policy-hard-expiry', 'iam_bootstrap_account', {'password_policy': {'hard_expiry': True, 'max_password_age': 0}},
     'password_policy.hard_expiry', 'needs max_password_age'),
]


# These run against an account whose password policy wants 14 characters and a symbol.
STRICT_POLICY_CASES = ('password-short-policy', 'password-needs-symbol')


@pytest.mark.parametrize('case, module, args, option, rule', CASES, ids=[case[0] for case in CASES])
def test_bad_input_names_the_option_and_writes_nothing(case, module, args, option, rule, aws_proxy, sandbox, home):
    if case in STRICT_POLICY_CASES:
        iam = boto3.client('iam', endpoint_url=sandbox.endpoint, region_name='us-east-1', aws_access_key_id='AKIAIOSFODNN7SANDBOX',
                           aws_secret_access_key='x')
        iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)
    aws_proxy.clear()
    result = run_module(module, args, home, extra_env=aws_proxy.env)
    assert result.get('failed'), result
    assert option in result['msg'] and rule in result['msg'], result['msg']
    assert aws_proxy.write_calls() == []
    if args.get('password'):
        assert args['password'] not in json.dumps(result)


def test_credentials_csv_of_another_user_is_refused_before_any_call(aws_proxy, home, tmp_path):
    path = tmp_path / 'creds.csv'
    path.write_text('User name,Password,Access key ID,Secret access key,Console login link\nalice,,AKIAX,secret,https://x\n')
    result = run_module('iam_bootstrap_user', {'name': 'bob', 'access_key_state': 'present', 'credentials_csv': str(path)}, home,
                        extra_env=aws_proxy.env)
    assert result.get('failed') and 'credentials_csv' in result['msg'] and 'alice' in result['msg']
    assert aws_proxy.calls == []
    assert 'alice,,AKIAX,secret' in path.read_text()


def test_check_mode_warns_of_a_group_that_does_not_exist_yet(aws_proxy, home):
    """In check mode an earlier task of the run may create the group: a warning naming it, and no write."""
    result = run_module('iam_bootstrap_user', {'name': 'Zed', 'groups': ['Nope']}, home, check_mode=True, extra_env=aws_proxy.env)
    assert not result.get('failed') and result['changed'], result
    assert [text for text in warnings_of(result) if text.startswith("groups: no IAM group 'Nope' exists")], warnings_of(result)
    assert [call.action for call in aws_proxy.calls if call.action == 'GetGroup'] == ['GetGroup']
    assert aws_proxy.write_calls() == []


def test_at_least_twenty_bad_inputs():
    assert len(CASES) >= 20
