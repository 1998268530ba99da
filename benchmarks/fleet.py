#!/usr/bin/env python
"""Fleet bootstrap at scale: API calls per developer and wall time for N workstations (default 10 and 50).

Each workstation is a throw-away OS user on this machine (run as root), IAM is one moto server
behind the recording proxy. For each size: the first run of playbooks/bootstrap.yml and a re-run,
with the calls by kind (reads / writes) and per developer, and wall time; then a Markdown table,
also written to benchmarks/FLEET-RESULTS.md.

    sudo .venv/bin/python benchmarks/fleet.py [--sizes 10,50] [--forks 10]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# pylint: disable=wrong-import-position
from tests.utils.ansible_runner import BIN, base_env  # noqa: E402
from tests.utils.aws_proxy import AwsProxy  # noqa: E402
from tests.utils.fleet import Fleet  # noqa: E402
from tests.utils.sandbox import MotoSandbox  # noqa: E402

BOOTSTRAP = os.path.join(ROOT, 'playbooks', 'bootstrap.yml')
# FLEET-RESULTS.md keeps what stands from this heading on (the figures from before the fleet was one plan).
BEFORE_MARK = '## Before'
SANDBOX_VARS = '@' + os.path.join(ROOT, 'playbooks', 'vars', 'sandbox.yml')


def run(proxy, fleet, home, inventory, forks):
    env = base_env(home, dict(proxy.env, PATH=fleet.path_env(), ANSIBLE_FORKS=str(forks)))
    proxy.clear()
    started = time.monotonic()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', inventory, '-e', SANDBOX_VARS, BOOTSTRAP],
                          env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit('bootstrap failed:\n' + proc.stdout[-3000:])
    changed = sum(int(n) for n in re.findall(r'^\S+\s+: ok=\d+\s+changed=(\d+)', proc.stdout, re.M))
    calls = list(proxy.calls)
    developers = {host['workstation_iam_user'] for host in fleet.hosts.values()}
    naming = [c for c in calls if c.params.get('UserName') in developers]
    return {'seconds': elapsed, 'calls': len(calls), 'writes': len([c for c in calls if c.is_write]), 'changed': changed,
            'per_developer': len(naming) / len(developers), 'fixed': len(calls) - len(naming)}


def measure(size, forks):
    with MotoSandbox() as sandbox, AwsProxy(sandbox) as proxy, Fleet(size, developer_prefix='bench') as fleet:
        with tempfile.TemporaryDirectory() as home:
            inventory = fleet.inventory(os.path.join(home, 'inventory.yml'))
            first = run(proxy, fleet, home, inventory, forks)
            rerun = run(proxy, fleet, home, inventory, forks)
    return size, first, rerun


def table(rows, forks):
    lines = ['| workstations | first run: calls (per developer + fixed) | first run: s | re-run: calls (per developer + fixed) '
             '| re-run: writes | re-run: s | re-run tasks changed |',
             '|---:|---:|---:|---:|---:|---:|---:|']
    for size, first, rerun in rows:
        lines.append('| %d | %d (%.1f + %d) | %.1f | %d (%.1f + %d) | %d | %.1f | %d |' % (
            size, first['calls'], first['per_developer'], first['fixed'], first['seconds'], rerun['calls'], rerun['per_developer'],
            rerun['fixed'], rerun['writes'], rerun['seconds'], rerun['changed']))
    lines.append('')
    lines.append('forks=%d. API calls: every IAM/STS request of the whole bootstrap (account, report and fleet) recorded by the '
                 'proxy in front of one moto server; "per developer" counts the requests naming that developer\'s IAM user, '
                 '"fixed" the rest (account settings, groups, the guide\'s two users, the report\'s account-wide reads).' % forks)
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='10,50')
    parser.add_argument('--forks', type=int, default=10)
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit('run as root: each workstation is a throw-away OS user')
    rows = [measure(int(size), args.forks) for size in args.sizes.split(',')]
    text = table(rows, args.forks)
    print(text)
    path = os.path.join(ROOT, 'benchmarks', 'FLEET-RESULTS.md')
    with open(path, encoding='utf-8') as handle:
        kept = handle.read()
    before = kept[kept.index(BEFORE_MARK):] if BEFORE_MARK in kept else ''
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('# Fleet bootstrap benchmark\n\nProduced by `.venv/bin/python benchmarks/fleet.py --sizes %s --forks %d`.\n\n%s\n'
                     % (args.sizes, args.forks, text))
        if before:
            handle.write('\n' + before)
    writes = sum(rerun['writes'] for _size, _first, rerun in rows)
    over = [size for size, _first, rerun in rows if rerun['calls'] > 10 + 1.5 * size]
    for size, _first, rerun in rows:
        budget = 10 + 1.5 * size
        print('re-run at %d workstations: %d calls, budget 10 + 1.5 x %d = %.0f: %s' % (
            size, rerun['calls'], size, budget, 'met' if rerun['calls'] <= budget else 'NOT met'))
    print('re-run write calls: %d (budget 0)' % writes)
    return 0 if writes == 0 and not over else 1


if __name__ == '__main__':
    sys.exit(main())
