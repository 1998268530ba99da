# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 17 for ``playbooks/bootstrap.yml``: a secret, once created, reaches its holder or is revoked.

The guide's run: no inventory (this machine is the workstation), a throw-away HOME, the sandbox's
variables (so each user's console-format CSV goes to ``~/aws-bootstrap-credentials``), moto behind
the recording proxy. Each write call of a clean run is denied in turn (HTTP 403, which no SDK
retries). Right after the failed run, every key and password IAM holds is in a CSV or the workstation's
credentials file. After one clean re-run:

- PowerUser has exactly one access key, the workstation's ``[default]`` profile holds it with the
  secret moto holds, and a CSV that holds a PowerUser key holds that one;
- Administrator has a console password, and it is the one its CSV holds;
- the failed run's output (``-v``, stdout and stderr) holds no secret moto holds or held.
"""

from __future__ import annotations

import pytest

from tests.integration.test_iam_secrets_faults import csv_secrets
from tests.utils import proof
from tests.utils.ansible_runner import run_playbook
from tests.utils.aws_proxy import Faults

# The write calls of a clean run of bootstrap.yml on a fresh account, in order, as read from the playbook
# (test_the_clean_run_writes_these checks it against a recorded run):
CLEAN_WRITES = [
    # account_admin, iam_bootstrap_account: the CIS password policy (account_admin_password_policy {} merged
    # over the CIS defaults); no alias call (account_admin_alias is null: the alias is left as it is).
    'UpdateAccountPasswordPolicy',
    # account_admin, iam_bootstrap_identities (one task): Administrators with AdministratorAccess and the
    # ForceMFA inline policy (it holds a console user), PowerUsers with PowerUserAccess (no console user: no MFA policy),
    'CreateGroup', 'AttachGroupPolicy', 'PutGroupPolicy',
    'CreateGroup', 'AttachGroupPolicy',
    # Administrator in Administrators with a generated console password (saved to its CSV),
    'CreateUser', 'AddUserToGroup', 'CreateLoginProfile',
    # PowerUser in PowerUsers with one access key (saved to its CSV, handed to the workstation play in memory).
    'CreateUser', 'AddUserToGroup', 'CreateAccessKey',
    # account_admin: the CIS 1.17 support role with AWSSupportAccess.
    'CreateRole', 'AttachRolePolicy',
    # workstation: the fleet plan delivers the handed-over key (no IAM write), the workstation proves it with
    # sts GetCallerIdentity (a read), and no key is retired; the report only reads.
]
# (action, how many earlier calls of it pass): every write call in turn.
DENIALS = [(action, CLEAN_WRITES[:index].count(action)) for index, action in enumerate(CLEAN_WRITES)]
KEY_USER = 'PowerUser'
CONSOLE_USER = 'Administrator'


def bootstrap(proxy, home):
    return run_playbook(proof.BOOTSTRAP, home, dict(proxy.env), args=('-e', proof.SANDBOX_VARS, '-v'), check=False)


def csv_dir(home):
    """account_admin_credentials_dir of playbooks/vars/sandbox.yml: in the run's HOME."""
    return home / 'aws-bootstrap-credentials'


def csv_held(home):
    """{user: {'keys': {id: secret}, 'passwords': set}} of the console-format CSVs of the run."""
    held = {}
    if csv_dir(home).is_dir():
        csv_secrets(str(csv_dir(home)), held)
    return held


def workstation_key(home):
    """(access key id, secret) of the workstation's [default] profile as botocore reads it; None when none."""
    path = home / '.aws' / 'credentials'
    if not path.exists():
        return None
    default = proof.load_ini(path).get('default') or {}
    if not default.get('aws_access_key_id'):
        return None
    return default['aws_access_key_id'], default.get('aws_secret_access_key')


def secrets_seen(proxy, home):
    """{description: secret} of every secret moto holds now, every password a CreateLoginProfile sent, and
    every secret on disk (the CSVs, the credentials file): what no output may show."""
    found = proof.moto_secrets(proxy.sandbox.endpoint)
    for index, call in enumerate(proxy.calls):
        if call.action in ('CreateLoginProfile', 'UpdateLoginProfile') and call.params.get('Password'):
            found['password sent by call %d (%s)' % (index, call.action)] = call.params['Password']
    for user, mine in csv_held(home).items():
        for key_id, secret in mine['keys'].items():
            found['CSV secret access key of %s (%s)' % (user, key_id)] = secret
        for number, password in enumerate(sorted(mine['passwords'])):
            found['CSV password %d of %s' % (number, user)] = password
    held = workstation_key(home)
    if held and held[1]:
        found['workstation secret access key (%s)' % held[0]] = held[1]
    return found


def check_every_secret_is_with_its_holder(proxy, home):
    endpoint = proxy.sandbox.endpoint
    iam = proof.iam(endpoint)
    dump = proof.moto_dump(endpoint)
    secrets = {key['access_key_id']: key['secret_access_key'] for key in dump['iam'].get('AccessKey', [])}
    passwords = {user['name']: user.get('password') for user in dump['iam']['User']}
    held = csv_held(home)

    keys = [key['AccessKeyId'] for key in iam.list_access_keys(UserName=KEY_USER)['AccessKeyMetadata']]
    assert len(keys) == 1, '%s has %d access keys' % (KEY_USER, len(keys))
    assert workstation_key(home) == (keys[0], secrets[keys[0]]), (
        "the workstation's [default] profile does not hold %s's key %s with the secret IAM holds" % (KEY_USER, keys[0]))
    in_csv = held.get(KEY_USER, {}).get('keys', {})
    assert not in_csv or in_csv == {keys[0]: secrets[keys[0]]}, (
        "%s's CSV holds the keys %s, not (only) the live %s with its secret" % (KEY_USER, sorted(in_csv), keys[0]))

    assert iam.get_login_profile(UserName=CONSOLE_USER)['LoginProfile']['UserName'] == CONSOLE_USER
    assert held.get(CONSOLE_USER, {}).get('passwords') == {passwords[CONSOLE_USER]}, (
        "%s's CSV does not hold (only) the console password IAM holds" % CONSOLE_USER)
    # The guide's split: the console user has no key, the key user no password.
    assert iam.list_access_keys(UserName=CONSOLE_USER)['AccessKeyMetadata'] == []
    assert not passwords[KEY_USER]


def check_every_secret_iam_holds_is_held(proxy, home):
    """Right after the failed run: each key and password IAM holds reached a holder (a CSV, the workstation)."""
    dump = proof.moto_dump(proxy.sandbox.endpoint)
    held = csv_held(home)
    on_workstation = workstation_key(home)
    for key in dump['iam'].get('AccessKey', []):
        pair = (key['access_key_id'], key['secret_access_key'])
        in_csv = held.get(key['user_name'], {}).get('keys', {}).get(pair[0]) == pair[1]
        assert in_csv or on_workstation == pair, (
            "%s's access key %s is in IAM, but neither a CSV nor the workstation holds it" % (key['user_name'], pair[0]))
    for user in dump['iam']['User']:
        if user.get('password'):
            assert user['password'] in held.get(user['name'], {}).get('passwords', set()), (
                "%s's console password is in IAM, but no CSV holds it" % user['name'])


def check_no_secret_in(output, secrets):
    leaks = proof.find_leaks(output, secrets)
    assert not leaks, 'the output shows %s' % ', '.join(leaks)


def test_the_clean_run_writes_these(aws_proxy, home):
    proc = bootstrap(aws_proxy, home)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert [call.action for call in aws_proxy.write_calls()] == CLEAN_WRITES
    check_every_secret_is_with_its_holder(aws_proxy, home)
    check_every_secret_iam_holds_is_held(aws_proxy, home)
    check_no_secret_in(proc.stdout + proc.stderr, secrets_seen(aws_proxy, home))


@pytest.mark.parametrize('action, skip', DENIALS, ids=['%s-%d' % denial for denial in DENIALS])
def test_a_denied_write_then_a_clean_rerun_leaves_every_secret_with_its_holder(make_aws_proxy, home, action, skip):
    proxy = make_aws_proxy(Faults(deny=frozenset([action]), deny_skip=skip))
    failed = bootstrap(proxy, home)
    [denied] = proxy.faulted('deny')
    assert denied.action == action
    assert failed.returncode != 0, failed.stdout[-3000:]
    assert proof.recap(failed.stdout)['localhost']['failed'] == 1, failed.stdout[-3000:]
    # The run says which call was refused, also where the task hides its result for the secrets in it.
    assert 'AccessDenied' in failed.stdout and 'the %s operation' % action in failed.stdout, failed.stdout[-3000:]
    # Taken now: a secret this run made and then revoked is gone from moto by the end of the re-run, but
    # it was sent (a password) or is still on disk (a CSV) if it ever left the module.
    check_no_secret_in(failed.stdout + failed.stderr, secrets_seen(proxy, home))
    # A secret, once created, reaches its holder or is revoked: already after the failed run, not only after the re-run.
    check_every_secret_iam_holds_is_held(proxy, home)

    proxy.faults = None
    rerun = bootstrap(proxy, home)
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    check_every_secret_is_with_its_holder(proxy, home)
    check_no_secret_in(failed.stdout + failed.stderr + rerun.stdout + rerun.stderr, secrets_seen(proxy, home))
