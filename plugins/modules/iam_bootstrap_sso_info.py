#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_sso_info
short_description: Report IAM Identity Center users, groups, permission sets, assignments and who may use what
version_added: 1.1.0
description:
  - A read-only report of the account's IAM Identity Center instance in one task - the Identity Store users and their
    groups, the groups and their members, the permission sets with their AWS managed policies, the account assignments
    of the accounts given, and for each user the effective access (account and permission set, assigned directly or
    through a group).
  - The instance is found with C(ListInstances), never guessed. When the account has none, the module does not fail
    - it answers RV(enabled=false) with empty lists (enabling IAM Identity Center is a manual step in the console).
  - Every option is checked before any API call. Makes no write call, so it runs the same in check mode.
  - The C(workstation) role's Identity Center mode takes this result (as C(workstation_identity_center)) to write each
    developer's SSO profiles.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  accounts:
    description:
      - The accounts (12 digits each) whose assignments are read. When not set, the account of the credentials in use
        (STS C(GetCallerIdentity)).
    type: list
    elements: str
attributes:
  check_mode:
    support: full
    description: Only reads, so check mode changes nothing.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
notes:
  - The API calls are C(ListInstances) (none with O(identity_center_snapshot)), C(GetCallerIdentity) (none with
    O(accounts)), C(ListUsers), C(ListGroups) and C(ListPermissionSets) (one call per 100), C(ListGroupMemberships)
    per group, C(DescribePermissionSet) and C(ListManagedPoliciesInPermissionSet) per permission set, and
    C(ListAccountAssignments) per account and permission set. The guide's instance (two users, two groups, two
    permission sets, one account) takes 13 calls.
  - With the O(identity_center_snapshot) of set-up tasks that changed nothing, what its C(read) holds is not read again
    (after the account_admin role's Identity Center tasks on a re-run, no call at all).
  - Throttling and 5xx answers are retried.
  - Returns no secret; there is none in IAM Identity Center's users, groups or assignments.
extends_documentation_fragment:
  - awsbootstrap.iam.identity_center
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_sso_identities
  - module: awsbootstrap.iam.iam_bootstrap_permission_sets
  - module: awsbootstrap.iam.iam_bootstrap_sso_assignments
"""

EXAMPLES = r"""
- name: Read IAM Identity Center
  awsbootstrap.iam.iam_bootstrap_sso_info:
  register: identity_center

- name: Who may use what on two accounts
  awsbootstrap.iam.iam_bootstrap_sso_info:
    accounts: ["123456789012", "210987654321"]
  register: identity_center

- name: Show alice's access
  ansible.builtin.debug:
    msg: "{{ identity_center.access['alice'] }}"
  when: identity_center.enabled
"""

RETURN = r"""
enabled:
  description: Whether the account has an active IAM Identity Center instance. When V(false), the lists are empty.
  returned: always
  type: bool
  sample: true
instance_arn:
  description: ARN of the instance; V(null) when not enabled.
  returned: always
  type: str
  sample: arn:aws:sso:::instance/ssoins-1234567890abcdef
identity_store_id:
  description: Id of the instance's identity store; V(null) when not enabled.
  returned: always
  type: str
  sample: d-1234567890
region:
  description: The region of the instance (the region the module's client used), the C(sso_region) of SSO profiles.
  returned: always
  type: str
  sample: eu-west-1
start_url:
  description: The AWS access portal URL, C(https://IDENTITY_STORE_ID.awsapps.com/start); V(null) when not enabled.
  returned: always
  type: str
  sample: https://d-1234567890.awsapps.com/start
users:
  description: The Identity Store users, sorted by user name.
  returned: always
  type: list
  elements: dict
  contains:
    user_name:
      description: The user name (what the user signs in with).
      type: str
      returned: always
      sample: alice
    user_id:
      description: The user's id.
      type: str
      returned: always
      sample: 906784d1-3011-70d5-a9b6-9e5b1ccf0c81
    display_name:
      description: The display name.
      type: str
      returned: always
      sample: Alice Martin
    email:
      description: The primary email address, V(null) when none.
      type: str
      returned: always
      sample: alice@example.com
    groups:
      description: Display names of the groups the user is in, sorted.
      type: list
      elements: str
      returned: always
      sample: [Administrators]
groups:
  description: The Identity Store groups, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The display name.
      type: str
      returned: always
      sample: Administrators
    group_id:
      description: The group's id.
      type: str
      returned: always
      sample: 90675d11-a071-7040-5c19-e4b8e0f4e3b2
    description:
      description: The description, V(null) when none.
      type: str
      returned: always
      sample: Full access
    members:
      description: User names of the members, sorted.
      type: list
      elements: str
      returned: always
      sample: [alice]
permission_sets:
  description: The permission sets of the instance, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The name (the C(sso_role_name) of an SSO profile).
      type: str
      returned: always
      sample: AdministratorAccess
    arn:
      description: The ARN.
      type: str
      returned: always
      sample: arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef
    description:
      description: The description, V(null) when none.
      type: str
      returned: always
      sample: Full access
    session_duration:
      description: The session duration (ISO 8601), V(null) when not set.
      type: str
      returned: always
      sample: PT4H
    managed_policies:
      description: Bare names of the AWS managed policies attached, sorted.
      type: list
      elements: str
      returned: always
      sample: [AdministratorAccess]
assignments:
  description: The account assignments of the accounts read, sorted by account, permission set, principal type and name.
  returned: always
  type: list
  elements: dict
  contains:
    account_id:
      description: The account.
      type: str
      returned: always
      sample: "123456789012"
    permission_set:
      description: Name of the permission set.
      type: str
      returned: always
      sample: AdministratorAccess
    principal_type:
      description: USER or GROUP.
      type: str
      returned: always
      sample: GROUP
    principal_name:
      description: The user name or group display name (the id when the principal no longer exists).
      type: str
      returned: always
      sample: Administrators
access:
  description:
    - User name to the (account, permission set) pairs the user may use, assigned directly or through a group, sorted,
      each once. Every user is a key (an empty list when the user has no access).
  returned: always
  type: dict
  sample: {"alice": [{"account_id": "123456789012", "permission_set": "AdministratorAccess"}], "bob": []}
identity_center_snapshot:
  description:
    - The instance, and the ids of the users, groups and permission sets read, for later Identity Center tasks of the
      same run (their O(identity_center_snapshot) option); V(null) when not enabled. Holds no secret.
  returned: always
  type: dict
  sample: {"instance_arn": "arn:aws:sso:::instance/ssoins-1234567890abcdef", "identity_store_id": "d-1234567890",
           "users": {"alice": "906784d1-3011-70d5-a9b6-9e5b1ccf0c81"}, "groups": {}, "permission_sets": {}}
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sts_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import INSTANCE_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import open_identity_center
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import snapshot_result
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_account_id
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import describe_instance
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import known_ids
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import not_enabled
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import read_all
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_read import start_url

ARGUMENT_SPEC = dict(
    INSTANCE_OPTIONS,
    accounts=dict(type='list', elements='str'),
)


def checked_accounts(values):
    """The accounts given, checked, each once (None when not given). Pure."""
    if values is None:
        return None
    if not values:
        raise OptionError('accounts', 'give at least one account, or leave accounts out for this account')
    accounts = []
    for index, value in enumerate(values):
        account = check_account_id('accounts[%d]' % index, value)
        if account not in accounts:
            accounts.append(account)
    return accounts


def run(module):
    accounts, snapshot, sso_admin, store, instance = open_identity_center(module, lambda params: checked_accounts(params['accounts']),
                                                                          required=False)
    region = sso_admin.meta.region_name
    if instance is None:
        return dict(not_enabled(region), changed=False)
    if accounts is None:
        accounts = [(read(sts_client(module), 'GetCallerIdentity') or {}).get('Account')]
    described = describe_instance(read_all(sso_admin, store, instance, accounts, (snapshot or {}).get('read')))
    return dict(described, changed=False, enabled=True, instance_arn=instance['arn'], identity_store_id=instance['identity_store_id'],
                region=region, start_url=start_url(instance['identity_store_id']),
                identity_center_snapshot=snapshot_result(snapshot, instance, **known_ids(described)))


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
