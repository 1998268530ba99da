# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM Identity Center on a fleet of three developer workstations: playbooks/identity_center.yml sets up the account
(moto's sso-admin and identitystore behind the recording proxy), reads it once with iam_bootstrap_sso_info and writes
each developer's SSO profiles with the workstation role's Identity Center mode. One account and one fleet for the
whole module; the steps run in order:

1. the first run gives each workstation exactly the profiles of its developer's assignments (alice through
   Administrators, bob through PowerUsers, carol through PowerUsers and a direct user assignment), read back by
   botocore's loader and, on one host, by the real AWS CLI v1 and v2; what was written by hand stays;
2. end to end on one host: the real CLI, with a token cached as ``aws sso login`` leaves it and the SSO portal
   stand-in, resolves credentials and ``sts get-caller-identity`` answers from moto;
3. a re-run makes no write call and changes no file (bytes and mtime);
4. ``--check`` with a removal pending and a workstation's files gone makes no write call and writes nothing;
5. the removed assignment removes exactly that profile; every other byte of the files stays, and a hand-written
   profile of the same sso-session is kept.
No SSO token appears in any output.
"""

from __future__ import annotations

import json
import os
import pwd
import re

import boto3
import pytest
from botocore import configloader

from tests.integration.test_aws_cli_profile_cli_agreement import cli_v1
from tests.integration.test_aws_cli_profile_sso_roles import endpoint_rule_sets, run_cli
from tests.utils.ansible_runner import ROOT, run_playbook
from tests.utils.debian_awscli import debian_aws_cli_v2
from tests.utils.fleet import fleet_world
from tests.utils.sandbox import SANDBOX_REGION
from tests.utils.sso_portal import SsoPortal, token_cache_file

PLAYBOOK = os.path.join(ROOT, 'playbooks', 'identity_center.yml')
ACCOUNT = '123456789012'  # moto's account
TOKEN = 'cached-sso-access-token-fleet-0001'
DEVELOPERS = {'ws1': 'alice', 'ws2': 'bob', 'ws3': 'carol'}
POLICY_SETS = [
    {'name': 'AdministratorAccess', 'session_duration': 'PT4H', 'managed_policies': ['AdministratorAccess']},
    {'name': 'PowerUserAccess', 'session_duration': 'PT8H', 'managed_policies': ['PowerUserAccess']},
    {'name': 'ReadOnlyAccess', 'session_duration': 'PT8H', 'managed_policies': ['ReadOnlyAccess']},
]
CAROL_DIRECT = {'permission_set': 'ReadOnlyAccess', 'principal_type': 'USER', 'principal_name': 'carol'}
# The account_admin role's Identity Center variables: alice in Administrators, bob and carol in PowerUsers.
PEOPLE = {
    'account_admin_identity_center_users': [
        {'user_name': name, 'display_name': name.title(), 'given_name': name.title(), 'family_name': 'Dev', 'groups': [group]}
        for name, group in (('alice', 'Administrators'), ('bob', 'PowerUsers'), ('carol', 'PowerUsers'))],
    'account_admin_identity_center_permission_sets': POLICY_SETS,
    'account_admin_identity_center_assignments': [{'permission_set': 'AdministratorAccess', 'principal_name': 'Administrators'},
                                                  {'permission_set': 'PowerUserAccess', 'principal_name': 'PowerUsers'}, CAROL_DIRECT],
}
# Written from the assignments above, not from the role's output.
EXPECTED = {'ws1': ['123456789012-AdministratorAccess'], 'ws2': ['123456789012-PowerUserAccess'],
            'ws3': ['123456789012-PowerUserAccess', '123456789012-ReadOnlyAccess']}
# ws3's developer keeps things by hand: a comment, a key profile, and a profile of the role's sso-session under her own name.
HAND_CONFIG = ('# carol\'s own settings\n'
               '[default]\n'
               'region = eu-central-1\n'
               '\n'
               '[profile mine]\n'
               'sso_session = awsbootstrap\n'
               'sso_account_id = 123456789012\n'
               'sso_role_name = PowerUserAccess\n'
               'region = us-west-2\n'
               '\n')
HAND_CREDENTIALS = '[default]\naws_access_key_id = AKIAHANDWRITTEN00001\naws_secret_access_key = handWrittenSecret0001\n'

pytestmark = pytest.mark.root


@pytest.fixture(scope='module')
def world(moto_server, tmp_path_factory):
    """One account (moto reset once, behind a recording proxy), one fleet of three, one controller HOME."""
    with fleet_world(moto_server, tmp_path_factory, 3, 'identity-center-fleet') as built:
        fleet = built['fleet']
        user = pwd.getpwnam(fleet.hosts['ws3']['workstation_user'])
        aws = os.path.join(fleet.hosts['ws3']['home'], '.aws')
        os.mkdir(aws, 0o700)
        for name, text in (('config', HAND_CONFIG), ('credentials', HAND_CREDENTIALS)):
            with open(os.path.join(aws, name), 'w', encoding='utf-8') as handle:
                handle.write(text)
        for path in (aws, os.path.join(aws, 'config'), os.path.join(aws, 'credentials')):
            os.chown(path, user.pw_uid, user.pw_gid)
        yield dict(built, outputs=[])


def run(world, people=None, args=(), extra=None, check=True):
    """The playbook on the fleet; each host's developer is its Identity Store user (no IAM user); ``extra``: {host: vars}."""
    fleet, tmp = world['fleet'], world['tmp']
    overrides = {host: dict({'workstation_iam_user': '', 'workstation_identity_center_user': user}, **(extra or {}).get(host, {}))
                 for host, user in DEVELOPERS.items()}
    inventory = fleet.inventory(str(tmp / 'inventory.yml'), overrides)
    variables = tmp / 'people.json'
    variables.write_text(json.dumps(people or PEOPLE))
    env = dict(world['proxy'].env, PATH=fleet.path_env())
    proc = run_playbook(PLAYBOOK, world['home'], env, args=('-i', inventory, '-e', '@%s' % variables, '--diff') + tuple(args), check=check)
    world['outputs'].append(proc.stdout + proc.stderr)
    return proc


