# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""aws_cli_profile_info lists what the AWS CLI would read, and never a secret."""

from __future__ import annotations

import os
import shutil

from tests.utils.ansible_runner import run_module

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'fixtures', 'aws')
SECRETS = ('oldDefaultSecret0000000000000000000000001', 'workSecret00000000000000000000000000001',
           'workToken000000000000000000000000000001', 'personalSecret0000000000000000000000001')


def test_lists_every_profile_with_its_sources(home, tmp_path):
    for name in ('credentials', 'config'):
        shutil.copyfile(os.path.join(FIXTURES, name), tmp_path / name)
    result = run_module('aws_cli_profile_info', dict(credentials_file=str(tmp_path / 'credentials'),
                                                     config_file=str(tmp_path / 'config')), home)
    profiles = {p['name']: p for p in result['profiles']}
    assert list(profiles) == ['default', 'work', 'personal', 'legacy']  # sso-session is not a profile
    assert profiles['work']['access_key_id'] == 'AKIAWORK000000000001'
    assert profiles['work']['session_token_present'] is True
    assert profiles['work']['settings'] == ['cli_pager', 's3']
    assert profiles['legacy']['settings'] == ['role_arn', 'source_profile']
    assert profiles['default']['region'] == 'us-west-2'
    assert profiles['personal']['sources'] == {'aws_access_key_id': 'credentials', 'aws_secret_access_key': 'credentials',
                                               'output': 'config', 'region': 'config'}
    assert result['changed'] is False
    for secret in SECRETS:
        assert secret not in repr(result)


def test_one_profile_and_missing_files(home):
    assert run_module('aws_cli_profile_info', dict(profile='default'), home)['profiles'] == []
    run_module('aws_cli_profile', dict(profile='dev', region='eu-west-1'), home)
    result = run_module('aws_cli_profile_info', dict(profile='dev'), home)
    assert [(p['name'], p['region'], p['access_key_id']) for p in result['profiles']] == [('dev', 'eu-west-1', None)]
    assert result['config_file'] == str(home / '.aws' / 'config')


def test_not_ini_is_a_clear_failure(home):
    (home / '.aws').mkdir()
    (home / '.aws' / 'config').write_text('region = x\n')
    result = run_module('aws_cli_profile_info', {}, home)
    assert result['failed'] is True
    assert result['msg'].startswith('config_file: %s is not an INI file' % (home / '.aws' / 'config'))
