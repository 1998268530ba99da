# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM Identity Center account assignments (a permission set to a user or group on an account):
desired state from options, the current state (the permission sets and principals by name, then
ListAccountAssignments per account and permission set), the plan (pure) and its result."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import entry_errors
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_account_id
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_group_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_identity_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_permission_set_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import read_groups
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import read_users

ASSIGNMENT_OPTIONS = dict(
    permission_set=dict(type='str', required=True),
    principal_type=dict(type='str', choices=['USER', 'GROUP'], default='GROUP'),
    principal_name=dict(type='str', required=True),
    account_id=dict(type='str'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)


def key_of(entry):
    """What identifies an assignment: (account, permission set, principal type, principal name), names lower-case."""
    return (entry['account_id'], entry['permission_set'].lower(), entry['principal_type'], entry['principal_name'].lower())


def describe(entry):
    return '%s %s on %s: %s' % (entry['principal_type'], entry['principal_name'], entry['account_id'], entry['permission_set'])


def desired_assignment(entry, default_account):
    principal_type = entry.get('principal_type') or 'GROUP'
    if principal_type not in ('USER', 'GROUP'):
        raise OptionError('principal_type', 'USER or GROUP (got %r)' % (principal_type,))
    check_principal = (lambda value: check_identity_name('principal_name', value, 'user')) if principal_type == 'USER' \
        else (lambda value: check_group_name('principal_name', value))
    return {
        'permission_set': check_permission_set_name('permission_set', entry.get('permission_set')),
        'principal_type': principal_type,
        'principal_name': check_principal(entry.get('principal_name')),
        'account_id': check_account_id('account_id', entry.get('account_id')) or default_account,
        'state': entry.get('state') or 'present',
    }


def entry_label(index, entry):
    if isinstance(entry, dict) and isinstance(entry.get('principal_name'), str) and isinstance(entry.get('permission_set'), str):
        name, permission_set = entry['principal_name'], entry['permission_set']
        if name and permission_set and '[' not in name + permission_set and ']' not in name + permission_set:
            return 'assignments[%s/%s]' % (name, permission_set)
    return 'assignments[%d]' % index


def desired_assignments(params, default_account=None):
    """The entries, each checked and labelled (``assignments[Administrators/AdministratorAccess]``). The
    account of an entry without one is ``default_account`` (None: filled in later from STS). No I/O."""
    check_account_id('account_id', params.get('account_id'))
    entries, seen = [], {}
    for index, entry in enumerate(params.get('assignments') or []):
        label = entry_label(index, entry)
        with entry_errors(label):
            desired = dict(desired_assignment(entry, default_account), label=label)
        entries.append(desired)
    for desired in entries:
        if desired['account_id'] is None:
            continue
        key = key_of(desired)
        if key in seen:
            raise OptionError(desired['label'], 'the assignment %s is also given as %s' % (describe(desired), seen[key]))
        seen[key] = desired['label']
    return entries


def with_account(entries, account_id):
    """Entries without an account get ``account_id``; given twice once filled in is an error. Pure."""
    filled = [dict(entry, account_id=entry['account_id'] or account_id) for entry in entries]
    seen = {}
    for desired in filled:
        key = key_of(desired)
        if key in seen:
            raise OptionError(desired['label'], 'the assignment %s is also given as %s' % (describe(desired), seen[key]))
        seen[key] = desired['label']
    return filled


def read_principals(client, store_id, entries):
    """{('USER'|'GROUP', lower name): id} of the principal types the entries use (ListUsers, ListGroups)."""
    principals = {}
    types = {entry['principal_type'] for entry in entries}
    if 'USER' in types:
        principals.update((('USER', user['user_name'].lower()), user['user_id']) for user in read_users(client, store_id))
    if 'GROUP' in types:
        principals.update((('GROUP', group['name'].lower()), group['group_id']) for group in read_groups(client, store_id))
    return principals


def resolve_entries(entries, permission_sets, principals, check_mode=False):
    """Each entry with its permission set ARN and principal id; a missing one is an error naming the
    entry and option (a warning in check mode, where an earlier task may create it: that entry's ids
    are None). (resolved entries, warnings). Pure."""
    resolved, warnings = [], []
    for entry in entries:
        permission_set = permission_sets.get(entry['permission_set'].lower())
        principal_id = principals.get((entry['principal_type'], entry['principal_name'].lower()))
        problems = []
        if permission_set is None:
            problems.append(('permission_set', 'no permission set %r exists in this IAM Identity Center instance' % entry['permission_set']))
        if principal_id is None:
            problems.append(('principal_name', 'no Identity Store %s %r exists' % (entry['principal_type'].lower(), entry['principal_name'])))
        if problems and entry['state'] == 'present':
            if not check_mode:
                option, rule = problems[0]
                raise OptionError('%s.%s' % (entry['label'], option), rule)
            warnings += ['%s.%s: %s (check mode: an earlier task may create it)' % (entry['label'], option, rule) for option, rule in problems]
        resolved.append(dict(entry, permission_set_arn=(permission_set or {}).get('arn'), principal_id=principal_id))
    return resolved, warnings


def read_assignments(client, instance_arn, entries):
    """{(account, permission set ARN): [(principal type, principal id)]}: ListAccountAssignments once per
    account and permission set the entries name (that exists)."""
    current = {}
    for entry in entries:
        pair = (entry['account_id'], entry['permission_set_arn'])
        if entry['permission_set_arn'] is None or pair in current:
            continue
        found = read_pages(client, 'ListAccountAssignments', 'AccountAssignments', InstanceArn=instance_arn,
                           AccountId=entry['account_id'], PermissionSetArn=entry['permission_set_arn']) or []
        current[pair] = [(item['PrincipalType'], item['PrincipalId']) for item in found]
    return current


def assignments_read(current):
    """What ``read_assignments`` read, as the snapshot's ``read`` holds it: {account: {permission set ARN:
    [[principal type, principal id]]}}. Pure."""
    found = {}
    for (account_id, permission_set_arn), principals in current.items():
        found.setdefault(account_id, {})[permission_set_arn] = [list(principal) for principal in principals]
    return found


def assignment_view(entry):
    return '%s %s: %s %s' % (entry['account_id'], entry['permission_set'], entry['principal_type'], entry['principal_name'])


def plan_assignment(instance_arn, current, entry):
    """(instance ARN, {(account, permission set ARN): [(type, id)]}, resolved entry) -> Plan. An entry
    whose permission set or principal does not exist yet (check mode) plans its creation. No I/O."""
    exists = entry['permission_set_arn'] is not None and entry['principal_id'] is not None and \
        (entry['principal_type'], entry['principal_id']) in current.get((entry['account_id'], entry['permission_set_arn']), [])
    params = dict(InstanceArn=instance_arn, TargetId=entry['account_id'], TargetType='AWS_ACCOUNT',
                  PermissionSetArn=entry['permission_set_arn'], PrincipalType=entry['principal_type'], PrincipalId=entry['principal_id'])
    shown = {'assignment': assignment_view(entry)}
    if entry['state'] == 'present':
        if exists:
            return Plan(before=shown, after=shown)
        return Plan([Action('CreateAccountAssignment', **params)], before={}, after=shown)
    if not exists:
        return Plan()
    return Plan([Action('DeleteAccountAssignment', **params)], before=shown, after={})


def assignment_result(entry, plan):
    result = {key: entry[key] for key in ('account_id', 'permission_set', 'permission_set_arn', 'principal_type', 'principal_name',
                                          'principal_id', 'state')}
    result['changed'] = plan.changed
    return result


def combined_diff(plans):
    """{'before': {'assignments': [...]}, 'after': {...}}: the assignments of this task that exist before
    and after (sorted)."""
    before = sorted(plan.before['assignment'] for plan in plans if plan.before)
    after = sorted(plan.after['assignment'] for plan in plans if plan.after)
    return {'before': {'assignments': before}, 'after': {'assignments': after}}


def known_names(snapshot, entries):
    """(permission sets {lower name: {'arn'}}, principals {(type, lower name): id}) from an earlier task's snapshot,
    each None when the snapshot does not name every one the entries need (then they are read). Pure."""
    if not snapshot:
        return None, None
    permission_sets = {name: {'arn': arn} for name, arn in snapshot['permission_sets'].items()}
    if not all(entry['permission_set'].lower() in permission_sets for entry in entries):
        permission_sets = None
    principals = {('USER', name): found for name, found in snapshot['users'].items()}
    principals.update((('GROUP', name), found) for name, found in snapshot['groups'].items())
    if not all((entry['principal_type'], entry['principal_name'].lower()) in principals for entry in entries):
        principals = None
    return permission_sets, principals
