# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The recording / fault-injecting proxy, with real boto3 calls through it to the moto server."""

from __future__ import annotations

import concurrent.futures
import json
import urllib.request

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from tests.utils.aws_proxy import AwsProxy, Faults, error_body, is_write_action, parse_request
from tests.utils.sandbox import SANDBOX_ACCESS_KEY_ID, SANDBOX_REGION, SANDBOX_SECRET_ACCESS_KEY

PASSWORD = 'Pr0xy-Test-Passw0rd!'


@pytest.fixture
def clients(home, monkeypatch):
    """``clients(endpoint, attempts=10)`` -> (iam, sts) boto3 clients reaching ``endpoint``; no ~/.aws read."""
    monkeypatch.setenv('HOME', str(home))
    monkeypatch.setenv('AWS_CONFIG_FILE', str(home / 'no-config'))
    monkeypatch.setenv('AWS_SHARED_CREDENTIALS_FILE', str(home / 'no-credentials'))
    for name in ('AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE'):
        monkeypatch.delenv(name, raising=False)

    def factory(endpoint, attempts=10, mode='legacy'):
        session = boto3.session.Session(aws_access_key_id=SANDBOX_ACCESS_KEY_ID, aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY,
                                        region_name=SANDBOX_REGION)
        config = Config(retries={'total_max_attempts': attempts, 'mode': mode})
        return (session.client('iam', endpoint_url=endpoint, config=config),
                session.client('sts', endpoint_url=endpoint, config=config))

    return factory


def pattern(proxy):
    return [(call.action, call.fault, call.status) for call in proxy.calls]


# -- recording -------------------------------------------------------------------------------------

def test_records_service_action_params_and_status(aws_proxy, clients):
    iam, sts = clients(aws_proxy.endpoint)
    assert sts.get_caller_identity()['Account'] == '123456789012'
    iam.create_group(GroupName='Administrators')
    iam.create_user(UserName='Administrator', Path='/team/')
    iam.create_login_profile(UserName='Administrator', Password=PASSWORD, PasswordResetRequired=True)
    iam.add_user_to_group(GroupName='Administrators', UserName='Administrator')
    iam.list_users()
    iam.get_login_profile(UserName='Administrator')

    assert aws_proxy.actions() == ['GetCallerIdentity', 'CreateGroup', 'CreateUser', 'CreateLoginProfile', 'AddUserToGroup',
                                   'ListUsers', 'GetLoginProfile']
    calls = aws_proxy.calls
    assert [call.service for call in calls] == ['sts'] + ['iam'] * 6
    assert all(call.status == 200 and call.fault is None and call.forwarded for call in calls)
    assert calls[2].params['UserName'] == 'Administrator'
    assert calls[2].params['Path'] == '/team/'
    # moto ignores PasswordResetRequired: the request sent is where a test can see it.
    assert calls[3].params['PasswordResetRequired'] == 'true'
    assert calls[3].params['Password'] == PASSWORD
    assert [call.action for call in aws_proxy.write_calls()] == ['CreateGroup', 'CreateUser', 'CreateLoginProfile', 'AddUserToGroup']
    assert aws_proxy.counts() == {'GetCallerIdentity': 1, 'CreateGroup': 1, 'CreateUser': 1, 'CreateLoginProfile': 1,
                                  'AddUserToGroup': 1, 'ListUsers': 1, 'GetLoginProfile': 1}
    # Recorded params can hold secrets: they are not part of a Call's repr.
    assert PASSWORD not in repr(calls) and PASSWORD not in str(calls[3])

    aws_proxy.clear()
    assert aws_proxy.calls == [] and aws_proxy.counts() == {}


def test_environ_reaches_moto_through_the_proxy(aws_proxy, sandbox):
    env = aws_proxy.environ(HOME='/nonexistent', EXTRA='1', base={'AWS_PROFILE': 'real', 'PATH': '/bin'})
    assert env['AWS_ENDPOINT_URL'] == aws_proxy.endpoint != sandbox.endpoint
    assert env['AWS_ACCESS_KEY_ID'] == SANDBOX_ACCESS_KEY_ID
    assert env['EXTRA'] == '1' and env['HOME'] == '/nonexistent' and env['PATH'] == '/bin'
    assert 'AWS_PROFILE' not in env
    assert aws_proxy.env['AWS_ENDPOINT_URL'] == aws_proxy.endpoint
    # A proxy built from a bare URL gives the same environment.
    with AwsProxy(sandbox.endpoint) as bare:
        assert bare.environ(base={})['AWS_ENDPOINT_URL'] == bare.endpoint
        assert bare.environ(base={})['AWS_SECRET_ACCESS_KEY'] == env['AWS_SECRET_ACCESS_KEY']


def test_concurrent_clients_are_all_recorded(aws_proxy, clients):
    _iam, sts = clients(aws_proxy.endpoint)

    def work(_index):
        for _round in range(5):
            sts.get_caller_identity()

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(work, range(6)))
    assert aws_proxy.counts() == {'GetCallerIdentity': 30}
    assert all(call.status == 200 for call in aws_proxy.calls)