def files(world, host):
    aws = os.path.join(world['fleet'].hosts[host]['home'], '.aws')
    return {name: os.path.join(aws, name) for name in ('config', 'credentials')}


def snapshot(world):
    """{host: {file: (bytes, mtime_ns)}} of every file that exists."""
    found = {}
    for host in DEVELOPERS:
        for name, path in files(world, host).items():
            if os.path.exists(path):
                with open(path, 'rb') as handle:
                    found[(host, name)] = (handle.read(), os.stat(path).st_mtime_ns)
    return found


def sso_profiles_of(world, host):
    """{name: settings} of the profiles using the role's sso-session, and the sessions, from botocore's loader."""
    loaded = configloader.load_config(files(world, host)['config'])
    profiles = {name: values for name, values in loaded['profiles'].items() if values.get('sso_session') == 'awsbootstrap'}
    return profiles, loaded.get('sso_sessions', {})


def without_section(text, header):
    """``text`` without the section ``[header]``: its header and lines up to the next section, and, when it is the
    last section, the blank line that separated it from the one before (the editor removes both)."""
    parts = re.split(r'(?m)^(?=\[)', text)
    kept = [part for part in parts if not part.startswith('[%s]' % header)]
    result = ''.join(kept)
    if parts[-1].startswith('[%s]' % header) and result.endswith('\n\n'):
        result = result[:-1]
    return result


def identity_store(world):
    sso = boto3.client('sso-admin', endpoint_url=world['proxy'].sandbox.endpoint, region_name=SANDBOX_REGION,
                       aws_access_key_id='x', aws_secret_access_key='y')
    return sso.list_instances()['Instances'][0]['IdentityStoreId']


