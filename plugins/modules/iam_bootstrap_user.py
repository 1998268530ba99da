#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_user
short_description: Manage an IAM user with its groups, console password and access key
version_added: 1.0.0
description:
  - Creates, updates or removes one IAM user, and manages from the user's side what the IAM console's
    "Add user" does - group membership, console access (a login profile) and programmatic access
    (an access key).
  - Every option is checked against IAM's rules before any API call. The current state is read with
    as few calls as possible (no read for what an option left unset does not manage), the changes
    are planned from it and applied unless in check mode; C(--diff) shows the user before and after,
    never a password or secret key.
  - An access key is not made on every run. O(access_key_state=present) keeps the key the holder has and
    makes one only when there is none, when the one in use is gone or inactive, or when it is older
    than O(access_key_max_age_days).
  - A new password (given or generated) and a new secret access key are returned only by the run
    that set or created them. Register the result with C(no_log) and hand it on in the same play.
  - A secret, once created, reaches its holder or is revoked. When the run fails after creating a
    generated password or a key (a later call denied, say), it deletes the login profile and the key it
    made and says so in its message; a re-run makes new ones. The password and key written to
    O(credentials_csv) count as handed over.
  - Runs on the same user at the same time never return a secret IAM does not hold. A run whose
    CreateLoginProfile meets a profile another run just made adopts it (no password returned, a
    warning); a run whose only CreateAccessKey request meets the two-key limit fails naming the other
    run and deletes nothing. After a CreateAccessKey that had to be retried, the keys its lost answers
    made are deleted only when IAM dated them within this run's own requests (and there are no more of
    them than retries); any other unknown key is kept and named in a warning.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  name:
    description:
      - Name of the user (1 to 64 letters, digits and C(+=,.@_-)).
    type: str
    required: true
  path:
    description:
      - Path of the user, such as C(/) or C(/developers/). Begins and ends with C(/).
      - When not set, a new user gets C(/) and the path of an existing user is left as it is.
    type: str
  tags:
    description:
      - Tags of the user, key to value. At most 50; keys of 1 to 128 and values of up to 256
        characters; keys starting with C(aws:) are refused.
      - When not set, tags are left as they are.
    type: dict
  purge_tags:
    description:
      - Remove the tags that are not in O(tags) (never C(aws:) tags). Only used when O(tags) is set.
    type: bool
    default: true
  groups:
    description:
      - Groups the user is in. The groups must exist; each one the user is not in yet is looked up once (C(GetGroup))
        before any write, and a missing one fails the task with nothing changed.
      - When not set, membership is left as it is (and not read).
    type: list
    elements: str
  purge_groups:
    description:
      - Remove the user from the groups that are not in O(groups). Only used when O(groups) is set.
    type: bool
    default: false
  console_access:
    description:
      - V(true) makes sure the user can sign in to the console (has a login profile, with
        O(password) or a generated password); V(false) deletes the login profile.
      - When not set, console access is left as it is (and not read).
    type: bool
  password:
    description:
      - Console password to set when the login profile is created (or on every run with
        O(update_password=always)). It must satisfy the account's password policy (or AWS's default
        policy when the account has none), which is checked before any change.
      - When not set and a login profile is created, a random password that satisfies the policy is
        generated and returned once, in RV(password).
      - Needs O(console_access=true).
    type: str
  password_reset_required:
    description:
      - Whether the user must choose a new password at the first sign-in.
      - Sent with every password this module sets, and only then, so a user who already changed the
        password is not asked again.
    type: bool
    default: true
  update_password:
    description:
      - V(on_create) sets the password only when the login profile is created.
      - V(always) sets O(password) on every run (IAM cannot tell whether it is already that password,
        so the task then always reports a change). Needs O(password).
    type: str
    choices: [on_create, always]
    default: on_create
  access_key_state:
    description:
      - V(present) makes sure the user has an active access key that its holder has (see
        O(access_key_in_use)). IAM allows two keys per user; when a new key is needed and both slots
        are taken, an inactive key is deleted first, then a key that was never used and is not the
        one in use; if neither exists, the module fails and lists the keys, deleting none.
      - V(absent) deletes every access key of the user.
      - When not set, access keys are left as they are (and not read).
      - Not called C(access_key), which every amazon.aws-based module uses for the AWS credentials
        it connects with.
    type: str
    choices: [present, absent]
  access_key_in_use:
    description:
      - Id of the key the holder already has (for example read from the workstation with
        M(awsbootstrap.iam.aws_cli_profile_info)). If it is an active key of the user, it is kept;
        if it was deleted or is inactive, a new key is made.
      - An empty string means the holder has no key (for example its credentials file was lost, or a
        rotation is forced), so a new key is made and the existing ones are kept until
        O(retire_other_access_keys) deletes them.
      - When not set, an existing active key (the newest) is taken to be the one in use.
      - Needs O(access_key_state=present).
    type: str
  access_key_max_age_days:
    description:
      - Make a new key when the key in use is older than this many days (the first half of a
        rotation). The old key stays active until O(retire_other_access_keys) deletes it.
      - Needs O(access_key_state=present).
    type: int
  retire_other_access_keys:
    description:
      - Delete every key of the user except the one in use (and one made by this run), the second
        half of a rotation, once the new key is deployed.
      - Needs O(access_key_state=present) and O(access_key_in_use). When O(access_key_in_use) is not an
        active key of the user, the run is refused before any change, since retiring around it would delete
        the keys there are and make one whose holder is unknown.
    type: bool
    default: false
  credentials_csv:
    description:
      - Path on the controller of a file to write, in the IAM console's format
        (C(User name,Password,Access key ID,Secret access key,Console login link)), when this run sets a
        password or creates a key. Values not created by the run are kept from the user's existing row.
      - Written atomically with mode C(0600) (a temp file beside it, then renamed); a temp file that a
        killed earlier write left there is deleted. A file that holds another IAM user's row, belongs to
        another OS user, or is not such a CSV is refused before any change.
      - Needs O(console_access=true) or O(access_key_state=present).
    type: path
  state:
    description:
      - C(present) creates or updates the user.
      - C(absent) removes, in this order, the login profile, access keys, MFA devices (deactivated,
        virtual ones then deleted), SSH public keys, service-specific credentials, signing
        certificates, group memberships, attached and inline policies, then the user. Other options
        are then ignored.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
    description: Reports every change that would be made, with the diff, and makes no write call.
  diff_mode:
    support: full
    description: Path, tags, groups, console access and access key ids before and after; never a secret.
