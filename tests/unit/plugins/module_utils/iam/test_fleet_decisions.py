# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet plan (pure): checking every workstation's inputs, one decision per IAM user, retirement, the report."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import FleetInputError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import check_workstations
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import decide_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import fleet_report
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import missing_groups
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import retirement
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import workstation_entries

NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
OLD = NOW - datetime.timedelta(days=120)
NEW = NOW - datetime.timedelta(days=3)
K1, K2, K3 = 'AKIAAAAAAAAAAAAAAAA1', 'AKIAAAAAAAAAAAAAAAA2', 'AKIAAAAAAAAAAAAAAAA3'


def key(key_id, status='Active', created=NEW):
    return {'access_key_id': key_id, 'status': status, 'create_date': created}


def holder(host, held='', state='present', user='alice', profile='default'):
    return {'host': host, 'profile': profile, 'iam_user': user, 'groups': ['PowerUsers'], 'state': state, 'held': held,
            'has_profile': bool(held), 'labels': {}}


def workstation(host, iam_user='alice', profiles=None, **variables):
    entries = workstation_entries(variables.pop('developers', None) or [dict({'iam_user': iam_user}, **variables)], [], iam_user)
    return {'host': host, 'user': 'dev', 'user_found': True, 'files_error': None, 'errors': entries['errors'],
            'entries': entries['entries'], 'profiles': {} if profiles is None else profiles}


# ---- checking the inputs -------------------------------------------------------------------------

def test_every_bad_input_is_named_by_host_and_variable_at_once():
    with pytest.raises(FleetInputError) as raised:
        check_workstations([
            workstation('ws1', region='Seoul'),
            workstation('ws2', profile='my profile'),
            workstation('ws3', iam_user='bad name!'),
            workstation('ws4', state='gone'),
            dict(workstation('ws5'), user_found=False, user='nobody'),
            dict(workstation('ws6'), files_error='the AWS CLI files of dev cannot be read: BOM'),
        ])
    problems = raised.value.problems
    assert problems[0].startswith("ws1: workstation_region: must look like an AWS region") and "'Seoul'" in problems[0]
    assert problems[1].startswith('ws2: workstation_profile: must not contain whitespace')
    assert problems[2].startswith('ws3: workstation_iam_user: an IAM user name may only contain')
    assert problems[3] == "ws4: workstation_state: must be present or absent (got 'gone')"
    assert problems[4] == "ws5: workstation_user: no OS user 'nobody' on this host"
    assert problems[5] == 'ws6: the AWS CLI files of dev cannot be read: BOM'
    assert len(problems) == 6 and 'nothing was written' in raised.value.message


def test_entries_of_a_developer_list_are_labelled_by_index():
    found = workstation_entries([{'iam_user': 'alice'}, {'iam_user': 'bob', 'profile': 'b', 'region': 'nowhere'}], [], '')
    with pytest.raises(FleetInputError) as raised:
        check_workstations([{'host': 'ws1', 'entries': found['entries'], 'errors': found['errors'], 'profiles': {}}])
    assert raised.value.problems == ["ws1: workstation_developers[1].region: must look like an AWS region such as ap-northeast-2 (got 'nowhere')"]


def test_shapes_are_refused_with_the_variable_named():
    assert workstation_entries([], 'default')['errors'] == [
        "workstation_profiles: must be a list of profiles, each a dict with a name (got 'default')"]
    assert workstation_entries([{'iam_user': 'a', 'gruops': []}], [], '')['errors'] == [
        'workstation_developers[0]: unknown key gruops; the supported keys are iam_user, groups, manage_groups, profile, region, output, state']
    assert workstation_entries('alice', [], '')['errors'][0].startswith('workstation_developers: must be a list')


def test_guide_profiles_hold_a_user_without_managing_its_groups_and_never_copy_a_secret():
    found = workstation_entries([], [{'name': 'default', 'iam_user': 'PowerUser', 'region': 'eu-west-1'},
                                     {'name': 'other', 'access_key_id': K1, 'secret_access_key': 'SECRET'}])
    holder_entry, plain = found['entries']
    assert (holder_entry['kind'], holder_entry['groups'], holder_entry['region']) == ('holder', None, 'eu-west-1')
    assert plain['kind'] == 'profile' and plain['index'] == 1
    assert 'SECRET' not in repr(found)


