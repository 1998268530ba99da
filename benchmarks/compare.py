#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Compare the guide's bootstrap done with awsbootstrap.iam and with amazon.aws, on one moto server.

    .venv/bin/python benchmarks/compare.py [--runs N] [--only ours-one-task|ours|amazon.aws|bootstrap] [--no-write]

For each playbook (benchmarks/guide_ours_one_task.yml: one iam_bootstrap_identities task;
benchmarks/guide_ours.yml: a task per group and user; benchmarks/guide_amazon_aws.yml): reset moto, run it
once on the empty account (first run) and once more (re-run), counting the API calls by action
through the recording proxy (tests/utils/aws_proxy.py, no faults); read the end state back with
boto3 and check it is the guide's. Then time N more re-runs of each, interleaved (theirs, ours,
theirs, ...) on the same converged account so that both meet the same machine load, and take the
median. Last, the playbook users run, playbooks/bootstrap.yml with -e @playbooks/vars/sandbox.yml (account
settings, the guide's groups and users, the support role, this machine as the workstation, the report): first
run and re-run counted the same way, its end state checked (the guide's, plus the MFA policy on
Administrators), its re-run timed once. Prints a Markdown table and writes it to benchmarks/RESULTS.md.

Everything runs in a throw-away HOME with the sandbox's dummy credentials: the real ~/.aws is never
read or written. The Administrator password is random, passed through the environment, and never
printed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import secrets
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# pylint: disable=wrong-import-position
from tests.utils.ansible_runner import run_playbook  # noqa: E402
from tests.utils.aws_proxy import AwsProxy  # noqa: E402
from tests.utils.sandbox import SANDBOX_ACCESS_KEY_ID, SANDBOX_REGION, SANDBOX_SECRET_ACCESS_KEY, MotoSandbox  # noqa: E402

BENCHMARKS = os.path.join(ROOT, 'benchmarks')
RESULTS = os.path.join(BENCHMARKS, 'RESULTS.md')
README = os.path.join(BENCHMARKS, 'README.md')
README_START, README_END = '<!-- results:start -->', '<!-- results:end -->'
ONE_TASK, OURS, THEIRS, BOOTSTRAP = 'ours-one-task', 'ours', 'amazon.aws', 'bootstrap'
LABELS = {ONE_TASK: 'ours, one task', OURS: 'ours, a task each', THEIRS: 'amazon.aws', BOOTSTRAP: 'bootstrap.yml'}
PLAYBOOKS = {
    ONE_TASK: os.path.join(BENCHMARKS, 'guide_ours_one_task.yml'),
    OURS: os.path.join(BENCHMARKS, 'guide_ours.yml'),
    THEIRS: os.path.join(BENCHMARKS, 'guide_amazon_aws.yml'),
    BOOTSTRAP: os.path.join(ROOT, 'playbooks', 'bootstrap.yml'),
}
# The playbook users run, as the tests run it against the sandbox.
ARGS = {BOOTSTRAP: ('-e', '@' + os.path.join(ROOT, 'playbooks', 'vars', 'sandbox.yml'))}
BASELINE = os.path.join(BENCHMARKS, 'baseline.yml')
OUR_MODULES = ('iam_bootstrap_group', 'iam_bootstrap_user', 'iam_bootstrap_account', 'iam_bootstrap_identities')
# Budgets (DESIGN.md): ours at most this fraction of theirs.
CALL_BUDGET = 0.5
TIME_BUDGET = 0.5
# Issue 14: the one task at most 14 / 3 calls and 0.3x amazon.aws's re-run wall time; bootstrap.yml 28 / 12 calls.
ONE_TASK_CALLS, ONE_TASK_TIME, BOOTSTRAP_CALLS = (14, 3), 0.3, (28, 12)

POLICY = 'arn:aws:iam::aws:policy/'
EXPECTED_STATE = {
    'groups': {
        'Administrators': {'policies': [POLICY + 'AdministratorAccess'], 'members': ['Administrator'], 'inline_policies': []},
        'PowerUsers': {'policies': [POLICY + 'PowerUserAccess'], 'members': ['PowerUser'], 'inline_policies': []},
    },
    'users': {
        'Administrator': {'groups': ['Administrators'], 'login_profile': True, 'access_keys': [], 'policies': []},
        'PowerUser': {'groups': ['PowerUsers'], 'login_profile': False, 'access_keys': ['Active'], 'policies': []},
    },
}
# bootstrap.yml makes the guide's state and, as the guide says too, makes MFA a must for the Administrators (Force_MFA).
BOOTSTRAP_STATE = {
    'groups': dict(EXPECTED_STATE['groups'], Administrators=dict(EXPECTED_STATE['groups']['Administrators'], inline_policies=['ForceMFA'])),
    'users': EXPECTED_STATE['users'],
}


def make_password():
    """A random password that satisfies any reasonable policy (upper, lower, digit, symbol)."""
    return 'Bm7-' + secrets.token_urlsafe(18) + '-x9Q'


def iam_client(endpoint):
    import boto3  # pylint: disable=import-outside-toplevel
    session = boto3.session.Session(aws_access_key_id=SANDBOX_ACCESS_KEY_ID, aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY,
                                    region_name=SANDBOX_REGION)
    return session.client('iam', endpoint_url=endpoint)


def end_state(iam):
    """The IAM state the guide is about, read straight from moto (not through the proxy)."""
    def pages(method, key, **kwargs):
        items = []
        for page in iam.get_paginator(method).paginate(**kwargs):
            items.extend(page[key])
        return items

    state = {'groups': {}, 'users': {}}
    for group in pages('list_groups', 'Groups'):
        name = group['GroupName']
        state['groups'][name] = {
            'policies': sorted(p['PolicyArn'] for p in pages('list_attached_group_policies', 'AttachedPolicies', GroupName=name)),
            'members': sorted(u['UserName'] for u in pages('get_group', 'Users', GroupName=name)),
            'inline_policies': sorted(pages('list_group_policies', 'PolicyNames', GroupName=name)),
        }
    for user in pages('list_users', 'Users'):
        name = user['UserName']
        try:
            iam.get_login_profile(UserName=name)
            login_profile = True
        except iam.exceptions.NoSuchEntityException:
            login_profile = False
        state['users'][name] = {
            'groups': sorted(g['GroupName'] for g in pages('list_groups_for_user', 'Groups', UserName=name)),
            'login_profile': login_profile,
            'access_keys': sorted(k['Status'] for k in pages('list_access_keys', 'AccessKeyMetadata', UserName=name)),
            'policies': sorted(p['PolicyArn'] for p in pages('list_attached_user_policies', 'AttachedPolicies', UserName=name)),
        }
    return state


def state_differences(state, expected=None):
    expected = EXPECTED_STATE if expected is None else expected
    problems = []
    for kind in ('groups', 'users'):
        for name in sorted(set(state[kind]) | set(expected[kind])):
            if state[kind].get(name) != expected[kind].get(name):
                problems.append('%s %s: %s, expected %s' % (kind[:-1], name, state[kind].get(name), expected[kind].get(name)))
    return problems


def changed_count(stdout):
    """The ``changed=N`` of the localhost line of PLAY RECAP."""
    match = re.search(r'^localhost\s*:.*\bchanged=(\d+)', stdout, re.M)
    return int(match.group(1)) if match else None


class Runner:
    """Runs the playbooks through the proxy and keeps what was measured."""

    def __init__(self, moto, proxy, home, password):
        self.moto = moto
        self.proxy = proxy
        self.home = home
        self.env = dict(proxy.env, BENCH_ADMIN_PASSWORD=password)

    def run(self, name):
        """One ansible-playbook run; (Counter of forwarded calls by action, seconds, changed tasks, calls)."""
        self.proxy.clear()
        started = time.perf_counter()
        proc = run_playbook(PLAYBOOKS.get(name, BASELINE), self.home, extra_env=self.env, args=ARGS.get(name, ()), check=False)
        seconds = time.perf_counter() - started
        if proc.returncode != 0:
            # The playbooks mark every task that registers a secret no_log, so their output holds none.
            raise SystemExit('%s playbook failed (rc=%d)\n%s\n%s' % (name, proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:]))
        calls = self.proxy.calls
        return self.proxy.counts(), seconds, changed_count(proc.stdout), calls