def test_1_each_workstation_gets_exactly_the_profiles_of_its_assignments(world):
    run(world)
    start_url = 'https://%s.awsapps.com/start' % identity_store(world)
    for host, expected in EXPECTED.items():
        profiles, sessions = sso_profiles_of(world, host)
        assert sessions == {'awsbootstrap': {'sso_start_url': start_url, 'sso_region': SANDBOX_REGION,
                                             'sso_registration_scopes': 'sso:account:access'}}, host
        generated = {name: values for name, values in profiles.items() if name != 'mine'}
        assert sorted(generated) == expected, host
        for name, values in generated.items():
            account, role = name.split('-', 1)
            assert values == {'sso_session': 'awsbootstrap', 'sso_account_id': account, 'sso_role_name': role,
                              'region': SANDBOX_REGION, 'output': 'json'}, (host, name)
    config = open(files(world, 'ws3')['config'], encoding='utf-8').read()
    assert config.startswith(HAND_CONFIG)
    assert open(files(world, 'ws3')['credentials'], encoding='utf-8').read() == HAND_CREDENTIALS
    for host in ('ws1', 'ws2'):  # no key anywhere: SSO profiles need no credentials file
        assert 'aws_access_key_id' not in open(files(world, host)['config'], encoding='utf-8').read()
        assert not os.path.exists(files(world, host)['credentials'])


def test_1b_the_real_clis_read_the_profiles_of_one_host(world):
    home = world['fleet'].hosts['ws3']['home']
    commands, answers = [], []
    for key, value in (('sso_session', 'awsbootstrap'), ('sso_account_id', ACCOUNT), ('sso_role_name', 'ReadOnlyAccess'),
                       ('region', SANDBOX_REGION), ('output', 'json')):
        commands.append(['configure', 'get', key, '--profile', '123456789012-ReadOnlyAccess'])
        answers.append(value + '\n')
    for cli in (cli_v1(), debian_aws_cli_v2()):
        results = run_cli(cli, home, commands, {})
        assert [(rc, out) for rc, out, _err in results] == [(0, answer) for answer in answers], cli[2]


def test_2_end_to_end_the_cli_resolves_credentials_through_the_portal(world):
    host = world['fleet'].hosts['ws1']
    endpoint = world['proxy'].sandbox.endpoint
    iam = boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')
    iam.create_user(UserName='alice-sso')
    key = iam.create_access_key(UserName='alice-sso')['AccessKey']
    start_url = 'https://%s.awsapps.com/start' % identity_store(world)
    path = token_cache_file(host['home'], 'awsbootstrap', start_url, SANDBOX_REGION, TOKEN)
    user = pwd.getpwnam(host['workstation_user'])
    for folder in (os.path.dirname(os.path.dirname(os.path.dirname(path))), os.path.dirname(os.path.dirname(path)),
                   os.path.dirname(path), path):
        os.chown(folder, user.pw_uid, user.pw_gid)
    with SsoPortal() as portal:
        portal.assign(TOKEN, ACCOUNT, 'AdministratorAccess', key['AccessKeyId'], key['SecretAccessKey'])
        profile = '123456789012-AdministratorAccess'
        commands = [['sts', 'get-caller-identity', '--profile', profile, '--output', 'json'], ['configure', 'list', '--profile', profile]]
        data = endpoint_rule_sets(world['tmp'] / 'data', portal.endpoint, endpoint)
        for cli, env in ((cli_v1(), {'AWS_ENDPOINT_URL': endpoint, 'AWS_ENDPOINT_URL_SSO': portal.endpoint}),
                         (debian_aws_cli_v2(), {'AWS_DATA_PATH': str(data)})):
            (rc, out, err), (listed_rc, listed, listed_err) = run_cli(cli, host['home'], commands, env)
            assert rc == 0, (cli[2], err)
            assert json.loads(out)['Arn'] == 'arn:aws:iam::%s:user/alice-sso' % ACCOUNT, cli[2]
            # configure list resolves the credentials too: the key the portal handed out, and the profile's region.
            shown = ' '.join(listed.split())
            assert listed_rc == 0 and '****************%s' % key['AccessKeyId'][-4:] in shown, (cli[2], listed, listed_err)
            assert 'region %s config-file' % SANDBOX_REGION in shown, (cli[2], listed)
            assert TOKEN not in out + err + listed + listed_err
        assert len(portal.requests) >= 2


