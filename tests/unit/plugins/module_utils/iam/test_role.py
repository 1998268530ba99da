# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A role (iam/role.py): its options checked as a role's, and its pure plans."""

from __future__ import annotations

import json

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.role import account_trust_policy
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.role import desired_role
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.role import plan_role
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'
SUPPORT = 'arn:aws:iam::aws:policy/AWSSupportAccess'


# --- roles ----------------------------------------------------------------------------------------

def role(**overrides):
    current = {'role_name': 'AWSSupport', 'role_id': 'AROA1', 'arn': 'arn:aws:iam::1:role/AWSSupport', 'path': '/',
               'create_date': '2025-01-01T00:00:00+00:00', 'description': 'support', 'trust_policy': account_trust_policy('aws', '1'),
               'managed_policies': [SUPPORT]}
    current.update(overrides)
    return current


def want_role(**options):
    desired = desired_role(dict({'name': 'AWSSupport', 'assume_role_policy_document': account_trust_policy('aws', '1'),
                                 'managed_policies': [SUPPORT], 'description': 'support'}, **options))
    return desired


def test_role_plans():
    plan = plan_role(None, want_role())
    assert plan.operations == ['CreateRole', 'AttachRolePolicy']
    assert plan.after['trust_policy']['Statement'][0]['Principal'] == {'AWS': 'arn:aws:iam::1:root'}
    assert plan_role(role(), want_role()).actions == []
    # The same trust policy written differently is not put again.
    same = {'Version': '2012-10-17', 'Statement': {'Effect': 'Allow', 'Principal': {'AWS': ['arn:aws:iam::1:root']}, 'Action': ['sts:AssumeRole']}}
    assert plan_role(role(), want_role(assume_role_policy_document=same)).actions == []
    other = account_trust_policy('aws', '2')
    plan = plan_role(role(managed_policies=[SUPPORT, ADMIN]), want_role(assume_role_policy_document=other, purge_policies=True, description='x'))
    assert plan.operations == ['UpdateAssumeRolePolicy', 'UpdateRole', 'DetachRolePolicy']
    assert plan.actions[-1] == Action('DetachRolePolicy', RoleName='AWSSupport', PolicyArn=ADMIN)
    gone = plan_role(role(inline_policies=['x'], instance_profiles=['p']), want_role(state='absent'))
    assert gone.operations == ['DetachRolePolicy', 'DeleteRolePolicy', 'RemoveRoleFromInstanceProfile', 'DeleteRole']
    assert plan_role(None, want_role(state='absent')).actions == []


def test_role_options_are_checked_before_any_call():
    with pytest.raises(OptionError, match='^name:'):
        desired_role({'name': 'bad name'})
    with pytest.raises(OptionError, match='^assume_role_policy_document:'):
        desired_role({'name': 'r', 'assume_role_policy_document': '{"Statement": []}'})
    with pytest.raises(OptionError, match='^path:'):
        plan_role(role(), want_role(path='/other/'))


def test_a_role_name_follows_the_rules_for_role_names():
    # IAM: 1 to 64 characters of letters, digits and + = , . @ _ -
    assert desired_role({'name': 'a' * 64})['name'] == 'a' * 64
    assert desired_role({'name': 'Support+=,.@_-1'})['name'] == 'Support+=,.@_-1'
    for bad, words in (('a' * 65, 'role name is at most 64'), ('', 'role name must not be empty'), ('bad/name', 'role name may only')):
        with pytest.raises(OptionError) as raised:
            desired_role({'name': bad})
        assert raised.value.option == 'name' and words in raised.value.rule


def padded_trust_policy(size):
    """A valid trust policy of exactly ``size`` characters in IAM's compact JSON."""
    document = account_trust_policy('aws', '123456789012')
    document['Statement'][0]['Sid'] = ''
    document['Statement'][0]['Sid'] = 'x' * (size - len(json.dumps(document, separators=(',', ':'))))
    assert len(json.dumps(document, separators=(',', ':'))) == size
    return document


def test_a_trust_policy_is_limited_as_a_trust_policy():
    # 2048 characters: the default quota of a trust policy (an inline group policy may have 5120).
    assert desired_role({'name': 'r', 'assume_role_policy_document': padded_trust_policy(2048)})['trust_policy']
    with pytest.raises(OptionError) as raised:
        desired_role({'name': 'r', 'assume_role_policy_document': padded_trust_policy(2049)})
    assert raised.value.option == 'assume_role_policy_document'
    assert raised.value.rule == 'a trust policy is at most 2048 characters, this one has 2049'