def login_profile_resets(calls):
    """PasswordResetRequired of each CreateLoginProfile / UpdateLoginProfile request (moto ignores the flag)."""
    return [call.params.get('PasswordResetRequired') for call in calls
            if call.action in ('CreateLoginProfile', 'UpdateLoginProfile') and call.forwarded]


def measure(names, runs):
    results = {name: {} for name in names}
    password = make_password()
    guide = [name for name in names if name != BOOTSTRAP]
    with tempfile.TemporaryDirectory(prefix='awsbootstrap-bench-') as home:
        # This process talks to moto too (end-state checks): keep its boto3 out of the real ~/.aws.
        os.environ['AWS_CONFIG_FILE'] = os.path.join(home, 'no-aws-config')
        os.environ['AWS_SHARED_CREDENTIALS_FILE'] = os.path.join(home, 'no-aws-credentials')
        with MotoSandbox() as moto, AwsProxy(moto) as proxy:
            runner = Runner(moto, proxy, home, password)
            iam = iam_client(moto.endpoint)
            states = {}
            for name in guide:
                states[name] = count_both_runs(runner, moto, iam, name, results[name])
            if len(guide) > 1:
                results['same_end_state'] = all(states[name] == states[guide[0]] for name in guide)
            time_reruns(runner, iam, guide, runs, results)
            if BOOTSTRAP in names:
                # Last, on an account of its own: it adds the support role and the MFA policy the guide playbooks do not.
                count_both_runs(runner, moto, iam, BOOTSTRAP, results[BOOTSTRAP], BOOTSTRAP_STATE)
                results[BOOTSTRAP].update(median=results[BOOTSTRAP]['times'][0], stable=True, final_problems=[])
    return results


