#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_permission_sets
short_description: Manage IAM Identity Center permission sets and their policies
version_added: 1.1.0
description:
  - Brings a list of permission sets of the account's IAM Identity Center instance to their desired state
    - description, session duration, relay state, AWS managed policies, customer managed policy references
    and an inline policy.
  - The instance is found with C(ListInstances), never guessed. When the account has none, the module fails
    and says how to enable IAM Identity Center, a manual step in the console (there is no API for it in a
    standalone account).
  - Every option of every entry is checked before any API call; every AWS managed policy to attach is shown to
    exist (IAM C(GetPolicy)) before the first write. The changes are planned from what was read and applied
    unless in check mode; C(--diff) shows each permission set before and after.
  - A permission set that changed and is provisioned to accounts is provisioned to them again
    (C(ProvisionPermissionSet) to C(ALL_PROVISIONED_ACCOUNTS)), and the module waits until that is done.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  permission_sets:
    description:
      - The permission sets. A name may be given only once.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - Name of the permission set (1 to 32 letters, digits and C(+=,.@_-)); it is also the name of the IAM
            role Identity Center makes in each account, and of the role in an SSO profile.
        type: str
        required: true
      description:
        description:
          - Description (1 to 700 characters). When not set, it is left as it is.
        type: str
      session_duration:
        description:
          - How long a session lasts, as an ISO-8601 duration between C(PT1H) and C(PT12H) (such as C(PT8H)).
            Compared by length, so C(PT60M) equals C(PT1H). When not set, it is left as it is (a new permission
            set gets the service's default, one hour).
        type: str
      relay_state:
        description:
          - URL the console opens after sign-in. When not set, it is left as it is.
        type: str
      managed_policies:
        description:
          - AWS managed policies to attach, by bare name (C(AdministratorAccess), becoming
            C(arn:PARTITION:iam::aws:policy/AdministratorAccess) in the instance's partition) or by ARN.
          - When not set, attached AWS managed policies are left as they are.
        type: list
        elements: str
      customer_managed_policies:
        description:
          - References to customer managed policies, which must exist with this name and path in each account the
            permission set is provisioned to. When not set, they are left as they are.
        type: list
        elements: dict
        suboptions:
          name:
            description: Name of the policy.
            type: str
            required: true
          path:
            description: Path of the policy.
            type: str
            default: /
      purge_policies:
        description:
          - Detach the AWS managed policies not in O(permission_sets[].managed_policies) and the customer managed
            policy references not in O(permission_sets[].customer_managed_policies); each only when that option is set.
        type: bool
        default: false
      inline_policy:
        description:
          - The inline policy, a policy document (a dict or a JSON string), compared by meaning, not text.
          - An empty string removes the inline policy. When not set, it is left as it is (and not read).
        type: raw
      state:
        description:
          - C(present) creates or updates the permission set.
          - C(absent) detaches its policies and deletes it. Its account assignments must be removed first
            (M(awsbootstrap.iam.iam_bootstrap_sso_assignments)).
        type: str
        choices: [present, absent]
        default: present
attributes:
  check_mode:
    support: full
    description: Reports every change that would be made, with the diff, and makes no write call.
  diff_mode:
    support: full
    description: Each permission set that changes (settings, policies, inline policy) before and after.
notes:
  - API calls on a re-run with nothing to change are C(ListInstances), C(ListPermissionSets), C(DescribePermissionSet)
    per permission set of the instance, and per entry only the policy lists its options need
    (C(ListManagedPoliciesInPermissionSet), C(ListCustomerManagedPolicyReferencesInPermissionSet),
    C(GetInlinePolicyForPermissionSet)).
  - Throttling and 5xx answers are retried, and so is Identity Center's short delay after a create.
extends_documentation_fragment:
  - awsbootstrap.iam.identity_center
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_sso_identities
  - module: awsbootstrap.iam.iam_bootstrap_sso_assignments
"""

EXAMPLES = r"""
- name: The guide's two permission sets
  awsbootstrap.iam.iam_bootstrap_permission_sets:
    permission_sets:
      - name: AdministratorAccess
        description: Full access
        session_duration: PT4H
        managed_policies: [AdministratorAccess]
      - name: PowerUserAccess
        session_duration: PT8H
        managed_policies: [PowerUserAccess]
        purge_policies: true

- name: A permission set with a customer managed policy and an inline policy
  awsbootstrap.iam.iam_bootstrap_permission_sets:
    permission_sets:
      - name: DataReaders
        relay_state: https://console.aws.amazon.com/s3/home
        customer_managed_policies:
          - name: data-read
            path: /teams/
        inline_policy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: logs:Get*
              Resource: "*"

- name: Remove a permission set (its assignments removed before)
  awsbootstrap.iam.iam_bootstrap_permission_sets:
    permission_sets:
      - name: DataReaders
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
permission_sets:
  description: One entry per permission set given, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the permission set.
      type: str
      returned: always
      sample: AdministratorAccess
    arn:
      description: ARN of the permission set; V(null) in check mode for one that would be created.
      type: str
      returned: when O(permission_sets[].state=present)
      sample: arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef
    description:
      description: The description.
      type: str
      returned: when O(permission_sets[].state=present)
      sample: Full access
    session_duration:
      description: The session duration.
      type: str
      returned: when O(permission_sets[].state=present)
      sample: PT4H
    relay_state:
      description: The relay state.
      type: str
      returned: when O(permission_sets[].state=present)
      sample: https://console.aws.amazon.com/s3/home
    managed_policies:
      description: ARNs of the attached AWS managed policies.
      type: list
      elements: str
      returned: when O(permission_sets[].managed_policies) is set
      sample: [arn:aws:iam::aws:policy/AdministratorAccess]
    customer_managed_policies:
      description: The customer managed policy references, as PATH + NAME.
      type: list
      elements: str
      returned: when O(permission_sets[].customer_managed_policies) is set
      sample: [/teams/data-read]
    inline_policy:
      description: Whether the permission set has an inline policy.
      type: bool
      returned: when O(permission_sets[].inline_policy) is set
      sample: true
    provisioned:
      description: Whether the permission set was provisioned again to its accounts (or would be, in check mode).
      type: bool
      returned: when O(permission_sets[].state=present)
      sample: false
    state:
      description: The state asked for.
      type: str
      returned: always
      sample: present
    changed:
      description: Whether this permission set changed (or would, in check mode).
      type: bool
      returned: always
      sample: true
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import entry_errors
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import INSTANCE_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import ICExecutor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import open_identity_center
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import read_handed_on
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import snapshot_result
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import PERMISSION_SET_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import desired_permission_sets
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import permission_set_result
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import permission_sets_read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import prepare_permission_sets

ARGUMENT_SPEC = dict(
    INSTANCE_OPTIONS,
    permission_sets=dict(type='list', elements='dict', default=[], options=PERMISSION_SET_OPTIONS),
)


def run(module):
    entries, snapshot, sso_admin, store, instance = open_identity_center(module, desired_permission_sets)
    names, prepared = prepare_permission_sets(sso_admin, iam_client(module), instance, entries)
    executor = ICExecutor(sso_admin, store, instance['arn'])
    results = []
    diff = {'before': {'permission_sets': {}}, 'after': {'permission_sets': {}}}
    for desired, current, plan in prepared:
        if plan.changed:
            if not module.check_mode:
                with entry_errors(desired['label']):
                    executor.run_all(plan.actions)
            diff['before']['permission_sets'][desired['name']] = plan.before
            diff['after']['permission_sets'][desired['name']] = plan.after
        results.append(permission_set_result(desired, current, plan, executor.ids))
    changed = any(entry['changed'] for entry in results)
    arns = dict((found['name'], found['arn']) for found in names.values())
    arns.update((entry['name'], entry.get('arn')) for entry in results)
    handed = read_handed_on(snapshot, changed, permission_sets=permission_sets_read(names, prepared))
    return dict(changed=changed, diff=diff, instance_arn=instance['arn'], permission_sets=results,
                identity_center_snapshot=snapshot_result(snapshot, instance, handed, permission_sets=arns))


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
