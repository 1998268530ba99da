# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 12, 11-12 and issue 13's file messages: the two files as one change, names of one file,
owners and modes, the temp sweeper, a BOM, a link, and edits botocore would read otherwise."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from tests.utils.ansible_runner import run_module, warnings_of

KEY = dict(access_key_id='AKIAIOSFODNN7EXAMPLE', secret_access_key='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')


def files(folder):
    return dict(credentials_file=str(folder / 'credentials'), config_file=str(folder / 'config'))


def snapshot(folder):
    return {name: (folder / name).read_bytes() for name in sorted(os.listdir(folder)) if (folder / name).is_file()}


@pytest.mark.parametrize('how', ['same-path', 'through-a-link', 'hard-link'])
def test_one_file_for_both_is_refused(home, tmp_path, how):
    (tmp_path / 'real').mkdir()
    target = tmp_path / 'real' / 'config'
    target.write_text('[default]\nregion = us-east-1\n')
    if how == 'same-path':
        other = target
    elif how == 'through-a-link':
        os.symlink(tmp_path / 'real', tmp_path / 'alias')
        other = tmp_path / 'alias' / 'config'
    else:
        other = tmp_path / 'real' / 'credentials'
        os.link(target, other)
    before = snapshot(tmp_path / 'real')
    result = run_module('aws_cli_profile', dict(KEY, credentials_file=str(other), config_file=str(target)), home)
    assert result['failed'] is True
    assert result['msg'].startswith('config_file: credentials_file and config_file name the same file'), result['msg']
    assert snapshot(tmp_path / 'real') == before


def test_bom_is_named_with_the_file(home, tmp_path):
    (tmp_path / 'config').write_bytes(b'\xef\xbb\xbf[default]\nregion = us-east-1\n')
    before = snapshot(tmp_path)
    for module, args in (('aws_cli_profile', dict(files(tmp_path), region='eu-west-1')), ('aws_cli_profile_info', files(tmp_path))):
        result = run_module(module, args, home)
        assert result['failed'] is True
        assert result['msg'].startswith('config_file: %s starts with a UTF-8 byte order mark (BOM)' % (tmp_path / 'config')), result['msg']
    assert snapshot(tmp_path) == before


def test_symlinked_credentials_message_names_the_option_to_set(home, tmp_path):
    (tmp_path / 'real').write_text('[default]\n')
    os.symlink(tmp_path / 'real', tmp_path / 'credentials')
    result = run_module('aws_cli_profile', dict(KEY, **files(tmp_path)), home)
    assert result['failed'] is True
    assert 'set the credentials_file option to the real file (%s)' % (tmp_path / 'real') in result['msg']
    assert (tmp_path / 'real').read_text() == '[default]\n'


def test_an_edit_botocore_would_read_otherwise_is_refused_and_nothing_written(home, tmp_path):
    # configparser's [DEFAULT] lends its keys to every section: removing dev's own cli_pager would not remove it.
    (tmp_path / 'config').write_text('[DEFAULT]\ncli_pager = less\n[profile dev]\ncli_pager = more\n')
    before = snapshot(tmp_path)
    result = run_module('aws_cli_profile', dict(KEY, profile='dev', settings={'cli_pager': None}, **files(tmp_path)), home)
    assert result['failed'] is True
    assert result['msg'].startswith('config_file: %s: refusing to write' % (tmp_path / 'config')), result['msg']
    assert 'section [profile dev], key cli_pager' in result['msg'] and 'nothing was written' in result['msg']
    assert snapshot(tmp_path) == before  # the credentials file was not written either
    ok = run_module('aws_cli_profile', dict(files(tmp_path), profile='dev', settings={'cli_pager': 'less'}), home)
    assert ok['changed'] is True, ok
    result = run_module('aws_cli_profile', dict(files(tmp_path), profile='DEFAULT', region='eu-west-1'), home)
    assert result['msg'].startswith('profile: "DEFAULT" is the defaults section'), result['msg']


def test_a_stricter_mode_is_kept(home, tmp_path):
    (tmp_path / 'config').write_text('[default]\nregion = us-east-1\n')
    os.chmod(tmp_path / 'config', 0o400)
    result = run_module('aws_cli_profile', dict(files(tmp_path), region='eu-west-1'), home)
    assert result['changed'] is True
    assert (tmp_path / 'config').read_text() == '[default]\nregion = eu-west-1\n'
    assert stat.S_IMODE((tmp_path / 'config').stat().st_mode) == 0o400
    assert warnings_of(result) == []


def test_the_sweeper_removes_only_temp_files_of_dead_writers(home, tmp_path):
    (tmp_path / 'credentials').write_text('[default]\n')
    dead = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'], capture_output=True, text=True, check=True)
    dead_temp = tmp_path / ('.credentials.%s.abc.awsbootstrap-tmp' % dead.stdout.strip())
    live_temp = tmp_path / ('.credentials.%d.def.awsbootstrap-tmp' % os.getpid())
    legacy_temp = tmp_path / '.credentials.k2j3h4.awsbootstrap-tmp'
    for temp in (dead_temp, live_temp, legacy_temp):
        temp.write_text('[default]\naws_secret_access_key = leftover\n')
    result = run_module('aws_cli_profile', dict(KEY, **files(tmp_path)), home)
    assert result['changed'] is True
    assert not dead_temp.exists() and not legacy_temp.exists()
    assert live_temp.exists()


@pytest.mark.root
def test_root_writing_into_another_users_folder_leaves_that_user_the_owner(home, tmp_path):
    if os.geteuid() != 0:
        if os.environ.get('CI'):
            pytest.fail('CI must run these tests as root')
        pytest.skip('needs root to own files as another user')
    user_home = tmp_path / 'dev'
    user_home.mkdir()
    os.chown(user_home, 65534, 65534)
    aws_dir = user_home / '.aws'
    (aws_dir / 'x').parent.mkdir()
    os.chown(aws_dir, 65534, 65534)
    os.chmod(aws_dir, 0o700)
    (aws_dir / 'config').write_text('[default]\nregion = us-east-1\n')
    os.chown(aws_dir / 'config', 65534, 65534)
    result = run_module('aws_cli_profile', dict(KEY, region='eu-west-1', credentials_file=str(aws_dir / 'credentials'),
                                                config_file=str(aws_dir / 'config')), home)
    assert result['changed'] is True, result
    for name in ('credentials', 'config'):
        info = (aws_dir / name).stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o600), name
    # A folder it creates belongs to the owner of the folder above.
    new_dir = user_home / 'other'
    result = run_module('aws_cli_profile', dict(region='eu-west-1', credentials_file=str(new_dir / 'credentials'),
                                                config_file=str(new_dir / 'config')), home)
    assert result['changed'] is True, result
    assert (new_dir.stat().st_uid, stat.S_IMODE(new_dir.stat().st_mode)) == (65534, 0o700)
    assert (new_dir / 'config').stat().st_uid == 65534