def count_both_runs(runner, moto, iam, name, result, expected=None):
    """First run on an empty account and a re-run, counted; the end state read back. Returns the end state."""
    moto.reset()
    first, first_seconds, first_changed, first_calls = runner.run(name)
    rerun, rerun_seconds, rerun_changed, rerun_calls = runner.run(name)
    state = end_state(iam)
    result.update(first=first, rerun=rerun, first_seconds=first_seconds, first_changed=first_changed,
                  rerun_changed=rerun_changed, api_seconds=sum(c.duration for c in rerun_calls),
                  reset_required=login_profile_resets(first_calls),
                  problems=state_differences(state, expected), times=[rerun_seconds], rerun_counts=[rerun])
    print('%-14s first run %3d calls, re-run %3d calls' % (name, sum(first.values()), sum(rerun.values())),
          file=sys.stderr, flush=True)
    return state


def time_reruns(runner, iam, names, runs, results):
    """Timed re-runs, interleaved, on the (same) converged account; and the no-AWS baseline."""
    results['baseline'] = []
    for index in range(runs):
        for name in names[index % len(names):] + names[:index % len(names)] if names else []:
            counts, seconds, _changed, _calls = runner.run(name)
            results[name]['times'].append(seconds)
            results[name]['rerun_counts'].append(counts)
        results['baseline'].append(runner.run('baseline')[1])
        print('timed re-run %d/%d done' % (index + 1, runs), file=sys.stderr, flush=True)
    results['baseline_median'] = statistics.median(results['baseline'])
    for name in names:
        # The timed re-runs start after the counted one, so the median is of the N timed ones.
        results[name]['median'] = statistics.median(results[name]['times'][1:] or results[name]['times'])
        results[name]['stable'] = all(c == results[name]['rerun'] for c in results[name]['rerun_counts'])
        results[name]['final_problems'] = state_differences(end_state(iam))


def versions():
    found = {}
    try:
        import ansible.release  # pylint: disable=import-outside-toplevel
        found['ansible-core'] = ansible.release.__version__
    except ImportError:
        pass
    try:
        import ansible_collections.amazon.aws as amazon_aws  # pylint: disable=import-outside-toplevel
        with open(os.path.join(list(amazon_aws.__path__)[0], 'MANIFEST.json'), encoding='utf-8') as handle:
            found['amazon.aws'] = json.load(handle)['collection_info']['version']
    except (ImportError, OSError, ValueError, KeyError):
        pass
    for module in ('botocore', 'moto'):
        try:
            found[module] = __import__(module).__version__
        except (ImportError, AttributeError):
            pass
    return found


def ratio(ours, theirs):
    return ours / theirs if theirs else float('nan')


def verdict(value, budget):
    return 'met' if value <= budget else '**not met**'


