# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The account snapshot handed from task to task: what survives Ansible's JSON, when it is handed on, and that
the report reads none of the parts it is given (and reads the credential report before generating one)."""

from __future__ import annotations

import datetime
import json

import botocore.exceptions
import pytest

from ansible_collections.awsbootstrap.iam.plugins.filter.iam_handover import account_snapshot
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.report import read_credential_report
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.report import read_report
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import checked_snapshot
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import decode
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import encode
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import handed_on
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import identities_after
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import role_after
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

CREATED = datetime.datetime(2025, 5, 30, 1, 2, 3, tzinfo=datetime.timezone.utc)
DETAILS = {
    'UserDetailList': [{'UserName': 'Administrator', 'Arn': 'arn:aws:iam::123456789012:user/Administrator', 'Path': '/',
                        'CreateDate': CREATED, 'GroupList': ['Administrators'], 'AttachedManagedPolicies': [],
                        'UserPolicyList': [], 'Tags': [{'Key': 'CreateDate', 'Value': 'not a date'}]}],
    'GroupDetailList': [{'GroupName': 'Administrators', 'Arn': 'arn:aws:iam::123456789012:group/Administrators', 'Path': '/',
                         'CreateDate': CREATED, 'AttachedManagedPolicies': [], 'GroupPolicyList': []}],
    'RoleDetailList': [], 'Policies': [],
}
CALLER = {'Account': '123456789012', 'Arn': 'arn:aws:iam::123456789012:user/admin', 'UserId': 'AIDAEXAMPLE',
          'ResponseMetadata': {'RequestId': 'r-1', 'HTTPHeaders': {'date': 'Mon, 07 Dec 2026 10:00:00 GMT'}}}
SUMMARY = {'AccountMFAEnabled': 1, 'AccountAccessKeysPresent': 0, 'Users': 1}
POLICY = {'MinimumPasswordLength': 14, 'RequireSymbols': True}


def test_dates_survive_ansibles_json_and_nothing_else_turns_into_one():
    through_json = json.loads(json.dumps(encode(DETAILS)))
    back = decode(through_json)
    assert back['UserDetailList'][0]['CreateDate'] == CREATED
    assert back['GroupDetailList'][0]['CreateDate'] == CREATED
    # A tag's value is text, whatever its key is called.
    assert back['UserDetailList'][0]['Tags'] == [{'Key': 'CreateDate', 'Value': 'not a date'}]
    assert back == DETAILS


def test_a_task_that_changed_something_hands_on_nothing():
    assert handed_on(True, caller=CALLER, details=DETAILS) == {}


def test_what_is_handed_on_has_no_response_metadata_and_only_known_parts():
    parts = handed_on(False, caller=CALLER, summary=SUMMARY, password_policy=None, other={'x': 1})
    assert set(parts) == {'caller', 'summary', 'password_policy'}
    assert 'ResponseMetadata' not in parts['caller']
    assert parts['password_policy'] is None


def test_the_filter_drops_what_was_read_before_a_change():
    account = {'changed': False, 'account_snapshot': {'caller': CALLER, 'summary': SUMMARY}}
    identities = {'changed': False, 'account_snapshot': {'details': encode(DETAILS)}}
    skipped = {'skipped': True, 'changed': False}
    role_changed = {'changed': True}
    assert set(account_snapshot([account, identities, skipped])) == {'caller', 'summary', 'details'}
    assert account_snapshot([account, identities, role_changed]) == {}
    # Read after the change: still true.
    assert set(account_snapshot([account, role_changed, identities])) == {'details'}
    assert account_snapshot([]) == {}


def test_an_unknown_part_is_refused_naming_the_option():
    with pytest.raises(OptionError) as error:
        checked_snapshot({'details': {}, 'users': []})
    assert error.value.message.startswith('account_snapshot: unknown part(s) users')
    with pytest.raises(OptionError) as error:
        checked_snapshot({'caller': 'me'})
    assert error.value.message.startswith('account_snapshot.caller: must be a dict')


class Paginator:
    def __init__(self, client, operation):
        self.client, self.operation = client, operation

    def paginate(self, **params):
        self.client.calls.append(self.operation)
        return self

    def build_full_result(self):
        return self.client.answers[self.operation]


class FakeIam:
    """Answers the report's reads and records each; an operation without an answer fails the test."""

    def __init__(self, answers, credential_report_present=True):
        self.answers = answers
        self.calls = []
        self.present = credential_report_present

    def get_paginator(self, name):
        return Paginator(self, name)

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)

        def call(aws_retry=False, **params):
            self.calls.append(name)
            if name == 'get_credential_report' and not self.present:
                raise botocore.exceptions.ClientError({'Error': {'Code': 'ReportNotPresent', 'Message': 'none'}}, 'GetCredentialReport')
            if name == 'generate_credential_report':
                self.present = True
            return self.answers[name]
        return call


