# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A user (iam/user.py): its pure plans, and what read_user reads (against moto, in process)."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import PASSWORD_CHANGE
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import password_needed
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import plan_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import read_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from tests.utils.iam_entries import user_entry


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


# --- options checked together ----------------------------------------------------------------------

def user_params(**options):
    params = dict(name='alice', state='present', purge_tags=True, purge_groups=False, password_reset_required=True,
                  update_password='on_create', retire_other_access_keys=False)
    params.update(options)
    return params


@pytest.mark.parametrize('options, option, rule', [
    ({'password': 'Secret-Pass-1', 'console_access': False}, 'password', 'console_access=true'),
    ({'password': 'Secret-Pass-1'}, 'password', 'console_access=true'),
    ({'console_access': True, 'update_password': 'always'}, 'update_password', 'needs password'),
    ({'access_key_in_use': 'AKIAIOSFODNN7EXAMPLE'}, 'access_key_in_use', 'access_key_state=present'),
    ({'access_key_state': 'absent', 'retire_other_access_keys': True}, 'retire_other_access_keys', 'access_key_state=present'),
    ({'access_key_state': 'present', 'retire_other_access_keys': True}, 'retire_other_access_keys', 'needs access_key_in_use'),
    ({'access_key_state': 'present', 'access_key_max_age_days': 0}, 'access_key_max_age_days', 'at least 1'),
    ({'credentials_csv': '/tmp/x.csv'}, 'credentials_csv', 'needs console_access'),
    ({'groups': ['Admins', 'bad group']}, 'groups', 'may only contain'),
    ({'console_access': True, 'password': 'x' * 129}, 'password', 'at most 128'),
])
def test_conflicting_or_bad_user_options(options, option, rule):
    with pytest.raises(OptionError) as raised:
        desired_user(user_params(**options))
    assert raised.value.option == option
    assert rule in raised.value.message


def test_password_shape_errors_never_repeat_the_password():
    secret = 'Sekr3t\nPass'
    with pytest.raises(OptionError) as raised:
        desired_user(user_params(console_access=True, password=secret))
    assert secret not in raised.value.message and 'Sekr3t' not in raised.value.message


# --- read_user against moto (in process) ---------------------------------------------------------

ACCOUNT = '123456789012'
CREATED = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


def want_alice(**options):
    return desired_user(user_entry('alice', **options))


def details_of_alice(**overrides):
    """alice's UserDetailList entry, deliberately unlike the user moto holds: what read_user returns must come from it."""
    detail = {'Path': '/from-details/', 'UserName': 'alice', 'UserId': 'AIDADETAILS00000001',
              'Arn': 'arn:aws:iam::%s:user/from-details/alice' % ACCOUNT, 'CreateDate': CREATED,
              'GroupList': ['Zeta', 'Admins'], 'AttachedManagedPolicies': [],
              'Tags': [{'Key': 'team', 'Value': 'ops'}, {'Key': 'cost', 'Value': '42'}]}
    detail.update(overrides)
    return detail


def test_read_user_with_no_details_entry_is_no_user_and_no_call(iam):
    _raw, client, calls = iam
    desired = want_alice(groups=['Admins'], console_access=True, access_key_state='present')
    assert read_user(client, desired, None) is None
    assert calls == []


def test_read_user_takes_identity_tags_and_groups_from_details_without_a_call(iam):
    _raw, client, calls = iam
    current = read_user(client, want_alice(groups=['Admins']), details=details_of_alice())
    assert current == {
        'user_name': 'alice', 'user_id': 'AIDADETAILS00000001', 'arn': 'arn:aws:iam::123456789012:user/from-details/alice',
        'path': '/from-details/', 'create_date': '2024-01-02T03:04:05+00:00', 'tags': {'team': 'ops', 'cost': '42'},
        'groups': ['Admins', 'Zeta'],
    }
    assert calls == []


def test_read_user_from_details_without_groups_or_tags(iam):
    _raw, client, calls = iam
    current = read_user(client, want_alice(groups=[]), details=details_of_alice(GroupList=[], Tags=[]))
    assert current['groups'] == [] and current['tags'] == {}
    current = read_user(client, want_alice(), details=details_of_alice())
    assert 'groups' not in current  # groups not managed: not part of the current state
    assert calls == []


def test_read_user_from_details_makes_only_the_optional_reads(iam):
    raw, client, calls = iam
    raw.create_user(UserName='alice')
    raw.create_login_profile(UserName='alice', Password='Sup3r-Secret-Pass!')
    raw.create_user(UserName='bob')  # no login profile, no key
    key_id = raw.create_access_key(UserName='alice')['AccessKey']['AccessKeyId']
    del calls[:]
    current = read_user(client, want_alice(groups=['Admins'], console_access=True, access_key_state='present'),
                        details=details_of_alice())
    assert sorted(calls) == ['GetLoginProfile', 'ListAccessKeys']
    assert current['path'] == '/from-details/' and current['groups'] == ['Admins', 'Zeta']
    # moto does not keep PasswordResetRequired: only the profile's presence is checked here.
    assert sorted(current['login_profile']) == ['password_reset_required']
    assert [(key['access_key_id'], key['status']) for key in current['access_keys']] == [(key_id, 'Active')]
    del calls[:]
    bob = read_user(client, desired_user(user_entry('bob', console_access=False, access_key_state='absent')),
                    details=details_of_alice(UserName='bob', Arn='arn:aws:iam::%s:user/from-details/bob' % ACCOUNT))
    assert sorted(calls) == ['GetLoginProfile', 'ListAccessKeys']
    assert bob['user_name'] == 'bob' and bob['login_profile'] is None and bob['access_keys'] == []
    assert 'groups' not in bob


def test_read_user_without_details_reads_the_user(iam):
    raw, client, calls = iam
    raw.create_group(GroupName='Admins')
    raw.create_user(UserName='alice', Path='/staff/', Tags=[{'Key': 'team', 'Value': 'ops'}])
    raw.add_user_to_group(GroupName='Admins', UserName='alice')
    del calls[:]
    current = read_user(client, want_alice(groups=['Admins']))
    assert calls == ['GetUser', 'ListGroupsForUser']
    assert (current['path'], current['tags'], current['groups']) == ('/staff/', {'team': 'ops'}, ['Admins'])