def test_3_rerun_makes_no_write_call_and_changes_no_file(world):
    before = snapshot(world)
    world['proxy'].clear()
    proc = run(world)
    assert world['proxy'].write_calls() == []
    # The account play's reads (3 users, 2 groups, 3 permission sets, 3 assignments), then iam_bootstrap_sso_info once for
    # the whole fleet, the instance and what the account play read (and did not change) taken from the snapshot: only the
    # account of its credentials (GetCallerIdentity), none per workstation (15 reads before the snapshot's read).
    account = {'ListInstances': 1, 'ListUsers': 1, 'ListGroups': 1, 'ListGroupMemberships': 2, 'ListPermissionSets': 1,
               'DescribePermissionSet': 3, 'ListManagedPoliciesInPermissionSet': 3, 'GetCallerIdentity': 1, 'ListAccountAssignments': 3}
    info = {'GetCallerIdentity': 1}
    assert world['proxy'].counts() == {action: account.get(action, 0) + info.get(action, 0) for action in set(account) | set(info)}
    assert snapshot(world) == before
    assert re.search(r'^ws\d\s+: ok=\d+\s+changed=[1-9]', proc.stdout, re.M) is None, proc.stdout[-3000:]


def removal(state='absent'):
    return dict(PEOPLE, account_admin_identity_center_assignments=PEOPLE['account_admin_identity_center_assignments'][:2]
                + [dict(CAROL_DIRECT, state=state)])


def test_4_check_mode_writes_nothing(world):
    for path in files(world, 'ws2').values():
        if os.path.exists(path):
            os.remove(path)
    before = snapshot(world)
    world['proxy'].clear()
    proc = run(world, removal(), args=('--check',))
    assert world['proxy'].write_calls() == []
    assert snapshot(world) == before
    assert 'ws2' in proc.stdout and not os.path.exists(files(world, 'ws2')['config'])


def test_5_a_removed_assignment_removes_exactly_that_profile(world):
    before = snapshot(world)
    run(world, removal())
    assert sorted(call.action for call in world['proxy'].write_calls() if call.action.endswith('AccountAssignment')) == ['DeleteAccountAssignment']
    ws3_config = open(files(world, 'ws3')['config'], encoding='utf-8').read()
    assert ws3_config == without_section(before[('ws3', 'config')][0].decode(), 'profile 123456789012-ReadOnlyAccess')
    assert open(files(world, 'ws3')['credentials'], encoding='utf-8').read() == HAND_CREDENTIALS
    profiles, _sessions = sso_profiles_of(world, 'ws3')
    assert sorted(profiles) == ['123456789012-PowerUserAccess', 'mine']  # the hand-written one of the same session stays
    assert snapshot(world)[('ws1', 'config')] == before[('ws1', 'config')]
    assert sorted(sso_profiles_of(world, 'ws2')[0]) == EXPECTED['ws2']  # its files came back


def test_6_a_key_profile_of_the_host_is_never_taken_over(world):
    """ws2 asks for a key profile (its IAM-key variables) named as an SSO profile of the new template: ws2 fails before
    writing, naming both; the other workstations go on."""
    before = snapshot(world)
    extra = {'ws2': {'workstation_identity_center_profile_template': '{permission_set}-{account}',
                     'workstation_profiles': [{'name': 'PowerUserAccess-123456789012', 'import_csv': '/nonexistent.csv'}]}}
    proc = run(world, removal(), extra=extra, check=False)
    assert proc.returncode != 0
    assert ("workstation_identity_center_user: the SSO profile 'PowerUserAccess-123456789012' (account 123456789012, permission set "
            "PowerUserAccess) would take the name of the key profile 'PowerUserAccess-123456789012' of "
            "workstation_profiles[PowerUserAccess-123456789012]") in proc.stdout
    assert re.search(r'^ws2\s+: .*failed=1', proc.stdout, re.M) and re.search(r'^ws3\s+: .*failed=0', proc.stdout, re.M)
    assert snapshot(world) == before


def test_7_no_sso_token_in_any_output(world):
    assert len(world['outputs']) == 5
    for output in world['outputs']:
        assert TOKEN not in output and 'accessToken' not in output
