#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_identities
short_description: Manage several IAM groups and users in one task, reading the account once
version_added: 1.0.0
description:
  - Brings a list of IAM groups and a list of IAM users to their desired state in one task. Each entry
    takes the options of M(awsbootstrap.iam.iam_bootstrap_group) or M(awsbootstrap.iam.iam_bootstrap_user)
    and means exactly what it means there.
  - The account's users and groups are read once, with GetAccountAuthorizationDetails (one call per
    1000 of them), instead of two or three reads per entry. Only what that call does not return is read
    per entry (login profile, access keys, and for a user being removed its credentials).
  - Every entry is checked, and every check that needs IAM (managed policies exist, a password meets the
    account's policy, the two-key limit, groups to join exist or are created here) is made, before the
    first write. The changes are then applied in this order - created or updated groups, users, removed
    users, removed groups - so a user can join a group made by the same task.
  - A secret, once created, reaches its holder or is revoked. When an entry fails after earlier entries
    created passwords or access keys, the task deletes those it could not hand over (the ones not written
    to their O(users[].credentials_csv)) and says so in its message; a re-run makes new ones.
  - Use it for a known set of groups and users, such as an account's bootstrap. The single-entry modules
    read only their own entry and suit large accounts and per-host loops better.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  account_snapshot:
    description:
      - What earlier tasks of the same run read of the account (the RV(awsbootstrap.iam.iam_bootstrap_account#module:account_snapshot),
        through the C(awsbootstrap.iam.account_snapshot) filter). Its C(details), C(password_policy) and C(aliases) are not read
        again, nor is C(caller) asked from STS.
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Reports every change that would be made, with the diff, and makes no write call.
  diff_mode:
    support: full
    description: Before and after of every group and user that changes; never a secret.
notes:
  - API calls on a re-run with nothing to change are one GetAccountAuthorizationDetails (per 1000 users
    and groups in the account), and GetLoginProfile / ListAccessKeys for the users whose
    O(users[].console_access) / O(users[].access_key_state) is set.
  - A managed policy to attach is looked up once (GetPolicy), whatever the number of groups it is given for; the
    groups users join are checked against the account read (or O(groups)), with no GetGroup.
  - Besides the permissions of the single-entry modules, the caller needs
    C(iam:GetAccountAuthorizationDetails) (AdministratorAccess and the root user have it).
  - The sign-in URL is made from the account id found in the users' and groups' ARNs; only when there
    is none (check mode on an empty account) is it asked from STS (GetCallerIdentity).
  - A failure while applying stops the task; what was applied stays, and the next run carries on from
    there.
  - Throttling, 5xx answers and IAM's short delay after a create are retried.
extends_documentation_fragment:
  - awsbootstrap.iam.iam_entries.groups
  - awsbootstrap.iam.iam_entries.users
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_group
  - module: awsbootstrap.iam.iam_bootstrap_user
  - module: awsbootstrap.iam.iam_bootstrap_account
"""

EXAMPLES = r"""
- name: The guide's groups and users in one task (steps 3 to 7)
  awsbootstrap.iam.iam_bootstrap_identities:
    groups:
      - name: Administrators
        managed_policies: [AdministratorAccess]
      - name: PowerUsers
        managed_policies: [PowerUserAccess]
    users:
      - name: Administrator
        groups: [Administrators]
        console_access: true
        password: "{{ administrator_password }}"
      - name: PowerUser
        groups: [PowerUsers]
        access_key_state: present
  register: identities
  no_log: true

- name: Where to sign in, and the new PowerUser key id
  ansible.builtin.debug:
    msg: "{{ identities.sign_in_url }} {{ identities.users[1].access_key_id }}"

- name: Remove a user and a group in one task
  awsbootstrap.iam.iam_bootstrap_identities:
    groups:
      - name: Contractors
        state: absent
    users:
      - name: temp-contractor
        state: absent
"""

RETURN = r"""
groups:
  description:
    - One entry per O(groups) entry, in the same order, with what M(awsbootstrap.iam.iam_bootstrap_group)
      returns for it.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the group.
      type: str
      sample: Administrators
    state:
      description: The state asked for.
      type: str
      sample: present
    changed:
      description: Whether this group changed (or would).
      type: bool
      sample: true
    group:
      description: The group after the run, as M(awsbootstrap.iam.iam_bootstrap_group) returns it (RV(awsbootstrap.iam.iam_bootstrap_group#module:group)).
      type: dict
      returned: when its O(groups[].state=present)
      sample: {arn: "arn:aws:iam::123456789012:group/Administrators", group_name: Administrators, group_id: AGPA1234567890EXAMPLE,
               path: /, create_date: "2024-01-02T03:04:05+00:00", managed_policies: [arn:aws:iam::aws:policy/AdministratorAccess],
               inline_policies: [], members: [Administrator]}
users:
  description:
    - One entry per O(users) entry, in the same order, with what M(awsbootstrap.iam.iam_bootstrap_user)
      returns for it (for O(users[].state=present) - C(user), C(console_access), C(access_keys),
      C(access_key_id), C(access_key_created), C(deleted_access_keys), and the new C(password) and
      C(secret_access_key) only in the run that created them).
    - "It holds secrets in that run: register it in a task with C(no_log: true)."
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the user.
      type: str
      sample: PowerUser
    state:
      description: The state asked for.
      type: str
      sample: present
    changed:
      description: Whether this user changed (or would).
      type: bool
      sample: true
    user:
      description: The user after the run (RV(awsbootstrap.iam.iam_bootstrap_user#module:user)).
      type: dict
      returned: when its O(users[].state=present)
      sample: {arn: "arn:aws:iam::123456789012:user/PowerUser", user_name: PowerUser, user_id: AIDA1234567890EXAMPLE,
               path: /, create_date: "2024-01-02T03:04:05+00:00", tags: {}, groups: [PowerUsers]}
    console_access:
      description: Whether the user has a login profile; V(null) when not managed on an existing user.
      type: bool
      returned: when its O(users[].state=present)
      sample: false
    access_keys:
      description: The user's access keys after the run, as RV(awsbootstrap.iam.iam_bootstrap_user#module:access_keys).
      type: list
      elements: dict
      returned: when its O(users[].access_key_state) is set, or the user is new
      sample: [{access_key_id: AKIAIOSFODNN7EXAMPLE, status: Active, create_date: "2024-01-02T03:04:05+00:00", in_use: true}]
    access_key_id:
      description: The key the holder should have after the run.
      type: str
      returned: when its O(users[].state=present)
      sample: AKIAIOSFODNN7EXAMPLE
    access_key_created:
      description: Whether this run created (or would create) a key for the user.
      type: bool
      returned: when its O(users[].state=present)
      sample: true
    deleted_access_keys:
      description: Ids of the keys this run deleted (or would delete).
      type: list
      elements: str
      returned: when its O(users[].state=present)
      sample: []
    password:
      description: The console password this run set.
      type: str
      returned: when this run set a password (not in check mode)
      sample: "k3R!x9...(24 characters)"
    secret_access_key:
      description: Secret of the key this run created. Not retrievable later.
      type: str
      returned: when this run created a key (not in check mode)
      sample: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
account_id:
  description: Id of the account; V(null) only when it could not be found.
  returned: always
  type: str
  sample: "123456789012"
sign_in_url:
  description: The console sign-in URL of the account, by account id, in the account's partition.
  returned: always
  type: str
  sample: https://123456789012.signin.aws.amazon.com/console
account_snapshot:
  description:
    - What this task read of the account (C(GetAccountAuthorizationDetails) for users, groups, roles and the
      account's own policies; the access keys of the users whose keys it listed), for later tasks of the same run to take instead of reading it again
      (O(awsbootstrap.iam.iam_bootstrap_fleet#module:account_snapshot), O(awsbootstrap.iam.iam_bootstrap_info#module:account_snapshot)).
    - When this task changed something, the account as its writes left it (users and groups as they are after the task, the
      access keys of the users it listed or created, the users it created in C(new_users)) and C(written), the parts its
      writes changed; empty in check mode. Holds no secret.
  returned: always
  type: dict
  sample: {}
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import GROUP_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import run_identities
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import SNAPSHOT_OPTION
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import USER_OPTIONS

ARGUMENT_SPEC = dict(
    groups=dict(type='list', elements='dict', default=[], options=GROUP_OPTIONS),
    users=dict(type='list', elements='dict', default=[], options=USER_OPTIONS),
    account_snapshot=SNAPSHOT_OPTION,
)


def main():
    run_iam_module(ARGUMENT_SPEC, run_identities)


if __name__ == '__main__':
    main()