def test_one_profile_twice_on_a_host_is_refused():
    with pytest.raises(FleetInputError) as raised:
        check_workstations([workstation('ws1', developers=[{'iam_user': 'alice'}, {'iam_user': 'bob'}])])
    assert raised.value.problems == ["ws1: workstation_developers[1].profile: profile 'default' is also given by workstation_developers[0].profile"]


def test_holders_of_a_shared_user_must_agree_on_its_groups():
    with pytest.raises(FleetInputError) as raised:
        check_workstations([workstation('ws1', groups=['PowerUsers']), workstation('ws2', groups=['Admins'])])
    assert 'ws2: workstation_iam_groups' in raised.value.problems[0] and 'shared IAM user alice' in raised.value.problems[0]


def test_missing_groups_name_the_host_and_variable():
    holders, _profiles = check_workstations([workstation('ws1', groups=['PowerUsers', 'Auditors'])])
    assert missing_groups(holders, lambda group: group == 'PowerUsers') == [
        "ws1: workstation_iam_groups: no IAM group 'Auditors' exists, and this run does not create it"]


def test_held_keys_come_from_the_profiles_read_and_unreadable_hosts_hold_unknown():
    holders, _profiles = check_workstations([workstation('ws1', profiles={'default': K1}), workstation('ws2', profiles={}),
                                             dict(workstation('ws3'), profiles=None)])
    assert [entry['held'] for entry in holders] == [K1, '', None]


# ---- one decision per IAM user --------------------------------------------------------------------

def test_all_holders_with_the_active_key_keep_it_and_orphans_retire():
    decision = decide_user('alice', [holder('ws1', K1), holder('ws2', K1)], True, [key(K1), key(K2)])
    assert (decision.action, decision.outcome, decision.key, decision.retire, decision.receivers) == ('keep', 'ok', K1, [K2], [])


def test_a_new_holder_gets_one_new_key_with_every_other_holder():
    decision = decide_user('PowerUser', [holder('ws1', K1), holder('ws2', K1), holder('ws3', '')], True, [key(K1)])
    assert (decision.action, decision.outcome, decision.make_room, decision.retire) == ('new_key', 'rotated', [], [K1])
    assert [h['host'] for h in decision.receivers] == ['ws1', 'ws2', 'ws3']


def test_a_fresh_user_gets_its_first_key():
    decision = decide_user('bob', [holder('ws1'), holder('ws2')], False, [])
    assert (decision.action, decision.outcome, decision.retire, len(decision.receivers)) == ('new_key', 'created', [], 2)


def test_a_key_made_earlier_in_the_run_is_delivered_not_made_again():
    decision = decide_user('PowerUser', [holder('ws1'), holder('ws2', K1)], True, [key(K1)], handed_over=K1)
    assert (decision.action, decision.key, [h['host'] for h in decision.receivers]) == ('deliver', K1, ['ws1'])


def test_holders_with_different_keys_get_a_new_one_and_the_key_fewer_hold_makes_room():
    holders = [holder('ws1', K1), holder('ws2', K2), holder('ws3', K2)]
    decision = decide_user('carol', holders, True, [key(K1, created=OLD), key(K2)])
    assert (decision.action, decision.make_room, decision.retire) == ('new_key', [K1], [K2])


def test_room_goes_first_to_an_inactive_then_an_unheld_key():
    holders = [holder('ws1', K1)]
    assert decide_user('a', holders, True, [key(K2), key(K1, 'Inactive')]).make_room == [K1]
    assert decide_user('a', holders, True, [key(K1, 'Inactive', OLD), key(K2, created=NEW)]).make_room == [K1]
    assert decide_user('a', [holder('ws1', K3)], True, [key(K1), key(K2)]).make_room == [K1]


