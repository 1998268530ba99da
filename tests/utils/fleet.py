# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A fleet of workstations on this machine: one throw-away OS user per host, reached through become or a private sshd."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile

import pytest
import yaml

from tests.utils.aws_proxy import AwsProxy
from tests.utils.os_users import create_user, delete_user
from tests.utils.shared_cli import shared_aws_cli_bin, system_python


class Fleet:
    """``size`` workstations ws1..wsN, each with its own OS user and developer devN; root only."""

    def __init__(self, size, developer_prefix='dev'):
        self.size = size
        self.developer_prefix = developer_prefix
        self.homes = None
        self.hosts = {}

    def __enter__(self):
        self.homes = tempfile.mkdtemp(prefix='awsbt-fleet-')
        os.chmod(self.homes, 0o755)
        for index in range(1, self.size + 1):
            user, home = create_user(self.homes)
            self.hosts['ws%d' % index] = {'workstation_user': user, 'home': home,
                                          'workstation_iam_user': '%s%d' % (self.developer_prefix, index)}
        self.cli_bin = shared_aws_cli_bin()
        return self

    def __exit__(self, *exc_info):
        for host in self.hosts.values():
            delete_user(host['workstation_user'])
        shutil.rmtree(self.homes, ignore_errors=True)

    def forget_credentials(self):
        """Every workstation back to no ~/.aws (the tests share the OS users, not the state)."""
        for host in self.hosts.values():
            shutil.rmtree(os.path.join(host['home'], '.aws'), ignore_errors=True)

    def inventory(self, path, overrides=None, sshd=None):
        """Write an inventory of the fleet to ``path``; ``overrides`` = {host: {var: value}}.

        By default every host is a local connection with become (su) to its OS user. With ``sshd``
        (a tests.utils.sshd.PrivateSshd) every host is reached through that daemon, logging in as its
        own OS user: the developer's own account, as on a real workstation, so the role needs no become.
        """
        hosts = {}
        for name, host in self.hosts.items():
            variables = {
                'ansible_connection': 'local',
                'ansible_python_interpreter': system_python(),
                'ansible_become_method': 'ansible.builtin.su',
                'workstation_user': host['workstation_user'],
                'workstation_iam_user': host['workstation_iam_user'],
            }
            if sshd is not None:
                del variables['ansible_become_method']
                variables.update({
                    'ansible_connection': 'ssh',
                    'ansible_host': '127.0.0.1',
                    'ansible_port': sshd.port,
                    'ansible_user': host['workstation_user'],
                    'ansible_ssh_private_key_file': sshd.client_key,
                    'ansible_ssh_common_args': sshd.ssh_args,
                })
            variables.update((overrides or {}).get(name, {}))
            hosts[name] = variables
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump({'workstations': {'hosts': hosts}}, handle)
        return path

    def path_env(self):
        """PATH with the shared AWS CLI first, so every developer's checks find a runnable aws."""
        return self.cli_bin + os.pathsep + os.environ.get('PATH', '')

    def cli(self, host, args, env):
        """The real aws CLI as the host's OS user, with ``env`` (only the files give credentials; endpoints pass, the
        SSO portal's ``AWS_ENDPOINT_URL_SSO`` too)."""
        user = self.hosts[host]['workstation_user']
        command = ' '.join(["'%s'" % part.replace("'", "'\\''") for part in [os.path.join(self.cli_bin, 'aws')] + list(args)])
        clean = {k: v for k, v in env.items() if not k.startswith('AWS_') or k.startswith('AWS_ENDPOINT_URL')}
        clean['HOME'] = self.hosts[host]['home']
        return subprocess.run(['su', '-s', '/bin/sh', user, '-c', command], env=clean, capture_output=True, text=True, check=False)

    def credentials(self, host):
        path = os.path.join(self.hosts[host]['home'], '.aws', 'credentials')
        with open(path, encoding='utf-8') as handle:
            return handle.read()


@contextlib.contextmanager
def fleet_world(moto_server, tmp_path_factory, size, name):
    """A module's world: the account (moto reset once, behind a recording proxy), a fleet of ``size``, one controller
    HOME: {'proxy', 'fleet', 'home', 'tmp'}. Root only (skips otherwise)."""
    if os.geteuid() != 0:
        pytest.skip('the fleet tests create throw-away OS users: run as root')
    moto_server.enforce_auth(False)
    moto_server.reset()
    proxy = AwsProxy(moto_server).start()
    try:
        with Fleet(size) as fleet:
            tmp = tmp_path_factory.mktemp(name)
            home = tmp / 'home'
            home.mkdir()
            yield {'proxy': proxy, 'fleet': fleet, 'home': home, 'tmp': tmp}
    finally:
        proxy.stop()
