# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Passwords against the account's policy, and generated ones (iam/passwords.py): no AWS involved."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import CLASSES
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import DEFAULT_POLICY
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import check_password
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import generate_password
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import policy_from_api
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError


STRICT = policy_from_api({'MinimumPasswordLength': 14, 'RequireSymbols': True, 'RequireNumbers': True,
                          'RequireUppercaseCharacters': True, 'RequireLowercaseCharacters': True})


@pytest.mark.parametrize('password, policy, rule', [
    ('Ab1!', DEFAULT_POLICY, 'at least 8'),
    ('abcdefgh', DEFAULT_POLICY, 'at least 3 of'),
    ('Abcdefgh', DEFAULT_POLICY, 'at least 3 of'),
    ('Abcdefgh1!x', STRICT, 'at least 14'),
    ('abcdefghijklmn1!', STRICT, 'uppercase'),
    ('ABCDEFGHIJKLMNOp!', STRICT, 'numbers'),
])
def test_passwords_against_policies(password, policy, rule):
    with pytest.raises(OptionError) as raised:
        check_password('password', password, policy)
    assert raised.value.message.startswith('password: ') and rule in raised.value.message
    assert password not in raised.value.message


def test_passwords_that_satisfy_policies():
    check_password('password', 'Abcdefg1', DEFAULT_POLICY)
    check_password('password', 'Abcdefghij1!xy', STRICT)


@settings(max_examples=60, deadline=None)
@given(minimum=st.integers(min_value=6, max_value=128), flags=st.lists(st.booleans(), min_size=4, max_size=4))
def test_generated_passwords_satisfy_every_policy(minimum, flags):
    policy = policy_from_api(dict(zip(['RequireSymbols', 'RequireNumbers', 'RequireUppercaseCharacters', 'RequireLowercaseCharacters'], flags),
                                  MinimumPasswordLength=minimum))
    password = generate_password(policy)
    check_password('password', password, policy)
    check_password('password', password, DEFAULT_POLICY)
    assert len(password) <= 128
    assert set(password) <= set(''.join(CLASSES.values()))
    assert not set(password) & set(string.whitespace)


def test_generated_passwords_differ():
    assert len({generate_password(DEFAULT_POLICY) for _attempt in range(20)}) == 20
