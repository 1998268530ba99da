#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_sso_assignments
short_description: Manage IAM Identity Center account assignments (a permission set to a user or group on an account)
version_added: 1.1.0
description:
  - Gives (or takes away) a permission set to an Identity Store user or group on an AWS account - this account
    unless told otherwise - for a list of assignments. Users, groups and permission sets are named, not given by id.
  - The instance is found with C(ListInstances), never guessed. When the account has none, the module fails
    and says how to enable IAM Identity Center, a manual step in the console (there is no API for it in a
    standalone account).
  - Every option of every entry is checked before any API call; every permission set and principal named is
    shown to exist before the first write (in check mode a missing one is a warning, since an earlier task
    may create it). The assignments are read (C(ListAccountAssignments) per account and permission set), the
    changes planned and applied unless in check mode; C(--diff) shows the task's assignments before and after.
  - Creating and deleting an assignment are asynchronous in IAM Identity Center; the module waits until each
    request has succeeded, and fails with the service's reason when one failed.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  # Its own text over the identity_center fragment's: here the snapshot also stands for the names it holds.
  identity_center_snapshot:
    description:
      - The RV(identity_center_snapshot) an earlier Identity Center task of the same run returned. Its instance is
        taken instead of calling C(ListInstances) again, and so are the permission sets and users or groups it names
        (when it names every one the assignments need) instead of listing them again.
    type: dict
  account_id:
    description:
      - The account of the assignments that name none. When not set, the account of the credentials in use
        (STS C(GetCallerIdentity)).
    type: str
  assignments:
    description:
      - The assignments. Each (account, permission set, principal) may be given only once.
    type: list
    elements: dict
    default: []
    suboptions:
      permission_set:
        description: Name of the permission set.
        type: str
        required: true
      principal_type:
        description: Whether O(assignments[].principal_name) is a user or a group.
        type: str
        choices: [USER, GROUP]
        default: GROUP
      principal_name:
        description: User name of the user, or display name of the group.
        type: str
        required: true
      account_id:
        description: The account (12 digits); O(account_id) when not set.
        type: str
      state:
        description:
          - C(present) creates the assignment; C(absent) deletes it.
        type: str
        choices: [present, absent]
        default: present
attributes:
  check_mode:
    support: full
    description: Reports every change that would be made, with the diff, and makes no write call.
  diff_mode:
    support: full
    description: The assignments of the task that exist, before and after.
notes:
  - API calls on a re-run with nothing to change are C(ListInstances), C(GetCallerIdentity) (unless every
    account is given), C(ListPermissionSets) with C(DescribePermissionSet) per permission set of the instance,
    C(ListUsers) and/or C(ListGroups) for the principal types used, and C(ListAccountAssignments) per account
    and permission set named.
  - Throttling and 5xx answers are retried.
extends_documentation_fragment:
  - awsbootstrap.iam.identity_center
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_sso_identities
  - module: awsbootstrap.iam.iam_bootstrap_permission_sets
"""

EXAMPLES = r"""
- name: The guide's groups get their permission sets on this account
  awsbootstrap.iam.iam_bootstrap_sso_assignments:
    assignments:
      - permission_set: AdministratorAccess
        principal_name: Administrators
      - permission_set: PowerUserAccess
        principal_name: PowerUsers

- name: One user gets read access on another account, and loses admin there
  awsbootstrap.iam.iam_bootstrap_sso_assignments:
    account_id: "210987654321"
    assignments:
      - permission_set: ReadOnlyAccess
        principal_type: USER
        principal_name: alice
      - permission_set: AdministratorAccess
        principal_type: USER
        principal_name: alice
        state: absent
