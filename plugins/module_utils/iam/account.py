# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Account-level IAM settings: the account alias and the password policy; the caller and root posture."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_partition
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import read_account_password_policy
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sign_in_url
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_alias

# option name -> (IAM field, type, minimum, maximum)
POLICY_FIELDS = {
    'minimum_password_length': ('MinimumPasswordLength', int, 6, 128),
    'require_symbols': ('RequireSymbols', bool, None, None),
    'require_numbers': ('RequireNumbers', bool, None, None),
    'require_uppercase_characters': ('RequireUppercaseCharacters', bool, None, None),
    'require_lowercase_characters': ('RequireLowercaseCharacters', bool, None, None),
    'allow_users_to_change_password': ('AllowUsersToChangePassword', bool, None, None),
    'max_password_age': ('MaxPasswordAge', int, 0, 1095),
    'password_reuse_prevention': ('PasswordReusePrevention', int, 0, 24),
    'hard_expiry': ('HardExpiry', bool, None, None),
}
# What UpdateAccountPasswordPolicy applies to a field it is not given (0: no expiry / no reuse check).
UPDATE_DEFAULTS = {
    'minimum_password_length': 6, 'require_symbols': False, 'require_numbers': False, 'require_uppercase_characters': False,
    'require_lowercase_characters': False, 'allow_users_to_change_password': False, 'max_password_age': 0,
    'password_reuse_prevention': 0, 'hard_expiry': False,
}


def desired_account(params):
    desired = {'alias': check_alias('alias', params.get('alias')), 'password_policy': None}
    given = params.get('password_policy')
    if given is not None:
        policy = {}
        for option, value in given.items():
            if value is None:
                continue
            if option not in POLICY_FIELDS:
                raise OptionError('password_policy', 'unknown field %r' % option)
            _field, _kind, low, high = POLICY_FIELDS[option]
            if low is not None and not low <= value <= high:
                raise OptionError('password_policy.%s' % option, 'must be between %d and %d (got %d)' % (low, high, value))
            policy[option] = value
        if policy.get('hard_expiry') and not policy.get('max_password_age', 1):
            raise OptionError('password_policy.hard_expiry', 'needs max_password_age: passwords that never expire cannot expire hard')
        desired['password_policy'] = policy
    return desired


def policy_to_options(policy):
    """GetAccountPasswordPolicy's PasswordPolicy -> the options' terms (None when the account has none)."""
    if policy is None:
        return None
    return {option: policy.get(field, UPDATE_DEFAULTS[option]) for option, (field, _k, _l, _h) in POLICY_FIELDS.items()}


def options_to_policy(options):
    """The inverse of ``policy_to_options``: a policy in the options' terms as GetAccountPasswordPolicy answers it
    (None stays None)."""
    if options is None:
        return None
    policy = {field: options[option] for option, (field, _k, _l, _h) in POLICY_FIELDS.items()}
    policy['ExpirePasswords'] = bool(options['max_password_age'])
    return policy


def account_after(current, plan):
    """What the account module read, as its plan leaves it: the parts it hands on after writing."""
    parts = dict(current['read'])
    parts['aliases'] = [plan.after['alias']] if plan.after['alias'] else []
    if 'password_policy' in parts:
        parts['password_policy'] = options_to_policy(plan.after['password_policy'])
    return parts


def read_account(iam, sts, with_password_policy=True):
    """Caller, alias, root posture and password policy: GetCallerIdentity, ListAccountAliases, GetAccountSummary,
    and GetAccountPasswordPolicy only when the policy is managed (``with_password_policy``)."""
    caller = read(sts, 'GetCallerIdentity')
    aliases = (read(iam, 'ListAccountAliases') or {}).get('AccountAliases') or []
    summary = (read(iam, 'GetAccountSummary') or {}).get('SummaryMap') or {}
    found = read_account_password_policy(iam) if with_password_policy else None
    policy = policy_to_options(found)
    read_parts = {'caller': caller, 'summary': summary, 'aliases': aliases}
    if with_password_policy:
        read_parts['password_policy'] = found
    return {
        'read': read_parts,
        'account_id': caller['Account'],
        'partition': arn_partition(caller['Arn']),
        'caller': {'arn': caller['Arn'], 'user_id': caller['UserId'], 'is_root': caller['Arn'].endswith(':root')},
        'alias': aliases[0] if aliases else None,
        'root': {'mfa_enabled': bool(summary.get('AccountMFAEnabled')), 'access_keys_present': bool(summary.get('AccountAccessKeysPresent'))},
        'password_policy': policy,
    }


def plan_account(current, desired):
    """(current account view, desired) -> Plan. No I/O."""
    actions = []
    before = {'alias': current['alias'], 'password_policy': current['password_policy']}
    after = dict(before)
    alias = desired['alias']
    if alias is not None and alias != (current['alias'] or ''):
        if alias:
            actions.append(Action('CreateAccountAlias', AccountAlias=alias))
        else:
            actions.append(Action('DeleteAccountAlias', AccountAlias=current['alias']))
        after['alias'] = alias or None
    if desired['password_policy'] is not None:
        merged = dict(current['password_policy'] or UPDATE_DEFAULTS)
        merged.update(desired['password_policy'])
        if merged['hard_expiry'] and not merged['max_password_age']:
            raise OptionError('password_policy.hard_expiry', 'needs max_password_age: passwords that never expire cannot expire hard')
        if merged != current['password_policy']:
            params = {}
            for option, value in merged.items():
                field, kind, _low, _high = POLICY_FIELDS[option]
                if kind is int and option != 'minimum_password_length' and not value:
                    continue  # 0 means off, which IAM expresses by leaving the field out
                if option == 'hard_expiry' and not merged['max_password_age']:
                    continue
                params[field] = value
            actions.append(Action('UpdateAccountPasswordPolicy', **params))
            after['password_policy'] = merged
    return Plan(actions, before=before, after=after)


def account_result(current, plan):
    after = plan.after
    return {
        'account_id': current['account_id'],
        'partition': current['partition'],
        'alias': after['alias'],
        'sign_in_url': sign_in_url(current['partition'], current['account_id'], after['alias']),
        'caller': current['caller'],
        'root': current['root'],
        'password_policy': after['password_policy'],
    }
