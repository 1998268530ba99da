# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Acceptance 2 of the workstation modules: the guide's profile as the real AWS CLI and botocore see it."""

from __future__ import annotations

import os
import stat
import subprocess

import botocore.session

from tests.utils.ansible_runner import BIN, base_env, run_playbook, run_playbook_json, task_results

PLAYBOOK = os.path.join(os.path.dirname(__file__), 'playbooks', 'guide_profile.yml')
KEY_ID = 'AKIAIOSFODNN7GUIDEAB'
SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYguideHSGH'
GUIDE_ENV = {'GUIDE_ACCESS_KEY_ID': KEY_ID, 'GUIDE_SECRET_ACCESS_KEY': SECRET}


def configure_list(home, profile=None):
    """Rows of the real ``aws configure list``: {name: (value, type, location)}."""
    command = [os.path.join(BIN, 'aws'), 'configure', 'list'] + (['--profile', profile] if profile else [])
    proc = subprocess.run(command, env=base_env(home), capture_output=True, text=True, check=True)
    rows = {}
    for line in proc.stdout.splitlines()[2:]:
        parts = line.split()
        rows[parts[0]] = tuple(parts[1:])
    return rows


def botocore_view(home, profile):
    env = base_env(home)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        session = botocore.session.Session(profile=profile)
        credentials = session.get_credentials().get_frozen_credentials()
        return credentials.access_key, credentials.secret_key, session.get_config_variable('region')
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_before_the_keys_the_cli_shows_not_set(home):
    rows = configure_list(home)
    assert rows['access_key'][0] == '<not'
    assert rows['region'][0] == '<not'


def test_guide_profile_is_what_aws_cli_and_botocore_read(home):
    report, _proc = run_playbook_json(PLAYBOOK, home, GUIDE_ENV)
    results = task_results(report)
    assert results['Write the default profile']['changed'] is True

    rows = configure_list(home)
    assert rows['access_key'] == ('*' * 16 + KEY_ID[-4:], 'shared-credentials-file')
    assert rows['secret_key'] == ('*' * 16 + SECRET[-4:], 'shared-credentials-file')
    assert rows['region'] == ('ap-northeast-2', 'config-file', '~/.aws/config')
    named = configure_list(home, 'poweruser')
    assert named['region'] == ('eu-west-1', 'config-file', '~/.aws/config')
    assert named['access_key'][1] == 'shared-credentials-file'

    assert botocore_view(home, 'default') == (KEY_ID, SECRET, 'ap-northeast-2')
    assert botocore_view(home, 'poweruser') == (KEY_ID, SECRET, 'eu-west-1')

    aws_dir = home / '.aws'
    assert stat.S_IMODE(aws_dir.stat().st_mode) == 0o700
    for name in ('credentials', 'config'):
        assert stat.S_IMODE((aws_dir / name).stat().st_mode) == 0o600
    # What the module says the CLI shows is what the CLI shows.
    summary = results['Write the default profile']['configure_list']
    assert (summary['access_key']['value'], summary['region']['value']) == (rows['access_key'][0], rows['region'][0])
    info = {p['name']: p for p in results['Read the profiles back']['profiles']}
    assert info['poweruser']['access_key_id'] == KEY_ID
    assert info['poweruser']['settings'] == ['cli_pager', 's3']
    assert all(SECRET not in repr(p) for p in info.values())


def test_second_run_changes_nothing(home):
    run_playbook(PLAYBOOK, home, GUIDE_ENV)
    before = {name: (home / '.aws' / name).read_bytes() for name in ('credentials', 'config')}
    report, _proc = run_playbook_json(PLAYBOOK, home, GUIDE_ENV)
    assert [r['changed'] for r in task_results(report).values()] == [False, False, False]
    assert {name: (home / '.aws' / name).read_bytes() for name in before} == before


def test_check_mode_writes_nothing_and_diff_hides_the_secret(home):
    proc = run_playbook(PLAYBOOK, home, GUIDE_ENV, args=('--check', '--diff', '-vvvv'))
    assert 'changed=2' in proc.stdout
    assert not (home / '.aws').exists()
    assert '+aws_secret_access_key = ' + '*' * 16 + SECRET[-4:] in proc.stdout
    assert SECRET not in proc.stdout + proc.stderr
    # A real run at the same verbosity, with diff, leaks nothing either.
    proc = run_playbook(PLAYBOOK, home, GUIDE_ENV, args=('--diff', '-vvvv'))
    assert SECRET not in proc.stdout + proc.stderr
    assert (home / '.aws' / 'credentials').read_text().count(SECRET) == 2
