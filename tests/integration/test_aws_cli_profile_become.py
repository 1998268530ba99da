# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Acceptance 5: run as root with become_user, the files land in that user's home, owned by that user, 0700/0600."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import tempfile

import pytest

from tests.utils.ansible_runner import run_playbook_json, task_results
from tests.utils.os_users import create_user, delete_user, python_for

PLAYBOOK = os.path.join(os.path.dirname(__file__), 'playbooks', 'become_profile.yml')
KEY_ID = 'AKIAIOSFODNN7BECOME1'
SECRET = 'becomeSecret0000000000000000000000000001'

pytestmark = pytest.mark.root


@pytest.fixture
def workstation_user():
    if os.geteuid() != 0:
        if os.environ.get('CI'):
            pytest.fail('CI must run these tests as root')
        pytest.skip('needs root to create a throw-away OS user')
    # Not under pytest's tmp_path: that is private to root, and the user must reach its own home.
    homes = tempfile.mkdtemp(prefix='awsbt-homes-')
    name, home = create_user(homes)
    yield name, home
    delete_user(name)
    shutil.rmtree(homes, ignore_errors=True)


def test_become_user_gets_the_files_in_its_own_home(home, workstation_user):
    name, user_home = workstation_user
    extra = ['-e', 'workstation_user=%s' % name, '-e', 'ansible_python_interpreter=%s' % python_for(name)]
    report, proc = run_playbook_json(PLAYBOOK, home, {'GUIDE_ACCESS_KEY_ID': KEY_ID, 'GUIDE_SECRET_ACCESS_KEY': SECRET}, args=extra)
    results = task_results(report)
    assert results['Write the default profile as the workstation user']['credentials_file'] == os.path.join(user_home, '.aws', 'credentials')
    assert results['Read it back as that user']['profiles'][0]['access_key_id'] == KEY_ID
    assert SECRET not in proc.stdout

    account = pwd.getpwnam(name)
    aws_dir = os.path.join(user_home, '.aws')
    info = os.stat(aws_dir)
    assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (account.pw_uid, 0o700)
    for file_name in ('credentials', 'config'):
        info = os.stat(os.path.join(aws_dir, file_name))
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (account.pw_uid, account.pw_gid, 0o600)
    # Nothing was written into the controller user's (throw-away) home.
    assert not (home / '.aws').exists()
