# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The workstation role's package path: it installs the distribution's awscli (on Debian 12, AWS CLI
v2), which then reads the files the role wrote, as the developer.

What is checked comes from outside the role: dpkg says which package owns /usr/bin/aws, and that
CLI, run as the throw-away OS user against moto, answers ``aws configure list`` from the files and
``aws sts get-caller-identity`` as the IAM user whose key the role installed. Runs as root (it
installs a system package); the package is removed again when the test installed it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import boto3
import pytest
import yaml

from tests.utils.ansible_runner import run_playbook
from tests.utils.os_users import create_user, delete_user, python_for
from tests.utils.sandbox import SANDBOX_REGION

SYSTEM_AWS = '/usr/bin/aws'
# The PATH of a workstation that has no AWS CLI of ours: neither the project's venv nor the tests' shared CLI.
PLAIN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'


def package_installed(name):
    proc = subprocess.run(['dpkg-query', '-W', '-f', '${Status}', name], capture_output=True, text=True, check=False)
    return proc.returncode == 0 and proc.stdout.strip().endswith('install ok installed')


def as_user(user, argv, env):
    """``argv`` as ``user`` with a clean environment (the AWS CLI must find everything in its files)."""
    command = ['su', '-s', '/bin/sh', user, '-c', 'exec env -i %s %s' % (
        ' '.join('%s=%s' % item for item in env.items()), ' '.join(argv))]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.fixture
def developer():
    assert os.geteuid() == 0, 'this test installs a system package and needs root (as CI runs)'
    homes = tempfile.mkdtemp(prefix='awsbt-pkg-')  # pytest's tmp_path is not reachable by another user
    name, home = create_user(homes)
    yield name, home
    delete_user(name)
    shutil.rmtree(homes, ignore_errors=True)


@pytest.fixture
def awscli_package():
    """Whether awscli was installed before; removes it afterwards when the test installed it."""
    before = package_installed('awscli')
    if not before and subprocess.run(['apt-cache', 'show', 'awscli'], capture_output=True, check=False).returncode != 0:
        # A machine whose package lists were never fetched: the role's package task would find nothing.
        subprocess.run(['apt-get', 'update'], capture_output=True, check=True)
    yield before
    if not before and package_installed('awscli'):
        subprocess.run(['apt-get', 'remove', '-y', 'awscli'], env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'),
                       capture_output=True, check=False)


@pytest.mark.serial
def test_role_installs_the_distribution_awscli_which_reads_the_files(sandbox, home, tmp_path, developer, awscli_package):
    user, user_home = developer
    iam = boto3.client('iam', endpoint_url=sandbox.endpoint, region_name=SANDBOX_REGION,
                       aws_access_key_id='AKIAIOSFODNN7SANDBOX', aws_secret_access_key='x')
    arn = iam.create_user(UserName='pkg-dev')['User']['Arn']
    key = iam.create_access_key(UserName='pkg-dev')['AccessKey']
    playbook = tmp_path / 'package.yml'
    playbook.write_text(yaml.safe_dump([{
        'name': 'Workstation with the distribution AWS CLI',
        'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
        'roles': [{'role': 'awsbootstrap.iam.workstation', 'vars': {
            'workstation_user': user,
            'workstation_awscli_install_method': 'package',
            'workstation_profiles': [{'name': 'default', 'region': 'ap-northeast-2', 'output': 'json',
                                      'access_key_id': key['AccessKeyId'], 'secret_access_key': key['SecretAccessKey']}],
        }}],
    }]), encoding='utf-8')
    proc = run_playbook(playbook, home, extra_env={'PATH': PLAIN_PATH}, check=False, args=(
        '-e', 'ansible_become_method=ansible.builtin.su', '-e', 'ansible_python_interpreter=%s' % python_for(user)))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert key['SecretAccessKey'] not in proc.stdout + proc.stderr

    # The role installed the package (or found it there): /usr/bin/aws belongs to Debian's awscli, version 2.
    owner = subprocess.run(['dpkg-query', '-S', SYSTEM_AWS], capture_output=True, text=True, check=False)
    assert owner.returncode == 0 and owner.stdout.startswith('awscli:'), owner.stdout + owner.stderr
    if not awscli_package:
        assert 'TASK [awsbootstrap.iam.workstation : Install the distribution\'s awscli package]' in proc.stdout
    env = {'HOME': user_home, 'PATH': PLAIN_PATH}
    version = as_user(user, [SYSTEM_AWS, '--version'], env)
    assert version.returncode == 0 and version.stdout.startswith('aws-cli/2.'), version.stdout + version.stderr

    listed = as_user(user, [SYSTEM_AWS, 'configure', 'list'], env)
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line.split() for line in listed.stdout.splitlines() if line.split()}
    assert rows['access_key'][1:3] == ['*' * 16 + key['AccessKeyId'][-4:], 'shared-credentials-file']
    assert rows['region'][1:3] == ['ap-northeast-2', 'config-file']

    # Debian 12's CLI (2.9) predates AWS_ENDPOINT_URL: the endpoint goes on the command line.
    caller = as_user(user, [SYSTEM_AWS, 'sts', 'get-caller-identity', '--endpoint-url', sandbox.endpoint,
                            '--query', 'Arn', '--output', 'text'], env)
    assert caller.returncode == 0, caller.stderr
    assert caller.stdout.strip() == arn
