# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Option checks of aws_cli_profile and the console CSV reader."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import console_csv
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.profile_args import desired_values
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import REMOVE
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import ValidationError


def params(**overrides):
    base = dict(profile='default', state='present', access_key_id=None, secret_access_key=None, session_token=None,
                import_csv=None, csv_user_name=None, region=None, output=None, settings={})
    base.update(overrides)
    return base


def test_guide_profile_splits_key_material_from_config():
    credentials, config = desired_values(params(access_key_id='AKIAX', secret_access_key='s', region='ap-northeast-2', output='json'))
    assert credentials == {'aws_access_key_id': 'AKIAX', 'aws_secret_access_key': 's',
                           'aws_session_token': REMOVE, 'aws_security_token': REMOVE}
    assert config == {'region': 'ap-northeast-2', 'output': 'json'}


def test_settings_are_typed_and_nested():
    _credentials, config = desired_values(params(settings={'cli_pager': '', 'S3': {'max_concurrent_requests': 20, 'x': None},
                                                           'cli_auto_prompt': False, 'old': None}))
    assert config == {'cli_pager': '', 's3': {'max_concurrent_requests': '20', 'x': REMOVE}, 'cli_auto_prompt': 'false', 'old': REMOVE}


@pytest.mark.parametrize('overrides, option, words', [
    (dict(profile=''), 'profile', 'non-empty'),
    (dict(profile=' dev'), 'profile', 'whitespace'),
    (dict(profile='de[v'), 'profile', '"["'),
    (dict(profile='dev]'), 'profile', '"]"'),
    (dict(profile='a\nb'), 'profile', 'line breaks'),
    (dict(profile='my dev'), 'profile', 'whitespace'),
    (dict(region='Seoul'), 'region', 'AWS region'),
    (dict(region='ap-northeast-2\n[evil]'), 'region', 'newline'),
    (dict(access_key_id='AKIA\rX', secret_access_key='s'), 'access_key_id', 'newline'),
    (dict(access_key_id='AKIAX', secret_access_key='s\n[x]'), 'secret_access_key', 'newline'),
    (dict(access_key_id='AKIAX', secret_access_key=''), 'secret_access_key', 'empty'),
    (dict(access_key_id='AKIAX', secret_access_key='s', session_token='t\n'), 'session_token', 'newline'),
    (dict(settings={'region': 'x'}), 'settings.region', 'region option'),
    (dict(settings={'aws_secret_access_key': 'x'}), 'settings.aws_secret_access_key', 'secret_access_key option'),
    (dict(settings={'bad key': 'x'}), 'settings', 'setting names'),
    (dict(settings={'k': 'v\nx = y'}), 'settings.k', 'newline'),
    (dict(settings={'s3': {'a': {'b': 1}}}), 'settings.s3.a', 'one level'),
    (dict(settings={'k': [1]}), 'settings.k', 'must be a string'),
    (dict(output='xml'), 'output', 'one of'),
])
def test_bad_options_name_the_option_and_the_rule(overrides, option, words):
    with pytest.raises(ValidationError) as info:
        desired_values(params(**overrides))
    assert info.value.option == option
    assert str(info.value).startswith(option + ': ')
    assert words in info.value.rule


def test_absent_needs_only_a_valid_profile():
    assert desired_values(params(state='absent', region='whatever')) == ({}, {})
    with pytest.raises(ValidationError):
        desired_values(params(state='absent', profile='a b'))


USER_CSV = ('\ufeffUser name,Password,Access key ID,Secret access key,Console login link\r\n'
            'PowerUser,,AKIAPOWER0000000001,powerSecret000000000000000000000000001,https://123456789012.signin.aws.amazon.com/console\r\n'
            'Administrator,Pa55word!,,,https://123456789012.signin.aws.amazon.com/console\r\n')
KEY_CSV = 'Access key ID,Secret access key\nAKIAKEY00000000001,keySecret0000000000000000000000000001\n'


def test_csv_formats_bom_and_crlf():
    assert console_csv.read_credentials_csv('import_csv', USER_CSV, 'PowerUser') == ('AKIAPOWER0000000001', 'powerSecret000000000000000000000000001')
    assert console_csv.read_credentials_csv('import_csv', KEY_CSV) == ('AKIAKEY00000000001', 'keySecret0000000000000000000000000001')


@pytest.mark.parametrize('text, user, option, words', [
    (USER_CSV, None, 'import_csv', 'set csv_user_name'),
    (USER_CSV, 'Nobody', 'csv_user_name', 'no row'),
    (USER_CSV, 'Administrator', 'import_csv', 'no access key'),
    (KEY_CSV, 'PowerUser', 'csv_user_name', 'no "User name" column'),
    ('User name,Password\nx,y\n', None, 'import_csv', 'missing'),
    ('', None, 'import_csv', 'empty'),
    ('Access key ID,Secret access key\n', None, 'import_csv', 'no data row'),
])
def test_bad_csv_names_the_option(text, user, option, words):
    with pytest.raises(ValidationError) as info:
        console_csv.read_credentials_csv('import_csv', text, user)
    assert info.value.option == option
    assert words in info.value.rule
    assert 'Pa55word!' not in str(info.value) and 'Secret0000' not in str(info.value)
