# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 17: a secret, once created, reaches its holder or is revoked - under a denied write.

The guide's groups and users (plus a console user with a key and a second key user, the issue's
cases 4 and 5), made by the single-resource modules (one task each, a play stops at the first
failure) and by the batch module. Each write call of a clean run is denied in turn (HTTP 403, which
no SDK retries); after the failed run and one clean re-run:

- every user that should have a key has exactly one, and its secret is one a successful run
  returned (or the CSV asked for holds);
- every console user's password (as moto holds it) is one a successful run returned;
- the failed run's output holds no secret.
"""

from __future__ import annotations

import csv
import json
import os

import pytest

from tests.utils import proof
from tests.utils.ansible_runner import run_module
from tests.utils.aws_proxy import Faults

GROUPS = [{'name': 'Administrators', 'managed_policies': ['AdministratorAccess']},
          {'name': 'PowerUsers', 'managed_policies': ['PowerUserAccess']}]
KEY_USERS = ('PowerUser', 'Operator', 'Developer')
CONSOLE_USERS = ('Administrator', 'Operator')


def guide_users(csv_dir):
    return [
        # A generated password, returned only (no CSV).
        {'name': 'Administrator', 'groups': ['Administrators'], 'console_access': True},
        # The guide's key user, with the console's CSV.
        {'name': 'PowerUser', 'groups': ['PowerUsers'], 'access_key_state': 'present',
         'credentials_csv': os.path.join(str(csv_dir), 'PowerUser_credentials.csv')},
        # Case 5: a generated password, then a key.
        {'name': 'Operator', 'groups': ['PowerUsers'], 'console_access': True, 'access_key_state': 'present'},
        # Case 4: a key user after another one's key.
        {'name': 'Developer', 'groups': ['PowerUsers'], 'access_key_state': 'present'},
    ]


# The write calls of a clean run, in order (the same for both shapes; test_the_clean_run_writes_these checks it).
CLEAN_WRITES = ['CreateGroup', 'AttachGroupPolicy', 'CreateGroup', 'AttachGroupPolicy',
                'CreateUser', 'AddUserToGroup', 'CreateLoginProfile',
                'CreateUser', 'AddUserToGroup', 'CreateAccessKey',
                'CreateUser', 'AddUserToGroup', 'CreateLoginProfile', 'CreateAccessKey',
                'CreateUser', 'AddUserToGroup', 'CreateAccessKey']
# (action, how many earlier calls of it pass): every write call in turn.
DENIALS = [(action, CLEAN_WRITES[:index].count(action)) for index, action in enumerate(CLEAN_WRITES)]


def run_single(env, home, csv_dir):
    """The guide as a play of single-resource tasks: [(user name or None, result)], up to the first failure."""
    results = []
    for group in GROUPS:
        results.append((None, run_module('iam_bootstrap_group', group, home, extra_env=env)))
        if results[-1][1].get('failed'):
            return results
    for user in guide_users(csv_dir):
        results.append((user['name'], run_module('iam_bootstrap_user', user, home, extra_env=env)))
        if results[-1][1].get('failed'):
            return results
    return results


def run_batch(env, home, csv_dir):
    result = run_module('iam_bootstrap_identities', {'groups': GROUPS, 'users': guide_users(csv_dir)}, home, extra_env=env)
    if result.get('failed'):
        return [(None, result)]
    return [(entry['name'], entry) for entry in result['users']]


SHAPES = {'single': run_single, 'batch': run_batch}


def held_secrets(results, held):
    """Add the secrets of the successful results to ``held``: {user: {'keys': {id: secret}, 'passwords': set}}."""
    for name, result in results:
        if name is None or result.get('failed'):
            continue
        mine = held.setdefault(name, {'keys': {}, 'passwords': set()})
        if result.get('secret_access_key'):
            mine['keys'][result['access_key_id']] = result['secret_access_key']
        if result.get('password'):
            mine['passwords'].add(result['password'])


def csv_secrets(csv_dir, held):
    for name in os.listdir(csv_dir):
        if not name.endswith('_credentials.csv'):
            continue
        with open(os.path.join(csv_dir, name), encoding='utf-8-sig', newline='') as handle:
            for row in csv.DictReader(handle):
                mine = held.setdefault(row['User name'], {'keys': {}, 'passwords': set()})
                if row['Access key ID']:
                    mine['keys'][row['Access key ID']] = row['Secret access key']
                if row['Password']:
                    mine['passwords'].add(row['Password'])


def check_every_secret_is_held(endpoint, held):
    iam = proof.iam(endpoint)
    dump = proof.moto_dump(endpoint)
    secrets = {key['access_key_id']: key['secret_access_key'] for key in dump['iam'].get('AccessKey', [])}
    passwords = {user['name']: user.get('password') for user in dump['iam']['User']}
    for name in KEY_USERS:
        keys = [key['AccessKeyId'] for key in iam.list_access_keys(UserName=name)['AccessKeyMetadata']]
        assert len(keys) == 1, '%s has %d access keys' % (name, len(keys))
        assert held.get(name, {}).get('keys', {}).get(keys[0]) == secrets[keys[0]], (
            "%s's key %s is not one a successful run returned or a CSV holds" % (name, keys[0]))
    for name in CONSOLE_USERS:
        assert iam.get_login_profile(UserName=name)['LoginProfile']['UserName'] == name
        assert passwords[name] in held.get(name, {}).get('passwords', set()), (
            "%s's console password is not one a successful run returned or a CSV holds" % name)


@pytest.mark.parametrize('shape', sorted(SHAPES))
def test_the_clean_run_writes_these(aws_proxy, home, tmp_path, shape):
    results = SHAPES[shape](aws_proxy.env, home, tmp_path)
    assert not any(result.get('failed') for _name, result in results), results
    assert [call.action for call in aws_proxy.write_calls()] == CLEAN_WRITES
    held = {}
    held_secrets(results, held)
    csv_secrets(tmp_path, held)
    check_every_secret_is_held(aws_proxy.sandbox.endpoint, held)


@pytest.mark.parametrize('action, skip', DENIALS, ids=['%s-%d' % denial for denial in DENIALS])
@pytest.mark.parametrize('shape', sorted(SHAPES))
def test_a_denied_write_then_a_clean_rerun_leaves_every_secret_with_its_holder(make_aws_proxy, home, tmp_path, shape, action, skip):
    proxy = make_aws_proxy(Faults(deny=frozenset([action]), deny_skip=skip))
    failed = SHAPES[shape](proxy.env, home, tmp_path)
    [denied] = proxy.faulted('deny')
    assert denied.action == action
    failures = [result for _name, result in failed if result.get('failed')]
    assert len(failures) == 1 and 'not authorized' in failures[0]['msg'], failures
    # The failed run shows no secret IAM holds, nor one it revoked (those are gone from moto: checked below).
    output = json.dumps([result for _name, result in failed if result.get('failed')])
    for description, secret in proof.moto_secrets(proxy.sandbox.endpoint).items():
        assert secret not in output, description
    held = {}
    held_secrets(failed, held)

    proxy.faults = None
    rerun = SHAPES[shape](proxy.env, home, tmp_path)
    assert not any(result.get('failed') for _name, result in rerun), rerun
    held_secrets(rerun, held)
    csv_secrets(tmp_path, held)
    check_every_secret_is_held(proxy.sandbox.endpoint, held)
