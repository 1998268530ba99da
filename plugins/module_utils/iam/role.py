# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM roles (such as the CIS 1.17 support role): desired state, current state, the plan (pure) and its result."""

from __future__ import annotations

import json

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iso
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.policies import decode_policy_document
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_managed_policy
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_path
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import parse_policy_document

TRUST_POLICY_SIZE_MAX = 2048  # the default quota of a role trust policy
DESCRIPTION_MAX = 1000


def account_trust_policy(partition, account_id):
    """A trust policy that lets the account's own principals (those their IAM policies allow) assume the role."""
    return {'Version': '2012-10-17', 'Statement': [{
        'Effect': 'Allow', 'Principal': {'AWS': 'arn:%s:iam::%s:root' % (partition, account_id)}, 'Action': 'sts:AssumeRole'}]}


def desired_role(params):
    """The module's options, checked (managed policies not yet resolved to ARNs)."""
    name = params['name']
    if not name or len(name) > 64:
        raise OptionError('name', 'an IAM role name is 1 to 64 characters')
    check_name('name', name, 'user')  # the same characters as a user name, and at most 64
    desired = {
        'name': name,
        'path': check_path('path', params.get('path')),
        'description': params.get('description'),
        'state': params.get('state') or 'present',
        'trust_policy': None,
        'managed_policies': None,
        'purge_policies': bool(params.get('purge_policies')),
    }
    if desired['description'] is not None and len(desired['description']) > DESCRIPTION_MAX:
        raise OptionError('description', 'a role description is at most %d characters' % DESCRIPTION_MAX)
    if params.get('assume_role_policy_document') is not None:
        document = parse_policy_document('assume_role_policy_document', params['assume_role_policy_document'], 'group')
        size = len(json.dumps(document, separators=(',', ':')))
        if size > TRUST_POLICY_SIZE_MAX:
            raise OptionError('assume_role_policy_document', 'a trust policy is at most %d characters, this one has %d' % (TRUST_POLICY_SIZE_MAX, size))
        desired['trust_policy'] = document
    if params.get('managed_policies') is not None:
        desired['managed_policies'] = [check_managed_policy('managed_policies', policy) for policy in params['managed_policies']]
    return desired


def read_role(client, name, removing=False, details=None):
    """The current role, or None: GetRole and ListAttachedRolePolicies (plus, to remove it, its inline policies and
    instance profiles). With ``details`` (an account read an earlier task handed on) a role they do not list is
    not read, and the attached policies come from them (GetRole is still read: they have no description)."""
    entry = None
    if details is not None:
        entry = next((role for role in details.get('RoleDetailList') or [] if role['RoleName'].lower() == name.lower()), None)
        if entry is None:
            return None
    response = read(client, 'GetRole', RoleName=name)
    if response is None:
        return None
    role = response['Role']
    if entry is not None:
        attached = entry.get('AttachedManagedPolicies') or []
    else:
        attached = read_pages(client, 'ListAttachedRolePolicies', 'AttachedPolicies', RoleName=name) or []
    current = {
        'role_name': role['RoleName'], 'role_id': role['RoleId'], 'arn': role['Arn'], 'path': role['Path'],
        'create_date': iso(role.get('CreateDate')), 'description': role.get('Description') or '',
        'trust_policy': decode_policy_document(role.get('AssumeRolePolicyDocument')),
        'managed_policies': sorted(policy['PolicyArn'] for policy in attached),
    }
    if removing:
        current['inline_policies'] = sorted(read_pages(client, 'ListRolePolicies', 'PolicyNames', RoleName=name) or [])
        profiles = read_pages(client, 'ListInstanceProfilesForRole', 'InstanceProfiles', RoleName=name) or []
        current['instance_profiles'] = sorted(profile['InstanceProfileName'] for profile in profiles)
    return current


def role_view(state):
    if not state:
        return {}
    return {key: state.get(key) for key in ('role_name', 'path', 'description', 'trust_policy', 'managed_policies') if key in state}


def plan_role(current, desired):
    """(current role or None, desired with managed policies as ARNs and a trust policy) -> Plan. No I/O."""
    name = desired['name']
    if desired['state'] == 'absent':
        if current is None:
            return Plan()
        actions = [Action('DetachRolePolicy', RoleName=name, PolicyArn=arn) for arn in current['managed_policies']]
        actions += [Action('DeleteRolePolicy', RoleName=name, PolicyName=policy) for policy in current.get('inline_policies') or []]
        actions += [Action('RemoveRoleFromInstanceProfile', RoleName=name, InstanceProfileName=profile)
                    for profile in current.get('instance_profiles') or []]
        actions.append(Action('DeleteRole', RoleName=name))
        return Plan(actions, before=role_view(current), after={})
    actions = []
    trust = desired['trust_policy']
    if current is None:
        params = {'RoleName': name, 'Path': desired['path'] or '/', 'AssumeRolePolicyDocument': json.dumps(trust, sort_keys=True)}
        if desired['description']:
            params['Description'] = desired['description']
        actions.append(Action('CreateRole', **params))
        after = {'role_name': name, 'path': desired['path'] or '/', 'description': desired['description'] or '',
                 'trust_policy': trust, 'managed_policies': []}
        attached = []
    else:
        after = role_view(current)
        if desired['path'] is not None and desired['path'] != current['path']:
            raise OptionError('path', 'the path of an existing role cannot change (it is %s): remove the role first' % current['path'])
        if trust is not None and compare_policies(current['trust_policy'] or {}, trust):
            actions.append(Action('UpdateAssumeRolePolicy', RoleName=name, PolicyDocument=json.dumps(trust, sort_keys=True)))
            after['trust_policy'] = trust
        if desired['description'] is not None and desired['description'] != current['description']:
            actions.append(Action('UpdateRole', RoleName=name, Description=desired['description']))
            after['description'] = desired['description']
        attached = list(current['managed_policies'])
    if desired['managed_policies'] is not None:
        wanted = desired['managed_policies']
        actions += [Action('AttachRolePolicy', RoleName=name, PolicyArn=arn) for arn in wanted if arn not in attached]
        kept = [arn for arn in attached if arn in wanted or not desired['purge_policies']]
        actions += [Action('DetachRolePolicy', RoleName=name, PolicyArn=arn) for arn in attached if arn not in kept]
        after['managed_policies'] = sorted(set(kept) | set(wanted))
    return Plan(actions, before=role_view(current), after=role_view(after))


def role_result(current, plan, responses, desired):
    if desired['state'] == 'absent':
        return None
    created = next((response for action, response in responses if action.operation == 'CreateRole' and response), None)
    base = dict(current or {})
    if created:
        role = created['Role']
        base.update(arn=role['Arn'], role_id=role['RoleId'], create_date=iso(role.get('CreateDate')))
    after = plan.after
    return {
        'role_name': desired['name'],
        'arn': base.get('arn'),
        'role_id': base.get('role_id'),
        'path': after.get('path', base.get('path')),
        'create_date': base.get('create_date'),
        'description': after.get('description', base.get('description')),
        'assume_role_policy_document': after.get('trust_policy', base.get('trust_policy')),
        'managed_policies': after.get('managed_policies', base.get('managed_policies', [])),
    }
