#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_group
short_description: Manage an IAM group, its managed and inline policies
version_added: 1.0.0
description:
  - Creates, updates or removes one IAM group, with the managed policies attached to it and its inline
    policies.
  - Every option is checked against IAM's rules before any API call. The current state is read with
    as few calls as possible, the changes are planned from it, and applied unless in check mode;
    C(--diff) shows the group before and after.
  - Membership is managed from the user's side, with O(awsbootstrap.iam.iam_bootstrap_user#module:groups).
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  name:
    description:
      - Name of the group (1 to 128 letters, digits and C(+=,.@_-)).
    type: str
    required: true
  path:
    description:
      - Path of the group, such as C(/) or C(/admins/). Begins and ends with C(/).
      - When not set, a new group gets C(/) and the path of an existing group is left as it is.
    type: str
  managed_policies:
    description:
      - Managed policies to attach, as ARNs or as names of AWS managed policies (such as
        C(AdministratorAccess), or C(service-role/NAME) for one under a path).
      - A name is looked up directly as C(arn:PARTITION:iam::aws:policy/NAME) in the caller's partition
        (one GetPolicy call, never a listing of all policies); the module fails, before any change,
        naming this option, when a policy to attach does not exist.
      - When not set, attached policies are left as they are.
    type: list
    elements: str
  purge_policies:
    description:
      - Detach the managed policies that are attached but not in O(managed_policies).
      - Only used when O(managed_policies) is set.
    type: bool
    default: false
  inline_policies:
    description:
      - Inline policies of the group, name to policy document (a dict or a JSON string).
      - Documents are compared by meaning, not text (statement order, single values versus lists),
        so a document written differently is not put again.
      - When not set, inline policies are left as they are (and not read).
    type: dict
  purge_inline_policies:
    description:
      - Delete the inline policies that exist but are not in O(inline_policies).
      - Only used when O(inline_policies) is set.
    type: bool
    default: false
  state:
    description:
      - C(present) creates or updates the group.
      - C(absent) detaches its managed policies, deletes its inline policies, removes its members and
        then deletes the group.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
    description: Reports every change that would be made, with the diff, and makes no write call.
  diff_mode:
    support: full
    description: The group (path, members, managed policy ARNs, inline policies) before and after.
notes:
  - API calls on a re-run with nothing to change are GetGroup and, only for the options set,
    ListAttachedGroupPolicies and ListGroupPolicies (plus GetGroupPolicy per inline policy given).
  - Throttling, 5xx answers and IAM's short delay after a create are retried.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_user
  - module: awsbootstrap.iam.iam_bootstrap_identities
    description: The same options for several groups and users in one task, reading the account once.
  - module: amazon.aws.iam_group
"""

EXAMPLES = r"""
- name: Administrators group with the AdministratorAccess policy (the guide's step 4)
  awsbootstrap.iam.iam_bootstrap_group:
    name: Administrators
    managed_policies:
      - AdministratorAccess

- name: PowerUsers group with PowerUserAccess only, any other policy detached
  awsbootstrap.iam.iam_bootstrap_group:
    name: PowerUsers
    managed_policies:
      - arn:aws:iam::aws:policy/PowerUserAccess
    purge_policies: true

- name: A group with an inline policy
  awsbootstrap.iam.iam_bootstrap_group:
    name: Readers
    path: /teams/
    inline_policies:
      read-logs:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: logs:Get*
            Resource: "*"

- name: Remove a group, its policies and memberships
  awsbootstrap.iam.iam_bootstrap_group:
    name: Readers
    state: absent
"""

RETURN = r"""
group:
  description:
    - The group after the run (as it would be, in check mode). Not returned when O(state=absent).
  returned: when O(state=present)
  type: dict
  contains:
    arn:
      description: ARN of the group; V(null) in check mode for a group that would be created.
      type: str
      returned: always
      sample: arn:aws:iam::123456789012:group/Administrators
    group_name:
      description: Name of the group.
      type: str
      returned: always
      sample: Administrators
    group_id:
      description: Stable unique id of the group; V(null) in check mode for a group that would be created.
      type: str
      returned: always
      sample: AGPA1234567890EXAMPLE
    path:
      description: Path of the group.
      type: str
      returned: always
      sample: /
    create_date:
      description: When the group was created (ISO 8601); V(null) in check mode for a group that would be created.
      type: str
      returned: always
      sample: "2024-01-02T03:04:05+00:00"
    managed_policies:
      description: ARNs of the attached managed policies.
      type: list
      elements: str
      returned: when O(managed_policies) is set, or the group is new
      sample: [arn:aws:iam::aws:policy/AdministratorAccess]
    inline_policies:
      description: Names of the inline policies.
      type: list
      elements: str
      returned: when O(inline_policies) is set, or the group is new
      sample: [read-logs]
    members:
      description: Names of the users in the group.
      type: list
      elements: str
      returned: always
      sample: [Administrator]
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import apply_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import GROUP_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import desired_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import prepare_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import read_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import reads_needed

ARGUMENT_SPEC = dict(GROUP_OPTIONS)


def run(module):
    desired = desired_group(module.params)
    client = iam_client(module)
    current = read_group(client, desired['name'], reads_needed(desired))
    desired, plan = prepare_group(client, desired, current)
    return apply_group(module, client, desired, current, plan)


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
