#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""API calls of the Identity Center setup: playbooks/identity_center.yml vs the equivalent AWS CLI script.

    .venv/bin/python benchmarks/identity_center.py

On one moto server, through the recording proxy (tests/utils/aws_proxy.py, no faults): reset, run the
playbook with benchmarks/identity_center_people.json twice (first run on an empty account, re-run);
reset, run benchmarks/identity_center_cli.sh (``aws sso-admin`` / ``aws identitystore`` / ``aws sts``, the
AWS CLI of .venv) twice. Each end state is read back with boto3 and must be the same. Prints the calls
of each run, by action with --verbose, and the ratio ours / CLI script. Throw-away HOME; the real ~/.aws
is never read or written.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# pylint: disable=wrong-import-position
import boto3  # noqa: E402

from tests.utils.ansible_runner import BIN, base_env, run_playbook  # noqa: E402
from tests.utils.aws_proxy import AwsProxy  # noqa: E402
from tests.utils.sandbox import SANDBOX_ACCESS_KEY_ID, SANDBOX_REGION, SANDBOX_SECRET_ACCESS_KEY, MotoSandbox  # noqa: E402

PLAYBOOK = os.path.join(ROOT, 'playbooks', 'identity_center.yml')
PEOPLE = os.path.join(ROOT, 'benchmarks', 'identity_center_people.json')
CLI_SCRIPT = os.path.join(ROOT, 'benchmarks', 'identity_center_cli.sh')
ACCOUNT = '123456789012'


def end_state(sandbox):
    """Users, groups with members, permission sets with session and policies, assignments (boto3, straight from moto)."""
    def client(service):
        return boto3.client(service, endpoint_url=sandbox.endpoint, region_name=SANDBOX_REGION, aws_access_key_id=SANDBOX_ACCESS_KEY_ID,
                            aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY)
    sso, store = client('sso-admin'), client('identitystore')
    instance = sso.list_instances()['Instances'][0]
    arn, store_id = instance['InstanceArn'], instance['IdentityStoreId']
    users = {user['UserId']: user for user in store.list_users(IdentityStoreId=store_id)['Users']}
    state = {'users': sorted((u['UserName'], u['DisplayName'], u['Name']['GivenName'], u['Name']['FamilyName'],
                              (u.get('Emails') or [{}])[0].get('Value')) for u in users.values()),
             'groups': {}, 'permission_sets': {}, 'assignments': []}
    names = {user_id: user['UserName'] for user_id, user in users.items()}
    for group in store.list_groups(IdentityStoreId=store_id)['Groups']:
        names[group['GroupId']] = group['DisplayName']
        members = store.list_group_memberships(IdentityStoreId=store_id, GroupId=group['GroupId'])['GroupMemberships']
        state['groups'][group['DisplayName']] = (group.get('Description'), sorted(names[m['MemberId']['UserId']] for m in members))
    for ps_arn in sso.list_permission_sets(InstanceArn=arn)['PermissionSets']:
        ps = sso.describe_permission_set(InstanceArn=arn, PermissionSetArn=ps_arn)['PermissionSet']
        policies = sso.list_managed_policies_in_permission_set(InstanceArn=arn, PermissionSetArn=ps_arn)['AttachedManagedPolicies']
        state['permission_sets'][ps['Name']] = (ps.get('Description'), ps.get('SessionDuration'), sorted(p['Arn'] for p in policies))
        for item in sso.list_account_assignments(InstanceArn=arn, AccountId=ACCOUNT, PermissionSetArn=ps_arn)['AccountAssignments']:
            state['assignments'].append((ps['Name'], item['PrincipalType'], names.get(item['PrincipalId'])))
    state['assignments'].sort()
    return state


def run_ours(proxy, home):
    run_playbook(PLAYBOOK, home, proxy.env, args=['-e', '@%s' % PEOPLE])


def run_cli(proxy, home):
    env = base_env(home, proxy.env)
    subprocess.run(['bash', CLI_SCRIPT], env=dict(env, PATH=BIN + os.pathsep + env['PATH']), check=True, capture_output=True, text=True)


def measure(sandbox, proxy, home, runner):
    """(first-run calls, re-run calls, end state): Counters by action."""
    sandbox.reset()
    counts = []
    for _run in range(2):
        proxy.clear()
        runner(proxy, home)
        counts.append(collections.Counter(proxy.counts()))
    return counts[0], counts[1], end_state(sandbox)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--verbose', action='store_true', help='show the calls by action')
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home, MotoSandbox() as sandbox, AwsProxy(sandbox) as proxy:
        ours_first, ours_rerun, ours_state = measure(sandbox, proxy, home, run_ours)
        cli_first, cli_rerun, cli_state = measure(sandbox, proxy, home, run_cli)
    if ours_state != cli_state:
        print('the end states differ:\nours %r\nCLI  %r' % (ours_state, cli_state), file=sys.stderr)
        return 1
    print('IAM Identity Center setup (2 users, 2 groups with a member each, 2 permission sets, 2 assignments): API calls')
    print('| run | playbooks/identity_center.yml | AWS CLI script | ours / CLI |')
    print('|---|---:|---:|---:|')
    for label, ours, cli in (('first run', ours_first, cli_first), ('re-run', ours_rerun, cli_rerun)):
        ours_total, cli_total = sum(ours.values()), sum(cli.values())
        print('| %s | %d (%d writes) | %d (%d writes) | %.2f |' % (label, ours_total, writes(ours), cli_total, writes(cli), ours_total / cli_total))
    if args.verbose:
        for label, counts in (('ours, first run', ours_first), ('ours, re-run', ours_rerun), ('CLI, first run', cli_first), ('CLI, re-run', cli_rerun)):
            print('%s: %s' % (label, ', '.join('%s %d' % item for item in sorted(counts.items()))))
    return 0


def writes(counts):
    return sum(count for action, count in counts.items() if not action.startswith(('Get', 'List', 'Describe')))


if __name__ == '__main__':
    sys.exit(main())