notes:
  - API calls on a re-run with nothing to change are GetUser and, only for the options set,
    ListGroupsForUser, GetLoginProfile and ListAccessKeys.
  - Throttling, 5xx answers and IAM's short delay after a create (C(NoSuchEntity),
    C(EntityTemporarilyUnmodifiable)) are retried; a create whose first attempt took effect before
    its answer was lost is not an error.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_group
  - module: awsbootstrap.iam.iam_bootstrap_identities
    description: The same options for several groups and users in one task, reading the account once.
  - module: awsbootstrap.iam.aws_cli_profile
  - module: amazon.aws.iam_user
  - module: amazon.aws.iam_access_key
"""

EXAMPLES = r"""
- name: Administrator with console access, reset at first sign-in (the guide's step 3)
  awsbootstrap.iam.iam_bootstrap_user:
    name: Administrator
    groups: [Administrators]
    console_access: true
    password: "{{ administrator_password }}"
  no_log: true

- name: PowerUser with one access key (the guide's step 7)
  awsbootstrap.iam.iam_bootstrap_user:
    name: PowerUser
    groups: [PowerUsers]
    access_key_state: present
  register: power_user
  no_log: true

- name: Rotate a developer's key, first half - a new key when the one in use is older than 90 days
  awsbootstrap.iam.iam_bootstrap_user:
    name: alice
    access_key_state: present
    access_key_in_use: "{{ workstation_profile.access_key_id }}"
    access_key_max_age_days: 90
  register: alice_key
  no_log: true

- name: Rotate, second half - once the new key is deployed, delete the others
  awsbootstrap.iam.iam_bootstrap_user:
    name: alice
    access_key_state: present
    access_key_in_use: "{{ deployed_key_id }}"
    retire_other_access_keys: true

- name: A generated console password, kept in a console-format CSV on the controller
  awsbootstrap.iam.iam_bootstrap_user:
    name: bob
    console_access: true
    credentials_csv: /root/bob_credentials.csv
  no_log: true

- name: Remove a user and everything attached to it
  awsbootstrap.iam.iam_bootstrap_user:
    name: bob
    state: absent
"""

RETURN = r"""
user:
  description: The user after the run (as it would be, in check mode).
  returned: when O(state=present)
  type: dict
  contains:
    arn:
      description: ARN of the user; V(null) in check mode for a user that would be created.
      type: str
      returned: always
      sample: arn:aws:iam::123456789012:user/Administrator
    user_name:
      description: Name of the user.
      type: str
      returned: always
      sample: Administrator
    user_id:
      description: Stable unique id of the user; V(null) in check mode for a user that would be created.
      type: str
      returned: always
      sample: AIDA1234567890EXAMPLE
    path:
      description: Path of the user.
      type: str
      returned: always
      sample: /
    create_date:
      description: When the user was created (ISO 8601); V(null) in check mode for a user that would be created.
      type: str
      returned: always
      sample: "2024-01-02T03:04:05+00:00"
    tags:
      description: Tags of the user.
      type: dict
      returned: always
      sample: {team: platform}
    groups:
      description: Names of the groups the user is in.
      type: list
      elements: str
      returned: when O(groups) is set, or the user is new
      sample: [Administrators]
console_access:
  description: Whether the user has a console password (login profile); V(null) when O(console_access) is not set on an existing user (not read).
  returned: when O(state=present)
  type: bool
  sample: true
password:
  description: The console password set by this run (the generated one when O(password) was not given).
  returned: when this run set a password (not in check mode)
  type: str
  sample: "k3R!x9...(24 characters)"
access_keys:
  description: The user's access keys after the run, oldest first.
  returned: when O(access_key_state) is set, or the user is new
  type: list
  elements: dict
  contains:
    access_key_id:
      description: Id of the key; V(null) for a key that would be created, in check mode.
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
    in_use:
      description: Whether this is the key the holder has (or should have) after the run.
      type: bool
      sample: true
access_key_id:
  description:
    - The key the holder should have after the run - the kept key, or the one this run created.
    - V(null) when no key is managed, or in check mode when a key would be created.
  returned: when O(state=present)
  type: str
  sample: AKIAIOSFODNN7EXAMPLE
secret_access_key:
  description: Secret of the key created by this run. Not retrievable later.
  returned: when this run created a key (not in check mode)
  type: str
  sample: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
access_key_created:
  description: Whether this run created (or, in check mode, would create) an access key.
  returned: when O(state=present)
  type: bool
  sample: false
deleted_access_keys:
  description: Ids of the access keys this run deleted (or would delete).
  returned: when O(state=present)
  type: list
  elements: str
  sample: [AKIAI44QH8DHBEXAMPLE]
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import read_password_policy
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import USER_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import read_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import apply_removal
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import apply_user_run
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import check_groups_exist
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import prepare_removal
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import prepare_user

ARGUMENT_SPEC = dict(USER_OPTIONS)


def run(module):
    desired = desired_user(module.params)
    client = iam_client(module)
    if desired['state'] == 'absent':
        return apply_removal(module, client, prepare_removal(module, client, desired))
    current = read_user(client, desired)
    check_groups_exist(client, desired, current, warn=module.warn if module.check_mode else None)
    return apply_user_run(module, client, prepare_user(client, desired, current, lambda: read_password_policy(client)))


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
