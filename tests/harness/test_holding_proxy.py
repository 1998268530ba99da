# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The holding proxy stops a client at the chosen call, before or after moto applies it, and never forwards it later."""

from __future__ import annotations

import concurrent.futures

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from tests.utils.holding_proxy import HoldingProxy
from tests.utils.sandbox import SANDBOX_ACCESS_KEY_ID, SANDBOX_REGION, SANDBOX_SECRET_ACCESS_KEY


@pytest.fixture
def proxy(sandbox):
    with HoldingProxy(sandbox) as started:
        yield started


def iam(endpoint):
    return boto3.client('iam', endpoint_url=endpoint, region_name=SANDBOX_REGION, aws_access_key_id=SANDBOX_ACCESS_KEY_ID,
                        aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY, config=Config(retries={'total_max_attempts': 1}))


def users(sandbox):
    return sorted(user['UserName'] for user in iam(sandbox.endpoint).list_users()['Users'])


@pytest.mark.parametrize('after, applied', [(False, []), (True, ['second'])], ids=['before-moto', 'after-moto'])
def test_the_chosen_call_is_held_then_dropped(proxy, sandbox, after, applied):
    client = iam(proxy.endpoint)
    reached = proxy.hold({'CreateUser'}, after=after, skip=1)
    client.create_user(UserName='first')  # skipped: passes
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(client.create_user, UserName='second')
        assert reached.wait(30) and proxy.held == 'CreateUser'
        assert not pending.done()
        proxy.release()
        with pytest.raises(botocore.exceptions.BotoCoreError):  # the connection is reset, no answer
            pending.result(30)
    # Released, the held call was never forwarded (before) or its answer never came (after); nothing more is held.
    assert users(sandbox) == sorted(['first'] + applied)
    client.create_user(UserName='third')
    assert users(sandbox) == sorted(['first', 'third'] + applied)


def test_other_actions_pass_while_a_rule_waits(proxy, sandbox):
    reached = proxy.hold({'UpdateAccessKey'})
    iam(proxy.endpoint).create_user(UserName='someone')
    assert not reached.is_set() and proxy.held is None
    assert users(sandbox) == ['someone']
