# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM groups: desired state from options, the current state, the plan (pure) and its result."""

from __future__ import annotations

import json

from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import apply_entity
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Prepared
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import created
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_partition
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iso
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import partition_of
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.policies import decode_policy_document
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import aws_managed_policy_arn
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_managed_policy
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_path
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import parse_policy_document


# The module options (also the suboptions of one entry of iam_bootstrap_identities).
GROUP_OPTIONS = dict(
    name=dict(type='str', required=True),
    path=dict(type='str'),
    managed_policies=dict(type='list', elements='str'),
    purge_policies=dict(type='bool', default=False),
    inline_policies=dict(type='dict'),
    purge_inline_policies=dict(type='bool', default=False),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)


def desired_group(params):
    """The module's options, checked, as the desired state (managed policies not yet resolved to ARNs)."""
    desired = {
        'name': check_name('name', params['name'], 'group'),
        'path': check_path('path', params.get('path')),
        'state': params.get('state') or 'present',
        'managed_policies': None,
        'purge_policies': bool(params.get('purge_policies')),
        'inline_policies': None,
        'purge_inline_policies': bool(params.get('purge_inline_policies')),
    }
    if params.get('managed_policies') is not None:
        desired['managed_policies'] = [check_managed_policy('managed_policies', policy) for policy in params['managed_policies']]
    if params.get('inline_policies') is not None:
        desired['inline_policies'] = {}
        for name, document in params['inline_policies'].items():
            option = 'inline_policies.%s' % name
            check_name(option, name, 'policy')
            desired['inline_policies'][name] = parse_policy_document(option, document, 'group')
    return desired


def reads_needed(desired):
    """The optional reads the desired state needs; a group being removed needs every list."""
    absent = desired['state'] == 'absent'
    return {
        'managed_policies': absent or desired['managed_policies'] is not None,
        'inline_policies': absent or desired['inline_policies'] is not None,
        'inline_documents': [] if absent else sorted(desired['inline_policies'] or {}),
    }


def group_identity(group, members):
    """A group's identity (GetGroup's or GetAccountAuthorizationDetails's entry) and members, in this module's terms."""
    return {
        'group_name': group['GroupName'], 'group_id': group['GroupId'], 'arn': group['Arn'], 'path': group['Path'],
        'create_date': iso(group.get('CreateDate')), 'members': sorted(members),
    }


def read_group(client, name, needed):
    """The current group, or None: GetGroup (with its members), then only the reads in ``needed``."""
    response = read_pages(client, 'GetGroup', GroupName=name)
    if response is None:
        return None
    current = group_identity(response['Group'], [user['UserName'] for user in response.get('Users', [])])
    if needed['managed_policies']:
        attached = read_pages(client, 'ListAttachedGroupPolicies', 'AttachedPolicies', GroupName=name) or []
        current['managed_policies'] = sorted(policy['PolicyArn'] for policy in attached)
    if needed['inline_policies']:
        current['inline_policies'] = {}
        for policy_name in read_pages(client, 'ListGroupPolicies', 'PolicyNames', GroupName=name) or []:
            document = None
            if policy_name in needed['inline_documents']:
                found = read(client, 'GetGroupPolicy', GroupName=name, PolicyName=policy_name)
                document = decode_policy_document(found['PolicyDocument']) if found else None
            current['inline_policies'][policy_name] = document
    return current


def resolve_policy_arns(entries, partition):
    """{ARN: entry as given}, in the order given: bare AWS managed policy names become ARNs in ``partition``."""
    arns = {}
    for entry in entries:
        arns.setdefault(entry if entry.startswith('arn:') else aws_managed_policy_arn(partition, entry), entry)
    return arns


def policies_to_verify(current, desired_arns):
    """The ARNs that would be attached, so must be shown to exist before any write."""
    attached = (current or {}).get('managed_policies') or []
    return [arn for arn in desired_arns if arn not in attached]


def verify_policies(client, resolved, arns):
    """One GetPolicy per ARN in ``arns``; fail naming ``managed_policies`` for the first that does not exist."""
    for arn in arns:
        if read(client, 'GetPolicy', PolicyArn=arn) is None:
            given = resolved.get(arn, arn)
            hint = '' if given.startswith('arn:') else ' (a policy name is looked up as the AWS managed policy %s; give the ARN of any other policy)' % arn
            raise OptionError('managed_policies', 'no managed policy %r exists%s' % (given, hint))


def group_from_details(detail, members):
    """The current state of a group from its GetAccountAuthorizationDetails entry (pure)."""
    return dict(group_identity(detail, members),
                managed_policies=sorted(policy['PolicyArn'] for policy in detail.get('AttachedManagedPolicies') or []),
                inline_policies={policy['PolicyName']: decode_policy_document(policy.get('PolicyDocument'))
                                 for policy in detail.get('GroupPolicyList') or []})


def checked_policy_arns(client, entries, current, partition=None, verified=None):
    """The ARNs of ``entries`` (names resolved in ``partition``: the current entity's, else the
    client's), each that would be attached shown to exist before any write. ``verified`` (a set a
    batch shares) skips the ARNs already shown and collects the new ones."""
    if partition is None:
        partition = arn_partition(current['arn']) if current else partition_of(client)
    resolved = resolve_policy_arns(entries, partition)
    to_verify = [arn for arn in policies_to_verify(current, list(resolved)) if arn not in (verified or ())]
    verify_policies(client, resolved, to_verify)
    if verified is not None:
        verified.update(to_verify)
    return list(resolved)


