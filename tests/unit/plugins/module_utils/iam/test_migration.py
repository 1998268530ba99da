# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The migration plan from IAM user keys to IAM Identity Center: who becomes which Identity Store user with which
permission sets, on which workstations, in which phase; flagged groups; every bad mapping names the developer."""

from __future__ import annotations

import os

import yaml

from ansible_collections.awsbootstrap.iam.plugins.filter.migration import migration_sso_profiles
from ansible_collections.awsbootstrap.iam.plugins.filter.migration import migration_table
from ansible_collections.awsbootstrap.iam.plugins.filter.migration import migration_workstations
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import DEFAULT_GROUP_PERMISSION_SETS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import DEFAULT_PERMISSION_SETS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import cutover_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import cutover_profiles
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import migration_plan


def user(name, groups, keys=1, **extra):
    return dict({'user_name': name, 'groups': groups, 'console_access': False, 'attached_policies': [], 'inline_policies': [],
                 'access_keys': [{'access_key_id': 'AKIA%s%04d' % (name.upper(), index), 'status': 'Active', 'last_used_date': None,
                                  'age_days': 3} for index in range(keys)]}, **extra)


GROUPS = [{'group_name': 'Administrators', 'managed_policies': ['arn:aws:iam::aws:policy/AdministratorAccess'], 'inline_policies': []},
          {'group_name': 'PowerUsers', 'managed_policies': ['arn:aws:iam::aws:policy/PowerUserAccess'], 'inline_policies': []},
          {'group_name': 'Billing', 'managed_policies': ['arn:aws:iam::aws:policy/job-function/Billing'], 'inline_policies': ['extra']}]
USERS = [user('dev1', ['Administrators']), user('dev2', ['PowerUsers', 'Billing']), user('dev3', ['PowerUsers']),
         user('Administrator', ['Administrators'], keys=0, console_access=True)]


def ws(host, iam_user, email='', profile='default', profiles=None):
    return {'host': host, 'iam_user': iam_user, 'profile': profile, 'email': email, 'region': 'eu-west-1',
            'profiles': {profile: 'AKIA%s0000' % iam_user.upper()} if profiles is None else profiles}


FLEET = [ws('ws1', 'dev1', 'dev1@example.com'), ws('ws2', 'dev2', 'dev2@example.com', profile='work'), ws('ws3', 'dev3')]
PEOPLE = {'dev3': {'email': 'dev3@example.com', 'given_name': 'Dora', 'family_name': 'Three'}}


def developers(plan):
    return {developer['iam_user']: developer for developer in plan['developers']}


def test_each_developer_gets_a_user_permission_sets_and_the_sso_twin_of_their_profile():
    plan = migration_plan(USERS, GROUPS, FLEET, people=PEOPLE)
    assert plan['problems'] == []
    found = developers(plan)
    assert sorted(found) == ['dev1', 'dev2', 'dev3']
    assert found['dev1']['permission_sets'] == ['AdministratorAccess'] and found['dev1']['sso_role'] == 'AdministratorAccess'
    assert found['dev2']['permission_sets'] == ['PowerUserAccess'] and found['dev2']['flagged'] == ['Billing']
    assert found['dev3']['identity_store_user'] == {'user_name': 'dev3', 'email': 'dev3@example.com', 'given_name': 'Dora',
                                                    'family_name': 'Three', 'display_name': 'dev3'}
    assert found['dev2']['workstations'] == [
        {'host': 'ws2', 'profile': 'work', 'sso_profile': 'work-sso', 'region': 'eu-west-1', 'reached': True, 'sso_profile_written': False}]
    assert [developer['phase'] for developer in plan['developers']] == [0, 0, 0]
    assert [item['iam_user'] for item in plan['left_alone']] == ['Administrator']


def test_flagged_group_is_listed_with_its_policies_and_not_mapped():
    plan = migration_plan(USERS, GROUPS, FLEET, people=PEOPLE)
    assert plan['flagged_groups'] == [{'group': 'Billing', 'developers': ['dev2'],
                                       'policies': ['arn:aws:iam::aws:policy/job-function/Billing', 'extra']}]
    assert 'Billing' not in [group['name'] for group in plan['identity_center']['groups']]


def test_account_admin_variables_cover_exactly_the_mapped_groups():
    center = migration_plan(USERS, GROUPS, FLEET, people=PEOPLE)['identity_center']
    assert center['groups'] == [{'name': 'Administrators', 'description': 'IAM group Administrators (AdministratorAccess)'},
                                {'name': 'PowerUsers', 'description': 'IAM group PowerUsers (PowerUserAccess)'}]
    assert center['assignments'] == [{'permission_set': 'AdministratorAccess', 'principal_name': 'Administrators'},
                                     {'permission_set': 'PowerUserAccess', 'principal_name': 'PowerUsers'}]
    assert [(item['user_name'], item['groups']) for item in center['users']] == [
        ('dev1', ['Administrators']), ('dev2', ['PowerUsers']), ('dev3', ['PowerUsers'])]


def test_a_user_given_mapping_takes_the_flagged_group():
    plan = migration_plan(USERS, GROUPS, FLEET, group_permission_sets={'Billing': 'Billing'}, people=PEOPLE,
                          permission_sets=['AdministratorAccess', 'PowerUserAccess', 'Billing'])
    assert plan['problems'] == [] and plan['flagged_groups'] == []
    assert developers(plan)['dev2']['permission_sets'] == ['PowerUserAccess', 'Billing']


def test_missing_email_names_the_developer_and_the_workstation():
    plan = migration_plan(USERS, GROUPS, FLEET)
    assert plan['problems'] == ['developer dev3 (ws3): no email: set workstation_email on its workstation or '
                                'migrate_identity_center_people.dev3.email']


def test_duplicate_email_names_both_developers():
    plan = migration_plan(USERS, GROUPS, FLEET, people={'dev3': {'email': 'DEV1@example.com'}})
    assert plan['problems'] == ['developer dev3 (ws3): the email DEV1@example.com is also that of developer dev1']


def test_unknown_group_names_the_developer():
    plan = migration_plan(USERS, GROUPS, FLEET, people=dict(PEOPLE, dev1={'groups': ['Admins']}))
    assert plan['problems'] == ['developer dev1 (ws1): migrate_identity_center_people.dev1.groups names Admins, which is no IAM group']


def test_bad_group_mappings_name_the_group():
    plan = migration_plan(USERS, GROUPS, FLEET, group_permission_sets={'Devs': 'PowerUserAccess', 'Billing': 'BillingAccess'}, people=PEOPLE)
    assert plan['problems'] == [
        "migrate_identity_center_group_permission_sets.Billing: no permission set 'BillingAccess' is created (known: AdministratorAccess, "
        "PowerUserAccess)",
        'migrate_identity_center_group_permission_sets.Devs: the account has no IAM group Devs']


def test_people_naming_no_iam_user_or_bad_keys_are_problems():
    plan = migration_plan(USERS, GROUPS, FLEET, people=dict(PEOPLE, ghost={'email': 'g@example.com'}, dev1={'mail': 'x'}))
    assert plan['problems'] == ['migrate_identity_center_people.dev1: must be a dict of email, given_name, family_name, display_name, groups',
                                'migrate_identity_center_people.ghost: the account has no IAM user ghost']


def test_a_twin_name_that_holds_a_key_is_refused():
    fleet = [ws('ws1', 'dev1', 'dev1@example.com', profiles={'default': 'AKIA1', 'default-sso': 'AKIAOTHER'})] + FLEET[1:]
    plan = migration_plan(USERS, GROUPS, fleet, people=PEOPLE)
    assert plan['problems'] == ["developer dev1 (ws1): the SSO profile 'default-sso' on ws1 would take the name of a profile holding the key AKIAOTHER"]


def test_phase_1_once_every_workstation_has_the_twin():
    fleet = [ws('ws1', 'dev1', 'dev1@example.com', profiles={'default': 'AKIA1', 'default-sso': ''}),
             ws('ws4', 'dev1', 'dev1@example.com', profiles={'default': 'AKIA1'})] + FLEET[1:]
    assert developers(migration_plan(USERS, GROUPS, fleet, people=PEOPLE))['dev1']['phase'] == 0
    fleet[1]['profiles']['default-sso'] = ''
    assert developers(migration_plan(USERS, GROUPS, fleet, people=PEOPLE))['dev1']['phase'] == 1


def test_a_workstation_not_reached_keeps_phase_0_and_says_so():
    fleet = [ws('ws1', 'dev1', 'dev1@example.com', profiles=None)] + FLEET[1:]
    fleet[0]['profiles'] = None
    plan = migration_plan(USERS, GROUPS, fleet, people=PEOPLE)
    assert developers(plan)['dev1']['phase'] == 0
    assert 'ws1: default + default-sso (not reached)' in [line for line in migration_table(plan) if line.startswith('dev1 ')][0]


def test_two_workstations_with_different_emails_need_a_mapping():
    fleet = FLEET + [ws('ws4', 'dev1', 'other@example.com')]
    assert migration_plan(USERS, GROUPS, fleet, people=PEOPLE)['problems'] == [
        'developer dev1 (ws1, ws4): its workstations give different emails (dev1@example.com, other@example.com): '
        'set migrate_identity_center_people.dev1.email']


def test_a_developer_with_only_flagged_groups_gets_no_sso_profile():
    users = USERS + [user('dev4', ['Billing'])]
    plan = migration_plan(users, GROUPS, FLEET + [ws('ws4', 'dev4', 'dev4@example.com')], people=PEOPLE)
    assert developers(plan)['dev4']['sso_role'] is None
    assert migration_sso_profiles(plan, 'ws4') == []
    assert migration_sso_profiles(plan, 'ws2') == [
        {'name': 'work-sso', 'sso_role_name': 'PowerUserAccess', 'region': 'eu-west-1', 'iam_user': 'dev2'}]


def test_table_rows():
    lines = migration_table(migration_plan(USERS, GROUPS, FLEET, people=PEOPLE))
    assert lines[0].split('  ')[0] == 'IAM user'
    row = [line for line in lines if line.startswith('dev2 ')][0]
    assert 'dev2 <dev2@example.com>' in row and 'PowerUsers -> PowerUserAccess' in row and 'ws2: work + work-sso' in row and 'Billing' in row
    assert any(line.startswith('FLAGGED group Billing (dev2)') for line in lines)
    assert any(line.startswith('left alone: IAM user Administrator') for line in lines)


def test_the_default_mapping_is_what_account_admin_creates_by_default():
    path = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..', 'roles', 'account_admin', 'defaults', 'main.yml')
    with open(path, encoding='utf-8') as handle:
        defaults = yaml.safe_load(handle)
    assert [item['name'] for item in defaults['account_admin_identity_center_permission_sets']] == list(DEFAULT_PERMISSION_SETS)
    assert {item['principal_name']: item['permission_set'] for item in defaults['account_admin_identity_center_assignments']} == \
        DEFAULT_GROUP_PERMISSION_SETS


def test_workstations_from_the_gathered_facts():
    hostvars = {
        'ws1': {'workstation_email': 'a@example.com', 'workstation__gathered': {
            'host': 'ws1', 'profiles': {'default': 'AKIA1'}, 'entries': [
                {'kind': 'holder', 'iam_user': 'dev1', 'profile': 'default', 'region': 'eu-west-1', 'state': 'present'},
                {'kind': 'holder', 'iam_user': 'gone', 'profile': 'old', 'region': 'eu-west-1', 'state': 'absent'},
                {'kind': 'profile', 'iam_user': None, 'profile': 'plain'}]}},
        'ws2': {},
        'ws3': {'workstation_iam_user': 'dev3', 'workstation_email': 'c@example.com'},  # never reached
    }
    assert migration_workstations(['ws1', 'ws2', 'ws3'], hostvars) == [
        {'host': 'ws1', 'iam_user': 'dev1', 'profile': 'default', 'region': 'eu-west-1', 'email': 'a@example.com',
         'profiles': {'default': 'AKIA1'}},
        {'host': 'ws3', 'iam_user': 'dev3', 'profile': 'default', 'region': 'ap-northeast-2', 'email': 'c@example.com', 'profiles': None}]


# --- phase 2: the cut-over ------------------------------------------------------------------------

def info(profiles, live, session='awsbootstrap'):
    """What aws_cli_profile_info reads on a workstation: {name: (kind, sso_session)} and the session's login."""
    return ([{'name': name, 'kind': kind, 'identifiers': {'sso_session': sso} if sso else {}} for name, (kind, sso) in profiles.items()],
            [{'name': session, 'login': {'live': live, 'expires_at': '2030-01-01T00:00:00Z' if live else None}}])


