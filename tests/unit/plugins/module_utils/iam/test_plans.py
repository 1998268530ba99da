# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pure plan functions: (current, desired) -> actions and diff, case by case."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sign_in_url
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import UPDATE_DEFAULTS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import desired_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import plan_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import desired_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import plan_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import policies_to_verify
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import resolve_policy_arns
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import PASSWORD_CHANGE
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import password_needed
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import plan_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_removal import plan_user_removal
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

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


# --- users ----------------------------------------------------------------------------------------

def want_user(**options):
    params = dict(name='alice', state='present', purge_tags=True, purge_groups=False, password_reset_required=True,
                  update_password='on_create', retire_other_access_keys=False)
    params.update(options)
    return desired_user(params)


def user(**overrides):
    current = {'user_name': 'alice', 'user_id': 'AIDA1', 'arn': 'arn:aws:iam::123456789012:user/alice', 'path': '/',
               'create_date': '2024-01-01T00:00:00+00:00', 'tags': {}}
    current.update(overrides)
    return current


def test_new_user_with_console_access_and_groups():
    desired = want_user(groups=['Admins'], console_access=True, tags={'team': 'ops'})
    assert password_needed(None, desired)
    plan, key_plan = plan_user(None, desired, password='S3cret-Passw0rd!')
    assert plan.operations == ['CreateUser', 'AddUserToGroup', 'CreateLoginProfile']
    assert plan.actions[0].params == {'UserName': 'alice', 'Path': '/', 'Tags': [{'Key': 'team', 'Value': 'ops'}]}
    assert plan.actions[2].params == {'UserName': 'alice', 'Password': 'S3cret-Passw0rd!', 'PasswordResetRequired': True}
    assert not key_plan.create
    assert 'S3cret-Passw0rd!' not in repr(plan.diff()) and 'S3cret-Passw0rd!' not in repr(plan.actions)
    assert plan.after['password'] == PASSWORD_CHANGE and plan.after['console_access'] is True


def test_user_in_desired_state_has_no_actions():
    current = user(groups=['Admins'], login_profile={'password_reset_required': False}, tags={'team': 'ops'})
    desired = want_user(groups=['Admins'], console_access=True, tags={'team': 'ops'})
    assert not password_needed(current, desired)
    plan, _keys = plan_user(current, desired)
    assert plan.actions == [] and plan.before == plan.after


def test_unset_options_are_not_managed():
    current = user(tags={'keep': 'me'})
    plan, _keys = plan_user(current, want_user())
    assert plan.actions == []
    assert 'groups' not in plan.after and 'console_access' not in plan.after and 'access_keys' not in plan.after


def test_update_password_always_sets_it_every_run():
    current = user(login_profile={'password_reset_required': False})
    desired = want_user(console_access=True, password='N3w-Password!', update_password='always', password_reset_required=False)
    assert password_needed(current, desired)
    plan, _keys = plan_user(current, desired, password='N3w-Password!')
    assert plan.actions == [Action('UpdateLoginProfile', UserName='alice', Password='N3w-Password!', PasswordResetRequired=False)]


def test_console_access_false_deletes_the_login_profile():
    plan, _keys = plan_user(user(login_profile={'password_reset_required': True}), want_user(console_access=False))
    assert plan.actions == [Action('DeleteLoginProfile', UserName='alice')]
    assert (plan.before['console_access'], plan.after['console_access']) == (True, False)


def test_groups_added_and_purged():
    current = user(groups=['Admins', 'Old'])
    plan, _keys = plan_user(current, want_user(groups=['Admins', 'Devs']))
    assert plan.actions == [Action('AddUserToGroup', GroupName='Devs', UserName='alice')]
    plan, _keys = plan_user(current, want_user(groups=['Admins', 'Devs'], purge_groups=True))
    assert plan.operations == ['AddUserToGroup', 'RemoveUserFromGroup']
    assert plan.after['groups'] == ['Admins', 'Devs']


def test_tags_set_and_purged_but_never_aws_tags():
    current = user(tags={'team': 'ops', 'old': 'x', 'aws:cloudformation:stack-name': 's'})
    plan, _keys = plan_user(current, want_user(tags={'team': 'dev'}))
    assert plan.actions == [Action('TagUser', UserName='alice', Tags=[{'Key': 'team', 'Value': 'dev'}]),
                            Action('UntagUser', UserName='alice', TagKeys=['old'])]
    plan, _keys = plan_user(current, want_user(tags={'team': 'ops'}, purge_tags=False))
    assert plan.actions == []


