# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The in-process moto IAM account the module_utils tests that read IAM share."""

from __future__ import annotations

import boto3
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_retry


@pytest.fixture
def iam(monkeypatch):
    """An IAM client (as AnsibleAWSModule builds it) on an in-process moto account with the AWS managed
    policies, and the list of operations it has called so far."""
    from moto import mock_aws  # pylint: disable=import-outside-toplevel
    for variable in ('AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_IAM', 'AWS_CONFIG_FILE',
                     'AWS_SHARED_CREDENTIALS_FILE', 'AWS_SESSION_TOKEN'):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv('MOTO_IAM_LOAD_MANAGED_POLICIES', 'true')
    with mock_aws():
        raw = boto3.client('iam', region_name='us-east-1', aws_access_key_id='AKIAIOSFODNN7EXAMPLE', aws_secret_access_key='x')
        calls = []
        raw.meta.events.register('before-call.iam', lambda model, **_kwargs: calls.append(model.name))
        yield raw, RetryingBotoClientWrapper(raw, iam_retry()), calls
