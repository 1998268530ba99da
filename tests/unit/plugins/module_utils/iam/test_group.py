# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A group (iam/group.py): its pure plans, and prepare_group's checks of policies (against moto, in process)."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.batch import entry_errors
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import desired_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import group_from_details
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import prepare_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import plan_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import policies_to_verify
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import resolve_policy_arns
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from tests.utils.iam_entries import group_entry


ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess'
POWER_ARN = 'arn:aws:iam::aws:policy/PowerUserAccess'
DOC = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['s3:GetObject', 's3:ListBucket'], 'Resource': '*'}]}


def group(**overrides):
    current = {'group_name': 'Admins', 'group_id': 'AGPA1', 'arn': 'arn:aws:iam::123456789012:group/Admins', 'path': '/',
               'create_date': '2024-01-01T00:00:00+00:00', 'members': ['alice']}
    current.update(overrides)
    return current


def want_group(**options):
    desired = desired_group(dict({'name': 'Admins'}, **options))
    if desired['managed_policies'] is not None:
        desired['managed_policies'] = list(resolve_policy_arns(desired['managed_policies'], 'aws'))
    return desired


# --- groups ---------------------------------------------------------------------------------------

def test_new_group_is_created_then_given_its_policies():
    plan = plan_group(None, want_group(managed_policies=['AdministratorAccess'], inline_policies={'read': DOC}))
    assert plan.operations == ['CreateGroup', 'AttachGroupPolicy', 'PutGroupPolicy']
    assert plan.actions[0] == Action('CreateGroup', GroupName='Admins', Path='/')
    assert plan.actions[1].params['PolicyArn'] == ADMIN_ARN
    assert plan.diff() == {'before': {}, 'after': {'group_name': 'Admins', 'path': '/', 'members': [],
                                                   'managed_policies': [ADMIN_ARN], 'inline_policies': {'read': DOC}}}


def test_group_in_desired_state_has_no_actions():
    plan = plan_group(group(managed_policies=[ADMIN_ARN]), want_group(managed_policies=['AdministratorAccess']))
    assert plan.actions == [] and plan.before == plan.after


def test_bare_names_resolve_in_the_callers_partition():
    assert list(resolve_policy_arns(['AdministratorAccess', 'arn:aws-cn:iam::aws:policy/X'], 'aws-cn')) == [
        'arn:aws-cn:iam::aws:policy/AdministratorAccess', 'arn:aws-cn:iam::aws:policy/X']
    assert resolve_policy_arns(['AdministratorAccess', ADMIN_ARN], 'aws') == {ADMIN_ARN: 'AdministratorAccess'}


def test_only_policies_to_attach_are_verified():
    assert policies_to_verify(group(managed_policies=[ADMIN_ARN]), [ADMIN_ARN, POWER_ARN]) == [POWER_ARN]
    assert policies_to_verify(None, [ADMIN_ARN]) == [ADMIN_ARN]


def test_extra_policies_are_kept_unless_purged():
    current = group(managed_policies=[ADMIN_ARN, POWER_ARN])
    assert plan_group(current, want_group(managed_policies=[ADMIN_ARN])).actions == []
    plan = plan_group(current, want_group(managed_policies=[ADMIN_ARN], purge_policies=True))
    assert plan.actions == [Action('DetachGroupPolicy', GroupName='Admins', PolicyArn=POWER_ARN)]
    assert plan.after['managed_policies'] == [ADMIN_ARN]


def test_inline_policies_compare_by_meaning_not_text():
    rewritten = {'Version': '2012-10-17', 'Statement': {'Resource': ['*'], 'Action': ['s3:ListBucket', 's3:GetObject'], 'Effect': 'Allow'}}
    assert plan_group(group(inline_policies={'read': rewritten}), want_group(inline_policies={'read': DOC})).actions == []
    changed = dict(DOC, Statement=[dict(DOC['Statement'][0], Action='s3:*')])
    plan = plan_group(group(inline_policies={'read': changed}), want_group(inline_policies={'read': DOC}))
    assert plan.operations == ['PutGroupPolicy']


def test_inline_policies_purged_only_when_asked():
    current = group(inline_policies={'read': DOC, 'old': None})
    assert plan_group(current, want_group(inline_policies={'read': DOC})).actions == []
    plan = plan_group(current, want_group(inline_policies={'read': DOC}, purge_inline_policies=True))
    assert plan.actions == [Action('DeleteGroupPolicy', GroupName='Admins', PolicyName='old')]


def test_group_path_change():
    plan = plan_group(group(), want_group(path='/admins/'))
    assert plan.actions == [Action('UpdateGroup', GroupName='Admins', NewPath='/admins/')]
    assert (plan.before['path'], plan.after['path']) == ('/', '/admins/')


