#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_account
short_description: Manage the account alias and IAM password policy; report the sign-in URL and root posture
version_added: 1.0.0
description:
  - Sets or removes the account alias and sets the IAM password policy, each only when its option is given.
  - Always reports the account id, its partition, the console sign-in URL for IAM users
    (C(https://ALIAS-OR-ACCOUNT-ID.signin.aws.amazon.com/console); C(signin.amazonaws.cn) in China,
    C(signin.amazonaws-us-gov.com) in GovCloud), who the caller is (and whether it is the root user),
    and whether the root user has MFA and access keys.
  - Every option is checked before any API call; changes are planned from what is read and applied
    unless in check mode; C(--diff) shows the alias and policy before and after.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  alias:
    description:
      - The account alias (3 to 63 lower-case letters, digits and single hyphens). It replaces the
        account id in the sign-in URL.
      - V("") removes the alias. When not set, the alias is left as it is.
    type: str
  password_policy:
    description:
      - The account password policy for IAM users. Fields not given keep their current value
        (or IAM's default when the account has no policy yet).
      - When not set, the policy is left as it is.
    type: dict
    suboptions:
      minimum_password_length:
        description: Minimum length, 6 to 128.
        type: int
      require_symbols:
        description: Require at least one of the symbols IAM counts, C(!@#$%^&*_+-=[]{}|') and parentheses.
        type: bool
      require_numbers:
        description: Require at least one digit.
        type: bool
      require_uppercase_characters:
        description: Require at least one upper-case letter.
        type: bool
      require_lowercase_characters:
        description: Require at least one lower-case letter.
        type: bool
      allow_users_to_change_password:
        description: Let IAM users change their own password.
        type: bool
      max_password_age:
        description: Days a password is valid, 1 to 1095; V(0) means passwords do not expire.
        type: int
      password_reuse_prevention:
        description: How many previous passwords cannot be reused, 1 to 24; V(0) turns the check off.
        type: int
      hard_expiry:
        description: Users whose password expired cannot set a new one (an administrator must). Needs O(password_policy.max_password_age).
        type: bool
attributes:
  check_mode:
    support: full
    description: Reports every change that would be made, with the diff, and makes no write call.
  diff_mode:
    support: full
    description: The alias and password policy before and after.
notes:
  - Activating IAM access to billing information has no public API; it stays a manual step as root
    (My Account, "IAM user and role access to Billing information").
  - API calls are GetCallerIdentity, ListAccountAliases, GetAccountSummary and GetAccountPasswordPolicy,
    plus one call per change.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_info
"""

EXAMPLES = r"""
- name: Report the sign-in URL and whether root is protected
  awsbootstrap.iam.iam_bootstrap_account:
  register: account

- name: Show the sign-in URL for IAM users (the guide's step 6)
  ansible.builtin.debug:
    msg: "Sign in at {{ account.sign_in_url }}"

- name: Alias and a CIS-minded password policy
  awsbootstrap.iam.iam_bootstrap_account:
    alias: example-corp
    password_policy:
      minimum_password_length: 14
      require_symbols: true
      require_numbers: true
      require_uppercase_characters: true
      require_lowercase_characters: true
      allow_users_to_change_password: true
      password_reuse_prevention: 24

- name: Remove the alias
  awsbootstrap.iam.iam_bootstrap_account:
    alias: ""
"""

RETURN = r"""
account_id:
  description: The account id.
  returned: always
  type: str
  sample: "123456789012"
partition:
  description: The partition of the account (C(aws), C(aws-cn), C(aws-us-gov), ...).
  returned: always
  type: str
  sample: aws
alias:
  description: The account alias after the run, V(null) when there is none.
  returned: always
  type: str
  sample: example-corp
sign_in_url:
  description: The console sign-in URL for IAM users, with the alias when there is one.
  returned: always
  type: str
  sample: https://123456789012.signin.aws.amazon.com/console
caller:
  description: Who made the calls.
  returned: always
  type: dict
  contains:
    arn:
      description: ARN of the caller.
      type: str
      sample: arn:aws:iam::123456789012:root
    user_id:
      description: Unique id of the caller.
      type: str
      sample: "123456789012"
    is_root:
      description: Whether the caller is the account's root user.
      type: bool
      sample: true
root:
  description: The root user's posture, from GetAccountSummary.
  returned: always
  type: dict
  contains:
    mfa_enabled:
      description: Whether the root user has MFA.
      type: bool
      sample: false
    access_keys_present:
      description: Whether the root user has access keys (it should not).
      type: bool
      sample: false
password_policy:
  description:
    - The password policy after the run in the option's terms; V(null) when the account has none (AWS's default then applies).
    - Only read when O(password_policy) is set (V(null) otherwise); M(awsbootstrap.iam.iam_bootstrap_info) reports it always.
  returned: always
  type: dict
  sample: {minimum_password_length: 14, require_symbols: true, require_numbers: true, require_uppercase_characters: true,
           require_lowercase_characters: true, allow_users_to_change_password: true, max_password_age: 0,
           password_reuse_prevention: 24, hard_expiry: false}
account_snapshot:
  description:
    - What this task read of the account (the caller, C(ListAccountAliases), C(GetAccountSummary), and
      C(GetAccountPasswordPolicy) when O(password_policy) is set), for later tasks of the same run to take instead of
      reading it again (O(awsbootstrap.iam.iam_bootstrap_identities#module:account_snapshot),
      O(awsbootstrap.iam.iam_bootstrap_info#module:account_snapshot)).
    - When this task changed the alias or the password policy, they are as it left them, and C(written) names them;
      empty in check mode. Holds no secret.
  returned: always
  type: dict
  sample: {}
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sts_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import account_after
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import account_result
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import desired_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import plan_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import read_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import handed_on

ARGUMENT_SPEC = dict(
    alias=dict(type='str'),
    password_policy=dict(type='dict', no_log=False, options=dict(
        minimum_password_length=dict(type='int', no_log=False),
        require_symbols=dict(type='bool'),
        require_numbers=dict(type='bool'),
        require_uppercase_characters=dict(type='bool'),
        require_lowercase_characters=dict(type='bool'),
        allow_users_to_change_password=dict(type='bool', no_log=False),
        max_password_age=dict(type='int', no_log=False),
        password_reuse_prevention=dict(type='int', no_log=False),
        hard_expiry=dict(type='bool'),
    )),
)


def run(module):
    desired = desired_account(module.params)
    iam = iam_client(module)
    current = read_account(iam, sts_client(module), with_password_policy=desired['password_policy'] is not None)
    plan = plan_account(current, desired)
    if plan.changed and not module.check_mode:
        Executor(iam).run_all(plan.actions)
    written = None if module.check_mode else ('password_policy', 'aliases')
    return dict(account_result(current, plan), changed=plan.changed, diff=plan.diff(),
                account_snapshot=handed_on(plan.changed, written, **account_after(current, plan)))


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
