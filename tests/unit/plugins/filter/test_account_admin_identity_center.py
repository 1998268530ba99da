# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""account_admin's Identity Center mode: its checks (plugins/filter/account_admin_identity_center.py) and the
report's Identity Center tables (plugins/filter/iam_report.py)."""

from __future__ import annotations

import os

import yaml

from ansible_collections.awsbootstrap.iam.plugins.filter.account_admin_identity_center import account_admin_identity_center_accounts
from ansible_collections.awsbootstrap.iam.plugins.filter.account_admin_identity_center import account_admin_identity_center_entries
from ansible_collections.awsbootstrap.iam.plugins.filter.account_admin_identity_center import account_admin_identity_center_problems
from ansible_collections.awsbootstrap.iam.plugins.filter.iam_report import identity_center_tables
from tests.utils.text_tables import table_rows

ROLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'account_admin')
PREFIX = 'account_admin_identity_center_'


def role_defaults():
    with open(os.path.join(ROLE, 'defaults', 'main.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


ALICE = {'user_name': 'alice', 'display_name': 'Alice Martin', 'given_name': 'Alice', 'family_name': 'Martin',
         'email': 'alice@example.com', 'groups': ['Administrators']}
BOB = {'user_name': 'bob', 'display_name': 'Bob Kim', 'given_name': 'Bob', 'family_name': 'Kim', 'groups': ['PowerUsers']}


def defaults_of(name):
    return role_defaults()[PREFIX + name]


def problems(users, **changes):
    items = {name: defaults_of(name) for name in ('groups', 'permission_sets', 'assignments')}
    items.update(changes)
    return account_admin_identity_center_problems(users, items['groups'], items['permission_sets'], items['assignments'],
                                                  items.get('instance_arn'))


def test_the_defaults_with_the_guides_people_have_no_problem():
    assert problems([ALICE, BOB]) == []
    assert problems([]) == []


def test_each_bad_item_is_named_with_its_variable_entry_and_option():
    found = problems([dict(ALICE, email='alice@'), dict(BOB, user_name='bob kim'), dict(BOB, colour='red'),
                      dict(ALICE, user_name='carol', groups=['Admins']), dict(ALICE, user_name='Administrator')],
                     groups=[{'name': 'Administrators'}, {'name': 'Administrators ', 'description': 'x'}],
                     permission_sets=[{'name': 'Admin', 'session_duration': 'PT24H'}, {'name': 'Ops', 'managed_policies': ['Admin Access']}],
                     assignments=[{'permission_set': 'Admin', 'principal_name': 'Administrators', 'account_id': '1234'},
                                  {'permission_set': 'Admin', 'principal_name': 'Ops', 'principal_type': 'ROLE'}],
                     instance_arn='arn:aws:sso:::instance/x')
    expected_starts = [
        PREFIX + 'instance_arn: ',
        PREFIX + 'users[alice].email: an email address is NAME@DOMAIN',
        PREFIX + 'users[1].user_name: an Identity Store user name must not contain spaces',
        PREFIX + 'users[bob]: unknown key colour; the supported keys are display_name, email, family_name, given_name, groups, state, user_name',
        PREFIX + 'users[Administrator].user_name: ',
        PREFIX + 'groups[1].name: a group display name must not begin or end with spaces',
        PREFIX + 'permission_sets[Admin].session_duration: ',
        PREFIX + 'permission_sets[Ops].managed_policies: ',
        PREFIX + 'assignments[Administrators/Admin].account_id: an AWS account id is 12 digits',
        PREFIX + 'assignments[Ops/Admin]: value of principal_type must be one of: USER, GROUP, got: ROLE',
        PREFIX + "users[carol].groups: no group 'Admins' in %sgroups" % PREFIX,
    ]
    assert len(found) == len(expected_starts), found
    for problem, start in zip(found, expected_starts):
        assert problem.startswith(start), (problem, start)


def test_names_given_twice_are_named_without_regard_to_case():
    found = problems([ALICE, dict(ALICE, user_name='Alice')], permission_sets=[{'name': 'Admin'}, {'name': 'admin'}],
                     assignments=[{'permission_set': 'Admin', 'principal_name': 'Administrators', 'account_id': '123456789012'},
                                  {'permission_set': 'admin', 'principal_name': 'administrators', 'account_id': '123456789012'}])
    assert found == [
        PREFIX + 'users[Alice]: given twice (Identity Center names do not depend on case; the first is %susers[alice])' % PREFIX,
        PREFIX + 'permission_sets[admin]: given twice (Identity Center names do not depend on case; the first is %spermission_sets[Admin])' % PREFIX,
        PREFIX + 'assignments[administrators/admin]: given twice (Identity Center names do not depend on case; the first is '
                 '%sassignments[Administrators/Admin])' % PREFIX]


def test_what_the_role_removes_cannot_be_joined_or_assigned():
    groups = [{'name': 'Administrators'}, {'name': 'PowerUsers', 'state': 'absent'}]
    permission_sets = [{'name': 'AdministratorAccess'}, {'name': 'PowerUserAccess', 'state': 'absent'}]
    assignments = [{'permission_set': 'AdministratorAccess', 'principal_name': 'Administrators'},
                   {'permission_set': 'PowerUserAccess', 'principal_name': 'PowerUsers'},
                   {'permission_set': 'AdministratorAccess', 'principal_type': 'USER', 'principal_name': 'bob'},
                   {'permission_set': 'PowerUserAccess', 'principal_name': 'PowerUsers', 'account_id': '210987654321', 'state': 'absent'}]
    found = problems([ALICE, dict(BOB, state='absent')], groups=groups, permission_sets=permission_sets, assignments=assignments)
    assert found == [
        PREFIX + "assignments[PowerUsers/PowerUserAccess].principal_name: 'PowerUsers' is removed (%sgroups has state=absent)" % PREFIX,
        PREFIX + "assignments[PowerUsers/PowerUserAccess].permission_set: 'PowerUserAccess' is removed (%spermission_sets has state=absent)" % PREFIX,
        PREFIX + "assignments[bob/AdministratorAccess].principal_name: 'bob' is removed (%susers has state=absent)" % PREFIX]
    # A present user joining a removed group is named too; an absent user's groups do not matter.
    assert problems([dict(BOB, state='present')], groups=groups, assignments=[]) == [
        PREFIX + "users[bob].groups: the group 'PowerUsers' is removed (%sgroups has state=absent)" % PREFIX]


def test_a_variable_that_is_not_a_list_is_named():
    assert problems({'user_name': 'alice'}) == [PREFIX + 'users: must be a list (got dict)']


def test_groups_get_as_members_the_present_users_that_name_them():
    entries = account_admin_identity_center_entries(
        [ALICE, dict(BOB, groups=['powerusers', 'Administrators']), dict(BOB, user_name='carol', state='absent')],
        defaults_of('groups') + [{'name': 'Old', 'state': 'absent'}], defaults_of('permission_sets'), defaults_of('assignments'))
    assert entries['users'][0] == {key: value for key, value in ALICE.items() if key != 'groups'}
    assert entries['users'][2] == {'user_name': 'carol', 'display_name': 'Bob Kim', 'given_name': 'Bob', 'family_name': 'Kim', 'state': 'absent'}
    assert [(group['name'], group.get('members')) for group in entries['groups']] == [
        ('Administrators', ['alice', 'bob']), ('PowerUsers', ['bob']), ('Old', None)]
    assert entries['permission_sets'] == defaults_of('permission_sets')
    assert entries['assignments'] == defaults_of('assignments')


INFO = {
    'enabled': True, 'instance_arn': 'arn:aws:sso:::instance/ssoins-1234567890abcdef', 'identity_store_id': 'd-1234567890',
    'region': 'us-east-1', 'start_url': 'https://d-1234567890.awsapps.com/start',
    'users': [{'user_name': 'alice', 'user_id': 'u-1', 'display_name': 'Alice Martin', 'email': 'alice@example.com', 'groups': ['Administrators']},
              {'user_name': 'dave', 'user_id': 'u-2', 'display_name': 'Dave', 'email': None, 'groups': []}],
    'groups': [{'name': 'Administrators', 'group_id': 'g-1', 'description': 'Full access', 'members': ['alice']},
               {'name': 'Empty', 'group_id': 'g-2', 'description': None, 'members': []}],
    'permission_sets': [{'name': 'AdministratorAccess', 'arn': 'arn:ps', 'description': 'Admins', 'session_duration': 'PT4H',
                         'managed_policies': ['AdministratorAccess']}],
    'assignments': [{'account_id': '123456789012', 'permission_set': 'AdministratorAccess', 'principal_type': 'GROUP', 'principal_name': 'Administrators'},
                    {'account_id': '123456789012', 'permission_set': 'AdministratorAccess', 'principal_type': 'USER', 'principal_name': 'dave'}],
}


def test_the_tables_show_every_user_group_permission_set_and_assignment():
    lines = identity_center_tables(INFO)
    assert INFO['instance_arn'] in lines[0] and INFO['identity_store_id'] in lines[0]
    assert lines[1] == 'AWS access portal: ' + INFO['start_url']
    assert table_rows(lines, 'Identity Center users') == [['alice', 'Alice Martin', 'alice@example.com', 'Administrators'], ['dave', 'Dave', 'None']]
    assert table_rows(lines, 'Identity Center groups') == [['Administrators', 'alice', 'Full access'], ['Empty', 'None']]
    assert table_rows(lines, 'Permission sets') == [['AdministratorAccess', 'PT4H', 'AdministratorAccess', 'Admins']]
    assert table_rows(lines, 'Account assignments') == [
        ['group Administrators', 'AdministratorAccess', '123456789012'], ['user dave', 'AdministratorAccess', '123456789012']]


def test_when_not_enabled_the_report_says_so_and_how_to_enable_it():
    text = ' '.join(identity_center_tables({'enabled': False, 'users': [], 'groups': []}))
    assert text.startswith('IAM Identity Center is not enabled in this account')
    assert 'IAM Identity Center > Enable' in text and 'https://console.aws.amazon.com/singlesignon/home' in text
    assert 'README: IAM Identity Center' in text
    assert 'Identity Center users' not in text


def test_the_report_reads_this_account_and_every_account_an_assignment_names():
    assignments = defaults_of('assignments') + [{'permission_set': 'ReadOnly', 'principal_name': 'Auditors', 'account_id': '210987654321'},
                                                {'permission_set': 'Admin', 'principal_name': 'Auditors', 'account_id': '210987654321'},
                                                {'permission_set': 'Admin', 'principal_name': 'Ops', 'account_id': '123456789012'}]
    assert account_admin_identity_center_accounts(assignments, '123456789012') == ['123456789012', '210987654321']
    assert account_admin_identity_center_accounts(defaults_of('assignments'), '123456789012') == ['123456789012']
    assert account_admin_identity_center_accounts(assignments, None) == []