def test_read_write_classification():
    for action in ('GetUser', 'ListUsers', 'DescribeRegions', 'SimulatePrincipalPolicy', 'GenerateCredentialReport',
                   'GetCallerIdentity'):
        assert not is_write_action(action), action
    for action in ('CreateUser', 'DeleteUser', 'AttachGroupPolicy', 'AddUserToGroup', 'UpdateLoginProfile', 'TagUser'):
        assert is_write_action(action), action
    assert not is_write_action(None)


def test_parses_json_protocol_requests():
    headers = {'X-Amz-Target': 'AWSIdentityManagementV20100508.ListUsers',
               'Authorization': 'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0'}
    service, action, params, protocol = parse_request('POST', '/', headers, b'{"MaxItems": 5}')
    assert (service, action, params, protocol) == ('iam', 'ListUsers', {'MaxItems': 5}, 'json')
    content_type, body = error_body('json', 'iam', 'Throttling', 'Rate exceeded', 'r')
    assert content_type.startswith('application/x-amz-json') and json.loads(body)['__type'] == 'Throttling'
    service, action, params, protocol = parse_request('GET', '/?Action=GetUser&UserName=a', {}, b'')
    assert (service, action, params['UserName'], protocol) == (None, 'GetUser', 'a', 'query')


# -- faults ----------------------------------------------------------------------------------------

def test_throttling_is_answered_without_forwarding_and_retried_by_boto3(make_aws_proxy, clients):
    proxy = make_aws_proxy(Faults(throttle=1.0, actions={'CreateUser'}))
    iam, sts = clients(proxy.endpoint, attempts=3)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        iam.create_user(UserName='throttled')
    assert error.value.response['Error']['Code'] == 'Throttling'
    assert error.value.response['Error']['Message'] == 'Rate exceeded'
    assert error.value.response['ResponseMetadata']['HTTPStatusCode'] == 400
    assert pattern(proxy) == [('CreateUser', 'throttle', 400)] * 3
    assert proxy.counts() == {} and proxy.counts(include_faulted=True) == {'CreateUser': 3}
    sts.get_caller_identity()  # not in ``actions``: untouched
    proxy.faults = None
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName='throttled')  # never reached moto


def test_throttling_at_a_rate_converges_with_visible_retries(make_aws_proxy, clients):
    # Seed 2 throttles the 4th, 6th, 7th and 8th requests of the sequence (see random.Random(2)).
    proxy = make_aws_proxy(Faults(throttle=0.5, seed=2))
    iam, _sts = clients(proxy.endpoint)
    for index in range(5):
        iam.create_group(GroupName='group-%d' % index)
    assert proxy.counts() == {'CreateGroup': 5}
    assert len(proxy.faulted('throttle')) == 4
    assert [call.fault for call in proxy.calls] == [None, None, None, 'throttle', None, 'throttle', 'throttle', 'throttle', None]
    assert len(iam.list_groups()['Groups']) == 5  # no duplicate, none lost


def test_server_errors_are_answered_without_forwarding(make_aws_proxy, clients):
    proxy = make_aws_proxy(Faults(server_error=1.0, seed=4, actions={'CreateGroup'}))
    iam, _sts = clients(proxy.endpoint, attempts=4)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        iam.create_group(GroupName='never')
    assert error.value.response['Error']['Code'] in ('InternalFailure', 'ServiceUnavailable')
    statuses = {call.status for call in proxy.calls}
    assert [call.fault for call in proxy.calls] == ['server_error'] * 4
    assert statuses <= {500, 503}
    codes = {500: 'InternalFailure', 503: 'ServiceUnavailable'}
    assert codes[error.value.response['ResponseMetadata']['HTTPStatusCode']] == error.value.response['Error']['Code']
    assert proxy.counts() == {}
    assert iam.list_groups()['Groups'] == []


def test_server_errors_at_a_rate_are_retried(make_aws_proxy, clients):
    proxy = make_aws_proxy(Faults(server_error=0.5, seed=2))
    iam, _sts = clients(proxy.endpoint)
    for index in range(5):
        iam.create_user(UserName='user-%d' % index)
    faulted = proxy.faulted('server_error')
    assert len(faulted) == 4 and {call.status for call in faulted} <= {500, 503}
    assert proxy.counts() == {'CreateUser': 5}
    assert len(iam.list_users()['Users']) == 5


def test_reset_closes_the_connection_before_forwarding(make_aws_proxy, clients):
    proxy = make_aws_proxy(Faults(reset=1.0, actions={'CreateUser'}))
    iam, _sts = clients(proxy.endpoint, attempts=2)
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        iam.create_user(UserName='reset')
    assert pattern(proxy) == [('CreateUser', 'reset', None)] * 2
    assert not any(call.forwarded for call in proxy.calls)
    proxy.faults = Faults()
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName='reset')
    # At a rate, boto3 retries the reset connection and converges.
    proxy.faults = Faults(reset=0.5, seed=2)
    proxy.clear()
    iam, _sts = clients(proxy.endpoint)
    for index in range(5):
        iam.create_user(UserName='user-%d' % index)
    assert len(proxy.faulted('reset')) == 4 and proxy.counts() == {'CreateUser': 5}


