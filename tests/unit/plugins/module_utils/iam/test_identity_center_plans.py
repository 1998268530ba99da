# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pure Identity Center plans ((current, desired) -> actions and diff) and the executor that applies
them (ids of what a plan creates, creates and removals that survive a retry, asynchronous requests)."""

from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import ICExecutor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import Ref
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import desired_assignments
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import plan_assignment
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_assignments import resolve_entries
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import desired_identities
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import plan_identities
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import plan_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_identities import plan_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import desired_permission_sets
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import plan_permission_set
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_permission_sets import resolve_policies
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

STORE = 'd-0123456789'
INSTANCE = 'arn:aws:sso:::instance/ssoins-0123456789abcdef'
PS_ARN = 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef'
ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess'
READ = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
DOC = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': ['s3:GetObject', 's3:ListBucket'], 'Resource': '*'}]}
ALICE = {'user_name': 'alice', 'display_name': 'Alice M', 'given_name': 'Alice', 'family_name': 'Martin', 'email': 'alice@example.com'}


def one_user(**entry):
    users, _groups = desired_identities({'users': [dict(ALICE, **entry)]})
    return users[0]


def one_group(**entry):
    _users, groups = desired_identities({'groups': [dict({'name': 'Admins'}, **entry)]})
    return groups[0]


def existing_alice(**overrides):
    return dict({'user_name': 'alice', 'user_id': 'u-alice', 'display_name': 'Alice M', 'given_name': 'Alice', 'family_name': 'Martin',
                 'email': 'alice@example.com'}, **overrides)


# --- users and groups -----------------------------------------------------------------------------

def test_a_new_user_is_created_with_its_names_and_primary_email():
    plan = plan_user(STORE, None, one_user())
    assert plan.actions == [Action('CreateUser', IdentityStoreId=STORE, UserName='alice', DisplayName='Alice M',
                                   Name={'GivenName': 'Alice', 'FamilyName': 'Martin'},
                                   Emails=[{'Value': 'alice@example.com', 'Type': 'work', 'Primary': True}])]
    assert plan.diff() == {'before': {}, 'after': {'user_name': 'alice', 'display_name': 'Alice M', 'given_name': 'Alice',
                                                   'family_name': 'Martin', 'email': 'alice@example.com'}}


def test_a_user_as_desired_has_no_action_and_attributes_not_given_are_left():
    assert plan_user(STORE, existing_alice(), one_user()).actions == []
    assert plan_user(STORE, existing_alice(email='old@example.com'), one_user(email=None)).actions == []


def test_a_changed_user_gets_one_update_with_only_what_changed():
    plan = plan_user(STORE, existing_alice(email='old@example.com', family_name='Smith'), one_user())
    assert plan.actions == [Action('UpdateUser', IdentityStoreId=STORE, UserId='u-alice', Operations=[
        {'AttributePath': 'name.familyName', 'AttributeValue': 'Martin'},
        {'AttributePath': 'emails', 'AttributeValue': [{'Value': 'alice@example.com', 'Type': 'work', 'Primary': True}]}])]
    assert plan.before['email'] == 'old@example.com' and plan.after['email'] == 'alice@example.com'


def test_a_removed_user_leaves_its_groups_first():
    current = existing_alice(memberships={'Admins': 'm-1', 'Devs': 'm-2'})
    plan = plan_user(STORE, current, one_user(state='absent'))
    assert plan.operations == ['DeleteGroupMembership', 'DeleteGroupMembership', 'DeleteUser']
    assert plan.actions[-1] == Action('DeleteUser', IdentityStoreId=STORE, UserId='u-alice')
    assert plan.after == {} and plan_user(STORE, None, one_user(state='absent')).actions == []


def test_a_new_group_gets_members_by_id_or_by_reference_to_a_user_created_before():
    plan = plan_group(STORE, None, one_group(description='Full', members=['alice', 'bob']), {'alice': 'u-alice', 'bob': Ref('user', 'bob')})
    assert plan.actions == [
        Action('CreateGroup', IdentityStoreId=STORE, DisplayName='Admins', Description='Full'),
        Action('CreateGroupMembership', IdentityStoreId=STORE, GroupId=Ref('group', 'Admins'), MemberId={'UserId': 'u-alice'}),
        Action('CreateGroupMembership', IdentityStoreId=STORE, GroupId=Ref('group', 'Admins'), MemberId={'UserId': Ref('user', 'bob')}),
    ]
    assert plan.after == {'name': 'Admins', 'description': 'Full', 'members': ['alice', 'bob']}


def test_group_members_are_added_and_only_purged_when_asked():
    current = {'name': 'Admins', 'group_id': 'g-1', 'description': None, 'members': {'alice': 'm-1', 'carol': 'm-3'}}
    ids = {'alice': 'u-alice', 'bob': 'u-bob', 'carol': 'u-carol'}
    plan = plan_group(STORE, current, one_group(members=['Alice', 'bob']), ids)
    assert plan.actions == [Action('CreateGroupMembership', IdentityStoreId=STORE, GroupId='g-1', MemberId={'UserId': 'u-bob'})]
    assert plan.after['members'] == ['alice', 'bob', 'carol']
    plan = plan_group(STORE, current, one_group(members=['alice', 'bob'], purge_members=True), ids)
    assert plan.operations == ['CreateGroupMembership', 'DeleteGroupMembership']
    assert plan.actions[1] == Action('DeleteGroupMembership', IdentityStoreId=STORE, MembershipId='m-3')
    assert plan.after['members'] == ['alice', 'bob']
    assert plan_group(STORE, current, one_group(members=['alice', 'carol'], purge_members=True), ids).actions == []


def test_a_group_description_change_and_a_removal():
    current = {'name': 'Admins', 'group_id': 'g-1', 'description': 'old', 'members': {'alice': 'm-1'}}
    plan = plan_group(STORE, current, one_group(description='new'), {})
    assert plan.actions == [Action('UpdateGroup', IdentityStoreId=STORE, GroupId='g-1',
                                   Operations=[{'AttributePath': 'description', 'AttributeValue': 'new'}])]
    plan = plan_group(STORE, current, one_group(state='absent'), {})
    assert plan.actions == [Action('DeleteGroupMembership', IdentityStoreId=STORE, MembershipId='m-1'),
                            Action('DeleteGroup', IdentityStoreId=STORE, GroupId='g-1')]


def test_identities_are_applied_users_then_groups_then_removals():
    users, groups = desired_identities({
        'users': [{'user_name': 'gone', 'state': 'absent'}, ALICE],
        'groups': [{'name': 'Old', 'state': 'absent'}, {'name': 'Admins', 'members': ['alice']}]})
    current = {'users': {'gone': {'user_name': 'gone', 'user_id': 'u-gone', 'memberships': {}}},
               'groups': {'old': {'name': 'Old', 'group_id': 'g-old', 'members': {}}}}
    planned = plan_identities(STORE, current, users, groups)
    assert [(option, index) for option, index, _plan in planned] == [('users', 1), ('groups', 1), ('groups', 0), ('users', 0)]
    operations = [op for _option, _index, plan in planned for op in plan.operations]
    assert operations == ['CreateUser', 'CreateGroup', 'CreateGroupMembership', 'DeleteGroup', 'DeleteUser']
    membership = planned[1][2].actions[1]
    assert membership.params['MemberId'] == {'UserId': Ref('user', 'alice')}


# --- permission sets ------------------------------------------------------------------------------

def want_ps(**entry):
    desired = desired_permission_sets({'permission_sets': [dict({'name': 'Admin'}, **entry)]})[0]
    return resolve_policies(desired, 'aws')


def existing_ps(**overrides):
    return dict({'name': 'Admin', 'arn': PS_ARN, 'description': 'Full', 'session_duration': 'PT4H', 'relay_state': None,
                 'managed_policies': [ADMIN], 'customer_managed_policies': [], 'inline_policy': {}}, **overrides)


def test_bare_policy_names_become_arns_in_the_instance_partition():
    assert want_ps(managed_policies=['AdministratorAccess', ADMIN])['managed_policies'] == [ADMIN]
    desired = desired_permission_sets({'permission_sets': [{'name': 'Admin', 'managed_policies': ['AdministratorAccess']}]})[0]
    assert resolve_policies(desired, 'aws-cn')['managed_policies'] == ['arn:aws-cn:iam::aws:policy/AdministratorAccess']


def test_a_new_permission_set_is_created_then_given_its_policies():
    plan = plan_permission_set(INSTANCE, None, want_ps(description='Full', session_duration='PT4H', managed_policies=['AdministratorAccess'],
                                                       customer_managed_policies=[{'name': 'mine', 'path': '/t/'}], inline_policy=DOC))
    ref = Ref('permission_set', 'Admin')
    assert plan.actions == [
        Action('CreatePermissionSet', InstanceArn=INSTANCE, Name='Admin', Description='Full', SessionDuration='PT4H'),
        Action('AttachManagedPolicyToPermissionSet', InstanceArn=INSTANCE, PermissionSetArn=ref, ManagedPolicyArn=ADMIN),
        Action('AttachCustomerManagedPolicyReferenceToPermissionSet', InstanceArn=INSTANCE, PermissionSetArn=ref,
               CustomerManagedPolicyReference={'Name': 'mine', 'Path': '/t/'}),
        Action('PutInlinePolicyToPermissionSet', InstanceArn=INSTANCE, PermissionSetArn=ref,
               InlinePolicy='{"Statement": [{"Action": ["s3:GetObject", "s3:ListBucket"], "Effect": "Allow", "Resource": "*"}], '
                            '"Version": "2012-10-17"}'),
    ]
    assert 'ProvisionPermissionSet' not in plan.operations
    assert plan.after['customer_managed_policies'] == ['/t/mine'] and plan.before == {}


def test_a_permission_set_as_desired_has_no_action():
    rewritten = {'Version': '2012-10-17', 'Statement': {'Resource': ['*'], 'Action': ['s3:ListBucket', 's3:GetObject'], 'Effect': 'Allow'}}
    plan = plan_permission_set(INSTANCE, existing_ps(inline_policy=rewritten),
                               want_ps(description='Full', session_duration='PT240M', managed_policies=['AdministratorAccess'], inline_policy=DOC),
                               provisioned=['123456789012'])
    assert plan.actions == [] and plan.before == plan.after


def test_an_update_sends_every_setting_and_reprovisions_where_provisioned():
    desired = want_ps(session_duration='PT8H')
    plan = plan_permission_set(INSTANCE, existing_ps(relay_state='https://x/'), desired, provisioned=['123456789012'])
    assert plan.actions == [
        Action('UpdatePermissionSet', InstanceArn=INSTANCE, PermissionSetArn=PS_ARN, Description='Full', SessionDuration='PT8H',
               RelayState='https://x/'),
        Action('ProvisionPermissionSet', InstanceArn=INSTANCE, PermissionSetArn=PS_ARN, TargetType='ALL_PROVISIONED_ACCOUNTS'),
    ]
    assert plan_permission_set(INSTANCE, existing_ps(), desired, provisioned=[]).operations == ['UpdatePermissionSet']
    assert plan_permission_set(INSTANCE, existing_ps(), desired).operations == ['UpdatePermissionSet']


def test_policies_are_purged_only_when_asked_and_an_empty_inline_policy_is_deleted():
    current = existing_ps(managed_policies=[ADMIN, READ], customer_managed_policies=[('mine', '/'), ('old', '/')], inline_policy=DOC)
    assert plan_permission_set(INSTANCE, current, want_ps(managed_policies=[ADMIN], customer_managed_policies=[{'name': 'mine'}])).actions == []
    plan = plan_permission_set(INSTANCE, current, want_ps(managed_policies=[ADMIN], customer_managed_policies=[{'name': 'mine'}],
                                                          purge_policies=True, inline_policy=''))
    assert plan.actions == [
        Action('DetachManagedPolicyFromPermissionSet', InstanceArn=INSTANCE, PermissionSetArn=PS_ARN, ManagedPolicyArn=READ),
        Action('DetachCustomerManagedPolicyReferenceFromPermissionSet', InstanceArn=INSTANCE, PermissionSetArn=PS_ARN,
               CustomerManagedPolicyReference={'Name': 'old', 'Path': '/'}),
        Action('DeleteInlinePolicyFromPermissionSet', InstanceArn=INSTANCE, PermissionSetArn=PS_ARN),
    ]
    assert plan.after['managed_policies'] == [ADMIN] and plan.after['customer_managed_policies'] == ['/mine']


def test_a_removed_permission_set_is_detached_then_deleted():
    plan = plan_permission_set(INSTANCE, existing_ps(customer_managed_policies=[('mine', '/t/')]), want_ps(state='absent'))
    assert plan.operations == ['DetachManagedPolicyFromPermissionSet', 'DetachCustomerManagedPolicyReferenceFromPermissionSet', 'DeletePermissionSet']
    assert plan.after == {} and plan_permission_set(INSTANCE, None, want_ps(state='absent')).actions == []


# --- assignments ----------------------------------------------------------------------------------

def assignment(**entry):
    entries = desired_assignments({'assignments': [dict({'permission_set': 'Admin', 'principal_name': 'Admins'}, **entry)]}, '123456789012')
    return entries


def test_a_missing_assignment_is_created_and_an_existing_one_left():
    entries, warnings = resolve_entries(assignment(), {'admin': {'arn': PS_ARN}}, {('GROUP', 'admins'): 'g-1'})
    assert warnings == []
    create = Action('CreateAccountAssignment', InstanceArn=INSTANCE, TargetId='123456789012', TargetType='AWS_ACCOUNT', PermissionSetArn=PS_ARN,
                    PrincipalType='GROUP', PrincipalId='g-1')
    plan = plan_assignment(INSTANCE, {('123456789012', PS_ARN): [('USER', 'g-1')]}, entries[0])
    assert plan.actions == [create] and plan.after == {'assignment': '123456789012 Admin: GROUP Admins'}
    assert plan_assignment(INSTANCE, {('123456789012', PS_ARN): [('GROUP', 'g-1')]}, entries[0]).actions == []
    removal = resolve_entries(assignment(state='absent'), {'admin': {'arn': PS_ARN}}, {('GROUP', 'admins'): 'g-1'})[0][0]
    plan = plan_assignment(INSTANCE, {('123456789012', PS_ARN): [('GROUP', 'g-1')]}, removal)
    assert plan.operations == ['DeleteAccountAssignment'] and plan.after == {}
    assert plan_assignment(INSTANCE, {}, removal).actions == []


def test_a_missing_permission_set_or_principal_fails_before_any_write_but_warns_in_check_mode():
    with pytest.raises(OptionError) as error:
        resolve_entries(assignment(), {}, {('GROUP', 'admins'): 'g-1'})
    assert error.value.message == "assignments[Admins/Admin].permission_set: no permission set 'Admin' exists in this IAM Identity Center instance"
    with pytest.raises(OptionError) as error:
        resolve_entries(assignment(principal_type='USER', principal_name='alice'), {'admin': {'arn': PS_ARN}}, {('GROUP', 'alice'): 'g-1'})
    assert error.value.message == "assignments[alice/Admin].principal_name: no Identity Store user 'alice' exists"
    entries, warnings = resolve_entries(assignment(), {}, {}, check_mode=True)
    assert len(warnings) == 2 and all('check mode' in warning for warning in warnings)
    assert plan_assignment(INSTANCE, {}, entries[0]).operations == ['CreateAccountAssignment']
    # A removal of something that does not exist is no error and no action.
    entries, warnings = resolve_entries(assignment(state='absent'), {}, {})
    assert warnings == [] and plan_assignment(INSTANCE, {}, entries[0]).actions == []


# --- the executor ---------------------------------------------------------------------------------

class FakeClient:
    """Answers from a script: {operation: [answer or exception, ...]}; records (operation, params)."""

    def __init__(self, calls, script):
        self.calls = calls
        self.script = script

    def __getattr__(self, name):
        operation = ''.join(part.capitalize() for part in name.split('_'))

        def method(aws_retry=False, **params):
            self.calls.append((operation, params))
            answers = self.script.get(operation) or [{}]
            answer = answers.pop(0) if len(answers) > 1 else answers[0]
            if isinstance(answer, Exception):
                raise answer
            return answer
        return method


def client_error(code, operation):
    return botocore.exceptions.ClientError({'Error': {'Code': code, 'Message': code}, 'ResponseMetadata': {'HTTPStatusCode': 400}}, operation)


def executor(script, lookup=None):
    calls = []
    sleeps = []
    clients = FakeClient(calls, script)
    return ICExecutor(clients, clients, INSTANCE, lookup=lookup, sleep=sleeps.append, clock=lambda: len(sleeps), conflict_retries=0), calls, sleeps


def test_refs_get_the_ids_of_what_the_plan_created():
    run, calls, _sleeps = executor({'CreateUser': [{'UserId': 'u-new'}], 'CreateGroup': [{'GroupId': 'g-new'}]})
    run.run_all([Action('CreateUser', IdentityStoreId=STORE, UserName='bob'),
                 Action('CreateGroup', IdentityStoreId=STORE, DisplayName='Admins'),
                 Action('CreateGroupMembership', IdentityStoreId=STORE, GroupId=Ref('group', 'Admins'), MemberId={'UserId': Ref('user', 'bob')})])
    assert calls[-1] == ('CreateGroupMembership', {'IdentityStoreId': STORE, 'GroupId': 'g-new', 'MemberId': {'UserId': 'u-new'}})


def test_a_create_that_already_happened_is_taken_as_done_and_its_id_looked_up():
    run, calls, _sleeps = executor({'CreatePermissionSet': [client_error('ConflictException', 'CreatePermissionSet')],
                                    'AttachManagedPolicyToPermissionSet': [client_error('ConflictException', 'Attach')]},
                                   lookup=lambda kind, name: 'arn-of-%s-%s' % (kind, name))
    run.run_all([Action('CreatePermissionSet', InstanceArn=INSTANCE, Name='Admin'),
                 Action('AttachManagedPolicyToPermissionSet', InstanceArn=INSTANCE, PermissionSetArn=Ref('permission_set', 'Admin'),
                        ManagedPolicyArn=ADMIN)])
    assert calls[-1][1]['PermissionSetArn'] == 'arn-of-permission_set-Admin'


def test_a_removal_of_what_is_gone_is_done_and_other_errors_fail():
    run, _calls, _sleeps = executor({'DeleteUser': [client_error('ResourceNotFoundException', 'DeleteUser')],
                                     'UpdateUser': [client_error('ValidationException', 'UpdateUser')]})
    run.run(Action('DeleteUser', IdentityStoreId=STORE, UserId='u-1'))
    with pytest.raises(IAMFailure) as error:
        run.run(Action('UpdateUser', IdentityStoreId=STORE, UserId='u-1', Operations=[]))
    assert error.value.message.startswith('UpdateUser failed: ValidationException')


def test_asynchronous_requests_are_asked_about_until_they_end():
    status = {'Status': 'IN_PROGRESS', 'RequestId': 'r-1'}
    run, calls, sleeps = executor({
        'CreateAccountAssignment': [{'AccountAssignmentCreationStatus': status}],
        'DescribeAccountAssignmentCreationStatus': [{'AccountAssignmentCreationStatus': status},
                                                    {'AccountAssignmentCreationStatus': dict(status, Status='SUCCEEDED')}]})
    run.run(Action('CreateAccountAssignment', InstanceArn=INSTANCE))
    operations = [operation for operation, _params in calls]
    assert operations == ['CreateAccountAssignment', 'DescribeAccountAssignmentCreationStatus', 'DescribeAccountAssignmentCreationStatus']
    assert calls[1][1] == {'InstanceArn': INSTANCE, 'AccountAssignmentCreationRequestId': 'r-1'}
    assert len(sleeps) == 2


def test_a_failed_provisioning_fails_with_its_reason():
    run, _calls, _sleeps = executor({'ProvisionPermissionSet': [{'PermissionSetProvisioningStatus': {'Status': 'IN_PROGRESS', 'RequestId': 'r-2'}}],
                                     'DescribePermissionSetProvisioningStatus': [{'PermissionSetProvisioningStatus': {
                                         'Status': 'FAILED', 'RequestId': 'r-2', 'FailureReason': 'policy missing in 123456789012'}}]})
    with pytest.raises(IAMFailure) as error:
        run.run(Action('ProvisionPermissionSet', InstanceArn=INSTANCE, PermissionSetArn=PS_ARN, TargetType='ALL_PROVISIONED_ACCOUNTS'))
    assert error.value.message == 'ProvisionPermissionSet: request r-2 FAILED: policy missing in 123456789012'


def test_a_request_that_never_ends_fails_after_the_wait():
    run, _calls, sleeps = executor({'DeleteAccountAssignment': [{'AccountAssignmentDeletionStatus': {'Status': 'IN_PROGRESS', 'RequestId': 'r-3'}}],
                                    'DescribeAccountAssignmentDeletionStatus': [{'AccountAssignmentDeletionStatus': {'Status': 'IN_PROGRESS'}}]})
    run.clock = lambda: len(sleeps) * 100
    with pytest.raises(IAMFailure) as error:
        run.run(Action('DeleteAccountAssignment', InstanceArn=INSTANCE))
    assert 'still IN_PROGRESS' in error.value.message


def test_a_membership_is_deleted_once_when_its_group_and_user_both_go():
    users, groups = desired_identities({'users': [{'user_name': 'bob', 'state': 'absent'}],
                                        'groups': [{'name': 'Devs', 'state': 'absent'}]})
    current = {'users': {'bob': {'user_name': 'bob', 'user_id': 'u-bob', 'memberships': {'Devs': 'm-1', 'Ops': 'm-2'}}},
               'groups': {'devs': {'name': 'Devs', 'group_id': 'g-devs', 'members': {'bob': 'm-1'}}}}
    planned = plan_identities(STORE, current, users, groups)
    assert [action for _option, _index, plan in planned for action in plan.actions] == [
        Action('DeleteGroupMembership', IdentityStoreId=STORE, MembershipId='m-1'), Action('DeleteGroup', IdentityStoreId=STORE, GroupId='g-devs'),
        Action('DeleteGroupMembership', IdentityStoreId=STORE, MembershipId='m-2'), Action('DeleteUser', IdentityStoreId=STORE, UserId='u-bob')]


def test_a_conflict_is_tried_again_before_it_is_taken_as_done():
    run, calls, _sleeps = executor({'PutInlinePolicyToPermissionSet': [client_error('ConflictException', 'Put'), {}]})
    run.conflict_retries = 2  # attempts, as AWSRetry counts them
    run.run(Action('PutInlinePolicyToPermissionSet', InstanceArn=INSTANCE, PermissionSetArn=PS_ARN, InlinePolicy='{}'))
    assert [operation for operation, _params in calls] == ['PutInlinePolicyToPermissionSet'] * 2
