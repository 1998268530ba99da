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
    and means exactly what it means there; this page lists them briefly.
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
  groups:
    description:
      - The groups, each with the options of M(awsbootstrap.iam.iam_bootstrap_group). A name may be
        given only once.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the group.
        type: str
        required: true
      path:
        description: Path of the group (C(/) for a new group when not set).
        type: str
      managed_policies:
        description:
          - Managed policies to attach, as ARNs or names of AWS managed policies. Each one not attached
            yet is looked up once (GetPolicy), whatever the number of groups it is given for.
        type: list
        elements: str
      purge_policies:
        description: Detach the managed policies not in O(groups[].managed_policies).
        type: bool
        default: false
      inline_policies:
        description: Inline policies, name to document (dict or JSON string), compared by meaning.
        type: dict
      purge_inline_policies:
        description: Delete the inline policies not in O(groups[].inline_policies).
        type: bool
        default: false
      state:
        description: V(absent) detaches the policies, deletes the inline ones, removes the members, then deletes the group.
        type: str
        choices: [present, absent]
        default: present
  users:
    description:
      - The users, each with the options of M(awsbootstrap.iam.iam_bootstrap_user). A name may be
        given only once.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the user.
        type: str
        required: true
      path:
        description: Path of the user (C(/) for a new user when not set).
        type: str
      tags:
        description: Tags of the user; left as they are when not set.
        type: dict
      purge_tags:
        description: Remove the tags not in O(users[].tags).
        type: bool
        default: true
      groups:
        description: Groups the user is in. Each must exist or be created by O(groups) in the same task.
        type: list
        elements: str
      purge_groups:
        description: Remove the user from the groups not in O(users[].groups).
        type: bool
        default: false
      console_access:
        description: V(true) makes sure the user has a login profile, V(false) deletes it; unmanaged when not set.
        type: bool
      password:
        description:
          - Console password set when the login profile is created (or every run with O(users[].update_password=always)).
          - When not set, a password satisfying the account's policy is generated and returned once.
        type: str
      password_reset_required:
        description: Whether the user must choose a new password at the first sign-in.
        type: bool
        default: true
      update_password:
        description: V(on_create) sets the password only with a new login profile, V(always) on every run.
        type: str
        choices: [on_create, always]
        default: on_create
      access_key_state:
        description: V(present) - one active key that its holder has; V(absent) - no access key.
        type: str
        choices: [present, absent]
      access_key_in_use:
        description: Id of the key the holder has; an empty string means the holder has none.
        type: str
      access_key_max_age_days:
        description: Make a new key when the one in use is older than this many days.
        type: int
      retire_other_access_keys:
        description: Delete every key but the one in use (and one made by this run).
        type: bool
        default: false
      credentials_csv:
        description: Controller path of a console-format CSV to write a new password or key to (mode C(0600)).
        type: path
      state:
        description: V(absent) removes the user and everything attached to it, in the order M(awsbootstrap.iam.iam_bootstrap_user) documents.
        type: str
        choices: [present, absent]
        default: present
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
  - Besides the permissions of the single-entry modules, the caller needs
    C(iam:GetAccountAuthorizationDetails) (AdministratorAccess and the root user have it).
  - The sign-in URL is made from the account id found in the users' and groups' ARNs; only when there
    is none (check mode on an empty account) is it asked from STS (GetCallerIdentity).
  - A failure while applying stops the task; what was applied stays, and the next run carries on from
    there.
  - Throttling, 5xx answers and IAM's short delay after a create are retried.
extends_documentation_fragment:
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

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sts_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import known_views
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import GROUP_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import apply_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import prepare_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import account_facts
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import account_from_arns
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import application_order
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import check_group_references
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import combined_diff
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import desired_identities
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import entry_errors
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import known
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import read_identities
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import result_arns
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import settle_memberships
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import snapshot_from_details
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import password_policy_reader
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import SNAPSHOT_OPTION
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import checked_snapshot
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import handed_on
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import identities_after
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import USER_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import read_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import account_alias_reader
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import apply_removal
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import apply_user_run
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import prepare_removal
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import prepare_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_removal import plan_user_removal

ARGUMENT_SPEC = dict(
    groups=dict(type='list', elements='dict', default=[], options=GROUP_OPTIONS),
    users=dict(type='list', elements='dict', default=[], options=USER_OPTIONS),
    account_snapshot=SNAPSHOT_OPTION,
)


def prepare(module, client, groups, users, snapshot, given=None):
    """Every entry's plan, and every check that needs IAM, before the first write."""
    prepared = {'groups': [], 'users': []}
    verified = set()
    for desired in groups:
        with entry_errors(desired['label']):
            current = known(snapshot, 'groups', desired['name'])
            resolved, plan = prepare_group(client, desired, current, verified)
        prepared['groups'].append((resolved, current, plan))
    password_policy = password_policy_reader(client, given or {})
    for desired in users:
        with entry_errors(desired['label']):
            if desired['state'] == 'absent':
                # A user the account does not have needs no removal reads.
                found = known(snapshot, 'users', desired['name']) is not None
                prepared['users'].append(prepare_removal(module, client, desired) if found else plan_user_removal(None))
            else:
                current = read_user(client, desired, known(snapshot, 'users', desired['name']))
                prepared['users'].append(prepare_user(client, desired, current, password_policy))
    return prepared


def apply_entry(module, client, executor, account_alias, option, desired, prepared):
    if option == 'groups':
        resolved, current, plan = prepared
        return apply_group(module, client, resolved, current, plan, executor)
    if desired['state'] == 'absent':
        return apply_removal(module, client, prepared, executor)
    return apply_user_run(module, client, prepared, executor, account_alias)


def run(module):
    groups, users = desired_identities(module.params)
    given = checked_snapshot(module.params['account_snapshot'])
    client = iam_client(module)
    details = given['details'] if 'details' in given else read_identities(client)
    snapshot = snapshot_from_details(details)
    check_group_references(groups, users, snapshot)
    entries = {'groups': groups, 'users': users}
    prepared = prepare(module, client, groups, users, snapshot, given)
    results = {'groups': [None] * len(groups), 'users': [None] * len(users)}
    executor = Executor(client)
    account_alias = account_alias_reader(client, given.get('aliases'))
    for option, index in application_order(groups, users):
        desired = entries[option][index]
        with entry_errors(desired['label']):
            outcome = apply_entry(module, client, executor, account_alias, option, desired, prepared[option][index])
        results[option][index] = dict(outcome, name=desired['name'], state=desired['state'])
    settle_memberships(results)
    diff = combined_diff(results)
    partition, account_id = account_from_arns(result_arns(snapshot, results))
    if account_id is None:
        caller = given.get('caller') or read(sts_client(module), 'GetCallerIdentity') or {}
        partition, account_id = account_from_arns([caller.get('Arn')])
    changed = any(entry['changed'] for entry in results['groups'] + results['users'])
    result = dict(changed=changed, diff=diff, account_snapshot=account_after(module, snapshot, details, results, diff), **results)
    result.update(account_facts(partition, account_id))
    return result


def account_after(module, snapshot, details, results, diff):
    """The account as this task left it (as read when it changed nothing; nothing in check mode when it would have)."""
    changed = any(entry['changed'] for entry in results['groups'] + results['users'])
    if changed and module.check_mode:
        return handed_on(changed)
    created = [user['name'] for user in results['users'] if user['state'] == 'present' and known(snapshot, 'users', user['name']) is None]
    return handed_on(changed, ('details', 'access_keys', 'summary'), created, access_keys=known_views(results['users']),
                     details=identities_after(details, results, diff) if changed else details)


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
