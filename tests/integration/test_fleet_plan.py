# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet as one plan: shared IAM users, every input checked before any write, check mode, parallel tasks.

The shared fleet mixes the two real ways of reaching a workstation: half the hosts through a private
sshd on 127.0.0.1 (logged into as the developer's own OS user), half by local connection with
become through sudo. Four developers (carol on two hosts) and the guide's PowerUser on two, then three
hosts. Every check of a workstation is the real AWS CLI run as its OS user; IAM is one moto server
behind the recording proxy.
"""

from __future__ import annotations

import os
import pwd
import re

import boto3
import pytest

from tests.utils.ansible_runner import ROOT, run_playbook
from tests.utils.fleet import Fleet
from tests.utils.shared_cli import system_python
from tests.utils.sshd import PrivateSshd

BOOTSTRAP = os.path.join(ROOT, 'playbooks', 'bootstrap.yml')
SANDBOX_VARS = '@' + os.path.join(ROOT, 'playbooks', 'vars', 'sandbox.yml')
ACCOUNT = 'arn:aws:iam::123456789012:user/'
# host: (IAM user, '' for the guide's PowerUser; how it is reached)
SHARED = {
    'ws1': ('alice', 'ssh'), 'ws2': ('bob', 'ssh'), 'ws3': ('carol', 'ssh'), 'ws4': ('carol', 'sudo'),
    'ws5': ('dave', 'sudo'), 'ws6': ('', 'ssh'), 'ws7': ('', 'sudo'), 'ws8': ('', 'sudo'),
}
FIRST = ['ws1', 'ws2', 'ws3', 'ws4', 'ws5', 'ws6', 'ws7']

pytestmark = pytest.mark.root


def require_root():
    if os.geteuid() != 0:
        if os.environ.get('CI'):
            pytest.fail('CI must run the fleet tests as root')
        pytest.skip('the fleet tests create throw-away OS users: run as root')


def link_cli_for_sudo(fleet, host):
    """sudo resets PATH (secure_path): the developer has the CLI in ~/.local/bin, where the role looks too."""
    info = fleet.hosts[host]
    user = pwd.getpwnam(info['workstation_user'])
    local_bin = os.path.join(info['home'], '.local', 'bin')
    os.makedirs(local_bin, exist_ok=True)
    if not os.path.lexists(os.path.join(local_bin, 'aws')):
        os.symlink(os.path.join(fleet.cli_bin, 'aws'), os.path.join(local_bin, 'aws'))
    for path in (os.path.dirname(local_bin), local_bin, os.path.join(local_bin, 'aws')):
        os.lchown(path, user.pw_uid, user.pw_gid)


@pytest.fixture(scope='module')
def shared_fleet():
    require_root()
    if not os.access('/usr/bin/sudo', os.X_OK):
        pytest.fail('sudo is missing: make integration installs it (as root)')
    with Fleet(len(SHARED)) as fleet:
        ssh_users = [fleet.hosts[host]['workstation_user'] for host, (_user, how) in SHARED.items() if how == 'ssh']
        for host, (_user, how) in SHARED.items():
            if how == 'sudo':
                link_cli_for_sudo(fleet, host)
        with PrivateSshd(login_users=ssh_users, set_env={'PATH': fleet.cli_bin + ':/usr/local/bin:/usr/bin:/bin'}) as sshd:
            yield fleet, sshd


def inventory(fleet, sshd, path, hosts, overrides=None):
    lines = {}
    for host in hosts:
        info = fleet.hosts[host]
        user, how = SHARED[host]
        variables = {'workstation_user': info['workstation_user'], 'workstation_iam_user': user,
                     'ansible_python_interpreter': system_python()}
        if how == 'ssh':
            variables.update({'ansible_connection': 'ssh', 'ansible_host': '127.0.0.1', 'ansible_port': sshd.port,
                              'ansible_user': info['workstation_user'], 'ansible_ssh_private_key_file': sshd.client_key,
                              'ansible_ssh_common_args': sshd.ssh_args})
        else:
            variables.update({'ansible_connection': 'local', 'ansible_become_method': 'ansible.builtin.sudo'})
        variables.update((overrides or {}).get(host, {}))
        lines[host] = variables
    import yaml  # pylint: disable=import-outside-toplevel
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump({'workstations': {'hosts': lines}}, handle)
    return path


def iam(proxy):
    return boto3.client('iam', endpoint_url=proxy.sandbox.endpoint, region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')


def key_ids(proxy, user):
    return sorted(key['AccessKeyId'] for key in iam(proxy).list_access_keys(UserName=user)['AccessKeyMetadata'])


def expected_user(host):
    return SHARED[host][0] or 'PowerUser'


def files(fleet, host):
    found = {}
    for name in ('credentials', 'config'):
        path = os.path.join(fleet.hosts[host]['home'], '.aws', name)
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                found[name] = handle.read()
    return found


def held_key(fleet, host):
    match = re.search(r'aws_access_key_id = (\S+)', files(fleet, host).get('credentials', ''))
    return match.group(1) if match else None


def run(proxy, fleet, sshd, tmp_path, hosts, overrides=None, args=()):
    """One bootstrap at -vvv with --diff; no secret of any workstation may appear in its output."""
    path = inventory(fleet, sshd, str(tmp_path / 'inventory.yml'), hosts, overrides)
    proc = run_playbook(BOOTSTRAP, tmp_path / 'home', dict(proxy.env, PATH=fleet.path_env()),
                        args=('-i', path, '-e', SANDBOX_VARS, '-vvv', '--diff') + tuple(args), check=False)
    output = proc.stdout + proc.stderr
    for host in fleet.hosts:
        for secret in re.findall(r'aws_secret_access_key = (\S+)', files(fleet, host).get('credentials', '')):
            assert secret not in output, 'the secret of %s appears in the output' % host
    return proc


def summary(stdout):
    found = re.findall(r'"msg": "(developers [^"]*)"', stdout)
    assert found, stdout[-3000:]
    return found[-1]


def recap(stdout):
    return {host: (int(changed), int(failed)) for host, changed, failed in
            re.findall(r'^(\S+)\s+: ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)', stdout, re.M)}


def assert_every_host_works(proxy, fleet, hosts):
    for host in hosts:
        proc = fleet.cli(host, ['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], proxy.environ())
        assert proc.stdout.strip() == ACCOUNT + expected_user(host), (host, proc.stdout, proc.stderr[-500:])
        uid = pwd.getpwnam(fleet.hosts[host]['workstation_user']).pw_uid
        for name in ('credentials', 'config'):
            info = os.stat(os.path.join(fleet.hosts[host]['home'], '.aws', name))
            assert (info.st_uid, oct(info.st_mode & 0o777)) == (uid, '0o600'), (host, name)


def assert_one_key_per_user_held_by_all_its_holders(proxy, fleet, hosts):
    holders = {}
    for host in hosts:
        holders.setdefault(expected_user(host), []).append(host)
    for user, its_hosts in holders.items():
        keys = key_ids(proxy, user)
        assert len(keys) == 1, (user, keys)
        assert {held_key(fleet, host) for host in its_hosts} == set(keys), (user, its_hosts)


def test_shared_users_keep_one_working_key_across_the_fleets_life(aws_proxy, shared_fleet, tmp_path):
    fleet, sshd = shared_fleet
    (tmp_path / 'home').mkdir()

    # First run: 7 workstations, 5 IAM users (carol on two hosts, PowerUser on two).
    proc = run(aws_proxy, fleet, sshd, tmp_path, FIRST)
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert summary(proc.stdout) == 'developers ok=0 created=5 rotated=0 removed=0 failed=0 blocked=0; hosts ok=0 changed=7 failed=0'
    assert_every_host_works(aws_proxy, fleet, FIRST)
    assert_one_key_per_user_held_by_all_its_holders(aws_proxy, fleet, FIRST)
    output = proc.stdout + proc.stderr
    for host, (_user, how) in SHARED.items():
        if host in FIRST and how == 'ssh':
            assert 'ESTABLISH SSH CONNECTION FOR USER: %s' % fleet.hosts[host]['workstation_user'] in output
        elif host in FIRST:
            assert re.search(r'sudo -H -S -n +-u %s ' % fleet.hosts[host]['workstation_user'], output), host
    # One plan, not a loop of includes per host: each task of the workstation play is announced once.
    play = output[output.index("PLAY [Install the AWS CLI and the developers' keys"):output.index('PLAY [Report the account and summarise the fleet]')]
    headers = re.findall(r'^TASK \[(.*)\]', play, re.M)
    assert len(headers) == len(set(headers)) and len(headers) > 5, headers
    iam_client = iam(aws_proxy)
    assert [g['GroupName'] for g in iam_client.list_groups_for_user(UserName='carol')['Groups']] == ['PowerUsers']

    # Re-run: no write call, nothing changed anywhere, one key read per IAM user of the fleet.
    before = {host: files(fleet, host) for host in FIRST}
    aws_proxy.clear()
    proc = run(aws_proxy, fleet, sshd, tmp_path, FIRST)
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert aws_proxy.write_calls() == []
    assert all(changed == 0 for changed, _failed in recap(proc.stdout).values()), recap(proc.stdout)
    assert summary(proc.stdout) == 'developers ok=5 created=0 rotated=0 removed=0 failed=0 blocked=0; hosts ok=7 changed=0 failed=0'
    assert {host: files(fleet, host) for host in FIRST} == before
    for developer in ('alice', 'bob', 'carol', 'dave'):
        # One, by the fleet's plan (carol's two hosts included); the report takes the keys the fleet read.
        naming = [call.action for call in aws_proxy.calls if call.params.get('UserName') == developer]
        assert naming == ['ListAccessKeys'], (developer, naming)
    # The account is read once (account_admin's task), the plan and the report take that read.
    assert [call.action for call in aws_proxy.calls].count('GetAccountAuthorizationDetails') == 1
    # Issue 11's budget: <= 10 + 1.5 per workstation.
    assert len(aws_proxy.calls) <= 10 + 1.5 * len(FIRST), sorted(call.action for call in aws_proxy.calls)

    # --check on the converged fleet: nothing written, nothing pretended.
    aws_proxy.clear()
    proc = run(aws_proxy, fleet, sshd, tmp_path, FIRST, args=('--check',))
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert aws_proxy.write_calls() == []
    assert {host: files(fleet, host) for host in FIRST} == before

    # A new host joins the shared PowerUser: one new key for all three holders, the old one retired.
    old_power_key = held_key(fleet, 'ws6')
    joined = FIRST + ['ws8']
    proc = run(aws_proxy, fleet, sshd, tmp_path, joined)
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert summary(proc.stdout) == 'developers ok=4 created=0 rotated=1 removed=0 failed=0 blocked=0; hosts ok=5 changed=3 failed=0'
    assert_every_host_works(aws_proxy, fleet, joined)
    assert_one_key_per_user_held_by_all_its_holders(aws_proxy, fleet, joined)
    assert held_key(fleet, 'ws6') != old_power_key

    # dave leaves: his IAM user and his profile go, reported removed once.
    leaving = {'ws5': {'workstation_state': 'absent'}}
    proc = run(aws_proxy, fleet, sshd, tmp_path, joined, overrides=leaving)
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert summary(proc.stdout) == 'developers ok=4 created=0 rotated=0 removed=1 failed=0 blocked=0; hosts ok=7 changed=1 failed=0'
    assert 'dave' not in [user['UserName'] for user in iam_client.list_users()['Users']]
    assert '[default]' not in files(fleet, 'ws5').get('credentials', '')
    aws_proxy.clear()
    proc = run(aws_proxy, fleet, sshd, tmp_path, joined, overrides=leaving)
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert summary(proc.stdout) == 'developers ok=4 created=0 rotated=0 removed=0 failed=0 blocked=0; hosts ok=8 changed=0 failed=0'
    assert aws_proxy.write_calls() == []
    staying = [host for host in joined if host != 'ws5']
    assert_every_host_works(aws_proxy, fleet, staying)
    assert_one_key_per_user_held_by_all_its_holders(aws_proxy, fleet, staying)


# ---- every input checked before anything is written ------------------------------------------------

BAD_INPUTS = [
    ({'ws2': {'workstation_region': 'Seoul'}}, "ws2: workstation_region: must look like an AWS region such as ap-northeast-2 (got 'Seoul')"),
    ({'ws2': {'workstation_profile': 'my profile'}}, 'ws2: workstation_profile: must not contain whitespace'),
    ({'ws2': {'workstation_developers': 'dev2'}}, "ws2: workstation_developers: must be a list of developers"),
    ({'ws2': {'workstation_iam_groups': ['PowerUsers', 'Auditors']}}, "ws2: workstation_iam_groups: no IAM group 'Auditors' exists"),
    ({'ws2': {'workstation_user': 'awsbt-nobody'}}, "ws2: workstation_user: no OS user 'awsbt-nobody' on this host"),
    ({'ws2': {'workstation_iam_user': 'bad name!'}}, 'ws2: workstation_iam_user: an IAM user name may only contain'),
    ({'ws2': {'workstation_iam_user': 'dev1', 'workstation_iam_groups': ['Administrators']}},
     "ws2: workstation_iam_groups: ['Administrators'] differs from workstation_iam_groups on ws1"),
    ({'ws2': {'workstation_developers': [{'iam_user': 'dev2', 'gruops': []}]}}, 'ws2: workstation_developers[0]: unknown key gruops'),
    ({'ws2': {'workstation_state': 'gone'}}, "ws2: workstation_state: must be present or absent (got 'gone')"),
]


@pytest.fixture(scope='module')
def small_fleet():
    require_root()
    with Fleet(3) as fleet:
        yield fleet


def small_inventory(fleet, path, overrides):
    plain = {host: {} for host in fleet.hosts}
    plain['ws3'] = {'workstation_iam_user': ''}  # the guide's PowerUser
    for host, extra in overrides.items():
        plain[host].update(extra)
    return fleet.inventory(path, plain)


BAD_INPUT_IDS = ['%s-%d' % (message.split(':')[1].strip(), index) for index, (_o, message) in enumerate(BAD_INPUTS)]


@pytest.mark.parametrize('overrides, message', BAD_INPUTS, ids=BAD_INPUT_IDS)
def test_a_bad_input_on_one_host_is_refused_before_any_write(aws_proxy, small_fleet, tmp_path, overrides, message):
    small_fleet.forget_credentials()
    home = tmp_path / 'home'
    home.mkdir()
    path = small_inventory(small_fleet, str(tmp_path / 'inventory.yml'), overrides)
    proc = run_playbook(BOOTSTRAP, home, dict(aws_proxy.env, PATH=small_fleet.path_env()), args=('-i', path, '-e', SANDBOX_VARS), check=False)
    assert proc.returncode != 0
    assert message in proc.stdout, proc.stdout[-3000:]
    assert aws_proxy.write_calls() == []
    for host, info in small_fleet.hosts.items():
        assert not os.path.exists(os.path.join(info['home'], '.aws')), host
    assert not os.path.exists(home / 'aws-bootstrap-credentials')
    assert 'PLAY [Bootstrap the AWS account' not in proc.stdout


def test_check_mode_on_a_fresh_account_writes_nothing_and_pretends_nothing(aws_proxy, small_fleet, tmp_path):
    small_fleet.forget_credentials()
    home = tmp_path / 'home'
    home.mkdir()
    path = small_inventory(small_fleet, str(tmp_path / 'inventory.yml'), {})
    proc = run_playbook(BOOTSTRAP, home, dict(aws_proxy.env, PATH=small_fleet.path_env()),
                        args=('-i', path, '-e', SANDBOX_VARS, '--check', '--diff'), check=False)
    assert proc.returncode == 0, proc.stdout[-5000:]
    assert aws_proxy.write_calls() == []
    for host, info in small_fleet.hosts.items():
        assert not os.path.exists(os.path.join(info['home'], '.aws')), host
    assert not os.path.exists(home / 'aws-bootstrap-credentials')
    assert 'saved in' not in proc.stdout and 'None' not in re.findall(r'new access key (\S+)', proc.stdout)
    assert 'dev1: a new key (not made in check mode) for ws1/default' in proc.stdout
    assert summary(proc.stdout).startswith('developers ok=0 created=3 ')


# ---- a SIGKILL at each phase boundary, then one re-run ------------------------------------------------

KILL_FLEET = {'ws1': 'kdev1', 'ws2': 'kdev1', 'ws3': 'kdev3', 'ws4': ''}  # ws1 and ws2 share kdev1; ws4 holds PowerUser
ROTATE = os.path.join(ROOT, 'playbooks', 'rotate_keys.yml')


@pytest.fixture(scope='module')
def kill_fleet():
    require_root()
    with Fleet(len(KILL_FLEET)) as fleet:
        for host, user in KILL_FLEET.items():
            fleet.hosts[host]['workstation_iam_user'] = user
        yield fleet


def kill_inventory(fleet, path):
    return fleet.inventory(path, {host: {'workstation_iam_user': user} for host, user in KILL_FLEET.items()})


def keys_held(fleet):
    return {host: held_key(fleet, host) for host in fleet.hosts}


def holders_work(proxy, fleet):
    by_user = {}
    for host, user in KILL_FLEET.items():
        user = user or 'PowerUser'
        by_user.setdefault(user, []).append(host)
        proc = fleet.cli(host, ['sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], proxy.environ())
        assert proc.stdout.strip() == ACCOUNT + user, (host, proc.stderr[-300:])
    for user, hosts in by_user.items():
        keys = key_ids(proxy, user)
        assert len(keys) == 1 and {held_key(fleet, host) for host in hosts} == set(keys), (user, keys, keys_held(fleet))


BOUNDARIES = {
    # The plan made every new key; no workstation has one yet.
    'after-plan': lambda proxy, fleet, old: len([c for c in proxy.calls if c.action == 'CreateAccessKey' and c.status == 200]) == 3,
    # Some workstations wrote their new key, others not yet.
    'mid-deliver': lambda proxy, fleet, old: 0 < sum(key not in (None, old[host]) for host, key in keys_held(fleet).items()) < len(old),
    # Every workstation has its new key; nothing retired yet.
    'before-retire': lambda proxy, fleet, old: (all(key not in (None, old[host]) for host, key in keys_held(fleet).items())
                                                and not any(c.action == 'DeleteAccessKey' for c in proxy.calls)),
}


@pytest.mark.parametrize('boundary', sorted(BOUNDARIES))
def test_a_run_killed_at_a_phase_boundary_converges_in_one_rerun(aws_proxy, kill_fleet, tmp_path, boundary):
    import signal  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    import time  # pylint: disable=import-outside-toplevel
    from tests.utils.ansible_runner import BIN, base_env  # pylint: disable=import-outside-toplevel

    kill_fleet.forget_credentials()
    home = tmp_path / 'home'
    home.mkdir()
    path = kill_inventory(kill_fleet, str(tmp_path / 'inventory.yml'))
    env = dict(aws_proxy.env, PATH=kill_fleet.path_env())
    proc = run_playbook(BOOTSTRAP, home, env, args=('-i', path, '-e', SANDBOX_VARS), check=False)
    assert proc.returncode == 0, proc.stdout[-4000:]
    old = keys_held(kill_fleet)

    aws_proxy.clear()
    # One host at a time (forks=1) widens the moments between the boundaries, so that the kill lands where it should.
    command = [os.path.join(BIN, 'ansible-playbook'), '-i', path, '-e', SANDBOX_VARS, '-e', 'rotate_keys_force=true', ROTATE]
    process = subprocess.Popen(command, env=base_env(home, dict(env, ANSIBLE_FORKS='1')), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    reached = False
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if BOUNDARIES[boundary](aws_proxy, kill_fleet, old):
            reached = True
            break
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert reached, 'the run ended before reaching %s' % boundary

    proc = run_playbook(BOOTSTRAP, home, env, args=('-i', path, '-e', SANDBOX_VARS), check=False)
    assert proc.returncode == 0, proc.stdout[-4000:]
    holders_work(aws_proxy, kill_fleet)
