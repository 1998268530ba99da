# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The batch engine (iam/batch.py): errors named by their entry, and the order plans are applied in."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.batch import application_order
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.batch import entry_errors
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError


# --- entry_errors ---------------------------------------------------------------------------------

def test_entry_errors_prefix_the_label():
    with pytest.raises(OptionError) as raised:
        with entry_errors('groups[Admins]'):
            raise OptionError('managed_policies', 'no managed policy exists')
    assert raised.value.message == 'groups[Admins].managed_policies: no managed policy exists'
    cause = ValueError('boom')
    with pytest.raises(IAMFailure) as failed:
        with entry_errors('users[alice]'):
            raise IAMFailure('CreateUser failed: denied', cause)
    assert failed.value.message == 'users[alice]: CreateUser failed: denied' and failed.value.exception is cause


def test_entry_errors_join_a_failure_that_names_its_option():
    # The two-key limit is an IAMFailure of ours (no botocore error) whose text starts with the option.
    with pytest.raises(IAMFailure) as failed:
        with entry_errors('users[alice]'):
            raise IAMFailure('access_key_state: a new key is needed')
    assert failed.value.message == 'users[alice].access_key_state: a new key is needed'


# --- application_order ----------------------------------------------------------------------------

def test_application_order_groups_users_removed_users_removed_groups():
    groups = [{'state': 'absent'}, {'state': 'present'}, {'state': 'absent'}, {'state': 'present'}]
    users = [{'state': 'present'}, {'state': 'absent'}, {'state': 'present'}, {'state': 'absent'}]
    assert application_order(groups, users) == [
        ('groups', 1), ('groups', 3),
        ('users', 0), ('users', 2),
        ('users', 1), ('users', 3),
        ('groups', 0), ('groups', 2),
    ]


def test_application_order_covers_every_entry_once():
    groups = [{'state': 'present'}] * 3
    users = [{'state': 'absent'}] * 2
    order = application_order(groups, users)
    assert sorted(order) == [('groups', 0), ('groups', 1), ('groups', 2), ('users', 0), ('users', 1)]
    assert order[:3] == [('groups', 0), ('groups', 1), ('groups', 2)]
    assert application_order([], []) == []