def test_group_removal_order():
    current = group(managed_policies=[ADMIN_ARN], inline_policies={'read': None}, members=['alice', 'bob'])
    plan = plan_group(current, want_group(state='absent'))
    assert plan.operations == ['DetachGroupPolicy', 'DeleteGroupPolicy', 'RemoveUserFromGroup', 'RemoveUserFromGroup', 'DeleteGroup']
    assert plan.after == {}
    assert plan_group(None, want_group(state='absent')).actions == []


def test_group_options_are_checked():
    with pytest.raises(OptionError, match='^inline_policies.bad name: '):
        desired_group({'name': 'G', 'inline_policies': {'bad name': {'Statement': [{'Effect': 'Allow', 'Action': '*'}]}}})
    desired = desired_group({'name': 'G', 'managed_policies': ['AdministratorAccess'], 'inline_policies': {
        'p': '{"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}'}})
    assert desired['inline_policies']['p']['Statement'][0]['Action'] == 's3:Get*'


# --- prepare_group against moto (in process) ------------------------------------------------------

ACCOUNT = '123456789012'
READ_ONLY_ARN = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
# Admins's GroupDetailList entry (GetAccountAuthorizationDetails) with ReadOnlyAccess attached.
ADMINS_DETAIL = {'Path': '/', 'GroupName': 'Admins', 'GroupId': 'AGPAADMINS000000001', 'Arn': 'arn:aws:iam::%s:group/Admins' % ACCOUNT,
                 'CreateDate': datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), 'GroupPolicyList': [],
                 'AttachedManagedPolicies': [{'PolicyName': 'ReadOnlyAccess', 'PolicyArn': READ_ONLY_ARN},
                                             {'PolicyName': 'PowerUserAccess', 'PolicyArn': POWER_ARN}]}


def group_wanting(name, *policies):
    return desired_group(group_entry(name, managed_policies=list(policies)))


def test_prepare_group_verifies_a_policy_once_per_batch(iam):
    _raw, client, calls = iam
    verified = set()
    prepared = prepare_group(client, group_wanting('A', 'ReadOnlyAccess'), None, verified)
    first, plan = prepared.desired, prepared.plan
    assert calls == ['GetPolicy']
    assert first['managed_policies'] == [READ_ONLY_ARN]
    assert plan.operations == ['CreateGroup', 'AttachGroupPolicy']
    assert verified == {READ_ONLY_ARN}
    prepared = prepare_group(client, group_wanting('B', READ_ONLY_ARN), None, verified)
    second, plan = prepared.desired, prepared.plan
    assert calls == ['GetPolicy']  # no second GetPolicy for the same ARN
    assert second['managed_policies'] == [READ_ONLY_ARN] and plan.operations == ['CreateGroup', 'AttachGroupPolicy']
    prepare_group(client, group_wanting('C', 'ReadOnlyAccess', 'PowerUserAccess'), None, verified)
    assert calls == ['GetPolicy', 'GetPolicy']  # only the new one
    assert verified == {READ_ONLY_ARN, POWER_ARN}


def test_prepare_group_without_a_shared_set_verifies_every_time(iam):
    _raw, client, calls = iam
    prepare_group(client, group_wanting('A', 'ReadOnlyAccess'), None)
    prepare_group(client, group_wanting('B', 'ReadOnlyAccess'), None)
    assert calls == ['GetPolicy', 'GetPolicy']


def test_prepare_group_skips_policies_already_attached(iam):
    _raw, client, calls = iam
    current = group_from_details(ADMINS_DETAIL, ['alice', 'zoe'])
    verified = set()
    prepared = prepare_group(client, group_wanting('Admins', 'ReadOnlyAccess'), current, verified)
    desired, plan = prepared.desired, prepared.plan
    assert calls == [] and verified == set()
    assert desired['managed_policies'] == [READ_ONLY_ARN] and plan.actions == []


def test_prepare_group_refuses_an_unknown_policy_naming_managed_policies(iam):
    _raw, client, calls = iam
    verified = set()
    with pytest.raises(OptionError) as raised:
        prepare_group(client, group_wanting('A', 'NoSuchPolicyAnywhere'), None, verified)
    assert raised.value.option == 'managed_policies'
    assert "'NoSuchPolicyAnywhere'" in raised.value.rule
    assert 'arn:aws:iam::aws:policy/NoSuchPolicyAnywhere' in raised.value.rule
    assert verified == set() and calls == ['GetPolicy']
    missing = 'arn:aws:iam::%s:policy/Nope' % ACCOUNT
    with pytest.raises(OptionError) as raised:
        prepare_group(client, group_wanting('B', missing), None, verified)
    assert raised.value.option == 'managed_policies' and repr(missing) in raised.value.rule
    with pytest.raises(OptionError) as raised:
        with entry_errors('groups[B]'):
            prepare_group(client, group_wanting('B', 'ReadOnlyAccess', 'NoSuchPolicyAnywhere'), None, verified)
    assert raised.value.option == 'groups[B].managed_policies'
