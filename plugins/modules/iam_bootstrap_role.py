#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_role
short_description: Manage an IAM role, its trust policy and managed policies (such as the CIS 1.17 support role)
version_added: 1.0.0
description:
  - Creates, updates or removes one IAM role with its trust policy, description and attached managed policies.
  - Every option is checked before any API call; the current state is read with two calls, the changes are
    planned from it and applied unless in check mode; C(--diff) shows the role before and after.
  - Without O(assume_role_policy_document), a new role trusts the caller's own account (its principals that an
    IAM policy allows C(sts:AssumeRole)); the trust policy of an existing role is then left as it is.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  name:
    description: Name of the role (1 to 64 letters, digits and C(+=,.@_-)).
    type: str
    required: true
  path:
    description:
      - Path of a new role, such as C(/) or C(/support/). The path of an existing role cannot change.
    type: str
  description:
    description: Description of the role; when not set, it is left as it is.
    type: str
  assume_role_policy_document:
    description:
      - The trust policy, a dict or a JSON string. Compared by meaning, not text.
    type: raw
  managed_policies:
    description:
      - Managed policies to attach, as ARNs or names of AWS managed policies (such as C(AWSSupportAccess)).
      - A policy to attach is looked up first (one GetPolicy); the module fails naming this option when it does not exist.
      - When not set, attached policies are left as they are.
    type: list
    elements: str
  purge_policies:
    description: Detach the managed policies that are attached but not in O(managed_policies).
    type: bool
    default: false
  state:
    description:
      - C(present) creates or updates the role; C(absent) detaches its policies, deletes its inline policies, removes it
        from its instance profiles and deletes it.
    type: str
    choices: [present, absent]
    default: present
  account_snapshot:
    description:
      - What earlier tasks of the same run read of the account (through the C(awsbootstrap.iam.account_snapshot) filter).
        With its C(details), a role they do not list is not read at all, and the attached policies of one they list
        come from them (C(GetRole) is still read for the description).
      - Give what the filter makes of the earlier tasks' results (it keeps only what is still true after their writes).
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Reports every change that would be made, with the diff, and makes no write call.
  diff_mode:
    support: full
    description: The role (path, description, trust policy, managed policy ARNs) before and after.
notes:
  - API calls on a re-run with nothing to change are GetRole and ListAttachedRolePolicies.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_group
  - module: amazon.aws.iam_role
"""

EXAMPLES = r"""
- name: A support role for the account's own principals (CIS 1.17)
  awsbootstrap.iam.iam_bootstrap_role:
    name: AWSSupport
    description: Manage incidents with AWS Support
    assume_role_policy_document:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal:
            AWS: arn:aws:iam::123456789012:root
          Action: sts:AssumeRole
    managed_policies:
      - AWSSupportAccess
    purge_policies: true

- name: Remove it
  awsbootstrap.iam.iam_bootstrap_role:
    name: AWSSupport
    state: absent
"""

RETURN = r"""
role:
  description: The role after the run (as it would be, in check mode). Not returned when O(state=absent).
  returned: when O(state=present)
  type: dict
  contains:
    role_name:
      description: Name of the role.
      type: str
      returned: always
      sample: AWSSupport
    arn:
      description: ARN of the role; V(null) in check mode for a role that would be created.
      type: str
      returned: always
      sample: arn:aws:iam::123456789012:role/AWSSupport
    role_id:
      description: Unique id of the role; V(null) in check mode for a role that would be created.
      type: str
      returned: always
      sample: AROA1234567890EXAMPLE
    path:
      description: Path of the role.
      type: str
      returned: always
      sample: /
    create_date:
      description: When the role was created (ISO 8601); V(null) in check mode for a role that would be created.
      type: str
      returned: always
      sample: "2024-01-02T03:04:05+00:00"
    description:
      description: Description of the role.
      type: str
      returned: always
      sample: Manage incidents with AWS Support
    assume_role_policy_document:
      description: The trust policy.
      type: dict
      returned: always
      sample: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "arn:aws:iam::123456789012:root"}, Action: "sts:AssumeRole"}]}
    managed_policies:
      description: ARNs of the attached managed policies.
      type: list
      elements: str
      returned: always
      sample: [arn:aws:iam::aws:policy/AWSSupportAccess]
account_snapshot:
  description:
    - When this task changed the role and was given O(account_snapshot) with C(details), those details with the role as
      this task left it, and C(written) (the parts its writes changed), for later tasks of the same run; when it changed
      the role without them, only C(written); empty in check mode and when nothing changed. Holds no secret.
  returned: always
  type: dict
  sample: {}
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.role import apply_role
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.role import desired_role
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.role import prepare_role
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import SNAPSHOT_OPTION
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import checked_snapshot
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import handed_on
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import role_after

ARGUMENT_SPEC = dict(
    name=dict(type='str', required=True),
    path=dict(type='str'),
    description=dict(type='str'),
    assume_role_policy_document=dict(type='raw'),
    managed_policies=dict(type='list', elements='str'),
    purge_policies=dict(type='bool', default=False),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
    account_snapshot=SNAPSHOT_OPTION,
)


def run(module):
    desired = desired_role(module.params)
    snapshot = checked_snapshot(module.params['account_snapshot'])
    client = iam_client(module)
    prepared = prepare_role(module, client, desired, snapshot.get('details'), snapshot.get('caller'))
    result = apply_role(module, client, prepared)
    changed = result['changed']
    after = {} if 'details' not in snapshot or not changed else {'details': role_after(snapshot['details'], desired['name'], result.get('role'))}
    result['account_snapshot'] = handed_on(changed, None if module.check_mode else ('details', 'summary'), **after)
    return result


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