REPORT_CSV = ('user,arn,user_creation_time,password_enabled,mfa_active\n'
              'Administrator,arn:aws:iam::123456789012:user/Administrator,2025-05-30T01:02:03+00:00,true,false\n')
ANSWERS = {
    'get_caller_identity': CALLER,
    'get_account_authorization_details': DETAILS,
    'generate_credential_report': {'State': 'COMPLETE'},
    'get_credential_report': {'Content': REPORT_CSV.encode(), 'GeneratedTime': CREATED},
    'list_virtual_mfa_devices': {'VirtualMFADevices': []},
    'list_access_keys': {'AccessKeyMetadata': []},
    'get_account_password_policy': {'PasswordPolicy': POLICY},
    'get_account_summary': {'SummaryMap': SUMMARY},
    'list_server_certificates': {'ServerCertificateMetadataList': []},
}


def test_the_report_reads_none_of_the_parts_it_is_given():
    snapshot = checked_snapshot(json.loads(json.dumps(handed_on(False, caller=CALLER, summary=SUMMARY, password_policy=POLICY,
                                                                details=DETAILS))))
    iam, sts = FakeIam(ANSWERS), FakeIam(ANSWERS)
    given, _raw = read_report(iam, sts, now=CREATED, snapshot=snapshot, known_keys={'Administrator': []})
    assert sts.calls == []
    assert sorted(iam.calls) == ['get_credential_report', 'list_server_certificates', 'list_virtual_mfa_devices']
    iam, sts = FakeIam(ANSWERS), FakeIam(ANSWERS)
    read_afresh, _raw = read_report(iam, sts, now=CREATED, known_keys={'Administrator': []})
    assert sts.calls == ['get_caller_identity']
    assert set(iam.calls) >= {'get_account_authorization_details', 'get_account_password_policy', 'get_account_summary'}
    # The same report either way.
    assert given == read_afresh


def test_the_credential_report_is_generated_only_when_aws_has_none():
    iam = FakeIam(ANSWERS, credential_report_present=True)
    rows, _generated = read_credential_report(iam, sleep=lambda _s: None)
    assert iam.calls == ['get_credential_report'] and set(rows) == {'Administrator'}
    iam = FakeIam(ANSWERS, credential_report_present=False)
    rows, _generated = read_credential_report(iam, sleep=lambda _s: None)
    assert iam.calls == ['get_credential_report', 'generate_credential_report', 'get_credential_report']
    assert set(rows) == {'Administrator'}


def test_no_device_or_certificate_listed_when_the_summary_counts_none():
    snapshot = checked_snapshot(handed_on(False, caller=CALLER, password_policy=POLICY, details=DETAILS,
                                          summary=dict(SUMMARY, MFADevices=0, ServerCertificates=0)))
    iam = FakeIam(ANSWERS)
    read_report(iam, FakeIam(ANSWERS), now=CREATED, snapshot=snapshot, known_keys={'Administrator': []})
    assert iam.calls == ['get_credential_report']
    snapshot = checked_snapshot(handed_on(False, caller=CALLER, password_policy=POLICY, details=DETAILS,
                                          summary=dict(SUMMARY, MFADevices=1, ServerCertificates=2)))
    iam = FakeIam(ANSWERS)
    read_report(iam, FakeIam(ANSWERS), now=CREATED, snapshot=snapshot, known_keys={'Administrator': []})
    assert sorted(iam.calls) == ['get_credential_report', 'list_server_certificates', 'list_virtual_mfa_devices']


