# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every controller-side module shares: the IAM client with its retries, errors, reads, ARNs and the
partition, the sign-in URL, and dates."""

from __future__ import annotations

import datetime
import functools
try:
    import botocore
    from botocore import xform_name
    from botocore.parsers import ResponseParserError
except ImportError:
    ResponseParserError = Exception  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry


# Answers that mean "try again later". IAM says ServiceFailure for its 5xx; any other 5xx is mapped
# to SERVER_ERROR below.
SERVER_ERROR = 'ServerError'
TRANSIENT_ERROR_CODES = ['ServiceFailure', 'ServiceUnavailableException', 'InternalFailure', 'InternalError', SERVER_ERROR]
# Right after a create, IAM may not show the new entity for a few seconds, or refuse to modify it.
SETTLING_ERROR_CODES = ['NoSuchEntity', 'EntityTemporarilyUnmodifiable']


class IAMRetry(AWSRetry):
    """AWSRetry that also recognises every HTTP 5xx, whatever its error code."""

    @staticmethod
    def status_code_from_exception(error):
        status = error.response.get('ResponseMetadata', {}).get('HTTPStatusCode') or 0
        if status >= 500:
            return SERVER_ERROR
        return error.response.get('Error', {}).get('Code')


def iam_retry():
    # EntityTemporarilyUnmodifiable is always transient (also for an entity an earlier task created).
    return IAMRetry.jittered_backoff(retries=8, delay=1, max_delay=20,
                                     catch_extra_error_codes=TRANSIENT_ERROR_CODES + ['EntityTemporarilyUnmodifiable'])


def settling_retry():
    return IAMRetry.jittered_backoff(retries=7, delay=1, max_delay=8,
                                     catch_extra_error_codes=TRANSIENT_ERROR_CODES + SETTLING_ERROR_CODES)


def iam_client(module):
    return module.client('iam', retry_decorator=iam_retry())


def sts_client(module):
    return module.client('sts', retry_decorator=iam_retry())


class IAMFailure(Exception):
    """A failure with a message for the user; ``exception`` is the botocore error behind it, if any."""

    def __init__(self, message, exception=None):
        super().__init__(message)
        self.message = message
        self.exception = exception


class LoginProfileRace(IAMFailure):
    """CreateLoginProfile met a login profile this run did not make (its one request was answered
    EntityAlreadyExists): another run set the password IAM holds, and this run's password is not it."""


def fail(module, failure):
    if failure.exception is not None:
        module.fail_json_aws(failure.exception, msg=failure.message)
    module.fail_json(msg=failure.message)


def error_code(error):
    response = getattr(error, 'response', None) or {}
    return response.get('Error', {}).get('Code')


def is_missing(error):
    return error_code(error) == 'NoSuchEntity'


def error_message(error):
    return (getattr(error, 'response', None) or {}).get('Error', {}).get('Message') or str(error)


def read(client, operation, missing=None, missing_codes=('NoSuchEntity',), **params):
    """One read with retries; ``missing`` is returned for the error codes in ``missing_codes``."""
    method = getattr(client, xform_name(operation))
    try:
        return method(aws_retry=True, **params)
    except botocore.exceptions.ClientError as error:
        if error_code(error) in missing_codes:
            return missing
        raise IAMFailure('%s failed: %s' % (operation, error_message(error)), error) from error
    except (botocore.exceptions.BotoCoreError, ResponseParserError) as error:
        raise IAMFailure('%s failed: %s' % (operation, error), error) from error


def read_pages(client, operation, result_key=None, **params):
    """A paginated read (one call per page): the items under ``result_key``, or with no
    ``result_key`` the whole merged result; None for NoSuchEntity."""
    paginator = client.get_paginator(xform_name(operation))

    @iam_retry()
    def all_pages():
        return paginator.paginate(**params).build_full_result()

    try:
        result = all_pages()
    except botocore.exceptions.ClientError as error:
        if is_missing(error):
            return None
        raise IAMFailure('%s failed: %s' % (operation, error_message(error)), error) from error
    except (botocore.exceptions.BotoCoreError, ResponseParserError) as error:
        raise IAMFailure('%s failed: %s' % (operation, error), error) from error
    return result if result_key is None else result.get(result_key, [])


def arn_parts(arn):
    """``arn:partition:service:region:account:resource`` -> dict (None when it is not an ARN)."""
    parts = (arn or '').split(':', 5)
    if len(parts) != 6 or parts[0] != 'arn':
        return None
    return dict(zip(('arn', 'partition', 'service', 'region', 'account_id', 'resource'), parts))


def arn_name(arn):
    """The name at the end of an ARN's resource: a managed policy's name (``.../path/Name`` -> ``Name``)."""
    return (arn or '').rsplit('/', 1)[-1]


def arn_partition(arn, default='aws'):
    """The partition an ARN names (``default`` when it is not an ARN)."""
    return (arn_parts(arn) or {}).get('partition', default)


def partition_of(client):
    """The partition the client talks to (from its region; no API call)."""
    return getattr(client.meta, 'partition', None) or 'aws'


SIGN_IN_DOMAINS = {
    'aws': 'signin.aws.amazon.com',
    'aws-cn': 'signin.amazonaws.cn',
    'aws-us-gov': 'signin.amazonaws-us-gov.com',
}


def sign_in_url(partition, account_id, alias=None):
    """The console sign-in URL: by the alias when the account has one, else by its id (the one builder)."""
    domain = SIGN_IN_DOMAINS.get(partition, SIGN_IN_DOMAINS['aws'])
    return 'https://%s.%s/console' % (alias or account_id, domain)


def arn_sign_in_url(arn, alias=None):
    """The sign-in URL of the account an ARN of it names (its partition and account id)."""
    return sign_in_url(arn_partition(arn), (arn_parts(arn) or {}).get('account_id'), alias)


def account_alias_reader(client, aliases=None):
    """The account's alias (or None), read with ListAccountAliases at most once however often it is asked; not read
    when an earlier task handed on the account's ``aliases``."""
    if aliases is not None:
        return lambda: next(iter(aliases), None)
    return functools.lru_cache(maxsize=None)(lambda: next(iter((read(client, 'ListAccountAliases') or {}).get('AccountAliases') or []), None))


def iso(value):
    return value.isoformat() if isinstance(value, datetime.datetime) else value


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def age_days(created, now=None):
    if not isinstance(created, datetime.datetime):
        return None
    if created.tzinfo is None:
        created = created.replace(tzinfo=datetime.timezone.utc)
    return ((now or utcnow()) - created).days


def retried(response):
    """True when botocore had to retry the request behind ``response`` (its first answer was lost or failed)."""
    return bool((response or {}).get('ResponseMetadata', {}).get('RetryAttempts'))
