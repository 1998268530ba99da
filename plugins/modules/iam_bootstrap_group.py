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
  - awsbootstrap.iam.iam_entries.group
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

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.batch import single_resource_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import GROUP_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import desired_group


def main():
    single_resource_module(GROUP_OPTIONS, 'groups', desired_group)


if __name__ == '__main__':
    main()