def test_a_task_that_wrote_and_says_what_hands_on_the_account_as_it_left_it():
    parts = handed_on(True, ('password_policy', 'aliases'), caller=CALLER, password_policy=POLICY, aliases=['corp'])
    assert parts['written'] == ['aliases', 'password_policy'] and parts['password_policy'] == POLICY
    # Check mode: nothing written, nothing to say.
    assert handed_on(True, None, caller=CALLER) == {}
    assert handed_on(False, ('details',), new_users=['b', 'a'], details=DETAILS)['new_users'] == ['a', 'b']
    assert 'written' not in handed_on(False, ('details',), details=DETAILS)
    # A module given what a task returned (not through the filter) takes its parts.
    assert checked_snapshot(json.loads(json.dumps(parts))) == {
        'caller': {'Account': '123456789012', 'Arn': CALLER['Arn'], 'UserId': 'AIDAEXAMPLE'}, 'password_policy': POLICY, 'aliases': ['corp']}


def test_the_filter_drops_only_what_a_task_wrote_and_keeps_what_it_handed_on():
    account = {'changed': True, 'account_snapshot': handed_on(True, ('password_policy', 'aliases'), caller=CALLER, summary=SUMMARY,
                                                              password_policy=POLICY, aliases=[])}
    identities = {'changed': True, 'account_snapshot': handed_on(True, ('details', 'access_keys', 'summary'), ['Administrator'],
                                                                 details=DETAILS, access_keys={'Administrator': []})}
    role = {'changed': True, 'account_snapshot': handed_on(True, ('details', 'summary'), details=dict(DETAILS, RoleDetailList=[{'RoleName': 'r'}]))}
    chain = account_snapshot([account, identities, role])
    assert set(chain) == {'caller', 'password_policy', 'aliases', 'details', 'access_keys', 'new_users'}
    assert chain['details']['RoleDetailList'] == [{'RoleName': 'r'}] and chain['new_users'] == ['Administrator']
    # A role changed without details to hand on: the details are dropped, the rest stays.
    assert set(account_snapshot([account, identities, {'changed': True, 'account_snapshot': handed_on(True, ('details', 'summary'))}])) == {
        'caller', 'password_policy', 'aliases', 'access_keys', 'new_users'}
    # A task that changed something and says nothing of it drops every part.
    assert account_snapshot([account, identities, {'changed': True}]) == {'new_users': ['Administrator']}


ARN = 'arn:aws:iam::123456789012:'


def group_result(name, changed=True, present=True, view=None):
    entry = {'name': name, 'state': 'present' if present else 'absent', 'changed': changed}
    if present:
        entry['group'] = {'group_name': name, 'group_id': 'AGPA' + name, 'arn': ARN + 'group/' + name, 'path': '/', 'create_date': '2026-12-07T10:00:00+00:00'}
    return entry, view or {}


def test_identities_hand_on_their_groups_and_users_in_the_details_shape():
    developers, developers_view = group_result('Developers', view={'managed_policies': [ARN.replace('123456789012', 'aws') + 'policy/PowerUserAccess'],
                                                                   'inline_policies': {'mfa': {'Version': '2012-10-17', 'Statement': []}}})
    removed, _view = group_result('administrators', present=False)
    unchanged, _view = group_result('Ops', changed=False)
    dev = {'name': 'dev', 'state': 'present', 'changed': True,
           'user': {'user_name': 'dev', 'user_id': 'AIDADEV', 'arn': ARN + 'user/dev', 'path': '/', 'create_date': '2026-12-07T10:00:01+00:00',
                    'tags': {'team': 'core'}, 'groups': ['Developers']}}
    gone = {'name': 'administrator', 'state': 'absent', 'changed': True}
    details = dict(DETAILS, GroupDetailList=DETAILS['GroupDetailList'] + [{'GroupName': 'Ops', 'Arn': ARN + 'group/Ops'}],
                   UserDetailList=DETAILS['UserDetailList'] + [dict(DETAILS['UserDetailList'][0], UserName='keeper', GroupList=['Administrators', 'Ops'])])
    after = identities_after(details, {'groups': [developers, removed, unchanged], 'users': [dev, gone]},
                             {'after': {'groups': {'Developers': developers_view}}})
    assert sorted(group['GroupName'] for group in after['GroupDetailList']) == ['Developers', 'Ops']
    made = next(group for group in after['GroupDetailList'] if group['GroupName'] == 'Developers')
    assert made['AttachedManagedPolicies'] == [{'PolicyName': 'PowerUserAccess', 'PolicyArn': 'arn:aws:iam::aws:policy/PowerUserAccess'}]
    assert made['GroupPolicyList'] == [{'PolicyName': 'mfa', 'PolicyDocument': {'Version': '2012-10-17', 'Statement': []}}]
    users = {user['UserName']: user for user in after['UserDetailList']}
    # The removed user is gone (names regardless of case), the removed group left every user's groups.
    assert sorted(users) == ['dev', 'keeper'] and users['keeper']['GroupList'] == ['Ops']
    assert users['dev']['GroupList'] == ['Developers'] and users['dev']['Tags'] == [{'Key': 'team', 'Value': 'core'}]
    assert users['dev']['UserPolicyList'] == [] and users['dev']['Arn'] == ARN + 'user/dev'
    assert details['GroupDetailList'][0]['GroupName'] == 'Administrators'  # the details read are left as they were