"""

RETURN = r"""
identity_center_snapshot:
  description:
    - The instance, and the ids of the users, groups and permission sets this task read or made, for later Identity
      Center tasks of the same run (their O(identity_center_snapshot) option). Holds no secret.
    - When this task changed nothing, also C(read) - what it and the earlier tasks of the chain read (users, groups,
      permission sets, assignments), which M(awsbootstrap.iam.iam_bootstrap_sso_info) then does not read again. A task
      that changed something (or would have, in check mode) hands on no C(read).
  returned: always
  type: dict
  sample: {"instance_arn": "arn:aws:sso:::instance/ssoins-1234567890abcdef", "identity_store_id": "d-1234567890",
           "users": {"alice": "906784d1-3011-70d5-a9b6-9e5b1ccf0c81"}, "groups": {}, "permission_sets": {}}
instance_arn:
  description: ARN of the IAM Identity Center instance.
  returned: always
  type: str
  sample: arn:aws:sso:::instance/ssoins-1234567890abcdef
account_id:
  description: The account of the assignments that name none.
  returned: always
  type: str
  sample: "123456789012"
assignments:
  description: One entry per assignment given, in the order given.
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
    permission_set_arn:
      description: ARN of the permission set; V(null) in check mode when an earlier task would create it.
      type: str
      returned: always
      sample: arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef
    principal_type:
      description: USER or GROUP.
      type: str
      returned: always
      sample: GROUP
    principal_name:
      description: The user or group name.
      type: str
      returned: always
      sample: Administrators
    principal_id:
      description: Id of the user or group; V(null) in check mode when an earlier task would create it.
      type: str
      returned: always
      sample: 90675d11-a071-7040-5c19-e4b8e0f4e3b2
    state:
      description: The state asked for.
      type: str
      returned: always
      sample: present
    changed:
      description: Whether this assignment changed (or would, in check mode).
      type: bool
      returned: always
      sample: true
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sts_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import entry_errors
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import INSTANCE_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import ICExecutor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import open_identity_center
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import read_handed_on
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import snapshot_result
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_account_id
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import ASSIGNMENT_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import assignment_result
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import assignments_read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import combined_diff
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import desired_assignments
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import known_names
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import plan_assignment
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import read_assignments
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import read_principals
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import resolve_entries
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import with_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import read_permission_set_names

ARGUMENT_SPEC = dict(
    INSTANCE_OPTIONS,
    account_id=dict(type='str'),
    assignments=dict(type='list', elements='dict', default=[], options=ASSIGNMENT_OPTIONS),
)


def checked_options(params):
    account_id = check_account_id('account_id', params['account_id'])
    return account_id, desired_assignments(params, account_id)


def run(module):
    (account_id, entries), snapshot, sso_admin, store, instance = open_identity_center(module, checked_options)
    if account_id is None and any(entry['account_id'] is None for entry in entries):
        account_id = (read(sts_client(module), 'GetCallerIdentity') or {}).get('Account')
        entries = with_account(entries, account_id)
    permission_sets, principals = known_names(snapshot, entries)
    if permission_sets is None:
        permission_sets = read_permission_set_names(sso_admin, instance['arn']) if entries else {}
    if principals is None:
        principals = read_principals(store, instance['identity_store_id'], entries)
    entries, warnings = resolve_entries(entries, permission_sets, principals, module.check_mode)
    for warning in warnings:
        module.warn(warning)
    current = read_assignments(sso_admin, instance['arn'], entries)
    plans = [plan_assignment(instance['arn'], current, entry) for entry in entries]
    executor = ICExecutor(sso_admin, store, instance['arn'])
    if not module.check_mode:
        for entry, plan in zip(entries, plans):
            with entry_errors(entry['label']):
                executor.run_all(plan.actions)
    results = [assignment_result(entry, plan) for entry, plan in zip(entries, plans)]
    changed = any(plan.changed for plan in plans)
    handed = read_handed_on(snapshot, changed, assignments=assignments_read(current))
    return dict(changed=changed, diff=combined_diff(plans), instance_arn=instance['arn'], account_id=account_id, assignments=results,
                identity_center_snapshot=snapshot_result(snapshot, instance, handed))


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
