# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every playbook, run as documented from the checkout (no -i: ansible.cfg's inventory is this machine),
prints no ``[WARNING]`` and no ``[DEPRECATION WARNING]`` line: not the implicit-localhost ones, not
ansible-core's deprecation of ``warnings`` passed to ``exit_json``. A run that provokes a warning on
purpose shows that the check can fail."""

from __future__ import annotations

import os
import re
import subprocess

from tests.utils.ansible_runner import BIN, ROOT, base_env

SANDBOX_VARS = '@' + os.path.join(ROOT, 'playbooks', 'vars', 'sandbox.yml')
WARNING = re.compile(r'^\[(DEPRECATION )?WARNING\]', re.M)


def playbook(name, proxy, home, *args):
    env = base_env(home, proxy.env)
    # As a user runs it: the interpreter comes from the playbooks and the checkout's inventory.
    env.pop('ANSIBLE_PYTHON_INTERPRETER', None)
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), os.path.join('playbooks', name), '-e', SANDBOX_VARS] + list(args),
                          env=env, capture_output=True, text=True, cwd=ROOT, timeout=900, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    return output


def warnings(output):
    return [line for line in output.splitlines() if WARNING.match(line)]


def test_every_playbook_runs_without_a_warning(aws_proxy, home):
    outputs = {}
    outputs['bootstrap.yml'] = playbook('bootstrap.yml', aws_proxy, home)
    outputs['bootstrap.yml again'] = playbook('bootstrap.yml', aws_proxy, home)
    outputs['bootstrap.yml --check --diff'] = playbook('bootstrap.yml', aws_proxy, home, '--check', '--diff')
    outputs['report.yml'] = playbook('report.yml', aws_proxy, home)
    outputs['rotate_keys.yml'] = playbook('rotate_keys.yml', aws_proxy, home, '-e', 'rotate_keys_force=true')
    people = '@' + os.path.join(ROOT, 'benchmarks', 'identity_center_people.json')
    outputs['identity_center.yml'] = playbook('identity_center.yml', aws_proxy, home, '-e', people)
    found = {name: warnings(output) for name, output in outputs.items() if warnings(output)}
    assert found == {}


def test_a_provoked_warning_is_seen(aws_proxy, home):
    output = playbook('rotate_keys.yml', aws_proxy, home, '--check', '-e', 'rotate_keys_forced=true')
    assert [line for line in warnings(output) if 'rotate_keys_forced' in line], output[-3000:]


def test_a_module_warning_brings_no_deprecation_warning(home):
    """A module that warns (module.warn) must not make ansible-core print a deprecation of ``warnings``."""
    aws = home / '.aws'
    aws.mkdir(mode=0o700)
    (aws / 'config').write_text('[default]\nregion = us-west-2\n')
    os.chmod(str(aws / 'config'), 0o644)
    proc = subprocess.run([os.path.join(BIN, 'ansible'), 'localhost', '-m', 'awsbootstrap.iam.aws_cli_profile', '-a', 'region=eu-west-1'],
                          env=base_env(home), capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert warnings(output) == ['[WARNING]: %s had mode 0644; tightened to 0600' % (aws / 'config')], output