def render(results, names, runs, seconds, command='benchmarks/compare.py'):
    theirs = results.get(THEIRS)
    lines = ['# Benchmark: the guide\'s bootstrap, awsbootstrap.iam vs amazon.aws', '',
             'Produced by `.venv/bin/python %s` on %s (%.0f s); %s.' % (
                 command, datetime.datetime.now().strftime('%Y-%m-%d %H:%M'), seconds,
                 ', '.join('%s %s' % item for item in versions().items())),
             'API calls are those the recording proxy forwarded to one moto server; wall time is the whole',
             '`ansible-playbook` process, median of %d re-runs interleaved between the playbooks.' % runs, '']
    mine = [name for name in (ONE_TASK, OURS) if name in results]
    if theirs and mine:
        header = (' | '.join(LABELS[name] for name in mine), ' | '.join('%s / theirs' % LABELS[name] for name in mine))
        lines += ['| measure | %s | amazon.aws | %s | budget |' % header,
                  '|---|' + '---:|' * (2 * len(mine) + 1) + '---|']
        base = results['baseline_median']
        rows = [
            ('API calls, first run', lambda r: sum(r['first'].values()), '%d', True),
            ('API calls, re-run', lambda r: sum(r['rerun'].values()), '%d', True),
            ('wall time, re-run (median s)', lambda r: r['median'], '%.2f', True),
            ('wall time, re-run above the baseline (median s)', lambda r: r['median'] - base, '%.2f', False),
            ('time spent in API calls, re-run (s)', lambda r: r['api_seconds'], '%.3f', False),
            ('wall time, first run (s)', lambda r: r['first_seconds'], '%.2f', False),
        ]
        for label, value, form, budgeted in rows:
            ratios = [ratio(value(results[name]), value(theirs)) for name in mine]
            budget = CALL_BUDGET if label.startswith('API') else TIME_BUDGET
            verdicts = ', '.join('%s %s' % (LABELS[name].split(', ')[1], verdict(r, budget)) for name, r in zip(mine, ratios)) if budgeted else ''
            lines.append('| %s | %s | %s | %s | %s |' % (
                label, ' | '.join(form % value(results[name]) for name in mine), form % value(theirs),
                ' | '.join('%.2f' % r for r in ratios), ('<= %.1f: %s' % (budget, verdicts)) if budgeted else ''))
        lines += ['| tasks changed on re-run | %s | %s | %s | 0 |' % (
            ' | '.join(str(results[name]['rerun_changed']) for name in mine), theirs['rerun_changed'], ' | '.join('' for _name in mine)), '']
    else:
        lines += ['| measure | %s |' % ' | '.join(names), '|---|' + '---:|' * len(names),
                  '| API calls, first run | %s |' % ' | '.join(str(sum(results[n]['first'].values())) for n in names),
                  '| API calls, re-run | %s |' % ' | '.join(str(sum(results[n]['rerun'].values())) for n in names),
                  '| wall time, re-run (median s) | %s |' % ' | '.join('%.2f' % results[n]['median'] for n in names),
                  '| wall time, first run (s) | %s |' % ' | '.join('%.2f' % results[n]['first_seconds'] for n in names),
                  '| tasks changed on re-run | %s |' % ' | '.join(str(results[n]['rerun_changed']) for n in names),
                  '']
    lines += issue_14_lines(results)
    lines += ['Baseline: `ansible-playbook` with one task and no AWS call (benchmarks/baseline.yml) takes %.2f s (median),' % results['baseline_median'],
              'the floor under every wall time above.', '']
    lines += action_table(results, names)
    lines += ['', 'End state (read back with boto3: groups, attached policies, members, users, login profile, access keys):', '']
    for name in names:
        result = results[name]
        problems = result['problems'] + ['after the timed re-runs: ' + p for p in result['final_problems']]
        resets = ', '.join(str(value) for value in result['reset_required']) or 'no login profile request'
        state = 'the guide\'s state' + (' with ForceMFA on Administrators' if name == BOOTSTRAP else '')
        lines.append('- %s: %s; CreateLoginProfile sent PasswordResetRequired=%s; %s.' % (
            LABELS[name], state if not problems else 'DIFFERS: ' + '; '.join(problems), resets,
            'not timed again' if name == BOOTSTRAP else 're-run call counts %s across the %d timed re-runs' % (
                'identical' if result['stable'] else 'NOT identical', runs)))
    if 'same_end_state' in results:
        lines.append('- the playbooks leave the same end state: %s.' % ('yes' if results['same_end_state'] else '**no**'))
    return '\n'.join(lines) + '\n'


def action_table(results, names):
    """The API calls of each playbook by action, first run and re-run."""
    header = '| action | %s |' % ' | '.join('%s first | %s re-run' % (LABELS[n], LABELS[n]) for n in names)
    lines = ['API calls by action:', '', header, '|---|' + '---:|' * (2 * len(names))]
    actions = sorted(set().union(*(set(results[n]['first']) | set(results[n]['rerun']) for n in names)))
    for action in actions:
        cells = []
        for name in names:
            cells += [str(results[name]['first'].get(action, '')), str(results[name]['rerun'].get(action, ''))]
        lines.append('| %s | %s |' % (action, ' | '.join(cells)))
    lines.append('| **total** | %s |' % ' | '.join(
        '%d | %d' % (sum(results[n]['first'].values()), sum(results[n]['rerun'].values())) for n in names))
    return lines


