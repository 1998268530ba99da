#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_info
short_description: Report the account's IAM users, groups, password policy and summary
version_added: 1.0.0
description:
  - A read-only report of what the IAM console's Users and Groups lists show, in one task - for each
    user its groups, console access, password last use, MFA devices and access keys (status, age,
    last use) and policies; for each group its policies and members; the password policy and the
    account summary.
  - Makes no write call, so it runs the same in check mode.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options: {}
attributes:
  check_mode:
    support: full
    description: Only reads, so check mode changes nothing.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
notes:
  - Users, groups, memberships and policies come from one paginated GetAccountAuthorizationDetails;
    per user, GetLoginProfile, ListMFADevices, ListAccessKeys and one GetAccessKeyLastUsed per key
    are added, plus GetCallerIdentity, ListUsers, GetAccountPasswordPolicy and GetAccountSummary.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_account
"""

EXAMPLES = r"""
- name: Read the account's IAM users and groups (the guide's step 12)
  awsbootstrap.iam.iam_bootstrap_info:
  register: iam_report

- name: Users without MFA
  ansible.builtin.debug:
    msg: "{{ iam_report.users | selectattr('mfa_devices', 'equalto', []) | map(attribute='user_name') | list }}"
"""

RETURN = r"""
account_id:
  description: The account id.
  returned: always
  type: str
  sample: "123456789012"
users:
  description: Every IAM user, by name.
  returned: always
  type: list
  elements: dict
  contains:
    user_name:
      description: Name of the user.
      type: str
      sample: Administrator
    arn:
      description: ARN of the user.
      type: str
      sample: arn:aws:iam::123456789012:user/Administrator
    path:
      description: Path of the user.
      type: str
      sample: /
    create_date:
      description: When the user was created (ISO 8601).
      type: str
      sample: "2024-01-02T03:04:05+00:00"
    groups:
      description: Names of the user's groups.
      type: list
      elements: str
      sample: [Administrators]
    console_access:
      description: Whether the user has a console password.
      type: bool
      sample: true
    password_last_used:
      description: When the password was last used to sign in (ISO 8601), V(null) if never.
      type: str
      sample: "2024-02-01T10:00:00+00:00"
    mfa_devices:
      description: The user's MFA devices.
      type: list
      elements: dict
      contains:
        serial_number:
          description: Serial number (the ARN of a virtual device).
          type: str
          sample: arn:aws:iam::123456789012:mfa/Administrator
        enable_date:
          description: When it was enabled (ISO 8601).
          type: str
          sample: "2024-01-02T03:04:05+00:00"
    access_keys:
      description: The user's access keys, oldest first.
      type: list
      elements: dict
      contains:
        access_key_id:
          description: Id of the key.
          type: str
          sample: AKIAIOSFODNN7EXAMPLE
        status:
          description: C(Active) or C(Inactive).
          type: str
          sample: Active
        create_date:
          description: When the key was created (ISO 8601).
          type: str
          sample: "2024-01-02T03:04:05+00:00"
        age_days:
          description: Whole days since the key was created.
          type: int
          sample: 12
        last_used_date:
          description: When the key was last used (ISO 8601), V(null) if never.
          type: str
          sample: "2024-01-10T08:00:00+00:00"
        last_used_service:
          description: The service the key was last used with, V(null) if never.
          type: str
          sample: s3
    attached_policies:
      description: ARNs of the managed policies attached to the user directly.
      type: list
      elements: str
      sample: []
    inline_policies:
      description: Names of the user's inline policies.
      type: list
      elements: str
      sample: []
    tags:
      description: Tags of the user.
      type: dict
      sample: {}
groups:
  description: Every IAM group, by name.
  returned: always
  type: list
  elements: dict
  contains:
    group_name:
      description: Name of the group.
      type: str
      sample: Administrators
    arn:
      description: ARN of the group.
      type: str
      sample: arn:aws:iam::123456789012:group/Administrators
    path:
      description: Path of the group.
      type: str
      sample: /
    managed_policies:
      description: ARNs of the attached managed policies.
      type: list
      elements: str
      sample: [arn:aws:iam::aws:policy/AdministratorAccess]
    inline_policies:
      description: Names of the inline policies.
      type: list
      elements: str
      sample: []
    members:
      description: Names of the users in the group.
      type: list
      elements: str
      sample: [Administrator]
password_policy:
  description: The account password policy (as M(awsbootstrap.iam.iam_bootstrap_account) takes it), V(null) when there is none.
  returned: always
  type: dict
  sample: {minimum_password_length: 14, require_symbols: true}
account_summary:
  description: GetAccountSummary's counts and quotas in snake_case (C(account_mfa_enabled) and C(account_access_keys_present) are the root user's).
  returned: always
  type: dict
  sample: {users: 2, groups: 2, account_mfa_enabled: 0, account_access_keys_present: 0}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import fail
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import sts_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam_report import read_report


def main():
    module = AnsibleAWSModule(argument_spec={}, supports_check_mode=True)
    try:
        module.exit_json(changed=False, **read_report(iam_client(module), sts_client(module)))
    except IAMFailure as failure:
        fail(module, failure)


if __name__ == '__main__':
    main()
