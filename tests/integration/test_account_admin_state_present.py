# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 17 (case 3): every account_admin item with ``state: present`` behaves exactly as the item without ``state``."""

from __future__ import annotations

import json
import re

import pytest

from tests.integration.test_cis_hardening import role_playbook
from tests.utils import proof
from tests.utils.ansible_runner import run_playbook

DEFAULT_GROUPS = [{'name': 'Administrators', 'managed_policies': ['AdministratorAccess']},
                  {'name': 'PowerUsers', 'managed_policies': ['PowerUserAccess']}]
DEFAULT_USERS = [{'name': 'Administrator', 'groups': ['Administrators'], 'console_access': True, 'password_reset_required': True},
                 {'name': 'PowerUser', 'groups': ['PowerUsers'], 'access_key': 'present'}]


def with_state(items):
    return [dict(item, state='present') for item in items]


@pytest.mark.parametrize('state', [False, True], ids=['no-state', 'state-present'])
def test_a_console_user_without_password_or_credentials_dir_is_refused(aws_proxy, home, tmp_path, state):
    users = [{'name': 'Dev', 'console_access': True}]
    variables = {'account_admin_users': with_state(users) if state else users, 'account_admin_credentials_dir': ''}
    proc = run_playbook(role_playbook(tmp_path, variables), home, aws_proxy.env, check=False)
    assert proc.returncode != 0
    assert 'account_admin_users[Dev]: would get a generated console password' in proc.stdout
    assert aws_proxy.calls == []


@pytest.mark.parametrize('state', [False, True], ids=['no-state', 'state-present'])
def test_a_console_user_with_a_key_is_refused(aws_proxy, home, tmp_path, state):
    users = [{'name': 'Dev', 'console_access': True, 'password': 'Dev-Passw0rd-Long!', 'access_key': 'present'}]
    proc = run_playbook(role_playbook(tmp_path, {'account_admin_users': with_state(users) if state else users}), home,
                        aws_proxy.env, check=False)
    assert proc.returncode != 0 and 'account_admin_users[Dev]: would get a console password and an access key' in proc.stdout
    assert aws_proxy.calls == []


def test_state_present_items_build_the_same_account(sandbox, aws_proxy, home, tmp_path):
    """The guide's groups and users with and without state: present: the same account, the same writes, the same summary."""
    outcomes = []
    for state in (False, True):
        sandbox.reset()
        aws_proxy.clear()
        variables = {'account_admin_groups': with_state(DEFAULT_GROUPS) if state else DEFAULT_GROUPS,
                     'account_admin_users': with_state(DEFAULT_USERS) if state else DEFAULT_USERS,
                     'account_admin_credentials_dir': str(tmp_path / ('csv-%s' % state))}
        proc = run_playbook(role_playbook(tmp_path, variables), home, aws_proxy.env)
        summary = [re.sub('AKIA[A-Z0-9]{16}', 'AKIA...', line.replace('csv-%s' % state, 'csv'))
                   for line in proc.stdout.splitlines() if ': changed' in line or ': unchanged' in line]
        outcomes.append((proof.account_state(sandbox.endpoint), sorted(call.action for call in aws_proxy.write_calls()), summary))
    (plain, plain_writes, plain_summary), (present, present_writes, present_summary) = outcomes
    assert plain['groups']['Administrators']['inline'] == ['ForceMFA']  # the console group got the MFA policy
    assert present == plain, json.dumps([plain, present], indent=1)
    assert present_writes == plain_writes
    assert present_summary == plain_summary and len(plain_summary) == 2, plain_summary
