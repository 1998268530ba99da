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
  - awsbootstrap.iam.iam_entries.user
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

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.batch import single_resource_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import USER_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user


def main():
    single_resource_module(USER_OPTIONS, 'users', desired_user)


if __name__ == '__main__':
    main()
