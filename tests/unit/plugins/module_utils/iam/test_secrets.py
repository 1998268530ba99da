# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 17: a secret, once created, reaches its holder or is revoked (the engine's parts, against moto; the cases
through the modules are in tests/integration/test_iam_secrets_module.py)."""

from __future__ import annotations

import datetime

import boto3
import botocore
import botocore.config
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import executor as iam_executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import (
    IAMFailure,
    LoginProfileRace,
    iam_retry,
)
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import (
    Attempts,
    Executor,
    revoke_undelivered,
)
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import plan_access_keys
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import apply_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import arn_with_path
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import own_orphans
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import plan_user

from tests.utils import proof
from tests.utils.aws_proxy import Faults

T0 = datetime.datetime(2026, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
ACCOUNT = '123456789012'


def client_for(endpoint):
    return RetryingBotoClientWrapper(boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1',
                                                  aws_access_key_id='AKIAIOSFODNN7SANDBOX', aws_secret_access_key='x'), iam_retry())


def key(key_id, seconds):
    return {'AccessKeyId': key_id, 'CreateDate': T0 + datetime.timedelta(seconds=seconds), 'Status': 'Active'}


# -- which keys are this run's own orphans (pure) -----------------------------------------------------


def test_a_key_made_by_a_lost_answer_within_the_run_s_own_attempts_is_its_orphan():
    keys = [key('OLD', -3600), key('LOST', -3), key('NEW', 0)]
    orphans, others = own_orphans(keys, ['OLD'], key('NEW', 0), Attempts(2, 0.0, 4.0, None))
    assert [k['AccessKeyId'] for k in orphans] == ['LOST'] and others == []


def test_a_key_made_before_the_run_s_first_attempt_is_never_its_orphan():
    # Made between this run's read and its create: another run's key, which that run may have returned.
    keys = [key('OTHER', -30), key('NEW', 0)]
    orphans, others = own_orphans(keys, [], key('NEW', 0), Attempts(2, 0.0, 4.0, None))
    assert orphans == [] and [k['AccessKeyId'] for k in others] == ['OTHER']


def test_more_unknown_keys_than_extra_attempts_means_another_run_and_none_is_deleted():
    keys = [key('A', -2), key('B', -1), key('NEW', 0)]
    orphans, others = own_orphans(keys, [], key('NEW', 0), Attempts(2, 0.0, 4.0, None))
    assert orphans == [] and len(others) == 2


def test_a_create_sent_once_has_no_orphan():
    keys = [key('OTHER', 0), key('NEW', 0)]
    assert own_orphans(keys, [], key('NEW', 0), Attempts(1, 0.0, 0.5, None)) == ([], keys[:1])


def test_after_limit_exceeded_the_window_is_on_iam_s_clock_from_its_answer():
    keys = [key('OLD', -3600), key('LOST1', -5), key('LOST2', -2)]
    orphans, _others = own_orphans(keys, ['OLD'], None, Attempts(3, 10.0, 16.0, T0))
    assert [k['AccessKeyId'] for k in orphans] == ['LOST1', 'LOST2']
    orphans, others = own_orphans(keys, [], None, Attempts(3, 10.0, 16.0, T0))
    assert orphans == [] and len(others) == 3  # OLD too: not seen at the read, and older than the attempts


# -- case 2: retiring around an in-use key that is gone ------------------------------------------------


def test_retire_around_a_deleted_in_use_key_is_refused_and_nothing_deleted():
    keys = [{'access_key_id': 'AKIAAAAAAAAAAAAAAAA2', 'status': 'Active', 'create_date': T0}]
    plan = plan_access_keys('u', keys, {'access_key': 'present', 'in_use': 'AKIAAAAAAAAAAAAAAAA1', 'max_age_days': None, 'retire': True})
    assert plan.actions == [] and not plan.create
    assert plan.error.startswith('retire_other_access_keys: access_key_in_use AKIAAAAAAAAAAAAAAAA1 is not an active key of user u')
    assert 'nothing was deleted or created' in plan.error


# -- case 7: the ARN after a path change ---------------------------------------------------------------


def test_arn_with_path():
    assert arn_with_path('arn:aws:iam::%s:user/old/dev' % ACCOUNT, '/new/team/', 'dev') == 'arn:aws:iam::%s:user/new/team/dev' % ACCOUNT
    assert arn_with_path('arn:aws:iam::%s:user/Dev' % ACCOUNT, '/', 'dev') == 'arn:aws:iam::%s:user/Dev' % ACCOUNT
    assert arn_with_path(None, '/x/', 'dev') is None


# -- the executor: login profile races, the ledger and revocation -------------------------------------


def test_create_login_profile_sent_once_that_meets_another_profile_is_a_race(sandbox):
    iam = proof.iam(sandbox.endpoint)
    iam.create_user(UserName='dev')
    iam.create_login_profile(UserName='dev', Password='Other-Run-Passw0rd!')
    executor = Executor(client_for(sandbox.endpoint))
    with pytest.raises(LoginProfileRace) as raised:
        executor.run(Action('CreateLoginProfile', UserName='dev', Password='This-Run-Passw0rd!', PasswordResetRequired=True))
    assert 'another run' in raised.value.message and 'Passw0rd' not in raised.value.message
    assert executor.secrets == []
    assert [u.get('password') for u in proof.moto_dump(sandbox.endpoint)['iam']['User']] == ['Other-Run-Passw0rd!']


def test_a_retried_create_login_profile_that_meets_one_sets_its_own_password(make_aws_proxy):
    # The first attempt takes effect and its answer is lost; the retry meets the profile: it is this run's.
    proxy = make_aws_proxy(Faults(error_after_write=1.0, actions=frozenset(['CreateLoginProfile'])))
    iam = proof.iam(proxy.sandbox.endpoint)
    iam.create_user(UserName='dev')
    client = RetryingBotoClientWrapper(boto3.client('iam', endpoint_url=proxy.endpoint, region_name='us-east-1',
                                                    aws_access_key_id='AKIAIOSFODNN7SANDBOX', aws_secret_access_key='x'), iam_retry())
    executor = Executor(client)
    executor.run(Action('CreateLoginProfile', UserName='dev', Password='This-Run-Passw0rd!', PasswordResetRequired=True))
    assert proxy.counts()['CreateLoginProfile'] >= 2 and proxy.counts()['UpdateLoginProfile'] == 1
    assert [u.get('password') for u in proof.moto_dump(proxy.sandbox.endpoint)['iam']['User']] == ['This-Run-Passw0rd!']
    assert [s.kind for s in executor.secrets] == ['password']


def test_revoke_deletes_only_the_undelivered_secrets_this_run_made(sandbox):
    iam = proof.iam(sandbox.endpoint)
    for name in ('a', 'b'):
        iam.create_user(UserName=name)
    before = iam.create_access_key(UserName='a')['AccessKey']['AccessKeyId']
    iam_executor.deliver_all()
    executor = Executor(client_for(sandbox.endpoint))
    made = executor.run(Action('CreateAccessKey', UserName='a'))['AccessKey']['AccessKeyId']
    executor.run(Action('CreateLoginProfile', UserName='a', Password='Gener4ted-Passw0rd!', PasswordResetRequired=True))
    kept = executor.run(Action('CreateAccessKey', UserName='b'))['AccessKey']['AccessKeyId']
    executor.deliver('b')  # as when b's CSV was written
    note = revoke_undelivered()
    assert 'access key %s of user a' % made in note and 'login profile) of user a' in note and kept not in note
    assert [k['AccessKeyId'] for k in iam.list_access_keys(UserName='a')['AccessKeyMetadata']] == [before]
    assert [k['AccessKeyId'] for k in iam.list_access_keys(UserName='b')['AccessKeyMetadata']] == [kept]
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_login_profile(UserName='a')
    assert revoke_undelivered() == ''


def test_limit_exceeded_on_a_create_sent_once_fails_and_deletes_nothing(aws_proxy, home):
    # Case 1: another run's keys took the slots between this run's read and its create.
    iam = proof.iam(aws_proxy.sandbox.endpoint)
    iam.create_user(UserName='dev1')
    desired = desired_user({'name': 'dev1', 'access_key_state': 'present', 'in_use': None})
    plan, _key_plan = plan_user({'user_name': 'dev1', 'user_id': 'x', 'arn': 'a', 'path': '/', 'tags': {}, 'access_keys': []}, desired)
    others = [iam.create_access_key(UserName='dev1')['AccessKey']['AccessKeyId'] for _other in range(2)]
    with pytest.raises(IAMFailure) as raised:
        apply_user(client_for(aws_proxy.sandbox.endpoint), plan, [])
    assert 'another run' in raised.value.message and 'no key was created or deleted' in raised.value.message
    assert sorted(k['AccessKeyId'] for k in iam.list_access_keys(UserName='dev1')['AccessKeyMetadata']) == sorted(others)


class Lossy:
    """A boto3 client whose first ``lost`` CreateAccessKey calls take effect and then answer 500, as
    when the answer is lost in transit (under the retrying wrapper, so that the retries are real)."""

    def __init__(self, client, lost):
        self.client = client
        self.lost = lost

    def __getattr__(self, name):
        method = getattr(self.client, name)
        if name != 'create_access_key':
            return method

        def call(**kwargs):
            response = method(**kwargs)
            if self.lost:
                self.lost -= 1
                raise botocore.exceptions.ClientError({'Error': {'Code': 'InternalFailure', 'Message': 'lost'},
                                                       'ResponseMetadata': {'HTTPStatusCode': 500}}, 'CreateAccessKey')
            return response
        return call


@pytest.mark.parametrize('lost', [1, 2])
def test_keys_of_lost_answers_are_this_run_s_orphans_and_deleted(sandbox, lost):
    # lost=2 fills both slots: the third attempt meets LimitExceeded, the orphans go, the create is tried again.
    iam = proof.iam(sandbox.endpoint)
    iam.create_user(UserName='dev')
    desired = desired_user({'name': 'dev', 'access_key_state': 'present'})
    plan, _key_plan = plan_user({'user_name': 'dev', 'user_id': 'x', 'arn': 'a', 'path': '/', 'tags': {}, 'access_keys': []}, desired)
    raw = boto3.client('iam', endpoint_url=sandbox.endpoint, region_name='us-east-1', aws_access_key_id='AKIAIOSFODNN7SANDBOX',
                       aws_secret_access_key='x', config=botocore.config.Config(retries={'max_attempts': 1}))
    responses = apply_user(RetryingBotoClientWrapper(Lossy(raw, lost), iam_retry()), plan, [])
    new = responses['CreateAccessKey']['AccessKey']['AccessKeyId']
    assert [k['AccessKeyId'] for k in iam.list_access_keys(UserName='dev')['AccessKeyMetadata']] == [new]
    assert responses['warnings'] == []


class FakeModule:
    check_mode = False

    def __init__(self):
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


def test_case_6_a_run_that_loses_the_login_profile_race_returns_no_password_and_takes_it_back_from_its_csv(sandbox, tmp_path):
    from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import apply_user_run
    from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import prepare_user
    from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import read_user
    from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import DEFAULT_POLICY
    iam = proof.iam(sandbox.endpoint)
    iam.create_user(UserName='dev')
    csv_path = str(tmp_path / 'dev.csv')
    desired = desired_user({'name': 'dev', 'console_access': True, 'credentials_csv': csv_path})
    client = client_for(sandbox.endpoint)
    run = prepare_user(client, desired, read_user(client, desired), lambda: dict(DEFAULT_POLICY))
    # Another run makes the profile between this run's read and its create.
    iam.create_login_profile(UserName='dev', Password='Other-Run-Passw0rd!')
    module = FakeModule()
    iam_executor.deliver_all()
    result = apply_user_run(module, client, run)
    assert 'password' not in result and result['console_access'] is True
    assert any('another run' in warning for warning in module.warnings)
    assert [u.get('password') for u in proof.moto_dump(sandbox.endpoint)['iam']['User']] == ['Other-Run-Passw0rd!']
    with open(csv_path, encoding='utf-8') as handle:
        assert run.password not in handle.read()
    assert revoke_undelivered() == ''  # nothing of this run's to revoke: the other run's profile is kept
    assert iam.get_login_profile(UserName='dev')['LoginProfile']['UserName'] == 'dev'