def test_error_after_write_leaves_the_write_done(make_aws_proxy, clients, sandbox):
    proxy = make_aws_proxy(Faults(error_after_write=1.0))
    iam, _sts = clients(proxy.endpoint, attempts=3)
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException):
        iam.create_user(UserName='written')
    first, retry = proxy.calls
    assert (first.action, first.fault, first.status, first.upstream_status, first.forwarded) == ('CreateUser', 'error_after_write', 500, 200, True)
    assert (retry.action, retry.fault, retry.status) == ('CreateUser', None, 409)  # the retry meets the write's effect
    assert proxy.counts() == {'CreateUser': 2}
    # The user exists in moto (asked directly, not through the proxy).
    direct, _sts = clients(sandbox.endpoint)
    assert direct.get_user(UserName='written')['User']['UserName'] == 'written'
    # Reads are never answered with error_after_write.
    proxy.clear()
    iam.get_user(UserName='written')
    assert pattern(proxy) == [('GetUser', None, 200)]
    # A key made twice: the 500 hides the first key, the retry makes a second one.
    proxy.clear()
    proxy.faults = Faults(error_after_write=1.0, actions={'CreateAccessKey'})
    iam, _sts = clients(proxy.endpoint, attempts=2)
    with pytest.raises(botocore.exceptions.ClientError):
        iam.create_access_key(UserName='written')
    assert len(direct.list_access_keys(UserName='written')['AccessKeyMetadata']) == 2


def test_delay(make_aws_proxy, clients):
    proxy = make_aws_proxy(Faults(delay=0.2, seed=5))
    _iam, sts = clients(proxy.endpoint)
    for _round in range(4):
        sts.get_caller_identity()
    calls = proxy.calls
    assert all(call.fault is None and call.status == 200 for call in calls)
    assert all(0 < call.delay <= 0.2 and call.duration >= call.delay for call in calls)
    assert len({call.delay for call in calls}) == 4


def test_faults_are_deterministic_with_a_seed(make_aws_proxy, clients):
    faults = Faults(throttle=0.3, server_error=0.2, reset=0.1, seed=11)

    def run(proxy):
        _iam, sts = clients(proxy.endpoint, attempts=1)
        for _round in range(20):
            try:
                sts.get_caller_identity()
            except (botocore.exceptions.ClientError, botocore.exceptions.ConnectionClosedError):
                pass
        return pattern(proxy)

    first = run(make_aws_proxy(faults))
    assert first == run(make_aws_proxy(faults))
    assert {fault for _action, fault, _status in first} == {None, 'throttle', 'server_error', 'reset'}
    assert first != run(make_aws_proxy(Faults(throttle=0.3, server_error=0.2, reset=0.1, seed=12)))
    # Setting faults restarts the sequence from their seed.
    proxy = make_aws_proxy(faults)
    run(proxy)
    proxy.faults = faults
    proxy.clear()
    assert run(proxy) == first


def test_moto_api_is_never_faulted_nor_recorded(make_aws_proxy, clients, sandbox):
    direct, _sts = clients(sandbox.endpoint)
    direct.create_user(UserName='before-reset')
    for faults in (Faults(reset=1.0), Faults(throttle=1.0), Faults(server_error=1.0), Faults(error_after_write=1.0)):
        proxy = make_aws_proxy(faults)
        with urllib.request.urlopen(proxy.endpoint + '/moto-api/data.json', timeout=10) as response:
            assert response.status == 200
            assert isinstance(json.loads(response.read()), dict)
        assert proxy.calls == []
    request = urllib.request.Request(proxy.endpoint + '/moto-api/reset', data=b'', method='POST')
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    assert proxy.calls == []
    assert direct.list_users()['Users'] == []


def test_faults_are_validated():
    for bad in ({'throttle': 1.5}, {'reset': -0.1}, {'throttle': 0.6, 'server_error': 0.6}, {'delay': -1}):
        with pytest.raises(ValueError):
            Faults(**bad)
    assert Faults(actions=['GetUser']).applies_to('GetUser') and not Faults(actions=['GetUser']).applies_to('ListUsers')


def test_unreachable_upstream_answers_502(clients):
    with AwsProxy('http://127.0.0.1:9') as proxy:
        _iam, sts = clients(proxy.endpoint, attempts=1)
        with pytest.raises(botocore.exceptions.ClientError) as error:
            sts.get_caller_identity()
        assert error.value.response['Error']['Code'] == 'BadGateway'
        assert pattern(proxy) == [('GetCallerIdentity', None, 502)]
        assert proxy.counts() == {}
