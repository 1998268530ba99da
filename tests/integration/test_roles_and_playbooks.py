# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Role argument specs, report.yml, make demo, and the built collection running its playbooks by FQCN."""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys

import pytest

from tests.utils.ansible_runner import BIN, ROOT, base_env, run_playbook

REPORT = os.path.join(ROOT, 'playbooks', 'report.yml')
BOOTSTRAP = os.path.join(ROOT, 'playbooks', 'bootstrap.yml')


def role_play(tmp_path, role, variables):
    playbook = tmp_path / 'play.yml'
    lines = ['- hosts: localhost', '  gather_facts: false', '  roles:', '    - role: awsbootstrap.iam.%s' % role, '      vars:']
    lines += ['        %s: %s' % (name, value) for name, value in variables.items()]
    playbook.write_text('\n'.join(lines) + '\n')
    return playbook


@pytest.mark.parametrize('role, variables, named', [
    ('account_admin', {'account_admin_users': '"Administrator"'}, 'account_admin_users'),
    ('account_admin', {'account_admin_groups': '[{managed_policies: [AdministratorAccess]}]'}, 'name'),
    ('account_admin', {'account_admin_report': '"sometimes"'}, 'account_admin_report'),
    ('account_admin', {'account_admin_users': '[{name: PowerUser, access_key: always}]'}, 'access_key'),
    ('workstation', {'workstation_profiles': '{name: default}'}, 'workstation_profiles'),
    ('workstation', {'workstation_profiles': '[{name: default, output: xml}]'}, 'output'),
    ('workstation', {'workstation_awscli_install_method': 'brew'}, 'workstation_awscli_install_method'),
])
def test_argument_specs_reject_wrong_values_before_any_task(sandbox, home, tmp_path, role, variables, named):
    proc = run_playbook(role_play(tmp_path, role, variables), home, sandbox.env, check=False)
    assert proc.returncode != 0
    assert "Validating arguments against arg spec 'main'" in proc.stdout
    assert named in proc.stdout
    assert re.search(r'ok=0\s+changed=0', proc.stdout)
    assert not (home / '.aws').exists()


def test_bool_arguments_given_as_strings_on_the_command_line_are_honoured(home, tmp_path):
    playbook = role_play(tmp_path, 'workstation', {'workstation_profiles': '[{name: dev, region: eu-west-1}]'})
    proc = run_playbook(playbook, home, args=('-e', 'workstation_install_awscli=false', '-e', 'workstation_verify=false'))
    assert re.search(r'Make sure the AWS CLI runs for the user\] \**\nskipping', proc.stdout), proc.stdout
    assert re.search(r'Read each written profile back with the real AWS CLI\] \**\nskipping', proc.stdout), proc.stdout
    assert '[profile dev]' in (home / '.aws' / 'config').read_text()


def test_report_playbook_shows_the_console_lists(sandbox, home):
    env = dict(sandbox.env)
    run_playbook(BOOTSTRAP, home, env, args=('-e', '@' + os.path.join(ROOT, 'playbooks', 'vars', 'sandbox.yml')))
    proc = run_playbook(REPORT, home, env)
    assert 'https://123456789012.signin.aws.amazon.com/console' in proc.stdout
    assert re.search(r'"Administrator +Administrators +Yes +None +No"', proc.stdout), proc.stdout
    assert re.search(r'"PowerUser +PowerUsers +No +1 \(0 days\) +No"', proc.stdout), proc.stdout
    assert re.search(r'"PowerUsers +1 +PowerUserAccess"', proc.stdout), proc.stdout
    assert re.search(r'changed=0', proc.stdout)


def test_make_demo_reads_like_the_guide():
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'hacking', 'demo.py')], capture_output=True, text=True,
                          env=base_env(os.path.join(ROOT, '.build')), timeout=300, check=False)
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert 'Unable to locate credentials' in out
    assert 'Sign-in URL for IAM users: https://123456789012.signin.aws.amazon.com/console' in out
    assert re.search(r'"Administrator +Administrators +Yes ', out)
    assert re.search(r'"PowerUser +PowerUsers +No +1 ', out)
    assert re.search(r'access_key +\*{16}\w{4} shared-credentials-file', out)
    assert re.search(r'region +ap-northeast-2 +config-file +~/.aws/config', out)
    assert re.search(r'arn:aws:iam::123456789012:user/PowerUser', out)
    assert not os.path.exists(os.path.expanduser('~/.aws/credentials')) or 'demo-home' not in open(os.path.expanduser('~/.aws/credentials')).read()


def test_built_collection_installs_and_runs_its_playbooks_by_fqcn(sandbox, home, tmp_path):
    env = base_env(home)
    dist = tmp_path / 'dist'
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(dist), ROOT],
                   env=env, check=True, capture_output=True, cwd=ROOT)
    tarball = glob.glob(str(dist / 'awsbootstrap-iam-*.tar.gz'))
    assert len(tarball) == 1
    installed = tmp_path / 'collections'
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--force', '--no-deps', '-p', str(installed), tarball[0]],
                   env=env, check=True, capture_output=True)
    root = installed / 'ansible_collections' / 'awsbootstrap' / 'iam'
    assert (root / 'playbooks' / 'bootstrap.yml').exists()
    assert not (root / '.collections').exists() and not (root / '.venv').exists()
    # Outside the checkout: no ansible.cfg of ours, only the installed copy (and amazon.aws from the ansible package).
    env.pop('ANSIBLE_CONFIG')
    env['ANSIBLE_COLLECTIONS_PATH'] = str(installed)
    env.update(sandbox.env)
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), 'awsbootstrap.iam.report'], env=env, capture_output=True,
                          text=True, cwd=str(tmp_path), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'https://123456789012.signin.aws.amazon.com/console' in proc.stdout
    assert str(root) in subprocess.run([os.path.join(BIN, 'ansible-doc'), 'awsbootstrap.iam.iam_bootstrap_user'], env=env,
                                       capture_output=True, text=True, check=True, cwd=str(tmp_path)).stdout
