# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The migration report: per developer the phase at the end of the run, the profile kind on each workstation, the IAM
keys left (masked, never a full id) and their last use, and what keeps them where they are."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.filter.migration import migration_report
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import migration_plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration_report import profile_kind
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration_report import report_rows
from tests.utils.text_tables import table_rows

GROUPS = [{'group_name': 'PowerUsers', 'managed_policies': [], 'inline_policies': []}]
KEY = {'dev1': 'AKIAEXAMPLEDEV10001', 'dev2': 'AKIAEXAMPLEDEV20002', 'dev3': 'AKIAEXAMPLEDEV30003', 'dev4': 'AKIAEXAMPLEDEV40004'}


def user(name, status='Active', last_used=None):
    return {'user_name': name, 'groups': ['PowerUsers'], 'console_access': False, 'attached_policies': [], 'inline_policies': [],
            'access_keys': [{'access_key_id': KEY[name], 'status': status, 'last_used_date': last_used}]}


def ws(name):
    return {'host': 'ws-' + name, 'iam_user': name, 'profile': 'default', 'region': None, 'email': name + '@example.com',
            'profiles': {'default': KEY[name]}}


# dev1 is switched in this run, dev2 was switched before, dev3 waits, dev4 was retired by an earlier phase 3, dev5 retires now.
PLAN = migration_plan([user('dev1', last_used='2026-01-01T00:00:00+00:00'), user('dev2', status='Inactive'), user('dev3')],
                      GROUPS, [ws('dev1'), ws('dev2'), ws('dev3'), ws('dev4')])
FINAL = {'ws-dev1': {'default': 'sso', 'default-sso': 'sso'}, 'ws-dev2': {'default': 'sso', 'default-sso': 'sso'},
         'ws-dev3': {'default': 'static', 'default-sso': 'sso'}, 'ws-dev4': {'default': 'sso', 'default-sso': 'sso'}}
CUTOVER = {'deactivate': [{'name': 'dev1'}, {'name': 'dev2'}], 'done': [],
           'waiting': [{'iam_user': 'dev3', 'hosts': ['ws-dev3'], 'command': 'aws sso login --sso-session awsbootstrap'}]}


def test_profile_kinds():
    assert [profile_kind(kinds, 'p', 'p-sso') for kinds in (
        {'p': 'static'}, {'p': 'static', 'p-sso': 'sso'}, {'p': 'sso'}, {'p-sso': 'sso'}, {'p': 'role'}, {}, None)] == [
        'key', 'both', 'sso', 'sso', 'missing', 'missing', 'not read']


def test_rows_say_where_each_developer_is_at_the_end_of_the_run():
    rows = {row[0]: row for row in report_rows(PLAN, FINAL, CUTOVER, {'retired': [], 'kept': [
        {'iam_user': 'dev2', 'reason': 'on IAM Identity Center since 2026-01-01: retires after 30 days, from 2026-01-31'}]})}
    assert rows['dev1'] == ['dev1', '2: on SSO, keys inactive', 'ws-dev1/default: sso', '****************0001 Inactive',
                            '2026-01-01T00:00:00+00:00', '']
    assert rows['dev2'][1:] == ['2: on SSO, keys inactive', 'ws-dev2/default: sso', '****************0002 Inactive', 'never',
                                'on IAM Identity Center since 2026-01-01: retires after 30 days, from 2026-01-31']
    assert rows['dev3'][1:] == ['1: SSO beside keys', 'ws-dev3/default: both', '****************0003 Active', 'never',
                                'waiting: run `aws sso login --sso-session awsbootstrap` on ws-dev3']
    assert rows['dev4'][1:] == ['3: retired', 'ws-dev4/default: sso', 'none', '-', '']


def test_a_developer_retired_in_this_run_has_no_key_left_and_ids_are_never_shown_whole():
    rows = report_rows(PLAN, FINAL, CUTOVER, {'retired': ['dev2'], 'kept': []})
    assert [row for row in rows if row[0] == 'dev2'] == [['dev2', '3: retired', 'ws-dev2/default: sso', 'none', '-', '']]
    assert not any(key in cell for row in rows for cell in row for key in KEY.values())


def test_before_any_phase_and_with_a_missing_or_unread_workstation():
    plan = migration_plan([user('dev1'), user('dev3')], GROUPS, [ws('dev1'), ws('dev3'), ws('dev4')])
    rows = {row[0]: row for row in report_rows(plan, {'ws-dev1': {'default': 'static'}, 'ws-dev3': None, 'ws-dev4': {'default': 'static'}})}
    assert rows['dev1'][1:3] == ['planned', 'ws-dev1/default: key']
    assert rows['dev3'][1:3] == ['planned', 'ws-dev3/default: not read']
    # An inventory naming an IAM user that is not there, on a workstation still on a key, is not called retired.
    assert rows['dev4'][1] == 'planned' and 'no IAM user dev4' in rows['dev4'][5]


def test_the_filter_reads_the_final_profiles_and_prints_a_table():
    hostvars = {host: {'migrate__final': {'profiles': [{'name': name, 'kind': kind} for name, kind in kinds.items()]}}
                for host, kinds in FINAL.items()}
    hostvars['ws-dev3'] = {'migrate__final': {'failed': True, 'msg': 'unreadable'}}
    lines = migration_report(PLAN, sorted(hostvars), hostvars, CUTOVER)
    rows = table_rows(lines, 'Migration report')
    assert [row[:3] for row in rows] == [['dev1', '2: on SSO, keys inactive', 'ws-dev1/default: sso'],
                                         ['dev2', '2: on SSO, keys inactive', 'ws-dev2/default: sso'],
                                         ['dev3', 'planned', 'ws-dev3/default: not read'],
                                         ['dev4', '3: retired', 'ws-dev4/default: sso']]
