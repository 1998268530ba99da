# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The first hour's ordinary mistakes, as a new user makes them with the playbooks as documented.

One row per mistake: the variables (and files) a user gets wrong, and the words the output must show
(the entry and the variable). For every row the recording proxy in front of moto saw no AWS write
call, and nothing under the throw-away HOME changed (paths, bytes, modes, link targets). Rows that
only warn run with ``--check`` (which writes nothing by design) and must still show the warning.
"""

from __future__ import annotations

import json
import os
import re
import time

import pytest

from tests.utils.ansible_runner import ROOT, run_playbook

BOOTSTRAP = os.path.join(ROOT, 'playbooks', 'bootstrap.yml')
ROTATE = os.path.join(ROOT, 'playbooks', 'rotate_keys.yml')
SANDBOX_VARS = '@' + os.path.join(ROOT, 'playbooks', 'vars', 'sandbox.yml')
GUIDE_USERS = [
    {'name': 'Administrator', 'groups': ['Administrators'], 'console_access': True, 'password': 'Correct-Horse-9-battery'},
    {'name': 'PowerUser', 'groups': ['PowerUsers'], 'access_key': 'present'},
]
# Secrets a case gives; none may appear in the output.
SECRETS = ('Correct-Horse-9-battery', 'abc1', 'Sh0rt!')


def users(**changes):
    """The guide's users with ``changes`` merged into the entry named by each key."""
    found = [dict(user) for user in GUIDE_USERS]
    for name, change in changes.items():
        for user in found:
            if user['name'] == name:
                user.update(change)
    return found


def bom(path):
    def setup(home):
        target = home / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b'\xef\xbb\xbf[default]\nregion = eu-west-1\n')
        return str(target)
    return setup


def link(path, real='real-aws-file'):
    def setup(home):
        target = home / path
        target.parent.mkdir(parents=True, exist_ok=True)
        (home / real).write_text('[default]\n')
        os.symlink(str(home / real), str(target))
        return str(target)
    return setup


class Mistake:
    def __init__(self, case_id, variables, expect, setup=None, playbook=BOOTSTRAP, check=False, warns=False):
        self.case_id = case_id
        self.variables = variables
        self.expect = (expect,) if isinstance(expect, str) else tuple(expect)
        self.setup = setup
        self.playbook = playbook
        self.check = check
        self.warns = warns


