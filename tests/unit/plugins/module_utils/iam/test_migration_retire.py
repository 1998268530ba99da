# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Phase 3 of the migration: only a developer on SSO everywhere, tagged long enough ago, with every key inactive and
unused since, loses their IAM user; every other one is kept with the reason. Phase 2's tag of the switch time."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import cutover_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import cutover_profiles
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import migration_plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration_retire import retire_plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration_retire import retire_problems

TAG = 'awsbootstrap:identity-center-since'
SWITCHED = '2026-01-01T10:00:00Z'
GROUPS = [{'group_name': 'PowerUsers', 'managed_policies': [], 'inline_policies': []}]


def user(name, status='Inactive', last_used=None, since=SWITCHED, console=False):
    return {'user_name': name, 'groups': ['PowerUsers'], 'console_access': console, 'attached_policies': [], 'inline_policies': [],
            'tags': {TAG: since} if since else {},
            'access_keys': [{'access_key_id': 'AKIAEXAMPLE%s00001' % name[-1], 'status': status, 'last_used_date': last_used}]}


def plan_of(*users):
    fleet = [{'host': 'ws-' + item['user_name'], 'iam_user': item['user_name'], 'profile': 'default', 'region': None,
              'email': '%s@example.com' % item['user_name'], 'profiles': {'default': ''}} for item in users]
    return migration_plan(list(users), GROUPS, fleet)


def done(*names):
    return {'done': [{'iam_user': name, 'hosts': ['ws-' + name]} for name in names]}


def kept(result):
    return {item['iam_user']: item['reason'] for item in result['kept']}


def test_only_a_developer_switched_long_enough_ago_with_unused_inactive_keys_retires():
    plan = plan_of(user('dev1', last_used='2025-12-31T09:00:00+00:00'), user('dev2'), user('dev3', since=None))
    result = retire_plan(plan, done('dev1', 'dev3'), '2026-01-31T10:00:00Z', after_days=30)
    assert result['retire'] == [{'name': 'dev1', 'state': 'absent'}]
    assert result['retired'] == ['dev1']
    reasons = kept(result)
    assert reasons['dev2'].startswith('not on IAM Identity Center on every workstation yet')
    assert reasons['dev3'].startswith('switched to IAM Identity Center in this run')


def test_one_second_short_of_the_days_keeps_the_user_and_says_from_when():
    result = retire_plan(plan_of(user('dev1')), done('dev1'), '2026-01-31T09:59:59Z', after_days=30)
    assert result['retire'] == []
    assert kept(result) == {'dev1': 'on IAM Identity Center since 2026-01-01: retires after 30 days, from 2026-01-31'}


@pytest.mark.parametrize('developer, words', [
    (user('dev1', last_used='2026-01-02T08:00:00+00:00'),
     ['****************0001', 'used on 2026-01-02T08:00:00+00:00', 'after the switch to IAM Identity Center on 2026-01-01T10:00:00+00:00']),
    (user('dev1', status='Active'), ['****************0001 is Active again']),
    (user('dev1', console=True), ['console password again']),
    (user('dev1', since='last tuesday'), ["identity-center-since='last tuesday' is no ISO time"]),
], ids=['key-used-after-switch', 'key-active-again', 'console-password', 'bad-tag'])
def test_a_sign_of_use_keeps_the_user_and_says_why(developer, words):
    result = retire_plan(plan_of(developer), done('dev1'), '2026-06-01T00:00:00Z')
    assert result['retire'] == []
    for word in words:
        assert word in kept(result)['dev1'], kept(result)
    assert 'AKIAEXAMPLE' not in kept(result)['dev1']


def test_a_use_before_the_switch_does_not_count():
    result = retire_plan(plan_of(user('dev1', last_used='2026-01-01T10:00:00+00:00')), done('dev1'), '2026-06-01T00:00:00Z')
    assert result['retired'] == ['dev1']


def test_a_bad_clock_is_refused_naming_the_variable():
    with pytest.raises(ValueError, match='migrate_identity_center_now'):
        retire_plan(plan_of(user('dev1')), done('dev1'), 'tomorrow')


def test_phase_3_variables_are_checked_naming_the_variable():
    assert retire_problems(30) == [] and retire_problems('7', '2026-01-31T10:00:00Z') == [] and retire_problems(0, '') == []
    for days in ('a month', -1, 2.5, True):
        assert [problem.split(':')[0] for problem in retire_problems(days)] == ['migrate_identity_center_retire_after_days'], days
    assert [problem.split(':')[0] for problem in retire_problems(30, 'tomorrow')] == ['migrate_identity_center_now']


def test_phase_2_tags_the_switch_time_once_and_keeps_a_tag_already_there():
    plan = plan_of(user('dev1', status='Active', since=None), user('dev2', since='2025-05-05T05:05:05Z'))
    cutovers = {'ws-dev1': [{'iam_user': 'dev1', 'state': 'ready', 'verified': True}],
                'ws-dev2': [{'iam_user': 'dev2', 'state': 'switched'}]}
    entries = {entry['name']: entry for entry in cutover_account(plan, cutovers, 'awsbootstrap', '2026-02-02T02:02:02Z')['deactivate']}
    assert entries['dev1']['tags'] == {TAG: '2026-02-02T02:02:02Z'} and entries['dev1']['purge_tags'] is False
    assert entries['dev2']['tags'] == {TAG: '2025-05-05T05:05:05Z'}
    assert entries['dev1']['access_key_state'] == 'inactive'


def test_a_user_phase_3_took_out_of_its_groups_before_a_kill_is_retired_by_the_next_run():
    # Phase 3 deletes the keys, leaves the groups, then deletes the user; killed before DeleteUser, the user is left
    # with no key and no group, so its groups map it to no permission set any more: its tag must keep it in the migration.
    half_gone = dict(user('dev1'), groups=[], access_keys=[])
    never_moved = dict(user('dev2', since=None), groups=[])
    plan = plan_of(half_gone, never_moved)
    switched = [{'name': 'default', 'kind': 'sso', 'identifiers': {'sso_session': 'awsbootstrap'}}]
    cutovers = {'ws-dev1': cutover_profiles(plan, 'ws-dev1', switched, [], 'awsbootstrap'),
                'ws-dev2': cutover_profiles(plan, 'ws-dev2', [{'name': 'default', 'kind': 'static'}], [], 'awsbootstrap')}
    assert [item['state'] for item in cutovers['ws-dev1']] == ['switched']
    assert cutovers['ws-dev2'] == []
    account = cutover_account(plan, cutovers, 'awsbootstrap', '2026-03-03T03:03:03Z')
    assert [item['iam_user'] for item in account['done']] == ['dev1']
    assert account['deactivate'][0]['tags'] == {TAG: SWITCHED}
    result = retire_plan(plan, account, '2026-03-03T03:03:03Z', after_days=30)
    assert result['retire'] == [{'name': 'dev1', 'state': 'absent'}]
    assert kept(result) == {}
