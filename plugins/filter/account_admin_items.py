# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The account_admin role's groups and users as entries of iam_bootstrap_identities."""

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.console_csv import csv_path

GROUP_KEYS = ('name', 'path', 'managed_policies', 'inline_policies', 'purge_policies', 'purge_inline_policies', 'state')
USER_KEYS = ('name', 'path', 'groups', 'tags', 'console_access', 'password', 'state')
# The AWS managed policies the role itself gives (account_admin_groups' defaults, both administrators_access choices).
SHIPPED_POLICIES = frozenset(('AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'))


# Where console-format CSVs go by default, below the controller user's HOME.
CREDENTIALS_FOLDER = '.aws-bootstrap/credentials'


def account_admin_mode_defaults(identity_center, guide_groups, guide_users, home):
    """What account_admin_groups, account_admin_users and account_admin_credentials_dir default to in the mode
    chosen: the guide's IAM groups and users and a private folder below ``home`` in IAM mode; none of them in
    Identity Center mode (no IAM user, nothing to save). ``identity_center`` is read as Ansible's ``bool`` does."""
    if boolean(identity_center, strict=False):
        return {'groups': [], 'users': [], 'credentials_dir': ''}
    return {'groups': list(guide_groups or []), 'users': list(guide_users or []), 'credentials_dir': '%s/%s' % (home, CREDENTIALS_FOLDER)}


def present_items(items):
    """The items (groups or users) the role keeps: no state, or state present - the two behave alike."""
    return [item for item in items or [] if isinstance(item, dict) and item.get('state', 'present') == 'present']


def _unique(names):
    found = []
    for name in names:
        if isinstance(name, str) and name not in found:
            found.append(name)
    return found


def account_admin_inputs(users, groups):
    """What the role's checks and tasks derive from its items, in the items' order:
    ``present_users``; ``console_groups`` (present groups holding a console user, which get the MFA policy);
    ``outside_groups`` (groups present users join that ``groups`` does not keep, compared as IAM does, without
    case; they must exist already); ``custom_policy_groups`` (present groups with a managed policy the role
    does not ship, looked up before anything is written)."""
    present_users = present_items(users)
    present_groups = present_items(groups)
    kept = {group.get('name').lower() for group in present_groups if isinstance(group.get('name'), str)}
    joined = _unique(group for user in present_users if isinstance(user.get('groups'), list) for group in user['groups'])
    return {
        'present_users': present_users,
        'console_groups': _unique(group for user in present_users if user.get('console_access') and isinstance(user.get('groups'), list)
                                  for group in user['groups']),
        'outside_groups': [group for group in joined if group.lower() not in kept],
        'custom_policy_groups': [group for group in present_groups if isinstance(group.get('managed_policies'), list)
                                 and not set(group['managed_policies']) <= SHIPPED_POLICIES],
    }


def account_admin_group_entries(groups, console_groups=(), mfa_policy_name='ForceMFA', mfa_policy=None):
    """The role's group items as module entries; a present group that holds a console user also gets the
    self-managed-MFA inline policy (unless its item says ``mfa_policy: false`` or ``mfa_policy`` is None)."""
    entries = []
    for item in groups or []:
        entry = {key: item[key] for key in GROUP_KEYS if key in item}
        wants_mfa = mfa_policy is not None and item.get('mfa_policy', True) and item.get('name') in (console_groups or [])
        if wants_mfa and item.get('state', 'present') == 'present':
            entry['inline_policies'] = dict(item.get('inline_policies') or {}, **{mfa_policy_name: mfa_policy})
        entries.append(entry)
    return entries


def account_admin_user_entries(users, credentials_dir='', keys=True):
    """The role's user items as module entries (``access_key`` is the module's ``access_key_state``); each
    user's console-format CSV goes to ``credentials_dir`` when one is given: every user's, or with
    ``keys=False`` only those of console users without a given password (whose generated password has no
    other way to its holder; a new access key then reaches its holder in memory only)."""
    entries = []
    for item in users or []:
        entry = {key: item[key] for key in USER_KEYS if key in item}
        entry['password_reset_required'] = item.get('password_reset_required', True)
        if 'access_key' in item:
            entry['access_key_state'] = item['access_key']
        if credentials_dir and (keys or (item.get('console_access') and item.get('password') is None)):
            entry['credentials_csv'] = csv_path(credentials_dir, item.get('name'))
        entries.append(entry)
    return entries


class FilterModule:
    """account_admin filters."""

    def filters(self):
        return {'account_admin_group_entries': account_admin_group_entries, 'account_admin_user_entries': account_admin_user_entries,
                'account_admin_inputs': account_admin_inputs, 'account_admin_mode_defaults': account_admin_mode_defaults}
