# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Acceptance 3: an existing, hand-kept pair of files keeps every unmanaged byte through set, update and absent."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from tests.utils.ansible_runner import run_module, warnings_of

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'fixtures', 'aws')

CASES = {
    'set-default': dict(access_key_id='AKIANEWDEFAULT000001', secret_access_key='newDefaultSecret0000000000000000000000001',
                        region='ap-northeast-2', output='json'),
    'update-work': dict(profile='work', access_key_id='AKIAWORK000000000002', secret_access_key='workSecret00000000000000000000000000002',
                        region='eu-central-1',
                        settings={'s3': {'max_concurrent_requests': 50, 'addressing_style': 'path'}, 'retry_mode': 'standard'}),
    'absent-personal': dict(profile='personal', state='absent'),
}


def install_fixtures(home):
    aws_dir = home / '.aws'
    aws_dir.mkdir(mode=0o700)
    for name in ('credentials', 'config'):
        shutil.copyfile(os.path.join(FIXTURES, name), aws_dir / name)
        os.chmod(aws_dir / name, 0o600)
    return aws_dir


def expected(name):
    with open(os.path.join(FIXTURES, name), 'rb') as handle:
        return handle.read()


@pytest.mark.parametrize('case', sorted(CASES))
def test_edit_of_hand_kept_files_matches_the_hand_written_result(home, case):
    aws_dir = install_fixtures(home)
    result = run_module('aws_cli_profile', CASES[case], home)
    assert result.get('failed') is not True, result
    assert result['changed'] is True
    assert (aws_dir / 'credentials').read_bytes() == expected('credentials.after-%s' % case)
    assert (aws_dir / 'config').read_bytes() == expected('config.after-%s' % case)
    again = run_module('aws_cli_profile', CASES[case], home)
    assert again['changed'] is False
    assert (aws_dir / 'config').read_bytes() == expected('config.after-%s' % case)


def test_crlf_file_keeps_its_line_endings(home):
    aws_dir = home / '.aws'
    aws_dir.mkdir(mode=0o700)
    (aws_dir / 'config').write_bytes(b'# windows editor\r\n[default]\r\nregion = us-west-2\r\n')
    result = run_module('aws_cli_profile', dict(region='eu-west-1', output='json'), home)
    assert result['changed'] is True
    assert (aws_dir / 'config').read_bytes() == b'# windows editor\r\n[default]\r\nregion = eu-west-1\r\noutput = json\r\n'


def test_loose_modes_are_tightened_with_a_warning(home):
    aws_dir = install_fixtures(home)
    os.chmod(aws_dir, 0o755)
    os.chmod(aws_dir / 'credentials', 0o644)
    before = (aws_dir / 'credentials').read_bytes()
    checked = run_module('aws_cli_profile', dict(profile='personal', region='us-east-1'), home, check_mode=True)
    assert checked['changed'] is True
    assert stat.S_IMODE((aws_dir / 'credentials').stat().st_mode) == 0o644
    result = run_module('aws_cli_profile', dict(profile='personal', region='us-east-1'), home)
    assert result['changed'] is True
    assert any('0644' in w and 'credentials' in w for w in warnings_of(result))
    assert any('0755' in w for w in warnings_of(result))
    assert stat.S_IMODE((aws_dir / 'credentials').stat().st_mode) == 0o600
    assert stat.S_IMODE(aws_dir.stat().st_mode) == 0o700
    assert (aws_dir / 'credentials').read_bytes() == before
    assert run_module('aws_cli_profile', dict(profile='personal', region='us-east-1'), home)['changed'] is False


def test_diff_masks_existing_and_new_secrets(home):
    install_fixtures(home)
    result = run_module('aws_cli_profile', CASES['update-work'], home, check_mode=True, diff=True)
    text = repr(result)
    for secret in ('workSecret00000000000000000000000000001', 'workSecret00000000000000000000000000002',
                   'workToken000000000000000000000000000001', 'oldDefaultSecret0000000000000000000000001'):
        assert secret not in text
    credentials_diff = [d for d in result['diff'] if d['after_header'].endswith('credentials')][0]
    assert 'aws_secret_access_key = ' + '*' * 16 + '0002' in credentials_diff['after']
    assert 'aws_session_token' in credentials_diff['before'] and 'aws_session_token' not in credentials_diff['after']


def test_import_of_the_console_csv(home, tmp_path):
    csv_path = tmp_path / 'PowerUser_credentials.csv'
    csv_path.write_bytes('\ufeffUser name,Password,Access key ID,Secret access key,Console login link\r\n'
                         'PowerUser,,AKIAPOWER0000000CSV1,csvSecret000000000000000000000000000001,'
                         'https://123456789012.signin.aws.amazon.com/console\r\n'.encode('utf-8'))
    result = run_module('aws_cli_profile', dict(profile='poweruser', import_csv=str(csv_path), region='ap-northeast-2'), home)
    assert result['changed'] is True
    assert result['access_key_id'] == 'AKIAPOWER0000000CSV1'
    assert 'csvSecret000000000000000000000000000001' not in repr(result)
    assert (home / '.aws' / 'credentials').read_text() == (
        '[poweruser]\naws_access_key_id = AKIAPOWER0000000CSV1\naws_secret_access_key = csvSecret000000000000000000000000000001\n')


def test_stale_temp_files_of_a_killed_run_are_removed(home):
    aws_dir = install_fixtures(home)
    stale = aws_dir / '.credentials.abc123.awsbootstrap-tmp'
    stale.write_text('[default]\naws_secret_access_key = leftover\n')
    run_module('aws_cli_profile', CASES['set-default'], home)
    assert not stale.exists()
    assert sorted(os.listdir(aws_dir)) == ['config', 'credentials']
