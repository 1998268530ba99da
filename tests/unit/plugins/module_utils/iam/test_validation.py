# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Local checks of options (IAM names, paths, ARNs, tags, policy JSON, passwords): no AWS involved."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import validation
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import desired_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import desired_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import CLASSES
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import DEFAULT_POLICY
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import check_password
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import generate_password
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import policy_from_api
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user


def user_params(**options):
    params = dict(name='alice', state='present', purge_tags=True, purge_groups=False, password_reset_required=True,
                  update_password='on_create', retire_other_access_keys=False)
    params.update(options)
    return params


@pytest.mark.parametrize('name', ['Administrator', 'a', 'x' * 64, 'dev+ops=1,2.3@example-corp_x'])
def test_valid_user_names(name):
    assert validation.check_name('name', name, 'user') == name


@pytest.mark.parametrize('name, rule', [
    ('', 'must not be empty'),
    ('x' * 65, 'at most 64'),
    ('has space', 'may only contain'),
    ('slash/name', 'may only contain'),
    ('ünïcode', 'may only contain'),
])
def test_invalid_user_names_name_the_option_and_rule(name, rule):
    with pytest.raises(validation.OptionError) as raised:
        validation.check_name('name', name, 'user')
    assert raised.value.message.startswith('name: ')
    assert rule in raised.value.message


def test_group_names_may_be_longer_than_user_names():
    assert validation.check_name('name', 'g' * 128, 'group')
    with pytest.raises(validation.OptionError, match='at most 128'):
        validation.check_name('name', 'g' * 129, 'group')


@pytest.mark.parametrize('path', ['/', '/admins/', '/a/b/c/'])
def test_valid_paths(path):
    assert validation.check_path('path', path) == path


@pytest.mark.parametrize('path', ['admins/', '/admins', '//', '/a//b/', '/with space/', '/' + 'p' * 511 + '/'])
def test_invalid_paths(path):
    with pytest.raises(validation.OptionError, match='^path: '):
        validation.check_path('path', path)


@pytest.mark.parametrize('policy', [
    'AdministratorAccess', 'service-role/AWSLambdaBasicExecutionRole',
    'arn:aws:iam::aws:policy/PowerUserAccess', 'arn:aws-cn:iam::123456789012:policy/team/Mine',
])
def test_valid_managed_policies(policy):
    assert validation.check_managed_policy('managed_policies', policy) == policy


@pytest.mark.parametrize('policy', [
    'arn:aws:iam::aws:role/Admin', 'arn:aws:s3:::bucket', 'arn:aws:iam::12345:policy/X', 'arn:aws:iam::aws:policy/',
    'Admin Access', 'aws:policy/X', '',
])
def test_invalid_managed_policies(policy):
    with pytest.raises(validation.OptionError, match='^managed_policies: '):
        validation.check_managed_policy('managed_policies', policy)


