# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet's filters: what a workstation gathered, which key a delivery writes, the summary line."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.filter.fleet import fleet_gathered
from ansible_collections.awsbootstrap.iam.plugins.filter.fleet import fleet_key
from ansible_collections.awsbootstrap.iam.plugins.filter.fleet import fleet_key_ids
from ansible_collections.awsbootstrap.iam.plugins.filter.fleet import fleet_plan_lines
from ansible_collections.awsbootstrap.iam.plugins.filter.fleet import fleet_received
from ansible_collections.awsbootstrap.iam.plugins.filter.fleet import fleet_summary
from ansible_collections.awsbootstrap.iam.plugins.filter.fleet import fleet_workstations
from ansible_collections.awsbootstrap.iam.plugins.filter.fleet import present_names

K1, K2 = 'AKIAAAAAAAAAAAAAAAA1', 'AKIAAAAAAAAAAAAAAAA2'
ENTRIES = {'entries': [{'kind': 'holder', 'profile': 'default'}], 'errors': []}


def test_gathered_profiles_map_to_the_key_id_each_holds():
    info = {'profiles': [{'name': 'default', 'access_key_id': K1}, {'name': 'other', 'access_key_id': None}]}
    gathered = fleet_gathered(info, 'ws1', 'dev', True, ENTRIES)
    assert gathered['profiles'] == {'default': K1, 'other': ''} and gathered['files_error'] is None


def test_unreadable_files_and_a_missing_os_user_are_reported_not_raised():
    broken = fleet_gathered({'failed': False, 'msg': 'config: a UTF-8 BOM'}, 'ws1', 'dev', True, ENTRIES)
    assert broken['profiles'] is None and broken['files_error'] == 'the AWS CLI files of dev cannot be read: config: a UTF-8 BOM'
    missing = fleet_gathered({'skipped': True}, 'ws1', 'nobody', False, ENTRIES)
    assert missing['user_found'] is False and missing['files_error'] is None


def test_hosts_that_failed_count_as_unreadable_and_unreached_hosts_by_their_inventory():
    hostvars = {'ws1': {'workstation__gathered': fleet_gathered({'profiles': []}, 'ws1', 'a', True, ENTRIES)},
                'ws2': {'workstation__gathered': fleet_gathered({'profiles': []}, 'ws2', 'b', True, ENTRIES)},
                'ws3': {'workstation_iam_user': 'carol'}, 'ws4': {}}
    found = fleet_workstations(['ws1', 'ws2', 'ws3', 'ws4'], hostvars, alive=['ws1'])
    assert [(w['host'], w['profiles']) for w in found] == [('ws1', {}), ('ws2', None), ('ws3', None)]
    assert found[2]['entries'][0]['iam_user'] == 'carol'


def test_a_delivery_writes_its_own_secret_or_the_handed_over_one_never_a_mismatched_one():
    handed = {'PowerUser': {'access_key_id': K1, 'secret_access_key': 'S1'}}
    assert fleet_key({'iam_user': 'a', 'access_key_id': K2, 'secret_access_key': 'S2'}, handed) == {'access_key_id': K2, 'secret_access_key': 'S2'}
    assert fleet_key({'iam_user': 'PowerUser', 'access_key_id': K1, 'handed_over': True}, handed) == {'access_key_id': K1, 'secret_access_key': 'S1'}
    assert fleet_key({'iam_user': 'PowerUser', 'access_key_id': K2, 'handed_over': True}, handed) == {}
    assert fleet_key({'iam_user': 'a', 'access_key_id': None, 'secret_access_key': None}, handed) == {}  # check mode
    assert fleet_key_ids(handed) == {'PowerUser': K1}


def test_received_lists_new_keys_only_without_secrets():
    deliveries = {'ws1': {'default': {'iam_user': 'a', 'arn': 'arn:a', 'access_key_id': K2, 'secret_access_key': 'S2'},
                          'work': {'iam_user': 'b', 'arn': 'arn:b', 'access_key_id': None, 'secret_access_key': None}}}
    assert fleet_received(deliveries, 'ws1') == [{'profile': 'default', 'iam_user': 'a', 'arn': 'arn:a', 'holder': 'ws1/default'}]
    assert fleet_received(deliveries, 'ws2') == []


def test_summary_line_counts_every_outcome_and_names_failed_hosts():
    users = [{'iam_user': 'a', 'action': 'new_key', 'outcome': 'created', 'final_outcome': 'failed', 'access_key_id': K1,
              'receivers': ['ws1/default'], 'removed_from': [], 'retire': []}]
    report = fleet_summary(users, ['ws1', 'ws2'], ['ws2'], [])
    assert report['line'] == 'developers ok=0 created=0 rotated=0 removed=0 failed=1 blocked=0; hosts ok=1 changed=0 failed=1 (ws1)'


def test_plan_lines_say_what_happens_without_pretending_in_check_mode():
    users = [{'iam_user': 'a', 'action': 'new_key', 'access_key_id': None, 'receivers': ['ws1/default'], 'retire': [K1]},
             {'iam_user': 'b', 'action': 'keep', 'access_key_id': K2, 'receivers': [], 'retire': []}]
    assert fleet_plan_lines(users) == ['a: a new key (not made in check mode) for ws1/default; retires %s once delivered' % K1,
                                       'b: keeps %s' % K2]


def test_present_names():
    assert present_names([{'name': 'A'}, {'name': 'B', 'state': 'absent'}, {'name': 'C', 'state': 'present'}]) == ['A', 'C']