def test_the_role_hands_on_the_details_with_the_role_as_it_left_it():
    support_access = 'arn:aws:iam::aws:policy/AWSSupportAccess'
    role = {'role_name': 'Support', 'role_id': 'AROA1', 'arn': ARN + 'role/Support', 'path': '/', 'create_date': '2026-12-07T10:00:02+00:00',
            'assume_role_policy_document': {'Version': '2012-10-17'}, 'managed_policies': ['arn:aws:iam::aws:policy/AWSSupportAccess']}
    after = role_after(DETAILS, 'support', role)
    assert after['RoleDetailList'] == [{'RoleName': 'Support', 'RoleId': 'AROA1', 'Arn': ARN + 'role/Support', 'Path': '/',
                                        'CreateDate': '2026-12-07T10:00:02+00:00', 'AssumeRolePolicyDocument': {'Version': '2012-10-17'},
                                        'AttachedManagedPolicies': [{'PolicyName': 'AWSSupportAccess', 'PolicyArn': support_access}],
                                        'RolePolicyList': [], 'InstanceProfileList': [], 'Tags': []}]
    assert role_after(after, 'SUPPORT', None)['RoleDetailList'] == []
    assert after['UserDetailList'] == DETAILS['UserDetailList']


class SlowReport(FakeIam):
    """GetCredentialReport answers ReportInProgress ``busy`` times after the report is generated."""

    def __init__(self, answers, busy):
        super().__init__(answers, credential_report_present=False)
        self.busy = busy

    def __getattr__(self, name):
        call = super().__getattr__(name)

        def slow(**params):
            if name == 'get_credential_report' and self.present and self.busy:
                self.calls.append(name)
                self.busy -= 1
                raise botocore.exceptions.ClientError({'Error': {'Code': 'ReportInProgress', 'Message': 'wait'}}, 'GetCredentialReport')
            return call(**params)
        return slow


def test_a_run_that_created_users_generates_the_report_once_then_reads_it_when_ready():
    iam = FakeIam(ANSWERS, credential_report_present=True)
    rows, _generated = read_credential_report(iam, sleep=lambda _s: None, generate_first=True)
    assert iam.calls == ['generate_credential_report', 'get_credential_report'] and set(rows) == {'Administrator'}
    iam, slept = SlowReport(ANSWERS, busy=2), []
    rows, _generated = read_credential_report(iam, sleep=slept.append)
    assert iam.calls == ['get_credential_report', 'generate_credential_report'] + ['get_credential_report'] * 3
    assert len(slept) == 2 and set(rows) == {'Administrator'}


def test_the_report_generates_first_when_the_snapshot_names_new_users():
    snapshot = checked_snapshot(handed_on(False, new_users=['Administrator'], caller=CALLER, password_policy=POLICY, details=DETAILS,
                                          summary=dict(SUMMARY, MFADevices=0, ServerCertificates=0)))
    iam = FakeIam(ANSWERS)
    read_report(iam, FakeIam(ANSWERS), now=CREATED, snapshot=snapshot, known_keys={'Administrator': []})
    assert iam.calls == ['generate_credential_report', 'get_credential_report']
