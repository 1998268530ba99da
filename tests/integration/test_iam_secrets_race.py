# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 17: concurrent runs on one user return only secrets IAM holds, and leave no key nobody holds.

N runs of the real module (one process each, started together) on one user, for 5 rounds each:

- every secret access key a run returned is in IAM afterwards, and authenticates as the user (moto's
  STS GetCallerIdentity, with moto checking signatures);
- every console password a run returned is the one IAM holds. moto has no console sign-in, so
  "valid" is read from moto's own model: the user has a login profile and moto's stored password is
  the returned one (which also means at most one run returns a password per round);
- every key IAM lists was returned by exactly one run (no key nobody holds, none handed out twice);
- a run that lost the race says so (it fails naming the other run, or adopts the other run's login
  profile with a warning), and shows no secret.

Half the rounds start from no user (the runs also race on CreateUser), half from a user without
credentials.
"""

from __future__ import annotations

import collections
import concurrent.futures
import time

import boto3
import botocore
import pytest

from tests.utils import proof
from tests.utils.ansible_runner import run_module, warnings_of
from tests.utils.aws_proxy import Faults

ROUNDS = 5
VARIANTS = {
    'access_key': {'access_key_state': 'present'},
    'console_password': {'console_access': True, 'password_reset_required': True},
    'both': {'console_access': True, 'access_key_state': 'present'},
}
# The proxy holds each create (up to this many seconds, at random) before moto sees it, so that the
# runs' read-to-create windows overlap: every run reads before the others' creates land, and they race.
CREATES = frozenset(('CreateUser', 'CreateLoginProfile', 'CreateAccessKey'))
CREATE_DELAY = 2.0
# What counts: (variant, runs) -> Counter of outcomes, printed at the end of the module.
FIGURES = collections.defaultdict(collections.Counter)


def run_together(env, home, args, runs):
    with concurrent.futures.ThreadPoolExecutor(max_workers=runs) as pool:
        futures = [pool.submit(run_module, 'iam_bootstrap_user', args, home, extra_env=env) for _run in range(runs)]
        return [future.result() for future in futures]


def sts_arn(endpoint, key_id, secret):
    sts = boto3.client('sts', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=key_id, aws_secret_access_key=secret,
                       config=botocore.config.Config(retries={'max_attempts': 1}))
    return sts.get_caller_identity()['Arn']


@pytest.fixture(scope='module', autouse=True)
def print_figures():
    yield
    for (variant, runs), counts in sorted(FIGURES.items()):
        print('\nconcurrent %-16s N=%d: %s' % (variant, runs, dict(sorted(counts.items()))))


@pytest.mark.parametrize('runs', [2, 3, 4])
@pytest.mark.parametrize('variant', sorted(VARIANTS))
def test_concurrent_runs_return_only_secrets_iam_holds(sandbox, make_aws_proxy, home, variant, runs):
    proxy = make_aws_proxy(Faults(delay=CREATE_DELAY, seed=runs, actions=CREATES))
    iam = proof.iam(sandbox.endpoint)
    returned_keys = {}  # key id -> (user, secret)
    started = time.monotonic()
    for round_ in range(ROUNDS):
        name = 'race-%s-%d-%d' % (variant.replace('_', '-'), runs, round_)
        if round_ % 2:
            iam.create_user(UserName=name)
        args = dict(VARIANTS[variant], name=name)
        results = run_together(proxy.env, home, args, runs)
        counts = FIGURES[(variant, runs)]
        passwords = []
        keys_of_round = []
        for result in results:
            if result.get('failed'):
                counts['failed'] += 1
                # Only a lost race may fail a run, and it says so.
                assert 'another run' in result['msg'], result['msg']
                assert 'secret_access_key' not in result and 'password' not in result
                continue
            counts['succeeded'] += 1
            if any('another run' in warning for warning in warnings_of(result)):
                counts['adopted another run\'s login profile'] += 1
            if result.get('secret_access_key'):
                counts['keys returned'] += 1
                key_id = result['access_key_id']
                assert key_id not in returned_keys, 'one key returned twice'
                returned_keys[key_id] = (name, result['secret_access_key'])
                keys_of_round.append(key_id)
            if result.get('password'):
                counts['passwords returned'] += 1
                passwords.append(result['password'])
        dump = proof.moto_dump(sandbox.endpoint)
        # Every key IAM lists was returned by exactly one run: no key nobody holds.
        listed = [key['AccessKeyId'] for key in iam.list_access_keys(UserName=name)['AccessKeyMetadata']]
        assert sorted(listed) == sorted(keys_of_round), (listed, keys_of_round)
        secrets = {key['access_key_id']: key['secret_access_key'] for key in dump['iam'].get('AccessKey', [])}
        for key_id in keys_of_round:
            assert secrets.get(key_id) == returned_keys[key_id][1], 'a returned secret is not the one IAM holds'
        # Every returned password is the one IAM holds (so at most one run returned one).
        [stored] = [user.get('password') for user in dump['iam']['User'] if user['name'] == name]
        for password in passwords:
            assert password == stored, 'a returned console password is not the one IAM holds'
        if passwords:
            assert iam.get_login_profile(UserName=name)['LoginProfile']['UserName'] == name
        if variant == 'console_password':
            # A run always gets the profile made, or adopts it: the user ends with console access.
            assert iam.get_login_profile(UserName=name)['LoginProfile']['UserName'] == name
        if 'access_key_state' in VARIANTS[variant]:
            assert 1 <= len(listed) <= 2
    FIGURES[(variant, runs)]['seconds'] = round(time.monotonic() - started)
    # Every returned key authenticates as its user (moto checks the signature with the secret it holds).
    sandbox.enforce_auth(True)
    try:
        for key_id, (name, secret) in returned_keys.items():
            assert sts_arn(sandbox.endpoint, key_id, secret) == 'arn:aws:iam::123456789012:user/%s' % name
    finally:
        sandbox.enforce_auth(False)