def issue_14_lines(results):
    """The one task against issue 14's batch figures, and the whole playbook users run against its budget."""
    lines = []
    if ONE_TASK in results and THEIRS in results:
        one, theirs = results[ONE_TASK], results[THEIRS]
        first, rerun, share = sum(one['first'].values()), sum(one['rerun'].values()), ratio(one['median'], theirs['median'])
        figures = (first, ONE_TASK_CALLS[0], verdict(first, ONE_TASK_CALLS[0]), rerun, ONE_TASK_CALLS[1], verdict(rerun, ONE_TASK_CALLS[1]),
                   share, ONE_TASK_TIME, verdict(share, ONE_TASK_TIME))
        lines += ['Issue 14, the guide part in one task: first run %d calls (<= %d: %s), re-run %d (<= %d: %s), re-run wall time '
                  '%.2fx amazon.aws\'s (<= %.1f: %s).' % figures, '']
    if BOOTSTRAP in results:
        boot = results[BOOTSTRAP]
        first, rerun = sum(boot['first'].values()), sum(boot['rerun'].values())
        lines += ['The playbook users run, `playbooks/bootstrap.yml -e @playbooks/vars/sandbox.yml` (account settings, the guide\'s',
                  'groups and users, the support role, this machine as the workstation, the report), on an account of its own:', '',
                  '| measure | bootstrap.yml | budget (issue 14) |', '|---|---:|---|',
                  '| API calls, first run | %d | <= %d: %s |' % (first, BOOTSTRAP_CALLS[0], verdict(first, BOOTSTRAP_CALLS[0])),
                  '| API calls, re-run | %d | <= %d: %s |' % (rerun, BOOTSTRAP_CALLS[1], verdict(rerun, BOOTSTRAP_CALLS[1])),
                  '| wall time, re-run (s, one run) | %.2f | |' % boot['median'],
                  '| wall time, first run (s) | %.2f | |' % boot['first_seconds'],
                  '| tasks changed on re-run | %s | 0 |' % boot['rerun_changed'], '']
    return lines


def update_readme(table):
    """Put the table (without its title) between the README's result markers, when they are there."""
    try:
        with open(README, encoding='utf-8') as handle:
            text = handle.read()
    except OSError:
        return
    if README_START not in text or README_END not in text:
        return
    body = table.split('\n', 2)[2].strip()
    head, rest = text.split(README_START, 1)
    tail = rest.split(README_END, 1)[1]
    with open(README, 'w', encoding='utf-8') as handle:
        handle.write('%s%s\n%s\n%s%s' % (head, README_START, body, README_END, tail))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--runs', type=int, default=5, help='timed re-runs of each playbook (default 5)')
    parser.add_argument('--only', choices=(ONE_TASK, OURS, THEIRS, BOOTSTRAP), help='run one playbook only')
    parser.add_argument('--no-write', action='store_true', help='print the table without writing benchmarks/RESULTS.md')
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error('--runs must be at least 1')
    names = [THEIRS, OURS, ONE_TASK, BOOTSTRAP] if args.only is None else [args.only]
    missing = [m for m in OUR_MODULES if not os.path.exists(os.path.join(ROOT, 'plugins', 'modules', m + '.py'))]
    if set(names) & {OURS, ONE_TASK, BOOTSTRAP} and missing:
        if args.only in (OURS, ONE_TASK, BOOTSTRAP):
            raise SystemExit('our modules are not there yet: %s' % ', '.join(missing))
        print('note: our modules are not there yet (%s): measuring amazon.aws only' % ', '.join(missing), file=sys.stderr)
        names = [THEIRS]
    started = time.perf_counter()
    results = measure(names, args.runs)
    command = ' '.join(['benchmarks/compare.py'] + list(sys.argv[1:] if argv is None else argv))
    table = render(results, names, args.runs, time.perf_counter() - started, command)
    print(table)
    if not args.no_write:
        with open(RESULTS, 'w', encoding='utf-8') as handle:
            handle.write(table)
        update_readme(table)
    failed = any(results[n]['problems'] or results[n]['final_problems'] for n in names) or results.get('same_end_state') is False
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
