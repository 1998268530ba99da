# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM Identity Center permission sets: desired state from options, the current state (ListPermissionSets,
DescribePermissionSet, and only the policy reads the options need), the plan (pure), and re-provisioning
to the accounts a changed permission set is provisioned to."""

from __future__ import annotations

import json

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import verify_policies
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import entry_errors
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import aws_managed_policy_arn
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_managed_policy
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import Ref
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import MANAGED_POLICIES_MAX
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import POLICY_NAME_PATTERN
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_description
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_entries_unique
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_permission_set_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_policy_path
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_relay_state
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_session_duration
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import parse_inline_policy
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import session_seconds

PERMISSION_SET_OPTIONS = dict(
    name=dict(type='str', required=True),
    description=dict(type='str'),
    session_duration=dict(type='str'),
    relay_state=dict(type='str'),
    managed_policies=dict(type='list', elements='str'),
    customer_managed_policies=dict(type='list', elements='dict', options=dict(
        name=dict(type='str', required=True),
        path=dict(type='str', default='/'),
    )),
    purge_policies=dict(type='bool', default=False),
    inline_policy=dict(type='raw'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)


def desired_permission_set(entry):
    desired = {
        'name': check_permission_set_name('name', entry.get('name')),
        'description': check_description('description', entry.get('description')),
        'session_duration': check_session_duration('session_duration', entry.get('session_duration')),
        'relay_state': check_relay_state('relay_state', entry.get('relay_state')),
        'managed_policies': None,
        'customer_managed_policies': None,
        'purge_policies': bool(entry.get('purge_policies')),
        'inline_policy': None,
        'state': entry.get('state') or 'present',
    }
    if entry.get('managed_policies') is not None:
        desired['managed_policies'] = [check_managed_policy('managed_policies', policy) for policy in entry['managed_policies']]
        for policy in desired['managed_policies']:
            if policy.startswith('arn:') and ':iam::aws:policy/' not in policy:
                raise OptionError('managed_policies', '%r is a customer managed policy: give it in customer_managed_policies by name and path '
                                                      '(a permission set refers to it by name in each account)' % policy)
    if entry.get('customer_managed_policies') is not None:
        references = []
        for reference in entry['customer_managed_policies']:
            name, path = (reference or {}).get('name'), (reference or {}).get('path') or '/'
            if not isinstance(name, str) or not POLICY_NAME_PATTERN.fullmatch(name):
                raise OptionError('customer_managed_policies', 'a policy name is 1 to 128 letters, digits and + = , . @ _ - (got %r)' % (name,))
            check_policy_path('customer_managed_policies', path)
            if (name, path) in references:
                raise OptionError('customer_managed_policies', 'the policy %s%s is listed twice' % (path, name))
            references.append((name, path))
        desired['customer_managed_policies'] = references
    count = len(desired['managed_policies'] or []) + len(desired['customer_managed_policies'] or [])
    if count > MANAGED_POLICIES_MAX:
        raise OptionError('managed_policies', 'a permission set has at most %d managed and customer managed policies, %d are given'
                                              % (MANAGED_POLICIES_MAX, count))
    if entry.get('inline_policy') is not None:
        desired['inline_policy'] = parse_inline_policy('inline_policy', entry['inline_policy'])
    return desired


def desired_permission_sets(params):
    """The entries, each checked and labelled (``permission_sets[AdministratorAccess]``). No I/O."""
    entries = []
    for index, entry in enumerate(params.get('permission_sets') or []):
        name = entry.get('name') if isinstance(entry, dict) else None
        try:
            label = 'permission_sets[%s]' % check_permission_set_name('name', name)
        except OptionError:
            label = 'permission_sets[%d]' % index
        with entry_errors(label):
            entries.append(dict(desired_permission_set(entry), label=label))
    check_entries_unique('permission_sets', entries, 'name', lambda entry: entry['label'] + '.name')
    return entries


def resolve_policies(desired, partition):
    """The desired state with managed policy names as ARNs in ``partition``. Pure."""
    if desired['managed_policies'] is None:
        return desired
    arns = []
    for policy in desired['managed_policies']:
        arn = policy if policy.startswith('arn:') else aws_managed_policy_arn(partition, policy)
        if arn not in arns:
            arns.append(arn)
    return dict(desired, managed_policies=arns, given_policies=dict(zip(arns, desired['managed_policies'])))


def read_permission_set_names(client, instance_arn):
    """{lower name: {'name', 'arn', 'description', 'session_duration', 'relay_state'}} of every permission
    set of the instance (ListPermissionSets, one call per 100, and DescribePermissionSet each)."""
    found = {}
    for arn in read_pages(client, 'ListPermissionSets', 'PermissionSets', InstanceArn=instance_arn) or []:
        described = (read(client, 'DescribePermissionSet', missing_codes=('ResourceNotFoundException',),
                          InstanceArn=instance_arn, PermissionSetArn=arn) or {}).get('PermissionSet')
        if described:
            found[described['Name'].lower()] = {
                'name': described['Name'], 'arn': arn, 'description': described.get('Description') or None,
                'session_duration': described.get('SessionDuration') or None, 'relay_state': described.get('RelayState') or None,
            }
    return found


def read_policies(client, instance_arn, current, desired):
    """Complete ``current`` with the policy reads ``desired`` needs (all of them for a removal)."""
    arn = current['arn']
    absent = desired['state'] == 'absent'
    if absent or desired['managed_policies'] is not None:
        attached = read_pages(client, 'ListManagedPoliciesInPermissionSet', 'AttachedManagedPolicies', InstanceArn=instance_arn,
                              PermissionSetArn=arn) or []
        current['managed_policies'] = [policy['Arn'] for policy in attached]
    if absent or desired['customer_managed_policies'] is not None:
        references = read_pages(client, 'ListCustomerManagedPolicyReferencesInPermissionSet', 'CustomerManagedPolicyReferences',
                                InstanceArn=instance_arn, PermissionSetArn=arn) or []
        current['customer_managed_policies'] = [(ref['Name'], ref.get('Path') or '/') for ref in references]
    if not absent and desired['inline_policy'] is not None:
        document = (read(client, 'GetInlinePolicyForPermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn) or {}).get('InlinePolicy')
        current['inline_policy'] = json.loads(document) if document else {}
    return current


def read_provisioned(client, instance_arn, current):
    """The accounts the permission set is provisioned to (ListAccountsForProvisionedPermissionSet)."""
    return read_pages(client, 'ListAccountsForProvisionedPermissionSet', 'AccountIds', InstanceArn=instance_arn,
                      PermissionSetArn=current['arn']) or []


def verify_new_policies(iam, desired, current):
    """Each AWS managed policy that would be attached exists (IAM GetPolicy each), before any write."""
    attached = (current or {}).get('managed_policies') or []
    to_attach = [arn for arn in desired['managed_policies'] or [] if arn not in attached]
    verify_policies(iam, desired.get('given_policies') or {}, to_attach)


def view(state):
    """What ``--diff`` shows of a permission set."""
    if not state:
        return {}
    shown = {key: state.get(key) for key in ('name', 'description', 'session_duration', 'relay_state')}
    if state.get('managed_policies') is not None:
        shown['managed_policies'] = sorted(state['managed_policies'])
    if state.get('customer_managed_policies') is not None:
        shown['customer_managed_policies'] = ['%s%s' % (path, name) for name, path in sorted(state['customer_managed_policies'])]
    if state.get('inline_policy') is not None:
        shown['inline_policy'] = state['inline_policy']
    return shown


def _same_duration(current, desired):
    return session_seconds(current) == session_seconds(desired)


SETTINGS = (('description', 'Description'), ('session_duration', 'SessionDuration'), ('relay_state', 'RelayState'))


def _removal(instance_arn, current):
    """The plan that removes ``current``: its managed policies and references detached, then the delete. No I/O."""
    arn = current['arn']
    actions = [Action('DetachManagedPolicyFromPermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn, ManagedPolicyArn=policy)
               for policy in current.get('managed_policies') or []]
    actions += [Action('DetachCustomerManagedPolicyReferenceFromPermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn,
                       CustomerManagedPolicyReference={'Name': ref_name, 'Path': path})
                for ref_name, path in current.get('customer_managed_policies') or []]
    actions.append(Action('DeletePermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn))
    return Plan(actions, before=view(current), after={})


def _create(instance_arn, desired):
    """(actions, the ARN to come, state after) of a permission set that does not exist yet. No I/O."""
    name = desired['name']
    params = dict(InstanceArn=instance_arn, Name=name)
    for option, key in SETTINGS:
        if desired[option] is not None:
            params[key] = desired[option]
    after = {'name': name, 'description': desired['description'], 'session_duration': desired['session_duration'],
             'relay_state': desired['relay_state']}
    return [Action('CreatePermissionSet', **params)], Ref('permission_set', name), after


def _update(instance_arn, current, desired):
    """(actions, ARN, state after) of the settings of an existing permission set. No I/O."""
    arn = current['arn']
    after = dict(current)
    update = {}
    for option, _key in SETTINGS:
        wanted = desired[option]
        if wanted is None or wanted == current.get(option):
            continue
        if option == 'session_duration' and current.get(option) and _same_duration(current[option], wanted):
            continue
        update[option] = after[option] = wanted
    if not update:
        return [], arn, after
    params = dict(InstanceArn=instance_arn, PermissionSetArn=arn)
    # Every field is sent: a field left out would be cleared by some implementations.
    for option, key in SETTINGS:
        if after.get(option) is not None:
            params[key] = after[option]
    return [Action('UpdatePermissionSet', **params)], arn, after


def _managed_policies(instance_arn, arn, attached, desired, after):
    """Actions that attach (and with purge_policies detach) AWS managed policies; ``after`` completed. No I/O."""
    wanted = desired['managed_policies']
    actions = [Action('AttachManagedPolicyToPermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn, ManagedPolicyArn=policy)
               for policy in wanted if policy not in attached]
    kept = [policy for policy in attached if policy in wanted or not desired['purge_policies']]
    actions += [Action('DetachManagedPolicyFromPermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn, ManagedPolicyArn=policy)
                for policy in attached if policy not in kept]
    after['managed_policies'] = sorted(set(kept) | set(wanted))
    return actions


def _policy_references(instance_arn, arn, references, desired, after):
    """Actions that attach (and with purge_policies detach) customer managed policy references; ``after`` completed. No I/O."""
    wanted = desired['customer_managed_policies']
    actions = [Action('AttachCustomerManagedPolicyReferenceToPermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn,
                      CustomerManagedPolicyReference={'Name': ref_name, 'Path': path})
               for ref_name, path in wanted if (ref_name, path) not in references]
    kept = [ref for ref in references if ref in wanted or not desired['purge_policies']]
    actions += [Action('DetachCustomerManagedPolicyReferenceFromPermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn,
                       CustomerManagedPolicyReference={'Name': ref_name, 'Path': path})
                for ref_name, path in references if (ref_name, path) not in kept]
    after['customer_managed_policies'] = sorted(set(kept) | set(wanted))
    return actions


def _inline_policy(instance_arn, arn, inline, wanted, after):
    """The action that puts or deletes the inline policy, if any; ``after`` completed. No I/O."""
    if wanted and (not inline or compare_policies(inline, wanted)):
        after['inline_policy'] = wanted
        return [Action('PutInlinePolicyToPermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn,
                       InlinePolicy=json.dumps(wanted, sort_keys=True))]
    if not wanted and inline:
        after['inline_policy'] = {}
        return [Action('DeleteInlinePolicyFromPermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn)]
    # The same by meaning: shown as it is, so that --diff shows no change.
    after['inline_policy'] = inline if inline is not None else wanted
    return []


def plan_permission_set(instance_arn, current, desired, provisioned=None):
    """(instance ARN, current permission set or None, desired with policy ARNs, the accounts it is
    provisioned to or None when not read) -> Plan. An existing permission set that changes and is
    provisioned somewhere is provisioned again to all of them. No I/O."""
    if desired['state'] == 'absent':
        return _removal(instance_arn, current) if current is not None else Plan()
    if current is None:
        actions, arn, after = _create(instance_arn, desired)
        attached, references, inline = [], [], {}
    else:
        actions, arn, after = _update(instance_arn, current, desired)
        attached = list(current.get('managed_policies') or [])
        references = list(current.get('customer_managed_policies') or [])
        inline = current.get('inline_policy')
    if desired['managed_policies'] is not None:
        actions += _managed_policies(instance_arn, arn, attached, desired, after)
    if desired['customer_managed_policies'] is not None:
        actions += _policy_references(instance_arn, arn, references, desired, after)
    if desired['inline_policy'] is not None:
        actions += _inline_policy(instance_arn, arn, inline, desired['inline_policy'], after)
    if actions and current is not None and provisioned:
        actions.append(Action('ProvisionPermissionSet', InstanceArn=instance_arn, PermissionSetArn=arn, TargetType='ALL_PROVISIONED_ACCOUNTS'))
    return Plan(actions, before=view(current), after=view(after))


def prepare_permission_sets(sso_admin, iam, instance, entries):
    """(every permission set of the instance as read, [(desired with ARNs, current, Plan)]), every read and check
    made before the first write."""
    names = read_permission_set_names(sso_admin, instance['arn'])
    prepared = []
    for desired in entries:
        with entry_errors(desired['label']):
            desired = resolve_policies(desired, instance['partition'])
            current = names.get(desired['name'].lower())
            if current is not None:
                current = read_policies(sso_admin, instance['arn'], dict(current), desired)
            if desired['state'] == 'present' and desired['managed_policies']:
                verify_new_policies(iam, desired, current)
            plan = plan_permission_set(instance['arn'], current, desired)
            if plan.changed and current is not None and desired['state'] == 'present':
                provisioned = read_provisioned(sso_admin, instance['arn'], current)
                plan = plan_permission_set(instance['arn'], current, desired, provisioned)
                current = dict(current, provisioned=provisioned)
        prepared.append((desired, current, plan))
    return names, prepared


def permission_sets_read(names, prepared):
    """Every permission set as read (``names``), as the snapshot's ``read`` holds them: with the bare names of its
    AWS managed policies where they were read (``prepared``)."""
    policies = {current['arn']: current['managed_policies'] for _desired, current, _plan in prepared
                if current is not None and current.get('managed_policies') is not None}
    return [dict(state, managed_policies=[arn_name(arn) for arn in policies[state['arn']]]) if state['arn'] in policies else dict(state)
            for state in names.values()]


def permission_set_result(desired, current, plan, ids):
    result = dict(plan.after or {}, changed=plan.changed, state=desired['state'])
    result.setdefault('name', desired['name'])
    if desired['state'] == 'present':
        result['arn'] = (current or {}).get('arn') or ids.get(('permission_set', desired['name']))
        result['provisioned'] = 'ProvisionPermissionSet' in plan.operations
        if 'inline_policy' in result:
            result['inline_policy'] = bool(result['inline_policy'])
    return result
