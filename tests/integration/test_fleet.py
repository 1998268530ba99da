# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet flow: one IAM user and key per developer, healing, forced rotation, an interrupted run, offboarding.

Each workstation is its own throw-away OS user on this machine, reached through become, or through
a private sshd on 127.0.0.1 logging in as that user; IAM is one moto server behind the recording
proxy. Every check of a workstation is the real AWS CLI run as that developer's OS user.
"""

from __future__ import annotations

import os
import pwd
import re
import signal
import subprocess
import time

import boto3
import pytest

from tests.utils.ansible_runner import BIN, ROOT, base_env, run_playbook
from tests.utils.aws_proxy import Faults
from tests.utils.fleet import Fleet
from tests.utils.sshd import PrivateSshd

BOOTSTRAP = os.path.join(ROOT, 'playbooks', 'bootstrap.yml')
ROTATE = os.path.join(ROOT, 'playbooks', 'rotate_keys.yml')
SANDBOX_VARS = '@' + os.path.join(ROOT, 'playbooks', 'vars', 'sandbox.yml')
SIZE = 5
SSH_SIZE = 3
SUDO_SIZE = 2

pytestmark = pytest.mark.root


def require_root():
    if os.geteuid() != 0:
        if os.environ.get('CI'):
            pytest.fail('CI must run the fleet tests as root')
        pytest.skip('the fleet tests create throw-away OS users: run as root')


@pytest.fixture(scope='module')
def fleet():
    require_root()
    with Fleet(SIZE) as built:
        yield built


@pytest.fixture(scope='module')
def sudo_fleet():
    """A fleet of its own, reached by local connection and become with sudo (which can pipeline)."""
    require_root()
    if not os.access('/usr/bin/sudo', os.X_OK):
        pytest.fail('sudo is missing: make integration installs it (as root)')
    with Fleet(SUDO_SIZE, developer_prefix='sudodev') as built:
        # sudo resets PATH (secure_path): each developer has the CLI in ~/.local/bin, where the role also looks.
        for host in built.hosts.values():
            user = pwd.getpwnam(host['workstation_user'])
            local_bin = os.path.join(host['home'], '.local', 'bin')
            os.makedirs(local_bin)
            os.symlink(os.path.join(built.cli_bin, 'aws'), os.path.join(local_bin, 'aws'))
            for path in (os.path.dirname(local_bin), local_bin, os.path.join(local_bin, 'aws')):
                os.lchown(path, user.pw_uid, user.pw_gid)
        yield built


@pytest.fixture(scope='module')
def ssh_fleet():
    """A fleet of its own, reached through a private sshd (stopped before the OS users go)."""
    require_root()
    with Fleet(SSH_SIZE) as built:
        users = [host['workstation_user'] for host in built.hosts.values()]
        # Every session finds the shared AWS CLI first, as fleet.path_env() does for local connections.
        with PrivateSshd(login_users=users, set_env={'PATH': built.cli_bin + ':/usr/local/bin:/usr/bin:/bin'}) as sshd:
            yield built, sshd


def iam_client(proxy):
    return boto3.client('iam', endpoint_url=proxy.sandbox.endpoint, region_name='us-east-1',
                        aws_access_key_id='x', aws_secret_access_key='y')


def keys_of(proxy, user):
    return iam_client(proxy).list_access_keys(UserName=user)['AccessKeyMetadata']


def run(proxy, fleet, home, tmp_path, playbook=BOOTSTRAP, overrides=None, args=(), sshd=None):
    """One fleet run at -vvvv with --diff; no secret of any workstation may appear in its output."""
    inventory = fleet.inventory(str(tmp_path / 'inventory.yml'), overrides, sshd=sshd)
    env = dict(proxy.env, PATH=fleet.path_env())
    proc = run_playbook(playbook, home, env, args=('-i', inventory, '-e', SANDBOX_VARS, '-vvvv', '--diff') + tuple(args), check=False)
    output = proc.stdout + proc.stderr
    assert 'ESTABLISH LOCAL CONNECTION FOR USER' in output  # the run really was at -vvvv
    for host in fleet.hosts:
        path = os.path.join(fleet.hosts[host]['home'], '.aws', 'credentials')
        if os.path.exists(path):
            for secret in re.findall(r'aws_secret_access_key = (\S+)', fleet.credentials(host)):
                assert secret not in output, 'the secret of %s appears in the output of %s' % (host, os.path.basename(playbook))
    return proc


def recap(stdout):
    return {host: (int(changed), int(failed)) for host, changed, failed in
            re.findall(r'^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)', stdout, re.M)}


def assert_every_developer_works(proxy, fleet, hosts=None):
    for host in hosts or fleet.hosts:
        developer = fleet.hosts[host]['workstation_iam_user']
        proc = fleet.cli(host, ['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], proxy.environ())
        assert proc.stdout.strip() == 'arn:aws:iam::123456789012:user/%s' % developer, (host, proc.stderr)
        assert [k['Status'] for k in keys_of(proxy, developer)] == ['Active'], host


def deployed_key(fleet, host):
    return re.search(r'aws_access_key_id = (\S+)', fleet.credentials(host)).group(1)


@pytest.fixture
def bootstrapped(aws_proxy, fleet, home, tmp_path):
    fleet.forget_credentials()
    proc = run(aws_proxy, fleet, home, tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert 'developers ok=0 created=%d rotated=0 removed=0 failed=0 blocked=0; hosts ok=0 changed=%d failed=0' % (SIZE, SIZE) in proc.stdout
    return proc


def test_every_developer_gets_their_own_working_key(bootstrapped, aws_proxy, fleet):
    assert_every_developer_works(aws_proxy, fleet)
    iam = iam_client(aws_proxy)
    for host in fleet.hosts.values():
        groups = iam.list_groups_for_user(UserName=host['workstation_iam_user'])['Groups']
        assert [g['GroupName'] for g in groups] == ['PowerUsers']
        assert oct(os.stat(os.path.join(host['home'], '.aws', 'credentials')).st_mode & 0o777) == '0o600'


def test_rerun_makes_no_write_call_and_few_reads(bootstrapped, aws_proxy, fleet, home, tmp_path):
    files = {host: fleet.credentials(host) for host in fleet.hosts}
    aws_proxy.clear()
    proc = run(aws_proxy, fleet, home, tmp_path)
    assert proc.returncode == 0
    assert all(changed == 0 for changed, _failed in recap(proc.stdout).values()), proc.stdout[-3000:]
    assert aws_proxy.write_calls() == []
    per_developer = [c for c in aws_proxy.calls if c.params.get('UserName', '').startswith('dev')]
    assert len(per_developer) <= SIZE, sorted((c.action, c.params.get('UserName')) for c in per_developer)
    assert {host: fleet.credentials(host) for host in fleet.hosts} == files


def test_deleted_and_deactivated_keys_heal(bootstrapped, aws_proxy, fleet, home, tmp_path):
    iam = iam_client(aws_proxy)
    deleted_key = deployed_key(fleet, 'ws1')
    iam.delete_access_key(UserName='dev1', AccessKeyId=deleted_key)
    inactive_key = deployed_key(fleet, 'ws2')
    iam.update_access_key(UserName='dev2', AccessKeyId=inactive_key, Status='Inactive')
    os.unlink(os.path.join(fleet.hosts['ws3']['home'], '.aws', 'credentials'))
    lost_key = [k['AccessKeyId'] for k in keys_of(aws_proxy, 'dev3')]

    proc = run(aws_proxy, fleet, home, tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert 'developers ok=2 created=1 rotated=2' in proc.stdout
    assert_every_developer_works(aws_proxy, fleet)
    assert deployed_key(fleet, 'ws1') != deleted_key
    assert inactive_key not in [k['AccessKeyId'] for k in keys_of(aws_proxy, 'dev2')]
    assert [k['AccessKeyId'] for k in keys_of(aws_proxy, 'dev3')] != lost_key


def test_forced_rotation_keeps_every_workstation_working(bootstrapped, aws_proxy, fleet, home, tmp_path):
    old = {host: deployed_key(fleet, host) for host in fleet.hosts}
    proc = run(aws_proxy, fleet, home, tmp_path, playbook=ROTATE, args=('-e', 'rotate_keys_force=true'))
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert 'developers ok=0 created=0 rotated=%d' % SIZE in proc.stdout
    assert_every_developer_works(aws_proxy, fleet)
    for host, old_key in old.items():
        developer = fleet.hosts[host]['workstation_iam_user']
        assert old_key not in [k['AccessKeyId'] for k in keys_of(aws_proxy, developer)]
    # Not due yet: a rotation by age changes nothing.
    aws_proxy.clear()
    proc = run(aws_proxy, fleet, home, tmp_path, playbook=ROTATE)
    assert proc.returncode == 0 and aws_proxy.write_calls() == []


def test_run_killed_between_key_creation_and_file_write_converges_without_orphan(bootstrapped, aws_proxy, fleet, home, tmp_path):
    iam = iam_client(aws_proxy)
    old_key = deployed_key(fleet, 'ws4')
    iam.delete_access_key(UserName='dev4', AccessKeyId=old_key)
    aws_proxy.clear()
    inventory = fleet.inventory(str(tmp_path / 'inventory.yml'))
    env = base_env(home, dict(aws_proxy.env, PATH=fleet.path_env()))
    process = subprocess.Popen([os.path.join(BIN, 'ansible-playbook'), '-i', inventory, '-e', SANDBOX_VARS, BOOTSTRAP],
                               env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(c.action == 'CreateAccessKey' and c.status == 200 for c in aws_proxy.calls):
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    created = [k['AccessKeyId'] for k in keys_of(aws_proxy, 'dev4')]
    assert len(created) == 1 and deployed_key(fleet, 'ws4') == old_key  # killed before the file write

    proc = run(aws_proxy, fleet, home, tmp_path)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert_every_developer_works(aws_proxy, fleet)
    assert len(keys_of(aws_proxy, 'dev4')) == 1


def test_offboarding_removes_the_user_and_the_profile(bootstrapped, aws_proxy, fleet, home, tmp_path):
    proc = run(aws_proxy, fleet, home, tmp_path, overrides={'ws5': {'workstation_state': 'absent'}})
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert 'removed=1' in proc.stdout
    assert 'dev5' not in [u['UserName'] for u in iam_client(aws_proxy).list_users()['Users']]
    assert '[default]' not in fleet.credentials('ws5')
    assert_every_developer_works(aws_proxy, fleet, hosts=['ws1', 'ws2', 'ws3', 'ws4'])


def test_fleet_bootstrap_converges_under_faults(make_aws_proxy, fleet, home, tmp_path):
    """Throttling, 5xx, lost answers after writes and resets: the fleet ends exactly as without faults."""
    fleet.forget_credentials()
    faulty = make_aws_proxy(Faults(throttle=0.2, server_error=0.05, error_after_write=0.02, reset=0.02, seed=7))
    outcomes = []
    for _attempt in range(3):
        started = time.monotonic()
        proc = run(faulty, fleet, home, tmp_path)
        outcomes.append((proc.returncode, round(time.monotonic() - started)))
        if proc.returncode == 0:
            break
    print('FLEET faults runs=%r faults=%d of %d calls' % (outcomes, len([c for c in faulty.calls if c.fault]), len(faulty.calls)))
    assert outcomes[-1][0] == 0, proc.stdout[-4000:]
    assert len([c for c in faulty.calls if c.fault]) > 0
    assert_every_developer_works(faulty, fleet)
    iam = iam_client(faulty)
    users = sorted(u['UserName'] for u in iam.list_users()['Users'])
    assert users == sorted(['Administrator', 'PowerUser'] + ['dev%d' % i for i in range(1, SIZE + 1)])
    for host in fleet.hosts.values():
        keys = keys_of(faulty, host['workstation_iam_user'])
        assert len(keys) == 1 and keys[0]['AccessKeyId'] in open(os.path.join(host['home'], '.aws', 'credentials')).read()
        assert [g['GroupName'] for g in iam.list_groups_for_user(UserName=host['workstation_iam_user'])['Groups']] == ['PowerUsers']


def test_fleet_through_a_private_sshd(aws_proxy, ssh_fleet, home, tmp_path):
    """bootstrap.yml over SSH, each workstation logged into as its developer's own OS user (so no become)."""
    fleet, sshd = ssh_fleet
    proc = run(aws_proxy, fleet, home, tmp_path, sshd=sshd)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert 'developers ok=0 created=%d rotated=0 removed=0 failed=0 blocked=0; hosts ok=0 changed=%d failed=0' % (SSH_SIZE, SSH_SIZE) in proc.stdout
    users = sorted(host['workstation_user'] for host in fleet.hosts.values())
    for user in users:
        assert 'ESTABLISH SSH CONNECTION FOR USER: %s' % user in proc.stdout + proc.stderr
    assert 'BECOME-SUCCESS' not in proc.stdout + proc.stderr
    files = {host: fleet.credentials(host) for host in fleet.hosts}

    aws_proxy.clear()
    proc = run(aws_proxy, fleet, home, tmp_path, sshd=sshd)
    assert proc.returncode == 0, proc.stdout[-4000:]
    changed = recap(proc.stdout)
    assert sorted(changed) == sorted(['localhost'] + list(fleet.hosts)), proc.stdout[-3000:]
    assert all(count == 0 for count, _failed in changed.values()), proc.stdout[-3000:]
    assert aws_proxy.write_calls() == []
    assert {host: fleet.credentials(host) for host in fleet.hosts} == files

    for host in fleet.hosts.values():
        uid = pwd.getpwnam(host['workstation_user']).pw_uid
        for name in ('credentials', 'config'):
            info = os.stat(os.path.join(host['home'], '.aws', name))
            assert (info.st_uid, oct(info.st_mode & 0o777)) == (uid, '0o600'), (host['workstation_user'], name)
    assert_every_developer_works(aws_proxy, fleet)
    accepted = re.findall(r'^Accepted publickey for (\S+) from 127\.0\.0\.1 ', sshd.log_since_ready(), re.M)
    assert sorted(set(accepted)) == users, sshd.log_since_ready()[-3000:]


def test_fleet_with_sudo_pipelines_so_no_module_file_reaches_a_workstation(aws_proxy, sudo_fleet, home, tmp_path):
    """With sudo, Ansible pipelines the become-to-developer tasks: their module (and the secret in its
    arguments) goes over stdin; -vvvv shows every file Ansible copies, and there is none."""
    fleet = sudo_fleet
    overrides = {host: {'ansible_become_method': 'ansible.builtin.sudo'} for host in fleet.hosts}
    proc = run(aws_proxy, fleet, home, tmp_path, overrides=overrides)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert 'developers ok=0 created=%d rotated=0 removed=0 failed=0 blocked=0; hosts ok=0 changed=%d failed=0' % (SUDO_SIZE, SUDO_SIZE) in proc.stdout
    output = proc.stdout + proc.stderr
    for host in fleet.hosts.values():
        assert re.search(r"sudo -H -S -n +-u %s " % host['workstation_user'], output), host['workstation_user']
    assert 'BECOME-SUCCESS' in output
    copied = re.findall(r'^<\S+> PUT (\S+) TO (\S+)', output, re.M)
    assert copied == [], copied[:5]
    assert_every_developer_works(aws_proxy, fleet)
