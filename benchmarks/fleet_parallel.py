#!/usr/bin/env python
"""Is the fleet really parallel? The same re-run on 1 and on N workstations, next to a trivial play.

Each workstation is a throw-away OS user on this machine reached by local connection and become (sudo),
IAM is one moto server behind the recording proxy. For 1 and N hosts: the fleet's re-run
(`playbooks/rotate_keys.yml` with nothing due: gather, check, plan, deliver, retire - the fleet part of
a bootstrap) and a trivial play that runs, per host, as many become tasks as the fleet's re-run ran on
a workstation (`id -un` as the developer). If the fleet ran one host after another, its N/1 ratio
would grow like N; parallel, it stays close to the trivial play's.

    sudo .venv/bin/python benchmarks/fleet_parallel.py [--hosts 10] [--forks 10] [--runs 3]

Prints both ratios and ours / trivial; exits 1 when that is above 1.5.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# pylint: disable=wrong-import-position
from tests.utils.ansible_runner import BIN, base_env  # noqa: E402
from tests.utils.aws_proxy import AwsProxy  # noqa: E402
from tests.utils.fleet import Fleet  # noqa: E402
from tests.utils.sandbox import MotoSandbox  # noqa: E402

BOOTSTRAP = os.path.join(ROOT, 'playbooks', 'bootstrap.yml')
ROTATE = os.path.join(ROOT, 'playbooks', 'rotate_keys.yml')
SANDBOX_VARS = '@' + os.path.join(ROOT, 'playbooks', 'vars', 'sandbox.yml')
LIMIT = 1.5


def sudo_inventory(fleet, path, hosts):
    """Local connections with become through sudo (Debian's sudo keeps PATH via secure_path, so the
    developers' aws is linked into ~/.local/bin, where the role looks)."""
    variables = {}
    for host in hosts:
        info = fleet.hosts[host]
        local_bin = os.path.join(info['home'], '.local', 'bin')
        if not os.path.exists(os.path.join(local_bin, 'aws')):
            os.makedirs(local_bin, exist_ok=True)
            os.symlink(os.path.join(fleet.cli_bin, 'aws'), os.path.join(local_bin, 'aws'))
            subprocess.run(['chown', '-R', '%s:' % info['workstation_user'], os.path.join(info['home'], '.local')], check=True)
        variables[host] = {'ansible_connection': 'local', 'ansible_python_interpreter': '/usr/bin/python3',
                           'ansible_become_method': 'ansible.builtin.sudo', 'workstation_user': info['workstation_user'],
                           'workstation_iam_user': info['workstation_iam_user']}
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump({'workstations': {'hosts': variables}}, handle)
    return path


def trivial_play(path, tasks):
    play = [{'name': 'Trivial', 'hosts': 'workstations', 'gather_facts': False,
             'tasks': [{'name': 'become %d' % index, 'ansible.builtin.command': 'id -un', 'become': True,
                        'become_user': '{{ workstation_user }}', 'changed_when': False} for index in range(tasks)]}]
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(play, handle, sort_keys=False)
    return path


def timed(playbook, inventory, env, extra=()):
    started = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', inventory, '-e', SANDBOX_VARS, playbook] + list(extra),
                          env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit('%s failed:\n%s' % (os.path.basename(playbook), proc.stdout[-3000:]))
    return time.monotonic() - started, proc.stdout


def workstation_tasks(stdout, host):
    """Tasks a workstation ran (ok + changed) in the fleet's play, from PLAY RECAP."""
    match = re.search(r'^%s\s+: ok=(\d+)\s+changed=(\d+)' % re.escape(host), stdout, re.M)
    return int(match.group(1))


def measure(size, forks, runs):
    with MotoSandbox() as sandbox, AwsProxy(sandbox) as proxy, Fleet(size, developer_prefix='par') as fleet:
        work = tempfile.mkdtemp(prefix='awsbt-parallel-')
        env = base_env(work, dict(proxy.env, PATH=fleet.path_env(), ANSIBLE_FORKS=str(forks)))
        hosts = sorted(fleet.hosts, key=lambda name: int(name[2:]))
        one = sudo_inventory(fleet, os.path.join(work, 'one.yml'), hosts[:1])
        many = sudo_inventory(fleet, os.path.join(work, 'many.yml'), hosts)
        timed(BOOTSTRAP, many, env)  # converge every host first
        _seconds, stdout = timed(ROTATE, one, env)
        tasks = workstation_tasks(stdout, hosts[0])
        trivial = trivial_play(os.path.join(work, 'trivial.yml'), tasks)
        samples = {key: [] for key in ('ours1', 'oursN', 'triv1', 'trivN')}
        proxy.clear()
        for _round in range(runs):
            samples['ours1'].append(timed(ROTATE, one, env)[0])
            samples['oursN'].append(timed(ROTATE, many, env)[0])
            samples['triv1'].append(timed(trivial, one, env)[0])
            samples['trivN'].append(timed(trivial, many, env)[0])
        writes = len(proxy.write_calls())
    return {key: statistics.median(values) for key, values in samples.items()}, tasks, writes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--hosts', type=int, default=10)
    parser.add_argument('--forks', type=int, default=10)
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit('run as root: each workstation is a throw-away OS user')
    times, tasks, writes = measure(args.hosts, args.forks, args.runs)
    ours = times['oursN'] / times['ours1']
    trivial = times['trivN'] / times['triv1']
    print('| | 1 host: s | %d hosts: s | %d/1 |' % (args.hosts, args.hosts))
    print('|---|---:|---:|---:|')
    print('| fleet re-run (rotate_keys.yml, nothing due) | %.1f | %.1f | %.2f |' % (times['ours1'], times['oursN'], ours))
    print('| trivial play, %d become tasks per host | %.1f | %.1f | %.2f |' % (tasks, times['triv1'], times['trivN'], trivial))
    print('\nmedians of %d interleaved runs, forks=%d; ours / trivial = %.2f (limit %.1f); write calls in the timed re-runs: %d'
          % (args.runs, args.forks, ours / trivial, LIMIT, writes))
    return 0 if ours / trivial <= LIMIT and writes == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
