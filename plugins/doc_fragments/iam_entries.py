# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of one IAM group and of one IAM user, in the two places they are documented: the options of iam_bootstrap_group and
iam_bootstrap_user (fragments ``iam_entries.group`` / ``iam_entries.user``), and the suboptions of each
O(groups) / O(users) entry of iam_bootstrap_identities (``iam_entries.groups`` / ``iam_entries.users``).
The two forms say the same: tests/unit/plugins/doc_fragments/test_iam_entries.py holds them to it. They are
written out (not built from one text at import) because ansible-test's yamllint reads a fragment's class body
as plain strings."""

from __future__ import annotations


class ModuleDocFragment:
    """The options of one IAM group and of one IAM user, for the single-resource modules and the batch."""

    GROUP = r"""
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
"""

    USER = r"""
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
      - Groups the user is in. The groups must exist (or, in M(awsbootstrap.iam.iam_bootstrap_identities), be created by
        the same task); each one the user is not in yet is looked up once (C(GetGroup), or in the batch's one account read)
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
      - V(inactive) deactivates every active access key of the user (C(UpdateAccessKey) to C(Inactive)) and deletes
        none, as the move to IAM Identity Center does once the holder signs in through SSO.
      - When not set, access keys are left as they are (and not read).
      - Not called C(access_key), which every amazon.aws-based module uses for the AWS credentials
        it connects with.
    type: str
    choices: [present, absent, inactive]
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
"""

    GROUPS = r"""
options:
  groups:
    description:
      - The groups, each with the options of M(awsbootstrap.iam.iam_bootstrap_group), which mean exactly what they mean there.
        A name may be given only once.
    type: list
    elements: dict
    default: []
    suboptions:
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
          - Detach the managed policies that are attached but not in O(groups[].managed_policies).
          - Only used when O(groups[].managed_policies) is set.
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
          - Delete the inline policies that exist but are not in O(groups[].inline_policies).
          - Only used when O(groups[].inline_policies) is set.
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
"""

    USERS = r"""
options:
  users:
    description:
      - The users, each with the options of M(awsbootstrap.iam.iam_bootstrap_user), which mean exactly what they mean there.
        A name may be given only once.
    type: list
    elements: dict
    default: []
    suboptions:
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
          - Remove the tags that are not in O(users[].tags) (never C(aws:) tags). Only used when O(users[].tags) is set.
        type: bool
        default: true
      groups:
        description:
          - Groups the user is in. The groups must exist (or, in M(awsbootstrap.iam.iam_bootstrap_identities), be created by
            the same task); each one the user is not in yet is looked up once (C(GetGroup), or in the batch's one account read)
            before any write, and a missing one fails the task with nothing changed.
          - When not set, membership is left as it is (and not read).
        type: list
        elements: str
      purge_groups:
        description:
          - Remove the user from the groups that are not in O(users[].groups). Only used when O(users[].groups) is set.
        type: bool
        default: false
      console_access:
        description:
          - V(true) makes sure the user can sign in to the console (has a login profile, with
            O(users[].password) or a generated password); V(false) deletes the login profile.
          - When not set, console access is left as it is (and not read).
        type: bool
      password:
        description:
          - Console password to set when the login profile is created (or on every run with
            O(users[].update_password=always)). It must satisfy the account's password policy (or AWS's default
            policy when the account has none), which is checked before any change.
          - When not set and a login profile is created, a random password that satisfies the policy is
            generated and returned once, in RV(users[].password).
          - Needs O(users[].console_access=true).
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
          - V(always) sets O(users[].password) on every run (IAM cannot tell whether it is already that password,
            so the task then always reports a change). Needs O(users[].password).
        type: str
        choices: [on_create, always]
        default: on_create
      access_key_state:
        description:
          - V(present) makes sure the user has an active access key that its holder has (see
            O(users[].access_key_in_use)). IAM allows two keys per user; when a new key is needed and both slots
            are taken, an inactive key is deleted first, then a key that was never used and is not the
            one in use; if neither exists, the module fails and lists the keys, deleting none.
          - V(absent) deletes every access key of the user.
          - V(inactive) deactivates every active access key of the user (C(UpdateAccessKey) to C(Inactive)) and deletes
            none, as the move to IAM Identity Center does once the holder signs in through SSO.
          - When not set, access keys are left as they are (and not read).
          - Not called C(access_key), which every amazon.aws-based module uses for the AWS credentials
            it connects with.
        type: str
        choices: [present, absent, inactive]
      access_key_in_use:
        description:
          - Id of the key the holder already has (for example read from the workstation with
            M(awsbootstrap.iam.aws_cli_profile_info)). If it is an active key of the user, it is kept;
            if it was deleted or is inactive, a new key is made.
          - An empty string means the holder has no key (for example its credentials file was lost, or a
            rotation is forced), so a new key is made and the existing ones are kept until
            O(users[].retire_other_access_keys) deletes them.
          - When not set, an existing active key (the newest) is taken to be the one in use.
          - Needs O(users[].access_key_state=present).
        type: str
      access_key_max_age_days:
        description:
          - Make a new key when the key in use is older than this many days (the first half of a
            rotation). The old key stays active until O(users[].retire_other_access_keys) deletes it.
          - Needs O(users[].access_key_state=present).
        type: int
      retire_other_access_keys:
        description:
          - Delete every key of the user except the one in use (and one made by this run), the second
            half of a rotation, once the new key is deployed.
          - Needs O(users[].access_key_state=present) and O(users[].access_key_in_use). When O(users[].access_key_in_use) is not an
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
          - Needs O(users[].console_access=true) or O(users[].access_key_state=present).
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
"""
