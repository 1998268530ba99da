# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""README's commands, run as written: the collection built and installed from its tarball into a
folder outside the checkout (no ansible.cfg of ours), the real-use one-liner against the moto sandbox
in a throw-away HOME, the sandbox section's command, and the fleet example's inventory. A command that
fails fails the test; ``-vvv`` of the installed collection shows no module file PUT to a target."""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import tempfile

import pytest
import yaml

from tests.utils.ansible_runner import BIN, ROOT, base_env
from tests.utils.os_users import create_user, delete_user
from tests.utils.shared_cli import shared_aws_cli_bin, system_python

README = os.path.join(ROOT, 'README.md')


def readme():
    with open(README, encoding='utf-8') as handle:
        return handle.read()


def section(title):
    text = readme()
    start = text.index('\n' + title + '\n')
    end = re.search(r'\n#{2,3} ', text[start + len(title) + 2:])
    return text[start:start + len(title) + 2 + (end.start() if end else len(text))]


def blocks(text, language):
    return re.findall(r'```%s\n(.*?)```' % language, text, re.S)


def commands(block, program='ansible-playbook'):
    """The commands of a shell block that start with ``program`` (continuations joined, comments dropped)."""
    joined = block.replace('\\\n', ' ')
    found = []
    for line in joined.splitlines():
        line = line.split('  #', 1)[0].strip()
        if line.startswith(program + ' '):
            found.append(shlex.split(line))
    return found


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """The collection built from this checkout and installed from its tarball outside the checkout."""
    work = tmp_path_factory.mktemp('installed')
    env = base_env(work)
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(work / 'dist'), ROOT],
                   env=env, check=True, capture_output=True, cwd=ROOT)
    [tarball] = glob.glob(str(work / 'dist' / 'awsbootstrap-iam-*.tar.gz'))
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--force', '--no-deps', '-p',
                    str(work / 'collections'), tarball], env=env, check=True, capture_output=True)
    root = work / 'collections' / 'ansible_collections' / 'awsbootstrap' / 'iam'
    for dropped in ('ansible.cfg', 'Makefile', 'benchmarks', 'hacking'):
        assert not (root / dropped).exists(), dropped
    return work / 'collections'


def user_env(collections, home, endpoint_env):
    """A user's shell outside the checkout: no ansible.cfg of ours, the installed collection, the sandbox."""
    env = base_env(home)
    for name in ('ANSIBLE_CONFIG', 'ANSIBLE_PYTHON_INTERPRETER'):
        env.pop(name, None)
    env['ANSIBLE_COLLECTIONS_PATH'] = str(collections)
    env.update(endpoint_env)
    return env


def run(argv, env, cwd):
    argv = [os.path.join(BIN, argv[0])] + argv[1:]
    return subprocess.run(argv, env=env, capture_output=True, text=True, cwd=str(cwd), timeout=900, check=False)


def sandbox_args(endpoint):
    return ['-e', '{"workstation_aws_cli_environment": {"AWS_ENDPOINT_URL": "%s"}}' % endpoint]


def test_real_use_one_liner_from_the_installed_tarball_copies_no_module_file(installed, aws_proxy, home, tmp_path):
    [one_liner] = [c for c in commands(blocks(section('## Install (real use)'), 'sh')[0]) if c[-1] == 'awsbootstrap.iam.bootstrap'
                   and '-c' in c]
    proc = run(one_liner + ['-vvv'] + sandbox_args(aws_proxy.env['AWS_ENDPOINT_URL']),
               user_env(installed, home, aws_proxy.env), tmp_path)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-5000:]
    assert 'Sign-in URL for IAM users: https://123456789012.signin.aws.amazon.com/console' in output
    puts = [line for line in output.splitlines() if re.search(r'\bPUT\b.*AnsiballZ', line)]
    assert puts == [], puts[:3]
    saved = home / '.aws-bootstrap' / 'credentials' / 'Administrator_credentials.csv'
    assert saved.exists() and str(saved) in output
    assert os.stat(str(saved)).st_mode & 0o777 == 0o600
    assert os.stat(str(saved.parent)).st_mode & 0o777 == 0o700
    assert 'aws_access_key_id' in (home / '.aws' / 'credentials').read_text()
    assert '[WARNING]' not in output, [line for line in output.splitlines() if '[WARNING]' in line]


def test_every_real_use_command_for_this_machine_runs(installed, aws_proxy, home, tmp_path):
    found = [c for c in commands(blocks(section('## Install (real use)'), 'sh')[0]) if '-c' in c]
    assert len(found) >= 2
    env = user_env(installed, home, aws_proxy.env)
    for command in found:
        proc = run(command + sandbox_args(aws_proxy.env['AWS_ENDPOINT_URL']), env, tmp_path)
        assert proc.returncode == 0, (command, (proc.stdout + proc.stderr)[-4000:])


def test_sandbox_section_command_runs_as_written(installed, aws_proxy, home, tmp_path):
    text = section('### Your own sandbox')
    assert 'MOTO_IAM_LOAD_MANAGED_POLICIES=true' in text and 'AWS_ENDPOINT_URL=' in text
    [command] = commands(blocks(text, 'sh')[0])
    # The README's port is the sandbox's.
    command = [part.replace('http://127.0.0.1:5000', aws_proxy.env['AWS_ENDPOINT_URL']) for part in command]
    proc = run(command, user_env(installed, home, aws_proxy.env), tmp_path)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]


@pytest.mark.root
def test_fleet_example_runs(aws_proxy, home, tmp_path):
    if os.geteuid() != 0:
        pytest.skip('the fleet example needs throw-away OS users (root)')
    inventory = yaml.safe_load(blocks(section('### A fleet'), 'yaml')[0])
    # Homes other users can reach (pytest's own temp folders are private to root).
    homes = tempfile.mkdtemp(prefix='awsbt-readme-fleet-')
    os.chmod(homes, 0o755)
    created = {}
    try:
        for host in inventory['workstations']['hosts'].values():
            name = host['workstation_user']
            if name not in created:
                created[name] = create_user(homes)[0]
            host.update(workstation_user=created[name], ansible_connection='local', ansible_python_interpreter=system_python(),
                        ansible_become_method='ansible.builtin.su')
        path = tmp_path / 'inventory.yml'
        path.write_text(yaml.safe_dump(inventory))
        env = base_env(home, aws_proxy.env)
        env['PATH'] = shared_aws_cli_bin() + os.pathsep + env['PATH']
        proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', str(path), os.path.join(ROOT, 'playbooks', 'bootstrap.yml'),
                               '-e', '@' + os.path.join(ROOT, 'playbooks', 'vars', 'sandbox.yml')],
                              env=env, capture_output=True, text=True, cwd=ROOT, timeout=900, check=False)
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-5000:]
        assert 'failed=0' in proc.stdout and 'blocked=0' in proc.stdout
    finally:
        for name in created.values():
            delete_user(name)
        shutil.rmtree(homes, ignore_errors=True)
