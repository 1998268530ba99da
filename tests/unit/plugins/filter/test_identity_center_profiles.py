# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The workstation role's Identity Center filters: a developer's SSO profiles from iam_bootstrap_sso_info's
answer, the generated profiles the developer no longer has, and names a key profile already uses."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.awsbootstrap.iam.plugins.filter.identity_center_profiles import sso_key_conflicts
from ansible_collections.awsbootstrap.iam.plugins.filter.identity_center_profiles import sso_profiles
from ansible_collections.awsbootstrap.iam.plugins.filter.identity_center_profiles import sso_stale_profiles

A, B = '111111111111', '222222222222'
INFO = {'enabled': True, 'region': 'eu-west-1',
        'access': {'alice': [{'account_id': A, 'permission_set': 'AdministratorAccess'}, {'account_id': B, 'permission_set': 'ReadOnly'}],
                   'bob': []}}


def test_one_profile_per_account_and_permission_set_named_from_the_default_template():
    assert sso_profiles(INFO, 'alice') == [
        {'name': '111111111111-AdministratorAccess', 'sso_session': 'awsbootstrap', 'sso_account_id': A,
         'sso_role_name': 'AdministratorAccess', 'region': 'eu-west-1', 'output': 'json'},
        {'name': '222222222222-ReadOnly', 'sso_session': 'awsbootstrap', 'sso_account_id': B, 'sso_role_name': 'ReadOnly',
         'region': 'eu-west-1', 'output': 'json'}]


def test_template_session_region_and_output_given():
    profiles = sso_profiles(INFO, 'ALICE', session='corp', template='{permission_set}@{account}', region='ap-northeast-2', output='text')
    assert [(p['name'], p['sso_session'], p['region'], p['output']) for p in profiles] == [
        ('AdministratorAccess@111111111111', 'corp', 'ap-northeast-2', 'text'), ('ReadOnly@222222222222', 'corp', 'ap-northeast-2', 'text')]


def test_a_user_without_access_gets_no_profile_nor_in_check_mode_an_unknown_one():
    assert sso_profiles(INFO, 'bob') == []
    assert sso_profiles(INFO, 'carol', missing_ok=True) == []


@pytest.mark.parametrize('info, user, template, message', [
    (INFO, 'carol', '{account}-{permission_set}', "workstation_identity_center_user: no Identity Store user 'carol'.*alice, bob"),
    (INFO, '', '{account}-{permission_set}', 'workstation_identity_center_user: set it'),
    (dict(INFO, enabled=False), 'alice', '{account}-{permission_set}', 'workstation_identity_center: IAM Identity Center is not enabled'),
    ({}, 'alice', '{account}-{permission_set}', 'workstation_identity_center: give the result of awsbootstrap.iam.iam_bootstrap_sso_info'),
    (INFO, 'alice', '{account_name}-{permission_set}', r'workstation_identity_center_profile_template: .*uses \{account_name\}'),
    (INFO, 'alice', '{permission_set}', r'workstation_identity_center_profile_template: .*lacks \{account\}'),
    (INFO, 'alice', '{account}-{permission_set', 'workstation_identity_center_profile_template: .*not a valid template'),
    (INFO, 'alice', '{account} {permission_set}', 'workstation_identity_center_profile_template: the name .* whitespace'),
    (INFO, 'alice', '[{account}]{permission_set}', r'workstation_identity_center_profile_template: the name .* "\["'),
])
def test_bad_input_names_the_host_variable(info, user, template, message):
    with pytest.raises(AnsibleFilterError, match=message):
        sso_profiles(info, user, template=template)


def existing(name, session, account, role, kind='sso'):
    return {'name': name, 'kind': kind, 'identifiers': {'sso_session': session, 'sso_account_id': account, 'sso_role_name': role}}


def test_stale_are_only_generated_profiles_of_the_session_no_longer_wanted():
    wanted = sso_profiles(INFO, 'alice')
    files = [existing('default', None, None, None, kind='static'),
             existing('111111111111-AdministratorAccess', 'awsbootstrap', A, 'AdministratorAccess'),
             existing('111111111111-PowerUserAccess', 'awsbootstrap', A, 'PowerUserAccess'),     # generated, no longer assigned
             existing('my-admin', 'awsbootstrap', A, 'PowerUserAccess'),                         # hand-written, same session
             existing('222222222222-Billing', 'other-session', B, 'Billing'),                    # another session
             existing('111111111111-ReadOnly', 'awsbootstrap', B, 'ReadOnly'),                   # name not its own rendering
             {'name': 'bare', 'kind': 'none', 'identifiers': {}}]
    assert sso_stale_profiles(files, wanted) == ['111111111111-PowerUserAccess']
    assert sso_stale_profiles(files, wanted, session='other-session') == ['222222222222-Billing']
    with pytest.raises(AnsibleFilterError, match='lacks'):
        sso_stale_profiles(files, wanted, template='{permission_set}')


def test_key_profiles_in_the_files_or_in_the_host_variables_are_refused_naming_both():
    wanted = sso_profiles(INFO, 'alice', template='{permission_set}-{account}')
    files = [existing('AdministratorAccess-111111111111', None, None, None, kind='static'), existing('dev', 'x', A, 'y')]
    assert sso_key_conflicts(wanted, files) == [
        "workstation_identity_center_user: the SSO profile 'AdministratorAccess-111111111111' (account 111111111111, permission set "
        "AdministratorAccess) would take the name of the key profile 'AdministratorAccess-111111111111' in the AWS CLI files; "
        "change workstation_identity_center_profile_template"]
    developers = [{'iam_user': 'dev1', 'profile': 'ReadOnly-222222222222', 'state': 'present'}]
    profiles = [{'name': 'AdministratorAccess-111111111111', 'import_csv': '/tmp/x.csv'}, {'name': 'ReadOnly-222222222222', 'region': 'x'}]
    problems = sso_key_conflicts(wanted, [], developers, profiles)
    assert len(problems) == 2
    assert "key profile 'AdministratorAccess-111111111111' of workstation_profiles[AdministratorAccess-111111111111]" in problems[0]
    assert "key profile 'ReadOnly-222222222222' of workstation_developers[dev1]" in problems[1]
    # A profile without key material, or a developer being offboarded, takes no name.
    assert sso_key_conflicts(wanted, [], [dict(developers[0], state='absent')], profiles[1:]) == []