def test_cutover_a_profile_is_ready_only_with_a_live_login_of_the_session_and_switched_once_on_sso():
    plan = migration_plan(USERS, GROUPS, FLEET, people=PEOPLE)
    states = {}
    for host, profiles, live in (('ws1', {'default': ('static', None)}, True), ('ws2', {'work': ('static', None)}, False),
                                 ('ws3', {'default': ('sso', 'awsbootstrap')}, False)):
        found = cutover_profiles(plan, host, *info(profiles, live), session='awsbootstrap')
        states[host] = [(item['iam_user'], item['profile'], item['sso_profile'], item['sso_role_name'], item['state']) for item in found]
    assert states == {'ws1': [('dev1', 'default', 'default-sso', 'AdministratorAccess', 'ready')],
                      'ws2': [('dev2', 'work', 'work-sso', 'PowerUserAccess', 'waiting')],
                      'ws3': [('dev3', 'default', 'default-sso', 'PowerUserAccess', 'switched')]}
    # A live login of another session, or an SSO profile of another session, does not count.
    other = cutover_profiles(plan, 'ws1', *info({'default': ('sso', 'theirs')}, True, session='theirs'), session='awsbootstrap')
    assert [item['state'] for item in other] == ['waiting']


def test_cutover_keys_go_inactive_only_for_developers_on_sso_on_every_workstation():
    fleet = FLEET + [ws('ws4', 'dev1')]
    plan = migration_plan(USERS, GROUPS, fleet, people=PEOPLE)

    def entry(user, state, verified=False):
        return {'iam_user': user, 'state': state, 'verified': verified}
    cutovers = {'ws1': [entry('dev1', 'ready', verified=True)], 'ws2': [entry('dev2', 'ready')],  # ws2's proof failed
                'ws3': [entry('dev3', 'switched')]}  # ws4 (dev1's second workstation) was not reached
    result = cutover_account(plan, cutovers, 'awsbootstrap')
    assert result['deactivate'] == [{'name': 'dev3', 'access_key_state': 'inactive', 'console_access': False}]
    assert result['done'] == [{'iam_user': 'dev3', 'hosts': ['ws3']}]
    assert result['waiting'] == [{'iam_user': 'dev1', 'hosts': ['ws4'], 'command': 'aws sso login --sso-session awsbootstrap'},
                                 {'iam_user': 'dev2', 'hosts': ['ws2'], 'command': 'aws sso login --sso-session awsbootstrap'}]
    cutovers['ws4'] = [entry('dev1', 'switched')]
    assert [user['name'] for user in cutover_account(plan, cutovers, 'awsbootstrap')['deactivate']] == ['dev1', 'dev3']