MISTAKES = [
    # --- account_admin_users / account_admin_groups entries: named entry and option ---
    Mistake('short-password', {'account_admin_users': users(Administrator={'password': 'Sh0rt!'})},
            ['account_admin_users[Administrator].password:', 'the password is 6 characters']),
    Mistake('password-without-console', {'account_admin_users': users(PowerUser={'password': 'Correct-Horse-9-battery'})},
            'account_admin_users[PowerUser].password: is only used with console_access=true'),
    Mistake('group-name-with-space', {'account_admin_users': users(PowerUser={'groups': [' PowerUsers']})},
            ['account_admin_users[PowerUser].groups:', "' PowerUsers'"]),
    Mistake('unknown-user-key', {'account_admin_users': users(PowerUser={'colour': 'red'})},
            ['account_admin_users[PowerUser]: unknown key colour', 'the supported keys are access_key,']),
    Mistake('unknown-group-key', {'account_admin_groups': [{'name': 'PowerUsers', 'managed_policy': ['PowerUserAccess']}]},
            ['account_admin_groups[PowerUsers]: unknown key managed_policy', 'managed_policies']),
    Mistake('user-name-with-space', {'account_admin_users': [{'name': 'Power User', 'groups': ['PowerUsers']}]},
            ['account_admin_users[0].name:', "'Power User'"]),
    Mistake('user-given-twice', {'account_admin_users': users() + [{'name': 'poweruser'}]},
            ['account_admin_users[poweruser]:', 'given twice', 'account_admin_users[PowerUser]']),
    Mistake('bad-state', {'account_admin_users': users(PowerUser={'state': 'gone'})},
            ['account_admin_users[PowerUser]:', 'state', 'present, absent']),
    Mistake('bad-access-key-choice', {'account_admin_users': users(PowerUser={'access_key': 'yes'})},
            ['account_admin_users[PowerUser]:', 'access_key']),
    Mistake('groups-not-a-list', {'account_admin_users': users(PowerUser={'groups': {'PowerUsers': True}})},
            ['account_admin_users[PowerUser]:', 'groups']),
    Mistake('bad-tag', {'account_admin_users': users(PowerUser={'tags': {'team': 'a|b'}})},
            'account_admin_users[PowerUser].tags'),
    Mistake('bad-group-path', {'account_admin_groups': [{'name': 'PowerUsers', 'path': 'teams'}]},
            'account_admin_groups[PowerUsers].path:'),
    Mistake('bad-policy-name', {'account_admin_groups': [{'name': 'PowerUsers', 'managed_policies': ['Power User Access']}]},
            'account_admin_groups[PowerUsers].managed_policies:'),
    Mistake('bad-inline-policy', {'account_admin_groups': [{'name': 'PowerUsers', 'inline_policies': {'Mine': '{not json'}}]},
            'account_admin_groups[PowerUsers].inline_policies.Mine:'),
    Mistake('policy-name-misspelt', {'account_admin_groups': [{'name': 'Administrators', 'managed_policies': ['AdministratorAccess']},
                                                              {'name': 'PowerUsers', 'managed_policies': ['PowerUserAcess']}]},
            "account_admin_groups[PowerUsers].managed_policies: no managed policy 'PowerUserAcess' exists"),
    Mistake('group-nobody-creates', {'account_admin_users': users(PowerUser={'groups': ['PowerUsers', 'Auditors']})},
            "account_admin_users[PowerUser].groups: no IAM group 'Auditors' exists"),
    Mistake('generated-password-nowhere', {'account_admin_users': [{'name': 'Administrator', 'groups': ['Administrators'], 'console_access': True}],
                                           'account_admin_credentials_dir': ''},
            ['account_admin_users[Administrator]: would get a generated console password', 'account_admin_credentials_dir']),
    Mistake('console-user-with-key', {'account_admin_users': users(Administrator={'access_key': 'present'})},
            ['account_admin_users[Administrator]: would get a console password and an access key', 'CIS 1.11']),
    # --- files on the controller and the workstation ---
    Mistake('bom-in-config', {}, ['byte order mark (BOM)', '.aws/config'], setup=bom('.aws/config')),
    Mistake('bom-in-credentials', {}, ['byte order mark (BOM)', '.aws/credentials'], setup=bom('.aws/credentials')),
    Mistake('bom-in-workstation-config-file', {'workstation_config_file': '{home}/elsewhere/config'},
            ['localhost:', 'config_file:', 'byte order mark (BOM)', 'elsewhere/config'], setup=bom('elsewhere/config')),
    Mistake('symlinked-credentials', {}, ['localhost: workstation_credentials_file:', 'is a symbolic link',
                                          'set workstation_credentials_file'], setup=link('.aws/credentials')),
    Mistake('symlinked-config', {}, ['localhost: workstation_config_file:', 'is a symbolic link'], setup=link('.aws/config')),
    # --- workstation variables ---
    Mistake('no-such-workstation-user', {'workstation_user': 'nobody-of-this-name'},
            ["workstation_user: no OS user 'nobody-of-this-name'"]),
    # Guide mode passes workstation_region as the region of its one profile.
    Mistake('region-spelt-out', {'workstation_region': 'Seoul'}, ['localhost: workstation_region:', "'Seoul'"]),
    Mistake('developer-region-spelt-out', {'workstation_iam_user': 'alice', 'workstation_region': 'Seoul'},
            ['localhost: workstation_region:', "'Seoul'"]),
    Mistake('developer-name-with-space', {'workstation_iam_user': 'alice smith'}, ['localhost:', 'workstation_iam_user', "'alice smith'"]),
    Mistake('developer-group-nobody-creates', {'workstation_iam_user': 'alice', 'workstation_iam_groups': ['Auditors']},
            ['localhost:', 'Auditors']),
    Mistake('profile-with-bracket', {'workstation_iam_user': 'alice', 'workstation_profile': 'dev]'},
            ['localhost: workstation_profile:', '"["']),
    # --- misspelt variables: warned about (with --check, which writes nothing) ---
    Mistake('misspelt-account-admin-variable', {'account_admin_user': users()},
            ['[WARNING]: account_admin_user is not a variable of account_admin', 'did you mean account_admin_users?'],
            check=True, warns=True),
    Mistake('misspelt-workstation-variable', {'workstation_regoin': 'eu-west-1'},
            ['[WARNING]: workstation_regoin is not a variable of workstation', 'did you mean workstation_region?'],
            check=True, warns=True),
    Mistake('misspelt-rotate-keys-variable', {'rotate_keys_forced': True},
            ['[WARNING]: rotate_keys_forced is not a variable of rotate_keys', 'did you mean rotate_keys_force?'],
            playbook=ROTATE, check=True, warns=True),
]