def prepare_group(client, desired, current, verified=None):
    """The group's Prepared entry: desired with its managed policies as ARNs (every one to attach shown to
    exist first), ``current`` as read, and the plan."""
    if desired['managed_policies'] is not None and desired['state'] == 'present':
        desired = dict(desired, managed_policies=checked_policy_arns(client, desired['managed_policies'], current, verified=verified))
    return Prepared('group', desired, current, plan_group(current, desired))


def apply_group(module, client, prepared, executor=None):
    """Apply the plan (not in check mode); the module's result with ``changed``, ``diff`` and the group."""
    desired = prepared.desired
    return apply_entity(module, prepared, executor or Executor(client), 'CreateGroup',
                        lambda: read_group(client, desired['name'], reads_needed(desired)), group_result, 'group')


def group_view(state):
    """What ``--diff`` shows of a group (None or {} for no group)."""
    if not state:
        return {}
    view = {'group_name': state['group_name'], 'path': state['path'], 'members': list(state.get('members') or [])}
    if state.get('managed_policies') is not None:
        view['managed_policies'] = sorted(state['managed_policies'])
    if state.get('inline_policies') is not None:
        view['inline_policies'] = {name: state['inline_policies'][name] for name in sorted(state['inline_policies'])}
    return view


def plan_group(current, desired):
    """(current state or None, desired state with managed policies as ARNs) -> Plan. No I/O."""
    name = desired['name']
    if desired['state'] == 'absent':
        return _plan_removal(current)
    actions = []
    if current is None:
        actions.append(Action('CreateGroup', GroupName=name, Path=desired['path'] or '/'))
        after = {'group_name': name, 'path': desired['path'] or '/', 'members': []}
        attached, inline = [], {}
    else:
        after = dict(current)
        if desired['path'] is not None and desired['path'] != current['path']:
            actions.append(Action('UpdateGroup', GroupName=name, NewPath=desired['path']))
            after['path'] = desired['path']
        attached = list(current.get('managed_policies') or [])
        inline = dict(current.get('inline_policies') or {})

    if desired['managed_policies'] is not None:
        wanted = desired['managed_policies']
        for arn in wanted:
            if arn not in attached:
                actions.append(Action('AttachGroupPolicy', GroupName=name, PolicyArn=arn))
        kept = [arn for arn in attached if arn in wanted or not desired['purge_policies']]
        for arn in attached:
            if arn not in kept:
                actions.append(Action('DetachGroupPolicy', GroupName=name, PolicyArn=arn))
        after['managed_policies'] = sorted(set(kept) | set(wanted))

    if desired['inline_policies'] is not None:
        wanted = desired['inline_policies']
        after_inline = {}
        for policy_name in sorted(wanted):
            document = wanted[policy_name]
            existing = inline.get(policy_name)
            if policy_name not in inline or existing is None or compare_policies(existing, document):
                actions.append(Action('PutGroupPolicy', GroupName=name, PolicyName=policy_name,
                                      PolicyDocument=json.dumps(document, sort_keys=True)))
            after_inline[policy_name] = document
        for policy_name in sorted(inline):
            if policy_name in wanted:
                continue
            if desired['purge_inline_policies']:
                actions.append(Action('DeleteGroupPolicy', GroupName=name, PolicyName=policy_name))
            else:
                after_inline[policy_name] = inline[policy_name]
        after['inline_policies'] = after_inline
    return Plan(actions, before=group_view(current), after=group_view(after))


def _plan_removal(current):
    if current is None:
        return Plan()
    name = current['group_name']
    actions = [Action('DetachGroupPolicy', GroupName=name, PolicyArn=arn) for arn in current.get('managed_policies') or []]
    actions += [Action('DeleteGroupPolicy', GroupName=name, PolicyName=policy) for policy in sorted(current.get('inline_policies') or {})]
    actions += [Action('RemoveUserFromGroup', GroupName=name, UserName=user) for user in current.get('members') or []]
    actions.append(Action('DeleteGroup', GroupName=name))
    return Plan(actions, before=group_view(current), after={})


def group_result(current, plan, responses, desired):
    """The group after the plan was applied (or would be, in check mode), in the module's return format."""
    if desired['state'] == 'absent':
        return None
    answer = created(responses, 'CreateGroup')
    base = dict(current or {})
    if answer:
        group = answer['Group']
        base.update(group_name=group['GroupName'], group_id=group['GroupId'], arn=group['Arn'], create_date=iso(group.get('CreateDate')))
    after = plan.after
    result = {
        'group_name': desired['name'],
        'arn': base.get('arn'),
        'group_id': base.get('group_id'),
        'path': after.get('path', base.get('path')),
        'create_date': base.get('create_date'),
        'members': after.get('members', base.get('members', [])),
    }
    if 'managed_policies' in after:
        result['managed_policies'] = after['managed_policies']
    elif current is None:
        result['managed_policies'] = []
    if 'inline_policies' in after:
        result['inline_policies'] = sorted(after['inline_policies'])
    elif current is None:
        result['inline_policies'] = []
    return result
