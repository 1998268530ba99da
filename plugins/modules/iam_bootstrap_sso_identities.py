#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_sso_identities
short_description: Manage IAM Identity Center users and groups (the Identity Store) with their members
version_added: 1.1.0
description:
  - Brings a list of IAM Identity Center users and a list of groups, with their members, to their desired
    state in the Identity Store of the account's IAM Identity Center instance.
  - The instance is found with C(ListInstances), never guessed. When the account has none, the module fails
    and says how to enable IAM Identity Center, a manual step in the console (there is no API for it in a
    standalone account).
  - Every option of every entry is checked before any API call, and every check that needs the Identity
    Store (a member exists or is created here, a new user has its names) before the first write. The
    users and groups are read once (C(ListUsers), C(ListGroups)), the changes planned from what was read,
    and applied unless in check mode; C(--diff) shows the users and groups before and after.
  - Changes are applied in this order - users created or updated, groups with their members, groups
    removed, users removed - so a group can get a member the same task creates.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  users:
    description:
      - The users. A user name may be given only once.
    type: list
    elements: dict
    default: []
    suboptions:
      user_name:
        description:
          - The user's sign-in name (1 to 128 characters, no spaces). C(Administrator) and
            C(AWSAdministrators) are reserved by IAM Identity Center.
        type: str
        required: true
      display_name:
        description:
          - The name shown for the user. Required to create a user.
        type: str
      given_name:
        description:
          - The user's given (first) name. Required to create a user.
        type: str
      family_name:
        description:
          - The user's family (last) name. Required to create a user.
        type: str
      email:
        description:
          - The user's primary (work) email address.
        type: str
      state:
        description:
          - C(present) creates or updates the user; attributes not given are left as they are.
          - C(absent) removes the user from its groups and deletes it.
        type: str
        choices: [present, absent]
        default: present
  groups:
    description:
      - The groups. A name may be given only once.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The group's display name, unique in the Identity Store.
        type: str
        required: true
      description:
        description:
          - A description of the group.
        type: str
      members:
        description:
          - User names of the group's members. Each one exists or is created by O(users).
          - When not set, members are left as they are.
        type: list
        elements: str
      purge_members:
        description:
          - Remove the members that are not in O(groups[].members). Only used when O(groups[].members) is set.
        type: bool
        default: false
      state:
        description:
          - C(present) creates or updates the group.
          - C(absent) removes its members and deletes it.
        type: str
        choices: [present, absent]
        default: present
attributes:
  check_mode:
    support: full
    description: Reports every change that would be made, with the diff, and makes no write call.
  diff_mode:
    support: full
    description: The users (names, email) and groups (description, members) that change, before and after.
notes:
  - API calls on a re-run with nothing to change are C(ListInstances), C(ListUsers), C(ListGroups) (one per 100)
    and C(ListGroupMemberships) per group given.
  - Throttling and 5xx answers are retried; a create whose answer was lost is not made twice.
  - Passwords are not set by this module. IAM Identity Center users set their own at first sign-in (the console's
    I(Send an email) or one-time password), or come from an external identity provider.
extends_documentation_fragment:
  - awsbootstrap.iam.identity_center
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_permission_sets
  - module: awsbootstrap.iam.iam_bootstrap_sso_assignments
"""

EXAMPLES = r"""
- name: Identity Center users and the guide's two groups
  awsbootstrap.iam.iam_bootstrap_sso_identities:
    users:
      - user_name: alice
        display_name: Alice Martin
        given_name: Alice
        family_name: Martin
        email: alice@example.com
      - user_name: bob
        display_name: Bob Kim
        given_name: Bob
        family_name: Kim
    groups:
      - name: Administrators
        description: Full access
        members: [alice]
      - name: PowerUsers
        members: [bob]
        purge_members: true

- name: Remove a user who left
  awsbootstrap.iam.iam_bootstrap_sso_identities:
    users:
      - user_name: bob
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
identity_store_id:
  description: Id of the instance's Identity Store.
  returned: always
  type: str
  sample: d-1234567890
users:
  description: One entry per user given, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    user_name:
      description: The user name.
      type: str
      returned: always
      sample: alice
    user_id:
      description: Id of the user; V(null) in check mode for a user that would be created.
      type: str
      returned: when O(users[].state=present)
      sample: 906784d1-3011-70d5-a9b6-9e5b1ccf0c81
    display_name:
      description: The display name.
      type: str
      returned: when O(users[].state=present)
      sample: Alice Martin
    given_name:
      description: The given name.
      type: str
      returned: when O(users[].state=present)
      sample: Alice
    family_name:
      description: The family name.
      type: str
      returned: when O(users[].state=present)
      sample: Martin
    email:
      description: The primary email address.
      type: str
      returned: when O(users[].state=present)
      sample: alice@example.com
    state:
      description: The state asked for.
      type: str
      returned: always
      sample: present
    changed:
      description: Whether this user changed (or would, in check mode).
      type: bool
      returned: always
      sample: true
groups:
  description: One entry per group given, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The group's display name.
      type: str
      returned: always
      sample: Administrators
    group_id:
      description: Id of the group; V(null) in check mode for a group that would be created.
      type: str
      returned: when O(groups[].state=present)
      sample: 90675d11-a071-7040-5c19-e4b8e0f4e3b2
    description:
      description: The description.
      type: str
      returned: when O(groups[].state=present)
      sample: Full access
    members:
      description: User names of the members after the run.
      type: list
      elements: str
      returned: when O(groups[].state=present)
      sample: [alice]
    state:
      description: The state asked for.
      type: str
      returned: always
      sample: present
    changed:
      description: Whether this group changed (or would, in check mode).
      type: bool
      returned: always
      sample: true
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import INSTANCE_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import ICExecutor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import open_identity_center
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import read_handed_on
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import snapshot_result
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import GROUP_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import USER_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import apply_identities
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import check_members
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import check_new_users
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import desired_identities
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import identity_ids
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import identities_read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import known_ids
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import lookup_id
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import plan_identities
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import read_identities

ARGUMENT_SPEC = dict(
    INSTANCE_OPTIONS,
    users=dict(type='list', elements='dict', default=[], options=USER_OPTIONS),
    groups=dict(type='list', elements='dict', default=[], options=GROUP_OPTIONS),
)


def run(module):
    (users, groups), snapshot, sso_admin, store, instance = open_identity_center(module, desired_identities)
    store_id = instance['identity_store_id']
    current = read_identities(store, store_id, groups, users)
    check_new_users(users, current)
    for warning in check_members(groups, users, current, module.check_mode):
        module.warn(warning)
    executor = ICExecutor(sso_admin, store, instance['arn'], lookup=lookup_id(store, store_id))
    executor.ids.update(known_ids(current, users, groups))
    results, diff = apply_identities(executor, plan_identities(store_id, current, users, groups), module.check_mode,
                                     {'users': users, 'groups': groups})
    changed = any(entry['changed'] for entry in results['users'] + results['groups'])
    known = snapshot_result(snapshot, instance, read_handed_on(snapshot, changed, **identities_read(current)),
                            users=identity_ids(current, results, 'users'), groups=identity_ids(current, results, 'groups'))
    return dict(changed=changed, diff=diff, instance_arn=instance['arn'], identity_store_id=store_id, identity_center_snapshot=known, **results)


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