def test_rotation_by_age_and_by_force():
    holders = [holder('ws1', K1), holder('ws2', K1)]
    assert decide_user('a', holders, True, [key(K1, created=OLD)], rotation={'max_age_days': 90}, now=NOW).action == 'new_key'
    assert decide_user('a', holders, True, [key(K1, created=NEW)], rotation={'max_age_days': 90}, now=NOW).action == 'keep'
    assert decide_user('a', holders, True, [key(K1, created=NEW)], rotation={'force': True}, now=NOW).action == 'new_key'


def test_a_leaving_holder_takes_its_key_out_of_service():
    decision = decide_user('alice', [holder('ws1', K1), holder('old', K1, state='absent')], True, [key(K1)])
    assert (decision.action, decision.outcome, decision.retire, [h['host'] for h in decision.receivers]) == ('new_key', 'rotated', [K1], ['ws1'])


def test_offboarding_is_reported_once():
    gone = [holder('ws1', K1, state='absent')]
    assert (decide_user('dave', gone, True, []).action, decide_user('dave', gone, True, []).outcome) == ('offboard', 'removed')
    after = [dict(holder('ws1', '', state='absent'), has_profile=False)]
    assert (decide_user('dave', after, False, []).action, decide_user('dave', after, False, []).outcome) == ('none', 'absent')


def test_an_unreadable_holder_blocks_deleting_keys_it_may_hold():
    holders = [holder('ws1', ''), holder('ws2', None)]
    blocked = decide_user('a', holders, True, [key(K1), key(K2)])
    assert blocked.action == 'blocked' and 'ws2 could not be read' in blocked.reason
    with_room = decide_user('a', holders, True, [key(K1)])
    assert (with_room.action, with_room.make_room, with_room.retire) == ('new_key', [], [])
    kept = decide_user('a', [holder('ws1', K1), holder('ws2', None)], True, [key(K1), key(K2)])
    assert (kept.action, kept.retire) == ('keep', [])


# ---- after delivery -------------------------------------------------------------------------------

def view(action='new_key', receivers=('ws1/default', 'ws2/default'), retire=(K1,), key_id=K2, outcome='rotated'):
    return {'iam_user': 'a', 'action': action, 'outcome': outcome, 'access_key_id': key_id, 'retire': list(retire),
            'receivers': list(receivers), 'holders': list(receivers), 'removed_from': [], 'make_room': []}


def test_old_keys_retire_only_when_every_receiver_proved_the_new_one():
    assert retirement(view(), {'ws1/default', 'ws2/default'}, True) == ([K1], 'rotated')
    assert retirement(view(), {'ws1/default'}, True) == ([], 'failed')


def test_a_new_key_nobody_proved_is_revoked_and_the_old_stays():
    assert retirement(view(), set(), True) == ([K2], 'failed')
    assert retirement(view(action='deliver'), set(), False) == ([], 'failed')


def test_the_report_counts_developers_and_hosts_truthfully():
    users = [dict(view(), final_outcome='rotated'), dict(view(receivers=['ws3/default'], outcome='created'), final_outcome='failed'),
             dict(view(action='keep', receivers=[], outcome='ok'), holders=['ws4/default'], final_outcome='ok')]
    report = fleet_report(users, {'ws1/default', 'ws2/default'}, ['ws1', 'ws2', 'ws3', 'ws4', 'ws5'], ['ws3'])
    assert report == {'developers': {'rotated': 1, 'failed': 1, 'ok': 1},
                      'hosts': {'ws1': 'changed', 'ws2': 'changed', 'ws3': 'failed', 'ws4': 'ok', 'ws5': 'ok'}}


def test_a_profile_field_taken_from_another_variable_is_named_by_that_variable():
    built = [{'name': 'default', 'iam_user': 'PowerUser', 'region': 'Seoul'}]
    for origins, named in (({'region': 'workstation_region'}, 'workstation_region'), (None, 'workstation_profiles[0].region')):
        found = workstation_entries([], built, origins=origins)
        with pytest.raises(FleetInputError) as raised:
            check_workstations([{'host': 'ws1', 'entries': found['entries'], 'errors': found['errors'], 'profiles': {}}])
        assert raised.value.problems == ["ws1: %s: must look like an AWS region such as ap-northeast-2 (got 'Seoul')" % named]
