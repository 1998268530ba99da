# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roles' checks that need no AWS call (plugins/filter/role_checks.py)."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.filter.account_admin_items import account_admin_inputs
from ansible_collections.awsbootstrap.iam.plugins.filter.role_checks import account_admin_missing_groups
from ansible_collections.awsbootstrap.iam.plugins.filter.role_checks import account_admin_problems
from ansible_collections.awsbootstrap.iam.plugins.filter.role_checks import aws_file_problems
from ansible_collections.awsbootstrap.iam.plugins.filter.role_checks import unknown_role_variables

CIS = {'minimum_password_length': 14, 'require_uppercase_characters': True, 'require_lowercase_characters': True,
       'require_numbers': True, 'require_symbols': True}
GROUPS = [{'name': 'Administrators', 'managed_policies': ['AdministratorAccess']}, {'name': 'PowerUsers', 'managed_policies': ['PowerUserAccess']}]


def test_the_guide_has_no_problem():
    users = [{'name': 'Administrator', 'groups': ['Administrators'], 'console_access': True, 'password_reset_required': True},
             {'name': 'PowerUser', 'groups': ['PowerUsers'], 'access_key': 'present'}]
    assert account_admin_problems(GROUPS, users, CIS) == []


def test_each_problem_names_the_entry_and_the_option_and_never_the_password():
    users = [{'name': 'Administrator', 'console_access': True, 'password': 'abc'},
             {'name': 'PowerUser', 'colour': 'red'},
             {'name': 'bad name'},
             {'name': 'Dev', 'groups': [' PowerUsers']}]
    problems = account_admin_problems([{'name': 'PowerUsers', 'path': 'x'}], users, CIS)
    assert problems[0].startswith('account_admin_groups[PowerUsers].path:')
    assert problems[1] == 'account_admin_users[Administrator].password: the password is 3 characters, the password policy this role sets needs at least 14'
    assert problems[2].startswith('account_admin_users[PowerUser]: unknown key colour; the supported keys are access_key, console_access,')
    assert problems[3].startswith('account_admin_users[2].name:')
    assert problems[4].startswith('account_admin_users[Dev].groups:')
    assert not any('abc' in problem for problem in problems)


def test_the_account_policy_is_left_to_the_module_when_the_role_does_not_set_one():
    assert account_admin_problems([], [{'name': 'A', 'console_access': True, 'password': 'abc'}], None) == []


def test_misspelt_variables_name_the_closest_known_one():
    found = unknown_role_variables(['account_admin_user', 'account_admin_users', 'account_admin__internal'], 'account_admin')
    assert found == ['account_admin_user is not a variable of account_admin and is ignored: did you mean account_admin_users?']
    assert unknown_role_variables(['rotate_keys_forced', 'rotate_keys_force'], 'rotate_keys')[0].endswith('did you mean rotate_keys_force?')
    assert unknown_role_variables(['workstation_fleet_report', 'workstation_credentials_file'], 'workstation') == []


def test_a_bom_is_named_with_its_file(tmp_path):
    config = tmp_path / 'config'
    config.write_bytes(b'\xef\xbb\xbf[default]\n')
    clean = tmp_path / 'credentials'
    clean.write_bytes(b'[default]\n')
    problems = aws_file_problems({'the config file': str(config), 'the credentials file': str(clean), 'missing': str(tmp_path / 'nope')})
    assert len(problems) == 1 and problems[0].startswith('the config file (%s) starts with a UTF-8 byte order mark (BOM)' % config)


def test_console_users_without_a_way_for_their_password_or_with_a_key_are_named():
    users = [{'name': 'Administrator', 'groups': ['Administrators'], 'console_access': True},
             {'name': 'Ops', 'console_access': True, 'password': 'Correct-Horse-9-battery', 'access_key': 'present'},
             {'name': 'Gone', 'console_access': True, 'access_key': 'present', 'state': 'absent'},
             {'name': 'PowerUser', 'access_key': 'present'}]
    problems = account_admin_problems(GROUPS, users, CIS, '', True)
    assert problems == [
        'account_admin_users[Administrator]: would get a generated console password, which is shown only once: set its password, '
        'or set account_admin_credentials_dir to receive it as a CSV',
        'account_admin_users[Ops]: would get a console password and an access key at setup, which CIS 1.11 forbids: drop one of the '
        'two (a person creates a key when needed), or set account_admin_refuse_console_user_keys: false']
    assert account_admin_problems(GROUPS, users, CIS, '/creds', False) == []
    # Without the role's arguments (the filter used alone) neither check applies.
    assert account_admin_problems(GROUPS, users, CIS) == []


def test_inputs_derived_from_the_items_keep_their_order_and_treat_present_like_no_state():
    users = [{'name': 'B', 'groups': ['Admins', 'auditors'], 'console_access': True, 'state': 'present'},
             {'name': 'A', 'groups': ['PowerUsers', 'admins', 'Ops'], 'console_access': True},
             {'name': 'C', 'groups': ['Gone'], 'console_access': True, 'state': 'absent'},
             {'name': 'D', 'groups': ['Ops']}]
    groups = [{'name': 'Admins', 'managed_policies': ['AdministratorAccess']}, {'name': 'PowerUsers', 'state': 'present'},
              {'name': 'Ops', 'managed_policies': ['PowerUserAccess', 'ReadOnlyAccess']},
              {'name': 'Old', 'managed_policies': ['Custom'], 'state': 'absent'}]
    found = account_admin_inputs(users, groups)
    assert [user['name'] for user in found['present_users']] == ['B', 'A', 'D']
    assert found['console_groups'] == ['Admins', 'auditors', 'PowerUsers', 'admins', 'Ops']
    # IAM group names do not depend on case: 'admins' is the Admins this run keeps.
    assert found['outside_groups'] == ['auditors']
    assert [group['name'] for group in found['custom_policy_groups']] == ['Ops']


def test_missing_groups_name_each_user_that_joins_them():
    reads = {'results': [{'item': 'Auditors', 'changed': True}, {'item': 'Ops', 'changed': False}]}
    users = [{'name': 'PowerUser', 'groups': ['PowerUsers', 'Auditors']}, {'name': 'Zed', 'groups': ['Ops', 'Auditors']},
             {'name': 'Old', 'groups': ['Auditors'], 'state': 'absent'}]
    assert account_admin_missing_groups(reads, users) == [
        "account_admin_users[PowerUser].groups: no IAM group 'Auditors' exists, and account_admin_groups does not create it",
        "account_admin_users[Zed].groups: no IAM group 'Auditors' exists, and account_admin_groups does not create it"]
    assert account_admin_missing_groups({'skipped': True, 'results': []}, users) == []
