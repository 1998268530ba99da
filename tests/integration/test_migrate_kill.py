# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""No developer lacks working credentials while a fleet moves to IAM Identity Center, even when
playbooks/migrate_to_identity_center.yml is SIGKILLed at a phase boundary (issue 16).

The fleet of tests/utils/migration_fleet.py (four developers bootstrapped with IAM keys). "Working" is asked of the
real aws CLI on each workstation (tests/utils/fleet_credentials.py): every key profile answers as the developer's IAM
user, every SSO profile with a live login as the portal stand-in's user of that developer, the profile the fleet gave
the developer among them. A kill is aimed with a proxy that holds one AWS call (tests/utils/holding_proxy.py), then the
whole playbook's process tree gets SIGKILL. Each kill is checked to have landed half-way (else it proves nothing),
then: everybody works, a re-run reaches the end state of a run never killed (making every account write the kill left
undone, none twice), a second re-run writes nothing and changes no file.

1. after the bootstrap, every developer works with their key;
2. phase 1 killed after the Identity Center writes on the account, before any workstation has its SSO profile;
3. phase 2 killed after the logged-in workstations' key profiles were switched to SSO, before the account's first write
   (every key still Active, dev1's console password still there, no IAM user tagged with the switch);
4. phase 2 killed right after the first UpdateAccessKey reached the account (its answer never came back): one of the two
   developers' keys Inactive, the other's Active. The re-run ends where case 3's re-run ended;
5. phase 3, a month after the switch (dev3's inactive key used since, so dev1 alone retires), killed after dev1's key
   was deleted, before its IAM user leaves its group and is deleted: the re-run makes the rest of the removal, ending
   as test 8 of test_migrate_to_identity_center.py (an unkilled phase 3) ends.
"""

from __future__ import annotations

import os
import re

import pytest
from botocore import configloader

from tests.utils.fleet_credentials import WAITING, check_fleet_credentials, iam_user_arn, read_files
from tests.utils.holding_proxy import HoldingProxy
from tests.utils.migration_fleet import (ACCOUNT, LOGGED_IN, PROFILE, ROLE, SESSION, TAG, a_month_after_the_switch, client,
                                         console_passwords, key_states, key_statuses, last_used, migration_world, phase_args, run,
                                         sso_login, sso_portal, sso_stand_in_arn, start, start_url, switched_at, users)
from tests.utils.proof import kill_tree, wait_until

pytestmark = pytest.mark.root

# Phase 2 on the account for dev1 and dev3 (the issue): each one tagged with the time of the switch, its key
# deactivated, dev1's console password removed.
PHASE_2_WRITES = ['DeleteLoginProfile', 'TagUser', 'TagUser', 'UpdateAccessKey', 'UpdateAccessKey']
DEVELOPER = {'ws%d' % index: 'dev%d' % index for index in range(1, 5)}


@pytest.fixture(scope='module')
def world(moto_server, tmp_path_factory):
    with migration_world(moto_server, tmp_path_factory, 'migrate-kill', HoldingProxy) as built:
        yield built


@pytest.fixture(scope='module')
def portal(world):
    with sso_portal(world) as stand_in:
        yield stand_in


@pytest.fixture(scope='module')
def saved():
    """What one test leaves for a later one (the fleet's files after phase 1, case 3's end state)."""
    return {}


def working(world, portal=None):
    """{host: {profile: ARN or WAITING}}, having failed if any developer lacks working credentials."""
    env = world['proxy'].environ(**({'AWS_ENDPOINT_URL_SSO': portal.endpoint} if portal else {}))
    return check_fleet_credentials(world['fleet'], env, ACCOUNT, sso_stand_in_arn, PROFILE)


def killed_at(world, name, actions, after=False, args=(), skip=0):
    """Run the playbook until the proxy holds one of ``actions`` (before moto, or after with ``after``), SIGKILL all of
    it there; the write calls that reached the account before the kill."""
    output = world['tmp'] / ('killed-%s.log' % name)
    world['proxy'].clear()
    reached = world['proxy'].hold(actions, after=after, skip=skip)
    proc = start(world, output, args=args)
    try:
        landed = wait_until(reached.is_set, 400, proc, interval=0.05)
        if landed:
            kill_tree(proc)
    finally:
        if proc.poll() is None:
            kill_tree(proc)
        world['proxy'].release()
    text = output.read_text()
    assert landed, 'the run ended (%s) before the call %s: the kill proves nothing\n%s' % (proc.returncode, sorted(actions), text[-3000:])
    assert proc.returncode == -9, (proc.returncode, text[-3000:])
    assert 'PLAY RECAP' not in text, text[-3000:]
    return writes(world)


def writes(world):
    return sorted(call.action for call in world['proxy'].write_calls())


def files(world):
    """{(host, 'config' | 'credentials'): bytes} of the fleet's AWS CLI files."""
    found = {}
    for host, values in world['fleet'].hosts.items():
        for name in ('config', 'credentials'):
            with open(os.path.join(values['home'], '.aws', name), 'rb') as handle:
                found[(host, name)] = handle.read()
    return found


def put_files(world, contents):
    for (host, name), data in contents.items():
        with open(os.path.join(world['fleet'].hosts[host]['home'], '.aws', name), 'wb') as handle:
            handle.write(data)


def end_state(world):
    """What two runs that end alike leave: every host's profiles as botocore reads them, the keys, console passwords."""
    profiles = {}
    for host, values in world['fleet'].hosts.items():
        config, credentials = read_files(values['home'])
        profiles[host] = {'config': config, 'credentials': credentials}
    return {'profiles': profiles, 'keys': key_states(world), 'console': console_passwords(world)}


def converges(world, args=()):
    """A re-run ends well; a second one makes no write call and changes no file. The first re-run's write calls."""
    world['proxy'].clear()
    proc = run(world, args=args)
    assert proc.returncode == 0, proc.stdout[-4000:]
    made = writes(world)
    before = files(world)
    world['proxy'].clear()
    again = run(world, args=args)
    assert again.returncode == 0, again.stdout[-4000:]
    assert [call.action for call in world['proxy'].write_calls()] == []
    assert files(world) == before
    recaps = re.findall(r'^(\S+)\s+: ok=\d+\s+changed=(\d+)', again.stdout, re.M)
    assert sorted(host for host, _changed in recaps) == ['localhost'] + sorted(DEVELOPER), again.stdout[-3000:]
    assert [changed for _host, changed in recaps] == ['0'] * 5, again.stdout[-3000:]
    return made


def by_key():
    """Every developer answers as their IAM user through the profile the fleet gave them."""
    return {host: {PROFILE[host]: iam_user_arn(ACCOUNT, developer)} for host, developer in DEVELOPER.items()}


def test_1_after_the_bootstrap_every_developer_works_with_their_key(world):
    assert working(world) == by_key()


def identity_store_users(world):
    store_id = client(world, 'sso-admin').list_instances()['Instances'][0]['IdentityStoreId']
    return sorted(user['UserName'] for user in client(world, 'identitystore').list_users(IdentityStoreId=store_id)['Users'])


def assignments(world):
    """{permission set: [group names assigned on the account]}."""
    admin = client(world, 'sso-admin')
    instance = admin.list_instances()['Instances'][0]
    groups = {group['GroupId']: group['DisplayName'] for group in
              client(world, 'identitystore').list_groups(IdentityStoreId=instance['IdentityStoreId'])['Groups']}
    found = {}
    for arn in admin.list_permission_sets(InstanceArn=instance['InstanceArn'])['PermissionSets']:
        name = admin.describe_permission_set(InstanceArn=instance['InstanceArn'], PermissionSetArn=arn)['PermissionSet']['Name']
        found[name] = sorted(groups.get(item['PrincipalId'], item['PrincipalId']) for item in admin.list_account_assignments(
            InstanceArn=instance['InstanceArn'], AccountId=ACCOUNT, PermissionSetArn=arn)['AccountAssignments'])
    return found


def test_2_phase_1_killed_after_the_identity_center_writes_before_the_workstations(world, saved):
    # The second (last) group assignment is made on the account; its answer never comes back.
    before_kill = killed_at(world, 'phase-1', {'CreateAccountAssignment'}, after=True, skip=1)
    assert before_kill.count('CreateAccountAssignment') == 2, before_kill
    # Half-way: the account has its Identity Center users and both assignments, no workstation has an SSO profile yet.
    assert identity_store_users(world) == sorted(DEVELOPER.values())
    assert assignments(world) == {'AdministratorAccess': ['Administrators'], 'PowerUserAccess': ['PowerUsers']}
    for host, values in world['fleet'].hosts.items():
        config, _credentials = read_files(values['home'])
        assert config['sso_sessions'] == {} and list(config['profiles']) == [PROFILE[host]], (host, config)
    assert working(world) == by_key()

    # The re-run finds every Identity Center item made: it writes none again (the workstations' files are its work).
    assert converges(world) == []
    # Phase 1's end: the SSO twin beside every working key (no login yet: waiting).
    assert working(world) == {host: {PROFILE[host]: iam_user_arn(ACCOUNT, developer), PROFILE[host] + '-sso': WAITING}
                              for host, developer in DEVELOPER.items()}
    for host, developer in DEVELOPER.items():
        loaded = configloader.load_config(os.path.join(world['fleet'].hosts[host]['home'], '.aws', 'config'))
        assert loaded['profiles'][PROFILE[host] + '-sso'] == {
            'sso_session': SESSION, 'sso_account_id': ACCOUNT, 'sso_role_name': ROLE[developer],
            'region': 'ap-northeast-2', 'output': 'json'}, host
        assert loaded['sso_sessions'][SESSION]['sso_start_url'] == start_url(world)
    assert identity_store_users(world) == sorted(DEVELOPER.values())
    assert assignments(world) == {'AdministratorAccess': ['Administrators'], 'PowerUserAccess': ['PowerUsers']}
    saved['phase 1'] = files(world)


def logged_in_twice():
    """After the SSO login of dev1 and dev3: everyone by key, dev1's and dev3's twins through SSO."""
    expected = by_key()
    for host, developer in DEVELOPER.items():
        expected[host][PROFILE[host] + '-sso'] = sso_stand_in_arn(developer, ROLE[developer]) if host in LOGGED_IN else WAITING
    return expected


def switched(world, host):
    """The host's key profile is an SSO profile and holds no key."""
    config, credentials = read_files(world['fleet'].hosts[host]['home'])
    values = config['profiles'][PROFILE[host]]
    return (values.get('sso_session'), values.get('sso_role_name'), 'aws_access_key_id' in credentials.get(PROFILE[host], {}))


def after_switch():
    """Once dev1's and dev3's key profiles are switched: their own profile name answers through SSO too."""
    expected = logged_in_twice()
    for host in LOGGED_IN:
        expected[host][PROFILE[host]] = expected[host][PROFILE[host] + '-sso']
    return expected


def assert_phase_2_end(world, portal, saved):
    """Exactly dev1 and dev3 moved: SSO under their own profile name, all their keys Inactive; the rest as they were."""
    for host in LOGGED_IN:
        assert switched(world, host) == (SESSION, ROLE[DEVELOPER[host]], False), host
    assert working(world, portal) == after_switch()
    for host in ('ws2', 'ws4'):
        for name in ('config', 'credentials'):
            assert files(world)[(host, name)] == saved['phase 1'][(host, name)], (host, name)
    states = {developer: sorted({status for _key, status in keys}) for developer, keys in key_states(world).items()}
    assert states == {'dev1': ['Inactive'], 'dev2': ['Active'], 'dev3': ['Inactive'], 'dev4': ['Active']}
    assert console_passwords(world) == ['dev2']


def test_3_phase_2_killed_after_the_switch_before_any_key_is_deactivated(world, portal, saved):
    iam = client(world, 'iam')
    for name in ('dev1', 'dev2'):
        iam.create_login_profile(UserName=name, Password='Console-Passw0rd!', PasswordResetRequired=False)
    for host, token in LOGGED_IN.items():
        sso_login(world, host, start_url(world), token)
    assert working(world, portal) == logged_in_twice()
    saved['keys'] = key_states(world)

    before_kill = killed_at(world, 'phase-2-switched', {'TagUser', 'UpdateAccessKey', 'DeleteLoginProfile'}, args=phase_args(world, portal))
    # Half-way: both logged-in key profiles are SSO now, the account has not been written to.
    for host in LOGGED_IN:
        assert switched(world, host) == (SESSION, ROLE[DEVELOPER[host]], False), host
    assert key_states(world) == saved['keys']
    assert console_passwords(world) == ['dev1', 'dev2']
    assert (switched_at(world, 'dev1'), switched_at(world, 'dev3')) == (None, None)
    assert working(world, portal) == after_switch()

    # The kill came before the account's first write: the re-run makes all of phase 2's account writes.
    assert before_kill == []
    assert converges(world, phase_args(world, portal)) == PHASE_2_WRITES
    assert_phase_2_end(world, portal, saved)
    saved['phase 2'] = end_state(world)


def test_4_phase_2_killed_right_after_the_first_key_is_deactivated(world, portal, saved):
    # Back to the end of phase 1 with dev1 and dev3 logged in (files, keys, dev1's console password, no tag of a switch).
    put_files(world, saved['phase 1'])
    iam = client(world, 'iam')
    for developer, keys in saved['keys'].items():
        for key_id, status in keys:
            iam.update_access_key(UserName=developer, AccessKeyId=key_id, Status=status)
    iam.create_login_profile(UserName='dev1', Password='Console-Passw0rd!', PasswordResetRequired=False)
    for developer in ('dev1', 'dev3'):
        iam.untag_user(UserName=developer, TagKeys=[TAG])
    assert key_states(world) == saved['keys'] and console_passwords(world) == ['dev1', 'dev2']
    assert (switched_at(world, 'dev1'), switched_at(world, 'dev3')) == (None, None)
    assert working(world, portal) == logged_in_twice()

    before_kill = killed_at(world, 'phase-2-first-key', {'UpdateAccessKey'}, after=True, args=phase_args(world, portal))
    # Half-way: one of the two developers' keys is Inactive, the other's still Active.
    states = {developer: sorted({status for _key, status in keys}) for developer, keys in key_states(world).items()}
    assert sorted([states['dev1'], states['dev3']]) == [['Active'], ['Inactive']], states
    assert (states['dev2'], states['dev4']) == (['Active'], ['Active'])
    assert working(world, portal) == after_switch()

    # The re-run makes the writes the kill left undone, none twice.
    assert before_kill.count('UpdateAccessKey') == 1, before_kill
    assert sorted(before_kill + converges(world, phase_args(world, portal))) == PHASE_2_WRITES
    assert_phase_2_end(world, portal, saved)
    assert end_state(world) == saved['phase 2']


def test_5_phase_3_killed_after_the_retiring_users_keys_are_deleted_before_the_user(world, portal):
    # dev3's (inactive) key is used after the switch, as in test 8 of test_migrate_to_identity_center.py: dev3 is kept,
    # dev1 alone retires. moto records the use of any call signed with a key id.
    dev3_key = key_states(world)['dev3'][0][0]
    client(world, 'sts', key=dev3_key).get_caller_identity()
    assert last_used(world, 'dev3') > switched_at(world, 'dev3')
    assert last_used(world, 'dev1') < switched_at(world, 'dev1')
    args = phase_args(world, portal, 3, a_month_after_the_switch(world, 'dev1'))
    before, keys = files(world), key_states(world)

    # The removal locks out (keys), takes away (groups), then deletes the user. Held at DeleteUser, the last call: the
    # IAM user is left with no key and no group, so its groups no longer map it to a permission set; the re-run must
    # still retire it (its identity-center-since tag keeps it in the migration).
    before_kill = killed_at(world, 'phase-3-keys-deleted', {'DeleteUser'}, args=args)
    # Half-way: dev1's key is deleted and it left its group, its IAM user still exists.
    assert key_states(world) == dict(keys, dev1=[])
    assert client(world, 'iam').list_groups_for_user(UserName='dev1')['Groups'] == []
    assert [(call.action, call.params.get('UserName')) for call in world['proxy'].write_calls()] == [
        ('DeleteAccessKey', 'dev1'), ('RemoveUserFromGroup', 'dev1')], before_kill
    assert working(world, portal) == after_switch()

    # The re-run makes the rest of the removal, nothing twice; the end state is the unkilled phase 3's (test 8 of
    # test_migrate_to_identity_center.py).
    assert converges(world, args) == ['DeleteUser']
    assert users(world) == ['dev1-sso', 'dev2', 'dev3', 'dev3-sso', 'dev4']
    assert key_states(world) == dict(keys, dev1=None)
    assert key_statuses(world) == {'dev1': None, 'dev2': ['Active'], 'dev3': ['Inactive'], 'dev4': ['Active']}
    assert console_passwords(world) == ['dev2']
    assert files(world) == before
    assert working(world, portal) == after_switch()