def test_policy_document_from_json_string_and_dict_are_the_same():
    text = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}'
    assert validation.parse_policy_document('p', text, 'group') == validation.parse_policy_document(
        'p', {'Version': '2012-10-17', 'Statement': {'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}}, 'group')


@pytest.mark.parametrize('document, rule', [
    ('{"Version": "2012-10-17", "Statement": [', 'not valid JSON'),
    ('[]', 'must be a JSON object'),
    ({'Version': '2012-10-17'}, 'needs a "Statement"'),
    ({'Statement': [{'Effect': 'Maybe', 'Action': '*'}]}, '"Effect"'),
    ({'Statement': [{'Effect': 'Allow', 'Resource': '*'}]}, '"Action" or "NotAction"'),
    ({'Statement': [{'Effect': 'Allow', 'Action': 'a' * 6000}]}, 'at most 5120'),
])
def test_invalid_policy_documents(document, rule):
    with pytest.raises(validation.OptionError) as raised:
        validation.parse_policy_document('inline_policies.read', document, 'group')
    assert raised.value.message.startswith('inline_policies.read: ')
    assert rule in raised.value.message


@pytest.mark.parametrize('tags, rule', [
    ({'aws:createdBy': 'me'}, 'reserved'),
    ({'AWS:x': 'me'}, 'reserved'),
    ({'k' * 129: 'v'}, '1 to 128'),
    ({'k': 'v' * 257}, 'longer than 256'),
    ({'k%d' % i: 'v' for i in range(51)}, 'at most 50'),
    ({'bad*key': 'v'}, 'may only contain'),
    ({'': 'v'}, '1 to 128'),
])
def test_invalid_tags(tags, rule):
    with pytest.raises(validation.OptionError) as raised:
        validation.check_tags('tags', tags)
    assert raised.value.message.startswith('tags: ') and rule in raised.value.message


def test_tags_values_become_strings():
    assert validation.check_tags('tags', {'team': 'platform', 'cost': 12, 'empty': None}) == {'team': 'platform', 'cost': '12', 'empty': ''}


@pytest.mark.parametrize('alias', ['ab', 'Upper', '-lead', 'trail-', 'dou--ble', '123456789012', 'a' * 64])
def test_invalid_aliases(alias):
    with pytest.raises(validation.OptionError, match='^alias: '):
        validation.check_alias('alias', alias)


def test_empty_alias_means_remove():
    assert validation.check_alias('alias', '') == ''
    assert validation.check_alias('alias', 'my-corp-1') == 'my-corp-1'


@pytest.mark.parametrize('key_id', ['akiaiosfodnn7example', 'AKIA123', 'AKIA IOSFODNN7EXAMP'])
def test_invalid_access_key_ids(key_id):
    with pytest.raises(validation.OptionError, match='^access_key_in_use: '):
        validation.check_access_key_id('access_key_in_use', key_id)


@pytest.mark.parametrize('options, option, rule', [
    ({'password': 'Secret-Pass-1', 'console_access': False}, 'password', 'console_access=true'),
    ({'password': 'Secret-Pass-1'}, 'password', 'console_access=true'),
    ({'console_access': True, 'update_password': 'always'}, 'update_password', 'needs password'),
    ({'access_key_in_use': 'AKIAIOSFODNN7EXAMPLE'}, 'access_key_in_use', 'access_key_state=present'),
    ({'access_key_state': 'absent', 'retire_other_access_keys': True}, 'retire_other_access_keys', 'access_key_state=present'),
    ({'access_key_state': 'present', 'retire_other_access_keys': True}, 'retire_other_access_keys', 'needs access_key_in_use'),
    ({'access_key_state': 'present', 'access_key_max_age_days': 0}, 'access_key_max_age_days', 'at least 1'),
    ({'credentials_csv': '/tmp/x.csv'}, 'credentials_csv', 'needs console_access'),
    ({'groups': ['Admins', 'bad group']}, 'groups', 'may only contain'),
    ({'console_access': True, 'password': 'x' * 129}, 'password', 'at most 128'),
])
def test_conflicting_or_bad_user_options(options, option, rule):
    with pytest.raises(validation.OptionError) as raised:
        desired_user(user_params(**options))
    assert raised.value.option == option
    assert rule in raised.value.message


def test_password_shape_errors_never_repeat_the_password():
    secret = 'Sekr3t\nPass'
    with pytest.raises(validation.OptionError) as raised:
        desired_user(user_params(console_access=True, password=secret))
    assert secret not in raised.value.message and 'Sekr3t' not in raised.value.message


def test_group_options_are_checked():
    with pytest.raises(validation.OptionError, match='^inline_policies.bad name: '):
        desired_group({'name': 'G', 'inline_policies': {'bad name': {'Statement': [{'Effect': 'Allow', 'Action': '*'}]}}})
    desired = desired_group({'name': 'G', 'managed_policies': ['AdministratorAccess'], 'inline_policies': {
        'p': '{"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}'}})
    assert desired['inline_policies']['p']['Statement'][0]['Action'] == 's3:Get*'


@pytest.mark.parametrize('policy, option', [
    ({'minimum_password_length': 5}, 'password_policy.minimum_password_length'),
    ({'minimum_password_length': 129}, 'password_policy.minimum_password_length'),
    ({'max_password_age': 1096}, 'password_policy.max_password_age'),
    ({'password_reuse_prevention': 25}, 'password_policy.password_reuse_prevention'),
    ({'hard_expiry': True, 'max_password_age': 0}, 'password_policy.hard_expiry'),
])
def test_invalid_password_policies(policy, option):
    with pytest.raises(validation.OptionError) as raised:
        desired_account({'password_policy': policy})
    assert raised.value.option == option


STRICT = policy_from_api({'MinimumPasswordLength': 14, 'RequireSymbols': True, 'RequireNumbers': True,
                          'RequireUppercaseCharacters': True, 'RequireLowercaseCharacters': True})


@pytest.mark.parametrize('password, policy, rule', [
    ('Ab1!', DEFAULT_POLICY, 'at least 8'),
    ('abcdefgh', DEFAULT_POLICY, 'at least 3 of'),
    ('Abcdefgh', DEFAULT_POLICY, 'at least 3 of'),
    ('Abcdefgh1!x', STRICT, 'at least 14'),
    ('abcdefghijklmn1!', STRICT, 'uppercase'),
    ('ABCDEFGHIJKLMNOp!', STRICT, 'numbers'),
])
def test_passwords_against_policies(password, policy, rule):
    with pytest.raises(validation.OptionError) as raised:
        check_password('password', password, policy)
    assert raised.value.message.startswith('password: ') and rule in raised.value.message
    assert password not in raised.value.message


def test_passwords_that_satisfy_policies():
    check_password('password', 'Abcdefg1', DEFAULT_POLICY)
    check_password('password', 'Abcdefghij1!xy', STRICT)


@settings(max_examples=60, deadline=None)
@given(minimum=st.integers(min_value=6, max_value=128), flags=st.lists(st.booleans(), min_size=4, max_size=4))
def test_generated_passwords_satisfy_every_policy(minimum, flags):
    policy = policy_from_api(dict(zip(['RequireSymbols', 'RequireNumbers', 'RequireUppercaseCharacters', 'RequireLowercaseCharacters'], flags),
                                  MinimumPasswordLength=minimum))
    password = generate_password(policy)
    check_password('password', password, policy)
    check_password('password', password, DEFAULT_POLICY)
    assert len(password) <= 128
    assert set(password) <= set(''.join(CLASSES.values()))
    assert not set(password) & set(string.whitespace)


def test_generated_passwords_differ():
    assert len({generate_password(DEFAULT_POLICY) for _attempt in range(20)}) == 20
