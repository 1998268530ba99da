# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The account_admin role's Identity Center mode: its checks that need no AWS call (each problem names the
role variable, the entry and the option) and its items as entries of the three Identity Center modules."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.filter.role_checks import _spec_of
from ansible_collections.awsbootstrap.iam.plugins.filter.role_checks import _validated
from ansible_collections.awsbootstrap.iam.plugins.filter.role_checks import role_options
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_instance_arn
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import ASSIGNMENT_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import desired_assignment
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import GROUP_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import USER_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import desired_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import desired_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import PERMISSION_SET_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import desired_permission_set
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

PREFIX = 'account_admin_identity_center_'
# Per role variable: the item key that names an item, and the module's check of one entry.
KINDS = (
    ('users', 'user_name', desired_user),
    ('groups', 'name', desired_group),
    ('permission_sets', 'name', desired_permission_set),
    ('assignments', None, lambda entry: desired_assignment(entry, None)),
)


def _label(variable, index, item, key):
    """``variable[name]`` when the item's name is a plain one, else ``variable[index]``; an assignment is
    ``variable[principal/permission set]``."""
    if isinstance(item, dict):
        name = item.get(key) if key else '%s/%s' % (item.get('principal_name'), item.get('permission_set'))
        if isinstance(name, str) and name and not set(name) & set('[] \t\n'):
            return '%s[%s]' % (variable, name)
    return '%s[%d]' % (variable, index)


def _checked_items(kind, items, key, desire):
    """(desired entries with their label, problems) of one role variable; each item checked as the module
    checks its entry, with the role's own item keys (users' ``groups``) checked by the role's spec."""
    variable = PREFIX + kind
    if items is None:
        return [], []
    if not isinstance(items, list):
        return [], ['%s: must be a list (got %s)' % (variable, type(items).__name__)]
    role_spec = role_options('account_admin')[variable]['options']
    entries, problems, seen = [], [], {}
    for index, item in enumerate(items):
        label = _label(variable, index, item, key)
        params, found = _validated(variable, label, item, _spec_of(role_spec), role_spec)
        if found:
            problems.extend(found)
            continue
        try:
            desired = desire({name: value for name, value in params.items() if value is not None})
        except OptionError as error:
            problems.append('%s.%s: %s' % (label, error.option, error.rule))
            continue
        identity = _identity(kind, desired)
        if identity in seen:
            problems.append('%s: given twice (Identity Center names do not depend on case; the first is %s)' % (label, seen[identity]))
            continue
        seen[identity] = label
        entries.append(dict(desired, label=label, groups=params.get('groups') or []))
    return entries, problems


def _identity(kind, desired):
    if kind == 'assignments':
        return (desired['account_id'], desired['permission_set'].lower(), desired['principal_type'], desired['principal_name'].lower())
    return (desired.get('user_name') or desired['name']).lower()


def _states(entries, key):
    return {entry[key].lower(): entry['state'] for entry in entries}


def _reference_problems(found):
    """Users joining a group the role does not keep, and assignments of what the role removes."""
    groups = _states(found['groups'], 'name')
    users = _states(found['users'], 'user_name')
    permission_sets = _states(found['permission_sets'], 'name')
    problems = []
    for user in found['users']:
        if user['state'] != 'present':
            continue
        for group in user['groups']:
            state = groups.get(group.lower())
            if state is None:
                problems.append("%s.groups: no group '%s' in %sgroups (the groups a user can join here)" % (user['label'], group, PREFIX))
            elif state == 'absent':
                problems.append("%s.groups: the group '%s' is removed (%sgroups has state=absent)" % (user['label'], group, PREFIX))
    for assignment in found['assignments']:
        if assignment['state'] != 'present':
            continue
        principals, kind = (users, 'users') if assignment['principal_type'] == 'USER' else (groups, 'groups')
        if principals.get(assignment['principal_name'].lower()) == 'absent':
            problems.append("%s.principal_name: '%s' is removed (%s%s has state=absent)" % (assignment['label'], assignment['principal_name'], PREFIX, kind))
        if permission_sets.get(assignment['permission_set'].lower()) == 'absent':
            problems.append("%s.permission_set: '%s' is removed (%spermission_sets has state=absent)"
                            % (assignment['label'], assignment['permission_set'], PREFIX))
    return problems


def account_admin_identity_center_problems(users, groups=None, permission_sets=None, assignments=None, instance_arn=None):
    """Every problem of the Identity Center mode's variables that needs no AWS call, each naming the
    variable, the entry and the option (``account_admin_identity_center_users[alice].email: ...``)."""
    problems = []
    try:
        check_instance_arn(PREFIX + 'instance_arn', instance_arn or None)
    except OptionError as error:
        problems.append('%s: %s' % (error.option, error.rule))
    items = {'users': users, 'groups': groups, 'permission_sets': permission_sets, 'assignments': assignments}
    found = {}
    for kind, key, desire in KINDS:
        found[kind], kind_problems = _checked_items(kind, items[kind], key, desire)
        problems.extend(kind_problems)
    return problems + _reference_problems(found)


def _members(group, users):
    """User names of the present users that name ``group`` in their groups (compared without case)."""
    name = group.get('name', '').lower()
    return [user['user_name'] for user in users if isinstance(user, dict) and user.get('state', 'present') == 'present'
            and name in [joined.lower() for joined in user.get('groups') or [] if isinstance(joined, str)]]


def account_admin_identity_center_entries(users, groups=None, permission_sets=None, assignments=None):
    """The mode's items as the modules' entries: ``users`` and ``groups`` (each present group with the
    members whose items name it in ``groups``) for iam_bootstrap_sso_identities, ``permission_sets`` and
    ``assignments`` for the two other modules. Keys the modules do not take are dropped."""
    def entries(items, options):
        return [{key: value for key, value in item.items() if key in options} for item in items or [] if isinstance(item, dict)]

    group_entries = entries(groups, GROUP_OPTIONS)
    for entry in group_entries:
        if entry.get('state', 'present') == 'present':
            entry['members'] = _members(entry, users or [])
    return {
        'users': entries(users, USER_OPTIONS),
        'groups': group_entries,
        'permission_sets': entries(permission_sets, PERMISSION_SET_OPTIONS),
        'assignments': entries(assignments, ASSIGNMENT_OPTIONS),
    }


def account_admin_identity_center_accounts(assignments, account_id=None):
    """The accounts whose assignments the report reads: ``account_id`` (this account) and every other account an
    assignment names, in that order; empty without ``account_id`` (iam_bootstrap_sso_info then reads the caller's)."""
    if not account_id:
        return []
    accounts = [str(account_id)]
    for item in assignments or []:
        named = item.get('account_id') if isinstance(item, dict) else None
        if named is not None and str(named) not in accounts:
            accounts.append(str(named))
    return accounts


class FilterModule:
    """account_admin's Identity Center mode."""

    def filters(self):
        return {'account_admin_identity_center_problems': account_admin_identity_center_problems,
                'account_admin_identity_center_entries': account_admin_identity_center_entries,
                'account_admin_identity_center_accounts': account_admin_identity_center_accounts}
