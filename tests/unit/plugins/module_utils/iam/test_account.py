# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure plans of the account settings (iam/account.py)."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import UPDATE_DEFAULTS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import account_after
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import desired_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import options_to_policy
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import plan_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import policy_to_options
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError


# --- account --------------------------------------------------------------------------------------

def account(alias=None, policy=None):
    return {'account_id': '123456789012', 'partition': 'aws', 'alias': alias, 'password_policy': policy,
            'caller': {}, 'root': {}}


def test_alias_created_replaced_removed_or_left():
    assert plan_account(account(), desired_account({'alias': 'corp'})).actions == [Action('CreateAccountAlias', AccountAlias='corp')]
    assert plan_account(account('old'), desired_account({'alias': 'corp'})).operations == ['CreateAccountAlias']
    assert plan_account(account('old'), desired_account({'alias': ''})).actions == [Action('DeleteAccountAlias', AccountAlias='old')]
    assert plan_account(account('old'), desired_account({})).actions == []
    assert plan_account(account(), desired_account({'alias': ''})).actions == []


def test_password_policy_merges_given_fields_over_the_current_policy():
    current = dict(UPDATE_DEFAULTS, minimum_password_length=12, require_symbols=True, max_password_age=90)
    plan = plan_account(account(policy=current), desired_account({'password_policy': {'require_numbers': True}}))
    assert plan.actions == [Action('UpdateAccountPasswordPolicy', MinimumPasswordLength=12, RequireSymbols=True, RequireNumbers=True,
                                   RequireUppercaseCharacters=False, RequireLowercaseCharacters=False,
                                   AllowUsersToChangePassword=False, MaxPasswordAge=90, HardExpiry=False)]
    same = plan_account(account(policy=current), desired_account({'password_policy': {'require_symbols': True}}))
    assert same.actions == []


def test_password_policy_hard_expiry_needs_an_age_in_the_merged_policy():
    with pytest.raises(OptionError, match='hard_expiry'):
        plan_account(account(policy=None), desired_account({'password_policy': {'hard_expiry': True}}))


@pytest.mark.parametrize('policy, option', [
    ({'minimum_password_length': 5}, 'password_policy.minimum_password_length'),
    ({'minimum_password_length': 129}, 'password_policy.minimum_password_length'),
    ({'max_password_age': 1096}, 'password_policy.max_password_age'),
    ({'password_reuse_prevention': 25}, 'password_policy.password_reuse_prevention'),
    ({'hard_expiry': True, 'max_password_age': 0}, 'password_policy.hard_expiry'),
])
def test_invalid_password_policies(policy, option):
    with pytest.raises(OptionError) as raised:
        desired_account({'password_policy': policy})
    assert raised.value.option == option


def test_what_the_account_hands_on_after_writing_is_what_it_asked_iam_to_set():
    current = dict(account('old'), read={'caller': {'Account': '123456789012'}, 'summary': {}, 'aliases': ['old'], 'password_policy': None})
    plan = plan_account(current, desired_account({'alias': 'corp', 'password_policy': {'minimum_password_length': 14, 'max_password_age': 90}}))
    after = account_after(current, plan)
    assert after['aliases'] == ['corp'] and after['caller'] == {'Account': '123456789012'}
    sent = next(action.params for action in plan.actions if action.operation == 'UpdateAccountPasswordPolicy')
    # Every field sent is handed on as sent; a field left out (0: off) is handed on as IAM answers it.
    assert {field: after['password_policy'][field] for field in sent} == sent
    assert after['password_policy']['PasswordReusePrevention'] == 0 and after['password_policy']['ExpirePasswords'] is True
    assert policy_to_options(after['password_policy']) == plan.after['password_policy']
    # An alias removed leaves none; a policy not managed is not handed on (it was not read).
    removed = account_after(dict(current, read={'caller': {}, 'summary': {}, 'aliases': ['old']}), plan_account(current, desired_account({'alias': ''})))
    assert removed == {'caller': {}, 'summary': {}, 'aliases': []}
    assert options_to_policy(None) is None
