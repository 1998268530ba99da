# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Acceptance 6: bad input fails with a message naming the option and the rule, and no file is created or changed."""

from __future__ import annotations

import os

import pytest

from tests.utils.ansible_runner import run_module

GOOD_KEY = dict(access_key_id='AKIAIOSFODNN7EXAMPLE', secret_access_key='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')

# (id, module args, text the message must start with, words it must contain, setup)
CASES = [
    ('empty-profile', dict(profile='', region='eu-west-1'), 'profile:', 'non-empty', None),
    ('padded-profile', dict(profile='dev ', region='eu-west-1'), 'profile:', 'whitespace', None),
    ('bracket-profile', dict(profile='dev]\n[default', region='eu-west-1'), 'profile:', '"["', None),
    ('newline-profile', dict(profile='a\nb', region='eu-west-1'), 'profile:', 'line breaks', None),
    ('bad-region', dict(region='seoul'), 'region:', 'AWS region', None),
    ('injected-region', dict(region='eu-west-1\n[profile evil]\ncredential_process = /bin/sh'), 'region:', 'newline', None),
    ('injected-secret', dict(GOOD_KEY, secret_access_key='abc\r\n[evil]'), 'secret_access_key:', 'newline', None),
    ('bad-output', dict(output='xml'), 'value of output must be one of', 'json', None),
    ('secret-without-key', dict(secret_access_key='abc'), 'parameters are required together', 'access_key_id', None),
    ('key-without-secret', dict(access_key_id='AKIAX'), 'parameters are required together', 'secret_access_key', None),
    ('token-without-key', dict(session_token='FwoGZXIvYXdzEBEXAMPLETOKEN'), "missing parameter(s) required by 'session_token'", 'access_key_id', None),
    ('csv-and-key', dict(GOOD_KEY, import_csv='/nonexistent.csv'), 'parameters are mutually exclusive', 'import_csv', None),
    ('csv-missing', dict(import_csv='/nonexistent/creds.csv'), 'import_csv:', 'does not exist', None),
    ('csv-columns', dict(import_csv='{csv}'), 'import_csv:', 'Access key ID', 'csv-no-columns'),
    ('csv-ambiguous', dict(import_csv='{csv}'), 'import_csv:', 'csv_user_name', 'csv-two-rows'),
    ('settings-region', dict(settings={'region': 'eu-west-1'}), 'settings.region:', 'region option', None),
    ('settings-newline', dict(settings={'cli_pager': 'less\n[x]'}), 'settings.cli_pager:', 'newline', None),
    ('not-ini-credentials', dict(GOOD_KEY), 'credentials_file:', 'not an INI file', 'not-ini'),
    ('duplicate-section-config', dict(region='eu-west-1'), 'config_file:', 'DuplicateSectionError', 'duplicate-section'),
    ('symlinked-credentials', dict(GOOD_KEY), 'credentials_file:', 'symbolic link', 'symlink'),
    ('directory-config', dict(region='eu-west-1'), 'config_file:', 'not a regular file', 'directory'),
]


def prepare(home, tmp_path, setup):
    aws_dir = home / '.aws'
    csv_path = tmp_path / 'creds.csv'
    if setup is None:
        return csv_path
    aws_dir.mkdir(mode=0o700)
    (aws_dir / 'config').write_text('[default]\nregion = us-west-2\n')
    if setup == 'csv-no-columns':
        csv_path.write_text('User name,Password\nAdministrator,x\n')
    elif setup == 'csv-two-rows':
        csv_path.write_text('Access key ID,Secret access key\nAKIA1,s1\nAKIA2,s2\n')
    elif setup == 'not-ini':
        (aws_dir / 'credentials').write_text('aws_access_key_id = AKIAOLD\nthis is not a section\n')
    elif setup == 'duplicate-section':
        (aws_dir / 'config').write_text('[default]\nregion = a\n[default]\nregion = b\n')
    elif setup == 'symlink':
        target = tmp_path / 'elsewhere'
        target.write_text('[default]\n')
        os.symlink(target, aws_dir / 'credentials')
    elif setup == 'directory':
        (aws_dir / 'config').unlink()
        (aws_dir / 'config').mkdir()
    return csv_path


def snapshot(*roots):
    state = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(folder, name)
                info = os.lstat(path)
                content = open(path, 'rb').read() if os.path.isfile(path) and not os.path.islink(path) else None
                state[path] = (info.st_mode, info.st_mtime_ns, content)
    return state


@pytest.mark.parametrize('case_id, args, prefix, words, setup', CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_before_any_file_is_touched(home, tmp_path, case_id, args, prefix, words, setup):
    csv_path = prepare(home, tmp_path, setup)
    args = {k: (v.format(csv=csv_path) if isinstance(v, str) and '{csv}' in v else v) for k, v in args.items()}
    before = snapshot(home, tmp_path)
    result = run_module('aws_cli_profile', args, home)
    assert result.get('failed') is True, (case_id, result)
    assert result['msg'].startswith(prefix), result['msg']
    assert words in result['msg'], result['msg']
    assert snapshot(home, tmp_path) == before
    assert 'wJalrXUtnFEMI' not in result['msg']
