# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The access key logic, case by case, as the pure plan (iam/user_keys.py); against moto through the module in
tests/integration/test_iam_access_keys.py."""

from __future__ import annotations

import datetime

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import NEW_KEY
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import plan_access_keys

NOW = datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc)


def key(key_id, status='Active', days_old=10):
    return {'access_key_id': key_id, 'status': status, 'create_date': NOW - datetime.timedelta(days=days_old)}


def want(**options):
    desired = {'access_key': 'present', 'in_use': None, 'max_age_days': None, 'retire': False}
    desired.update(options)
    return desired


def ops(plan):
    return [(action.operation, action.params.get('AccessKeyId')) for action in plan.actions]


# --- the pure plan ------------------------------------------------------------------------------

def test_no_key_gets_one():
    plan = plan_access_keys('u', [], want(), now=NOW)
    assert ops(plan) == [('CreateAccessKey', None)]
    assert plan.create and plan.holder == NEW_KEY


def test_active_key_in_use_is_kept():
    plan = plan_access_keys('u', [key('AKIAAAAAAAAAAAAAAAA1')], want(in_use='AKIAAAAAAAAAAAAAAAA1'), now=NOW)
    assert plan.actions == [] and plan.holder == 'AKIAAAAAAAAAAAAAAAA1'


def test_without_in_use_an_active_key_is_kept_not_a_new_one_made():
    plan = plan_access_keys('u', [key('AKIAAAAAAAAAAAAAAAA1', days_old=30), key('AKIAAAAAAAAAAAAAAAA2', days_old=3)], want(), now=NOW)
    assert plan.actions == [] and plan.holder == 'AKIAAAAAAAAAAAAAAAA2'


def test_empty_in_use_means_the_holder_has_none_so_a_key_is_made_and_the_old_one_kept():
    plan = plan_access_keys('u', [key('AKIAAAAAAAAAAAAAAAA1')], want(in_use=''), now=NOW)
    assert ops(plan) == [('CreateAccessKey', None)]
    assert plan.deleted == [] and plan.holder == NEW_KEY


def test_empty_in_use_at_the_key_limit_frees_only_a_never_used_key():
    keys = [key('AKIAAAAAAAAAAAAAAAA1'), key('AKIAAAAAAAAAAAAAAAA2')]
    plan = plan_access_keys('u', keys, want(in_use=''), last_used={'AKIAAAAAAAAAAAAAAAA1': NOW, 'AKIAAAAAAAAAAAAAAAA2': NOW}, now=NOW)
    assert plan.error and 'holder has no key' in plan.error


def test_in_use_key_deleted_in_iam_is_replaced():
    plan = plan_access_keys('u', [key('AKIAAAAAAAAAAAAAAAA1')], want(in_use='AKIAGONEGONEGONEGONE'), now=NOW)
    assert ops(plan) == [('CreateAccessKey', None)]


def test_in_use_key_inactive_is_replaced():
    plan = plan_access_keys('u', [key('AKIAAAAAAAAAAAAAAAA1', status='Inactive')], want(in_use='AKIAAAAAAAAAAAAAAAA1'), now=NOW)
    assert ops(plan) == [('CreateAccessKey', None)]
    assert plan.deleted == []


def test_two_keys_one_inactive_inactive_dropped_new_made():
    keys = [key('AKIAAAAAAAAAAAAAAAA1'), key('AKIAAAAAAAAAAAAAAAA2', status='Inactive')]
    plan = plan_access_keys('u', keys, want(in_use='AKIAGONEGONEGONEGONE'), now=NOW)
    assert ops(plan) == [('DeleteAccessKey', 'AKIAAAAAAAAAAAAAAAA2'), ('CreateAccessKey', None)]
    assert plan.deleted == ['AKIAAAAAAAAAAAAAAAA2']


def test_max_age_exceeded_new_key_old_kept():
    keys = [key('AKIAAAAAAAAAAAAAAAA1', days_old=91)]
    plan = plan_access_keys('u', keys, want(in_use='AKIAAAAAAAAAAAAAAAA1', max_age_days=90), now=NOW)
    assert ops(plan) == [('CreateAccessKey', None)]
    assert [k['access_key_id'] for k in plan.kept] == ['AKIAAAAAAAAAAAAAAAA1']


def test_max_age_not_exceeded_keeps_key():
    plan = plan_access_keys('u', [key('AKIAAAAAAAAAAAAAAAA1', days_old=90)], want(in_use='AKIAAAAAAAAAAAAAAAA1', max_age_days=90), now=NOW)
    assert plan.actions == []


def test_retire_deletes_every_key_but_the_one_in_use():
    keys = [key('AKIAAAAAAAAAAAAAAAA1', days_old=91), key('AKIAAAAAAAAAAAAAAAA2', days_old=1)]
    plan = plan_access_keys('u', keys, want(in_use='AKIAAAAAAAAAAAAAAAA2', retire=True, max_age_days=90), now=NOW)
    assert ops(plan) == [('DeleteAccessKey', 'AKIAAAAAAAAAAAAAAAA1')]


def test_rotation_with_max_age_and_retire_in_one_run_keeps_the_old_key_until_the_new_is_in_use():
    keys = [key('AKIAAAAAAAAAAAAAAAA1', days_old=91)]
    plan = plan_access_keys('u', keys, want(in_use='AKIAAAAAAAAAAAAAAAA1', retire=True, max_age_days=90), now=NOW)
    assert ops(plan) == [('CreateAccessKey', None)]


def test_two_active_keys_neither_in_use_asks_for_last_use_then_drops_a_never_used_one():
    keys = [key('AKIAAAAAAAAAAAAAAAA1', days_old=20), key('AKIAAAAAAAAAAAAAAAA2', days_old=5)]
    desired = want(in_use='AKIAGONEGONEGONEGONE')
    first = plan_access_keys('u', keys, desired, now=NOW)
    assert first.needs_last_used == ['AKIAAAAAAAAAAAAAAAA1', 'AKIAAAAAAAAAAAAAAAA2'] and first.actions == []
    plan = plan_access_keys('u', keys, desired, last_used={'AKIAAAAAAAAAAAAAAAA1': NOW, 'AKIAAAAAAAAAAAAAAAA2': None}, now=NOW)
    assert ops(plan) == [('DeleteAccessKey', 'AKIAAAAAAAAAAAAAAAA2'), ('CreateAccessKey', None)]


def test_two_active_used_keys_neither_in_use_fail_clearly():
    keys = [key('AKIAAAAAAAAAAAAAAAA1', days_old=20), key('AKIAAAAAAAAAAAAAAAA2', days_old=5)]
    plan = plan_access_keys('u', keys, want(in_use='AKIAGONEGONEGONEGONE'),
                            last_used={'AKIAAAAAAAAAAAAAAAA1': NOW, 'AKIAAAAAAAAAAAAAAAA2': NOW}, now=NOW)
    assert plan.actions == []
    for part in ('AKIAAAAAAAAAAAAAAAA1', 'AKIAAAAAAAAAAAAAAAA2', 'AKIAGONEGONEGONEGONE', 'None was deleted', 'access_key_state'):
        assert part in plan.error


def test_expired_key_in_use_with_a_second_used_key_fails_rather_than_deleting_either():
    keys = [key('AKIAAAAAAAAAAAAAAAA1', days_old=200), key('AKIAAAAAAAAAAAAAAAA2', days_old=5)]
    plan = plan_access_keys('u', keys, want(in_use='AKIAAAAAAAAAAAAAAAA1', max_age_days=90),
                            last_used={'AKIAAAAAAAAAAAAAAAA2': NOW}, now=NOW)
    assert plan.error and 'older than access_key_max_age_days' in plan.error


def test_absent_deletes_all_keys():
    plan = plan_access_keys('u', [key('AKIAAAAAAAAAAAAAAAA2', days_old=1), key('AKIAAAAAAAAAAAAAAAA1', days_old=9)], {'access_key': 'absent'})
    assert ops(plan) == [('DeleteAccessKey', 'AKIAAAAAAAAAAAAAAAA1'), ('DeleteAccessKey', 'AKIAAAAAAAAAAAAAAAA2')]


def test_inactive_deactivates_the_active_keys_and_deletes_none():
    keys = [key('AKIAAAAAAAAAAAAAAAA2', days_old=1), key('AKIAAAAAAAAAAAAAAAA1', status='Inactive', days_old=9)]
    plan = plan_access_keys('u', keys, {'access_key': 'inactive'})
    assert ops(plan) == [('UpdateAccessKey', 'AKIAAAAAAAAAAAAAAAA2')]
    assert plan.actions[0].params == {'UserName': 'u', 'AccessKeyId': 'AKIAAAAAAAAAAAAAAAA2', 'Status': 'Inactive'}
    assert plan.deleted == [] and not plan.create
    assert sorted((item['access_key_id'], item['status']) for item in plan.kept) == [
        ('AKIAAAAAAAAAAAAAAAA1', 'Inactive'), ('AKIAAAAAAAAAAAAAAAA2', 'Inactive')]
    again = plan_access_keys('u', plan.kept, {'access_key': 'inactive'})
    assert again.actions == []


def test_unmanaged_keys_are_left_alone():
    plan = plan_access_keys('u', [key('AKIAAAAAAAAAAAAAAAA1')], {'access_key': None})
    assert plan.actions == [] and not plan.create
