# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM roles (such as the CIS 1.17 support role): desired state, current state, the plan (pure) and its result."""

from __future__ import annotations

import json

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Prepared
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import created
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import apply_entity
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import checked_policy_arns
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_partition
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iso
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sts_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.policies import decode_policy_document
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_managed_policy
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_path
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import parse_policy_document

DESCRIPTION_MAX = 1000


def account_trust_policy(partition, account_id):
    """A trust policy that lets the account's own principals (those their IAM policies allow) assume the role."""
    return {'Version': '2012-10-17', 'Statement': [{
        'Effect': 'Allow', 'Principal': {'AWS': 'arn:%s:iam::%s:root' % (partition, account_id)}, 'Action': 'sts:AssumeRole'}]}


def desired_role(params):
    """The module's options, checked (managed policies not yet resolved to ARNs)."""
    desired = {
        'name': check_name('name', params['name'], 'role'),
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
        desired['trust_policy'] = parse_policy_document('assume_role_policy_document', params['assume_role_policy_document'], 'trust')
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


def prepare_role(module, client, desired, details=None, caller=None):
    """The role's Prepared entry: read (from ``details`` when an earlier task handed them on), a new role's
    trust policy defaulting to the caller's own account (the ``caller`` handed on, or GetCallerIdentity), every
    policy to attach shown to exist, and the plan."""
    current = read_role(client, desired['name'], removing=desired['state'] == 'absent', details=details)
    partition = arn_partition(current['arn']) if current else None
    if desired['state'] == 'present' and current is None and desired['trust_policy'] is None:
        caller = caller or read(sts_client(module), 'GetCallerIdentity')
        partition = arn_partition(caller['Arn'])
        desired = dict(desired, trust_policy=account_trust_policy(partition, caller['Account']))
    if desired['managed_policies'] is not None and desired['state'] == 'present':
        desired = dict(desired, managed_policies=checked_policy_arns(client, desired['managed_policies'], current, partition))
    return Prepared('role', desired, current, plan_role(current, desired))


def apply_role(module, client, prepared, executor=None):
    """Apply the plan (not in check mode); the module's result with ``changed``, ``diff`` and the role."""
    return apply_entity(module, prepared, executor or Executor(client), 'CreateRole',
                        lambda: read_role(client, prepared.desired['name']), role_result, 'role')


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
    answer = created(responses, 'CreateRole')
    base = dict(current or {})
    if answer:
        role = answer['Role']
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