def snapshot(root):
    """Every path under ``root`` (but Ansible's own ~/.ansible) with its mode and bytes or link target."""
    found = {}
    for folder, dirs, files in os.walk(str(root)):
        if os.path.abspath(folder) == os.path.join(str(root), '.ansible'):
            dirs[:] = []
            continue
        dirs[:] = [name for name in dirs if not (folder == str(root) and name == '.ansible')]
        for name in dirs + files:
            path = os.path.join(folder, name)
            stat = os.lstat(path)
            if os.path.islink(path):
                found[path] = ('link', os.readlink(path))
            elif os.path.isdir(path):
                found[path] = ('dir', stat.st_mode)
            else:
                with open(path, 'rb') as handle:
                    found[path] = ('file', stat.st_mode, handle.read())
    return found


@pytest.mark.parametrize('mistake', [pytest.param(m, id=m.case_id) for m in MISTAKES])
def test_mistake_is_named_before_anything_is_written(mistake, aws_proxy, home, tmp_path):
    if mistake.case_id == 'no-such-workstation-user' and os.geteuid() != 0:
        pytest.skip('become to another user needs root')
    if mistake.setup:
        mistake.setup(home)
    variables = json.loads(json.dumps(mistake.variables).replace('{home}', str(home)))
    variables.setdefault('account_admin_credentials_dir', str(tmp_path / 'credentials'))
    var_file = tmp_path / 'vars.json'
    var_file.write_text(json.dumps(variables))
    before = snapshot(home)
    args = ['-e', SANDBOX_VARS, '-e', '@%s' % var_file] + (['--check'] if mistake.check else [])
    started = time.monotonic()
    proc = run_playbook(mistake.playbook, home, dict(aws_proxy.env), args=args, check=False)
    elapsed = time.monotonic() - started
    output = proc.stdout + proc.stderr
    if mistake.warns:
        assert proc.returncode == 0, output[-4000:]
    else:
        assert proc.returncode != 0, output[-4000:]
    for words in mistake.expect:
        assert words in output, 'missing %r in:\n%s' % (words, output[-4000:])
    assert 'argument_spec_data' not in output
    for secret in SECRETS:
        assert secret not in output
    assert aws_proxy.write_calls() == [], aws_proxy.write_calls()
    assert snapshot(home) == before
    assert not os.path.exists(str(tmp_path / 'credentials')) or mistake.check
    # A check-only failure is quick: no retry loop, no install, no wait for IAM.
    assert elapsed < 60, elapsed
    if not mistake.warns:
        failed = [line for line in output.splitlines() if line.startswith(('fatal:', '[ERROR]'))]
        assert failed and not re.search(r'censored|output has been hidden', '\n'.join(failed)), output[-3000:]


def test_at_least_25_mistakes():
    assert len(MISTAKES) >= 25
