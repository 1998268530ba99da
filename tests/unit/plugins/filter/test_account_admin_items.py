# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""account_admin's items (plugins/filter/account_admin_items.py): the defaults of its groups, users and credentials
folder in each mode."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.filter.account_admin_items import account_admin_mode_defaults

GROUPS = [{'name': 'Administrators', 'managed_policies': ['AdministratorAccess']}, {'name': 'PowerUsers', 'managed_policies': ['PowerUserAccess']}]
USERS = [{'name': 'Administrator', 'groups': ['Administrators'], 'console_access': True}, {'name': 'PowerUser', 'access_key': 'present'}]


@pytest.mark.parametrize('iam_mode', [False, 'false', 'no', None, 0])
def test_iam_mode_defaults_to_the_guide_s_groups_and_users_and_a_folder_in_home(iam_mode):
    assert account_admin_mode_defaults(iam_mode, GROUPS, USERS, '/home/admin') == {
        'groups': GROUPS, 'users': USERS, 'credentials_dir': '/home/admin/.aws-bootstrap/credentials'}


@pytest.mark.parametrize('identity_center_mode', [True, 'true', 'yes', 'True', 1])
def test_identity_center_mode_defaults_to_no_iam_group_user_or_folder(identity_center_mode):
    assert account_admin_mode_defaults(identity_center_mode, GROUPS, USERS, '/home/admin') == {'groups': [], 'users': [], 'credentials_dir': ''}


def test_the_guide_s_items_are_handed_on_as_copies():
    found = account_admin_mode_defaults(False, GROUPS, USERS, '/root')
    found['groups'].append({'name': 'Extra'})
    assert len(GROUPS) == 2 and found['users'] is not USERS
