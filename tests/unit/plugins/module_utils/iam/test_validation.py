# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Local checks of options (IAM names, paths, ARNs, tags, policy JSON, access key ids): no AWS involved."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import validation


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
