# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet plan (pure): one decision per IAM user, retirement, the report."""

from __future__ import annotations

import datetime

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import decide_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import fleet_report
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import retirement

NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)
OLD = NOW - datetime.timedelta(days=120)
NEW = NOW - datetime.timedelta(days=3)
K1, K2, K3 = 'AKIAAAAAAAAAAAAAAAA1', 'AKIAAAAAAAAAAAAAAAA2', 'AKIAAAAAAAAAAAAAAAA3'


def key(key_id, status='Active', created=NEW):
    return {'access_key_id': key_id, 'status': status, 'create_date': created}


def holder(host, held='', state='present', user='alice', profile='default'):
    return {'host': host, 'profile': profile, 'iam_user': user, 'groups': ['PowerUsers'], 'state': state, 'held': held,
            'has_profile': bool(held), 'labels': {}}


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
