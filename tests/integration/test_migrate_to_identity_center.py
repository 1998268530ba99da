# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""From IAM user keys to IAM Identity Center (issue 16, phase 1): a fleet of four developers bootstrapped with IAM
keys by playbooks/bootstrap.yml (dev1 an Administrator, the others PowerUsers; ws2 keeps its key in the profile
'work'), then playbooks/migrate_to_identity_center.yml against moto behind the recording proxy. In order:

1. ``--check`` prints the plan as a table and makes no write call; no file changes;
2. bad mappings (missing email, duplicate email, unknown group) fail naming the developer, and bad phase 3 variables
   naming the variable, before any write;
3. phase 1 creates the Identity Store users, groups and assignments, and writes '<profile>-sso' beside every key
   profile: every developer's own profile still answers ``sts get-caller-identity`` as their IAM user; dev3's group
   Billing, which no permission set stands for, is flagged in the plan and not carried over;
4. a re-run makes no write call and changes no file;
5. phase 2 (``-e migrate_identity_center_phase=2``) after an SSO login on ws1 and ws3 only (the token cache as
   ``aws sso login`` writes it, the portal stand-in handing out a stand-in IAM user's key): exactly dev1 and dev3 move:
   their key profile resolves through SSO, their IAM keys are Inactive (none deleted), dev1's console password is
   gone; ws2 and ws4 are byte-identical, dev2 and dev4 keep their Active keys (and dev2 its console password) and are
   reported with ``aws sso login --sso-session awsbootstrap``; the token is in no output;
6. a re-run of phase 2 makes no write call and changes no file;
7. phase 3 (``-e migrate_identity_center_phase=3``) the day of the switch: nothing is deleted (30 days not gone by) and
   the report says from when dev1 and dev3 retire;
8. phase 3 31 days after the switch (the run's clock moved with ``migrate_identity_center_now``), dev3's inactive key
   having been used after the switch: only dev1's IAM user is deleted, with its key; dev3 is kept and reported with the
   use; dev2 and dev4 keep their Active keys; every developer still works (dev1 and dev3 through SSO, the others with
   their key);
9. a re-run of phase 3 makes no write call and changes no file; dev1 is reported retired.
Every run ends with the migration report, checked against what the story implies at that point.
"""

from __future__ import annotations

import datetime
import json
import os
import re

import pytest
from botocore import configloader

from tests.utils.migration_fleet import (ACCOUNT, HOSTS, LOGGED_IN, PEOPLE, PROFILE, ROLE, SESSION, a_month_after_the_switch,
                                         client, console_passwords, key_statuses, last_used, migration_world, phase_args, run,
                                         sso_login, sso_portal, start_url, switched_at, users)
from tests.utils.text_tables import table_rows

ACCOUNT_READ = {'GetCallerIdentity': 1, 'GetAccountAuthorizationDetails': 1, 'GetCredentialReport': 1, 'GetAccountPasswordPolicy': 1,
                'GetAccountSummary': 1, 'ListAccessKeys': 6}

pytestmark = pytest.mark.root


@pytest.fixture(scope='module')
def world(moto_server, tmp_path_factory):
    """One account bootstrapped with IAM keys for a fleet of four (dev3 in the Billing group too), one controller HOME,
    the recording proxy."""
    with migration_world(moto_server, tmp_path_factory, 'migrate', billing=True) as built:
        yield built


def recap(stdout):
    """{host: failed} of the play recap."""
    return {host: int(failed) for host, failed in re.findall(r'^(\S+)\s+: ok=\d+\s+changed=\d+\s+unreachable=\d+\s+failed=(\d+)', stdout, re.M)}


def snapshot(world):
    """{(host, file): (bytes, mtime_ns)} of every AWS CLI file of the fleet."""
    found = {}
    for host, values in world['fleet'].hosts.items():
        for name in ('config', 'credentials'):
            path = os.path.join(values['home'], '.aws', name)
            if os.path.exists(path):
                with open(path, 'rb') as handle:
                    found[(host, name)] = (handle.read(), os.stat(path).st_mtime_ns)
    return found


def caller(world, host, profile, env=None):
    proc = world['fleet'].cli(host, ['sts', 'get-caller-identity', '--profile', profile, '--query', 'Arn', '--output', 'text'],
                              dict(world['proxy'].environ(), **(env or {})))
    return proc.stdout.strip() or proc.stderr


def report(stdout):
    """{developer: [phase, workstation/profile: kind, keys left, last key use, note]} of the run's migration report."""
    lines = stdout.splitlines()
    start = [index for index, line in enumerate(lines) if line.startswith('TASK [Migration report]')][-1]
    found = []
    for line in lines[start:]:
        text = line.strip()
        if text == ']':
            break
        if text.startswith('"') and not text.startswith('"msg"'):
            found.append(json.loads(text.rstrip(',')))
    return {row[0]: row[1:] + [''] * (6 - len(row)) for row in table_rows(found, 'Migration report')}


def masked(world, name):
    """The AWS CLI's display of each key id of an IAM user, with its status (what the report must show)."""
    keys = client(world, 'iam').list_access_keys(UserName=name)['AccessKeyMetadata']
    return ', '.join('%s %s' % ('*' * 16 + key['AccessKeyId'][-4:], key['Status']) for key in keys)


def assert_every_key_profile_works(world):
    for host, values in world['fleet'].hosts.items():
        developer = values['workstation_iam_user']
        assert caller(world, host, PROFILE[host]) == 'arn:aws:iam::%s:user/%s' % (ACCOUNT, developer), host


def test_1_check_prints_the_plan_and_writes_nothing(world):
    before = snapshot(world)
    world['proxy'].clear()
    proc = run(world, args=('--check',))
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert world['proxy'].write_calls() == []
    # The one account read (iam_bootstrap_info: ListAccessKeys per IAM user, the guide's Administrator and PowerUser too);
    # the check makes no Identity Center call and none per workstation.
    assert world['proxy'].counts() == dict(ACCOUNT_READ)
    assert snapshot(world) == before
    plan = proc.stdout.split('TASK [Migration report]')[0].splitlines()
    for host, values in world['fleet'].hosts.items():
        developer = values['workstation_iam_user']
        group = 'Administrators' if developer == 'dev1' else 'PowerUsers'
        rows = [line for line in plan if line.strip(' "').startswith(developer + ' ')]
        assert len(rows) == 1, (developer, proc.stdout[-3000:])
        for part in ('%s <%s@example.com>' % (developer, developer), '%s -> %s' % (group, ROLE[developer]),
                     '%s: %s + %s-sso' % (host, PROFILE[host], PROFILE[host]), '0 (IAM key)'):
            assert part in rows[0], (part, rows[0])
    dev3 = [line for line in plan if line.strip(' "').startswith('dev3 ')][0]
    assert re.search(r'\sBilling\s+0 \(IAM key\)$', dev3.rstrip('",')), dev3
    assert 'FLAGGED group Billing (dev3): policies invoices have no permission-set mapping' in proc.stdout
    assert '[WARNING]' not in proc.stdout + proc.stderr, (proc.stdout + proc.stderr)[-3000:]
    # Nothing moved yet: every developer planned, their key profile holds their one Active key (checked before the
    # keys are used again: the report's last use is IAM's at the start of the run).
    assert_report(world, proc.stdout, {developer: 'planned' for developer in ROLE}, {host: 'key' for host in HOSTS})
    assert_every_key_profile_works(world)


def last_use(world, name):
    """IAM's last use of the user's latest-used key, as the report must show it ('never' when unused)."""
    used = last_used(world, name)
    return used.replace(microsecond=0).isoformat() if used else 'never'


def assert_report(world, stdout, phases, kinds, notes=None):
    """The migration report's rows: each developer's phase, their workstation's profile kind, keys and last use."""
    rows = report(stdout)
    assert sorted(rows) == sorted(phases), stdout[-3000:]
    for host, values in world['fleet'].hosts.items():
        developer = values['workstation_iam_user']
        retired = phases[developer] == '3: retired'
        expected = [phases[developer], '%s/%s: %s' % (host, PROFILE[host], kinds[host]), 'none' if retired else masked(world, developer),
                    '-' if retired else last_use(world, developer)]
        assert rows[developer][:4] == expected, (developer, rows[developer])
        assert (notes or {}).get(developer, '') in rows[developer][4], (developer, rows[developer])
        assert (notes or {}).get(developer) or rows[developer][4] == '', (developer, rows[developer])


def people(**mapping):
    return {'migrate_identity_center_people': mapping}


@pytest.mark.parametrize('variables, message', [
    (people(), 'developer dev4 (ws4): no email'),
    (people(dev4={'email': 'DEV2@example.com'}), 'developer dev4 (ws4): the email DEV2@example.com is also that of developer dev2'),
    (people(dev3={'groups': ['Admins']}, **PEOPLE['migrate_identity_center_people']),
     'developer dev3 (ws3): migrate_identity_center_people.dev3.groups names Admins, which is no IAM group'),
    (dict(PEOPLE, migrate_identity_center_phase=3, migrate_identity_center_retire_after_days='a month'),
     "migrate_identity_center_retire_after_days: must be a whole number of days (0 or more), got 'a month'"),
    (dict(PEOPLE, migrate_identity_center_phase=3, migrate_identity_center_now='next month'),
     "migrate_identity_center_now: must be an ISO 8601 time such as 2026-01-31T10:00:00Z, got 'next month'"),
], ids=['missing-email', 'duplicate-email', 'unknown-group', 'retire-days', 'retire-clock'])
def test_2_bad_mappings_are_refused_naming_the_developer_before_any_write(world, variables, message):
    before = snapshot(world)
    world['proxy'].clear()
    proc = run(world, people=variables)
    assert proc.returncode != 0
    assert message in proc.stdout, proc.stdout[-3000:]
    assert 'nothing was written' in proc.stdout
    # Only the controller fails; the workstations' play writes nothing for them and fails none.
    assert recap(proc.stdout) == dict({'localhost': 1}, **{host: 0 for host in HOSTS}), proc.stdout[-3000:]
    assert world['proxy'].write_calls() == []
    assert snapshot(world) == before


def test_3_phase_1_adds_the_sso_profile_beside_every_working_key(world):
    proc = run(world)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert_every_key_profile_works(world)
    store_id = client(world, 'sso-admin').list_instances()['Instances'][0]['IdentityStoreId']
    for host, values in world['fleet'].hosts.items():
        loaded = configloader.load_config(os.path.join(values['home'], '.aws', 'config'))
        assert loaded['profiles']['%s-sso' % PROFILE[host]] == {
            'sso_session': SESSION, 'sso_account_id': ACCOUNT, 'sso_role_name': ROLE[values['workstation_iam_user']],
            'region': 'ap-northeast-2', 'output': 'json'}, host
        assert loaded['sso_sessions'][SESSION]['sso_start_url'] == 'https://%s.awsapps.com/start' % store_id
        assert 'sso_session' not in loaded['profiles'][PROFILE[host]], host
    store = client(world, 'identitystore')
    users = {user['UserName']: user for user in store.list_users(IdentityStoreId=store_id)['Users']}
    assert {name: [email['Value'] for email in user['Emails']] for name, user in users.items()} == {
        'dev%d' % index: ['dev%d@example.com' % index] for index in range(1, 5)}
    assert users['dev4']['Name']['GivenName'] == 'Dee'
    groups = {group['DisplayName']: group['GroupId'] for group in store.list_groups(IdentityStoreId=store_id)['Groups']}
    members = {name: sorted(next(user for user, values in users.items() if values['UserId'] == member['MemberId']['UserId'])
                            for member in store.list_group_memberships(IdentityStoreId=store_id, GroupId=group_id)['GroupMemberships'])
               for name, group_id in groups.items()}
    assert members == {'Administrators': ['dev1'], 'PowerUsers': ['dev2', 'dev3', 'dev4']}


def test_4_rerun_makes_no_write_call_and_changes_no_file(world):
    before = snapshot(world)
    world['proxy'].clear()
    proc = run(world)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert world['proxy'].write_calls() == []
    assert snapshot(world) == before
    assert 'changed=0' in proc.stdout
    for line in proc.stdout.splitlines():
        if ' : ok=' in line:
            assert 'changed=0' in line, line
    assert proc.stdout.count('1 (SSO beside key)') == 4, proc.stdout[-3000:]
    assert_report(world, proc.stdout, {developer: '1: SSO beside keys' for developer in ROLE}, {host: 'both' for host in HOSTS})
    # The account read, account_admin's Identity Center reads (2 groups, 2 permission sets, 2 assignments), then
    # iam_bootstrap_sso_info once for the start URL (the instance from the snapshot): nothing per workstation.
    center = {'ListUsers': 1, 'ListGroups': 1, 'ListGroupMemberships': 2, 'ListPermissionSets': 1, 'DescribePermissionSet': 2,
              'ListManagedPoliciesInPermissionSet': 2, 'GetCallerIdentity': 1, 'ListAccountAssignments': 2}
    expected = dict(ACCOUNT_READ)
    for action, count in list(center.items()) + [('GetCallerIdentity', 1), ('ListInstances', 1)]:
        expected[action] = expected.get(action, 0) + count
    assert world['proxy'].counts() == expected


def phase_2(world, portal, phase=2, now=None):
    """A run of phase 2 (or 3, with its clock ``now``), the workstations' CLI pointed at moto and the portal stand-in."""
    return run(world, args=phase_args(world, portal, phase, now))


@pytest.fixture(scope='module')
def portal(world):
    """The portal stand-in: each logged-in developer's token hands out the key of a stand-in IAM user 'devN-sso'."""
    with sso_portal(world) as stand_in:
        yield stand_in


def test_5_phase_2_moves_exactly_the_developers_logged_in_through_sso(world, portal):
    iam = client(world, 'iam')
    for name in ('dev1', 'dev2'):
        iam.create_login_profile(UserName=name, Password='Console-Passw0rd!', PasswordResetRequired=False)
    for host, token in LOGGED_IN.items():
        sso_login(world, host, start_url(world), token)
    assert key_statuses(world) == {name: ['Active'] for name in ('dev1', 'dev2', 'dev3', 'dev4')}
    before = snapshot(world)
    world['proxy'].clear()
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    proc = phase_2(world, portal)
    ended = datetime.datetime.now(datetime.timezone.utc)
    assert proc.returncode == 0, proc.stdout[-4000:]
    for token in LOGGED_IN.values():
        assert token not in proc.stdout + proc.stderr
    # The time of the switch, on the IAM users switched (IAM keeps no date of a deactivation); none on the others.
    for developer in ('dev1', 'dev3'):
        assert started <= switched_at(world, developer) <= ended, developer
    assert switched_at(world, 'dev2') is None and switched_at(world, 'dev4') is None
    assert_phase_2_report(world, proc.stdout)
    sso = {'AWS_ENDPOINT_URL_SSO': portal.endpoint}
    for host in LOGGED_IN:
        developer = world['fleet'].hosts[host]['workstation_iam_user']
        # The developer's own profile name now answers through the portal (the stand-in user of their SSO login).
        assert caller(world, host, PROFILE[host], sso) == 'arn:aws:iam::%s:user/%s-sso' % (ACCOUNT, developer), host
        loaded = configloader.load_config(os.path.join(world['fleet'].hosts[host]['home'], '.aws', 'config'))
        assert loaded['profiles'][PROFILE[host]]['sso_session'] == SESSION, host
        assert 'aws_access_key_id' not in loaded['profiles'][PROFILE[host]], host
    assert key_statuses(world) == {'dev1': ['Inactive'], 'dev2': ['Active'], 'dev3': ['Inactive'], 'dev4': ['Active']}
    assert console_passwords(world) == ['dev2']
    after = snapshot(world)
    for host in ('ws2', 'ws4'):
        assert {name: after[(host, name)] for name in ('config', 'credentials')} == {
            name: before[(host, name)] for name in ('config', 'credentials')}, host
        assert caller(world, host, PROFILE[host]) == 'arn:aws:iam::%s:user/%s' % (ACCOUNT, world['fleet'].hosts[host]['workstation_iam_user'])
    for developer, host in (('dev2', 'ws2'), ('dev4', 'ws4')):
        assert ('waiting: %s (%s): left as it was; on that workstation run `aws sso login --sso-session awsbootstrap`'
                % (developer, host)) in proc.stdout, proc.stdout[-3000:]
    for developer, host in (('dev1', 'ws1'), ('dev3', 'ws3')):
        assert 'on IAM Identity Center: %s (%s)' % (developer, host) in proc.stdout, proc.stdout[-3000:]
    writes = [call.action for call in world['proxy'].write_calls()]
    assert sorted(writes) == ['DeleteLoginProfile', 'TagUser', 'TagUser', 'UpdateAccessKey', 'UpdateAccessKey'], writes


WAITING = 'waiting: run `aws sso login --sso-session awsbootstrap` on %s'


def assert_phase_2_report(world, stdout, notes=None):
    assert_report(world, stdout, {'dev1': '2: on SSO, keys inactive', 'dev2': '1: SSO beside keys', 'dev3': '2: on SSO, keys inactive',
                                  'dev4': '1: SSO beside keys'},
                  {'ws1': 'sso', 'ws2': 'both', 'ws3': 'sso', 'ws4': 'both'}, dict({'dev2': WAITING % 'ws2', 'dev4': WAITING % 'ws4'}, **(notes or {})))


def writes_nothing(world, start):
    """``start()``'s run, checked to make no write call, change no file and report no change on any host."""
    before = snapshot(world)
    world['proxy'].clear()
    proc = start()
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert world['proxy'].write_calls() == []
    assert snapshot(world) == before
    for line in proc.stdout.splitlines():
        if ' : ok=' in line:
            assert 'changed=0' in line, line
    return proc


def test_6_rerun_of_phase_2_makes_no_write_call_and_changes_no_file(world, portal):
    proc = writes_nothing(world, lambda: phase_2(world, portal))
    for token in LOGGED_IN.values():
        assert token not in proc.stdout + proc.stderr
    assert key_statuses(world) == {'dev1': ['Inactive'], 'dev2': ['Active'], 'dev3': ['Inactive'], 'dev4': ['Active']}
    assert_phase_2_report(world, proc.stdout)


def phase_3(world, portal, now=None):
    return phase_2(world, portal, 3, now)


def test_7_phase_3_on_the_day_of_the_switch_deletes_nothing_and_says_when(world, portal):
    proc = writes_nothing(world, lambda: phase_3(world, portal))
    assert users(world) == ['dev1', 'dev1-sso', 'dev2', 'dev3', 'dev3-sso', 'dev4']
    notes = {developer: 'on IAM Identity Center since %s: retires after 30 days, from %s'
             % (switched_at(world, developer).date(), (switched_at(world, developer) + datetime.timedelta(days=30)).date())
             for developer in ('dev1', 'dev3')}
    assert_phase_2_report(world, proc.stdout, notes)


def test_8_phase_3_after_30_days_deletes_only_the_unused_iam_user_and_everyone_still_works(world, portal):
    # dev3's (inactive) key is used after the switch: moto records the use of any call signed with a key id.
    dev3_key = client(world, 'iam').list_access_keys(UserName='dev3')['AccessKeyMetadata'][0]['AccessKeyId']
    client(world, 'sts', key=dev3_key).get_caller_identity()
    used = last_use(world, 'dev3')
    assert datetime.datetime.fromisoformat(used) > switched_at(world, 'dev3')
    assert switched_at(world, 'dev1') == switched_at(world, 'dev3')
    later = a_month_after_the_switch(world)
    before = snapshot(world)
    world['proxy'].clear()
    proc = phase_3(world, portal, later)
    assert proc.returncode == 0, proc.stdout[-4000:]
    # dev1 had one key and one group (Administrators); its console password went in phase 2; nothing else is touched.
    writes = sorted((call.action, call.params.get('UserName')) for call in world['proxy'].write_calls())
    assert writes == [('DeleteAccessKey', 'dev1'), ('DeleteUser', 'dev1'), ('RemoveUserFromGroup', 'dev1')], writes
    assert users(world) == ['dev1-sso', 'dev2', 'dev3', 'dev3-sso', 'dev4']
    assert key_statuses(world) == {'dev1': None, 'dev2': ['Active'], 'dev3': ['Inactive'], 'dev4': ['Active']}
    assert snapshot(world) == before
    rows = report(proc.stdout)
    assert rows['dev1'] == ['3: retired', 'ws1/default: sso', 'none', '-', ''], rows['dev1']
    assert rows['dev3'][:4] == ['2: on SSO, keys inactive', 'ws3/default: sso', masked(world, 'dev3'), used], rows['dev3']
    assert 'its key %s was used on %s, after the switch' % (masked(world, 'dev3').split()[0], used) in rows['dev3'][4], rows['dev3']
    assert 'kept: dev3: its key' in proc.stdout and 'retired: dev1 ' in proc.stdout
    for developer, host in (('dev2', 'ws2'), ('dev4', 'ws4')):
        assert rows[developer][:2] == ['1: SSO beside keys', '%s/%s: both' % (host, PROFILE[host])]
        assert rows[developer][4].startswith(WAITING % host)
    sso = {'AWS_ENDPOINT_URL_SSO': portal.endpoint}
    for host, developer in (('ws1', 'dev1'), ('ws3', 'dev3')):
        assert caller(world, host, PROFILE[host], sso) == 'arn:aws:iam::%s:user/%s-sso' % (ACCOUNT, developer), host
    for host, developer in (('ws2', 'dev2'), ('ws4', 'dev4')):
        assert caller(world, host, PROFILE[host]) == 'arn:aws:iam::%s:user/%s' % (ACCOUNT, developer), host


def test_9_rerun_of_phase_3_makes_no_write_call_and_changes_no_file(world, portal):
    proc = writes_nothing(world, lambda: phase_3(world, portal, a_month_after_the_switch(world)))
    rows = report(proc.stdout)
    assert rows['dev1'] == ['3: retired', 'ws1/default: sso', 'none', '-', ''], rows['dev1']
    assert rows['dev3'][0] == '2: on SSO, keys inactive' and 'was used on' in rows['dev3'][4]
    assert users(world) == ['dev1-sso', 'dev2', 'dev3', 'dev3-sso', 'dev4']