def test_user_path_change():
    plan, _keys = plan_user(user(), want_user(path='/devs/'))
    assert plan.actions == [Action('UpdateUser', UserName='alice', NewPath='/devs/')]


def test_new_user_with_access_key():
    plan, key_plan = plan_user(None, want_user(access_key_state='present', groups=['PowerUsers']))
    assert plan.operations == ['CreateUser', 'AddUserToGroup', 'CreateAccessKey']
    assert key_plan.create and plan.after['access_keys'] == ['(new access key) Active (in use)']


def test_removal_order_and_every_attachment():
    current = {'user_name': 'alice', 'arn': 'arn:aws:iam::123456789012:user/alice', 'path': '/', 'login_profile': True,
               'access_keys': ['AKIA1'], 'mfa_devices': ['arn:aws:iam::123456789012:mfa/alice', 'GAHT12345678'],
               'ssh_public_keys': ['APKA1'], 'service_specific_credentials': ['ACCA1'], 'signing_certificates': ['CERT1'],
               'groups': ['Admins'], 'attached_policies': [ADMIN_ARN], 'inline_policies': ['mine']}
    plan = plan_user_removal(current)
    assert plan.operations == [
        'DeleteLoginProfile', 'DeleteAccessKey', 'DeactivateMFADevice', 'DeleteVirtualMFADevice', 'DeactivateMFADevice',
        'DeleteSSHPublicKey', 'DeleteServiceSpecificCredential', 'DeleteSigningCertificate', 'RemoveUserFromGroup',
        'DetachUserPolicy', 'DeleteUserPolicy', 'DeleteUser']
    assert plan.after == {}
    assert plan_user_removal(None).actions == []


# --- account --------------------------------------------------------------------------------------

def account(alias=None, policy=None):
    return {'account_id': '123456789012', 'partition': 'aws', 'alias': alias, 'password_policy': policy,
            'caller': {}, 'root': {}}


def test_alias_created_replaced_removed_or_left():
    assert plan_account(account(), desired_account({'alias': 'corp'})).actions == [Action('CreateAccountAlias', AccountAlias='corp')]
    assert plan_account(account('old'), desired_account({'alias': 'corp'})).operations == ['CreateAccountAlias']
    assert plan_account(account('old'), desired_account({'alias': ''})).actions == [Action('DeleteAccountAlias', AccountAlias='old')]
    assert plan_account(account('old'), desired_account({})).actions == []
    assert plan_account(account(), desired_account({'alias': ''})).actions == []


def test_password_policy_merges_given_fields_over_the_current_policy():
    current = dict(UPDATE_DEFAULTS, minimum_password_length=12, require_symbols=True, max_password_age=90)
    plan = plan_account(account(policy=current), desired_account({'password_policy': {'require_numbers': True}}))
    assert plan.actions == [Action('UpdateAccountPasswordPolicy', MinimumPasswordLength=12, RequireSymbols=True, RequireNumbers=True,
                                   RequireUppercaseCharacters=False, RequireLowercaseCharacters=False,
                                   AllowUsersToChangePassword=False, MaxPasswordAge=90, HardExpiry=False)]
    same = plan_account(account(policy=current), desired_account({'password_policy': {'require_symbols': True}}))
    assert same.actions == []


def test_password_policy_hard_expiry_needs_an_age_in_the_merged_policy():
    with pytest.raises(OptionError, match='hard_expiry'):
        plan_account(account(policy=None), desired_account({'password_policy': {'hard_expiry': True}}))


@pytest.mark.parametrize('partition, alias, url', [
    ('aws', None, 'https://123456789012.signin.aws.amazon.com/console'),
    ('aws', 'corp', 'https://corp.signin.aws.amazon.com/console'),
    ('aws-cn', None, 'https://123456789012.signin.amazonaws.cn/console'),
    ('aws-us-gov', 'corp', 'https://corp.signin.amazonaws-us-gov.com/console'),
])
def test_sign_in_urls(partition, alias, url):
    assert sign_in_url(partition, '123456789012', alias) == url
