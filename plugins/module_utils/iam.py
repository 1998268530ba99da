# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every controller-side module shares: the plan type, the IAM client with its retries, and
the executor that applies a plan (creates that survive a retry, IAM's eventual consistency)."""

from __future__ import annotations

import collections
import datetime
import email.utils
import time

try:
    import botocore
    from botocore import xform_name
    from botocore.parsers import ResponseParserError
except ImportError:
    ResponseParserError = Exception  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam_validation import OptionError

# Answers that mean "try again later". IAM says ServiceFailure for its 5xx; any other 5xx is mapped
# to SERVER_ERROR below.
SERVER_ERROR = 'ServerError'
TRANSIENT_ERROR_CODES = ['ServiceFailure', 'ServiceUnavailableException', 'InternalFailure', 'InternalError', SERVER_ERROR]
# Right after a create, IAM may not show the new entity for a few seconds, or refuse to modify it.
SETTLING_ERROR_CODES = ['NoSuchEntity', 'EntityTemporarilyUnmodifiable']

CREATE_OPERATIONS = frozenset(('CreateUser', 'CreateGroup', 'CreateLoginProfile'))
REMOVE_PREFIXES = ('Delete', 'Detach', 'Remove', 'Deactivate', 'Untag')
# The calls whose answer is a secret (a new key's secret) or that set one (a console password).
SECRET_OPERATIONS = frozenset(('CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile'))


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


class Action:
    """One planned API call: ``operation`` is the IAM action name (``CreateUser``), ``params`` its arguments."""

    __slots__ = ('operation', 'params')

    def __init__(self, operation, **params):
        self.operation = operation
        self.params = params

    def __eq__(self, other):
        return isinstance(other, Action) and (self.operation, self.params) == (other.operation, other.params)

    def __repr__(self):
        # Params are left out: CreateLoginProfile carries the password.
        return 'Action(%s)' % self.operation


class Plan:
    """The outcome of a plan function: the actions to apply, and the before/after views for ``--diff``."""

    def __init__(self, actions=None, before=None, after=None):
        self.actions = list(actions or [])
        self.before = before if before is not None else {}
        self.after = after if after is not None else {}

    @property
    def changed(self):
        return bool(self.actions)

    @property
    def operations(self):
        return [action.operation for action in self.actions]

    def diff(self):
        return {'before': self.before, 'after': self.after}


class Secret:
    """A secret this run created: a new access key (``key_id``) or a console password (``kind`` 'password',
    a login profile this run created or set). ``delivered``: its holder has it (a successful result, a CSV,
    or a password the operator gave)."""

    __slots__ = ('kind', 'user_name', 'key_id', 'delivered')

    def __init__(self, kind, user_name, key_id=None, delivered=False):
        self.kind = kind
        self.user_name = user_name
        self.key_id = key_id
        self.delivered = delivered

    def __repr__(self):
        return 'Secret(%s of %s%s)' % (self.kind, self.user_name, ' ' + self.key_id if self.key_id else '')

    def describe(self):
        return ('access key %s of user %s' % (self.key_id, self.user_name) if self.kind == 'access_key'
                else 'the console password (login profile) of user %s' % self.user_name)


class Attempts:
    """How one ``Executor.run`` went on the wire: ``sends`` HTTP requests (retries included; None when the
    client cannot tell), between ``started`` and ``ended`` (time.monotonic()), and IAM's clock (the Date
    header of the last answer, or None)."""

    __slots__ = ('sends', 'started', 'ended', 'server_date')

    def __init__(self, sends, started, ended, server_date):
        self.sends = sends
        self.started = started
        self.ended = ended
        self.server_date = server_date

    @property
    def only_one(self):
        """True when exactly one request was sent: an answer to it is about that request alone."""
        return self.sends == 1

    @property
    def seconds(self):
        return self.ended - self.started


# Every executor of this process since the last result (kept alive here: a secret must not be forgotten
# with the executor that made it): run_iam_module revokes, on a failure, the secrets they created and
# could not deliver, and forgets them once the result is returned.
_EXECUTORS = []


def _count_sends(client, counter):
    """Count the HTTP requests per operation (botocore's retries and AWSRetry's included); False when
    the client has no botocore event system (a test double)."""
    try:
        events = client.meta.events
    except AttributeError:
        return False

    def count(event_name=None, **_kwargs):
        counter[(event_name or '').rsplit('.', 1)[-1]] += 1
        # None: botocore sends the request (a value would be taken as the answer).

    events.register('before-send.iam', count, unique_id='awsbootstrap-sends-%d' % id(counter))
    return True


# IAM's CreateDate and the Date header have one-second precision.
CLOCK_SLACK_SECONDS = 2


def within_attempts(created, anchor, attempts):
    """True when IAM dated something (``created``) within the span of this run's requests (``attempts``),
    measured back from ``anchor`` on IAM's clock (the Date of its last answer, or what the last request
    made), with a second of slack either side for IAM's one-second precision. Pure."""
    if not isinstance(created, datetime.datetime) or not isinstance(anchor, datetime.datetime):
        return False
    created, anchor = (value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc) for value in (created, anchor))
    earliest = anchor - datetime.timedelta(seconds=attempts.seconds + CLOCK_SLACK_SECONDS)
    return earliest <= created <= anchor + datetime.timedelta(seconds=CLOCK_SLACK_SECONDS)


def _server_date(response):
    header = ((response or {}).get('ResponseMetadata') or {}).get('HTTPHeaders', {}).get('date')
    try:
        return email.utils.parsedate_to_datetime(header) if header else None
    except (TypeError, ValueError):
        return None


class Executor:
    """Applies actions in order on an IAM client made by ``iam_client``.

    - A create answered with EntityAlreadyExists is taken as done: it is a create that was retried
      after an answer lost in transit, or a race with another run; the caller reads on. Except
      CreateLoginProfile, whose password matters: when its only request met EntityAlreadyExists,
      another run made the profile and ``LoginProfileRace`` is raised (the caller adopts it); when
      it had to be retried, the profile is most likely its own lost answer, and the password is set
      again with UpdateLoginProfile so that IAM holds exactly the one this run returns.
    - A removal answered with NoSuchEntity is taken as done.
    - Once something was created, later calls (removals excepted: for them NoSuchEntity means done)
      also wait out NoSuchEntity / EntityTemporarilyUnmodifiable.
    - Every secret a call created is kept in ``secrets`` until it is delivered; ``revoke()`` deletes
      the undelivered ones (run_iam_module does so when the module fails).
    """

    def __init__(self, client):
        self.client = client
        self.settling = False
        self.sends = collections.Counter()
        self.counting = _count_sends(client, self.sends)
        self.secrets = []
        self.last = None
        _EXECUTORS.append(self)

    def _attempts(self, operation, sent_before, started, response):
        sends = self.sends[operation] - sent_before if self.counting else None
        return Attempts(sends, started, time.monotonic(), _server_date(response))

    def run(self, action):
        method = getattr(self.client, xform_name(action.operation))

        def call():
            return method(aws_retry=True, **action.params)

        if self.settling and not action.operation.startswith(REMOVE_PREFIXES):
            call = settling_retry()(call)
        sent_before, started = self.sends[action.operation], time.monotonic()
        try:
            response = call()
        except botocore.exceptions.ClientError as error:
            self.last = self._attempts(action.operation, sent_before, started, error.response)
            code = error_code(error)
            if action.operation == 'CreateLoginProfile' and code == 'EntityAlreadyExists':
                return self._login_profile_exists(action, error)
            if action.operation in CREATE_OPERATIONS and code == 'EntityAlreadyExists':
                response = None
            elif action.operation.startswith(REMOVE_PREFIXES) and code == 'NoSuchEntity':
                response = None
            else:
                raise IAMFailure('%s failed: %s' % (action.operation, error_message(error)), error) from error
        except (botocore.exceptions.BotoCoreError, ResponseParserError) as error:
            self.last = self._attempts(action.operation, sent_before, started, None)
            raise IAMFailure('%s failed: %s' % (action.operation, error), error) from error
        else:
            self.last = self._attempts(action.operation, sent_before, started, response)
        if action.operation.startswith('Create'):
            self.settling = True
        if response is not None and action.operation in SECRET_OPERATIONS:
            key = (response.get('AccessKey') or {}).get('AccessKeyId')
            self.secrets.append(Secret('access_key' if key else 'password', action.params['UserName'], key))
        return response

    def _login_profile_exists(self, action, error):
        self.settling = True
        user_name = action.params['UserName']
        if not self.last.only_one:
            # Retried: when IAM dated the profile within this run's own requests, it is this run's first
            # attempt whose answer was lost: set this run's password again, so IAM holds the one returned.
            profile = (read(self.client, 'GetLoginProfile', UserName=user_name) or {}).get('LoginProfile') or {}
            if within_attempts(profile.get('CreateDate'), self.last.server_date, self.last):
                return self.run(Action('UpdateLoginProfile', **action.params))
        raise LoginProfileRace('CreateLoginProfile: user %s got a console password from another run between this '
                               "run's read and its create; that run's password is the one IAM holds, and this run "
                               'set none' % user_name, error)

    def run_all(self, actions):
        return [(action, self.run(action)) for action in actions]

    def deliver(self, user_name=None, kind=None):
        """Mark secrets as delivered (all of them, or one user's, or one user's of one kind)."""
        for secret in self.secrets:
            if (user_name is None or secret.user_name == user_name) and (kind is None or secret.kind == kind):
                secret.delivered = True

    def forget(self, secret):
        """A secret that no longer exists (this run deleted it)."""
        if secret in self.secrets:
            self.secrets.remove(secret)

    def revoke(self):
        """Delete every secret this executor created and did not deliver; [(secret, IAMFailure or None)]."""
        outcome = []
        for secret in [secret for secret in self.secrets if not secret.delivered]:
            if secret.kind == 'access_key':
                action = Action('DeleteAccessKey', UserName=secret.user_name, AccessKeyId=secret.key_id)
            else:
                action = Action('DeleteLoginProfile', UserName=secret.user_name)
            try:
                self.run(action)
                self.forget(secret)
                outcome.append((secret, None))
            except IAMFailure as failure:
                outcome.append((secret, failure))
        return outcome


def revoke_undelivered():
    """Revoke the undelivered secrets of every executor of this process; a sentence saying what was
    revoked (and what could not be), for the failure message, or ''."""
    revoked, kept = [], []
    for executor in list(_EXECUTORS):
        for secret, failure in executor.revoke():
            if failure is None:
                revoked.append(secret.describe())
            else:
                kept.append('%s (%s)' % (secret.describe(), failure.message))
    note = ''
    if revoked:
        note += ' This run revoked the secrets it had created and could not hand over: %s; a re-run makes new ones.' % ', '.join(revoked)
    if kept:
        note += (' This run could NOT revoke the secrets it created and could not hand over: %s; delete them '
                 '(their secrets are in no result).' % ', '.join(kept))
    return note


def deliver_all():
    """The result is being returned: every secret in it reaches its holder."""
    for executor in _EXECUTORS:
        executor.deliver()
        executor.secrets = []
    del _EXECUTORS[:]


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


def partition_of(client):
    """The partition the client talks to (from its region; no API call)."""
    return getattr(client.meta, 'partition', None) or 'aws'


SIGN_IN_DOMAINS = {
    'aws': 'signin.aws.amazon.com',
    'aws-cn': 'signin.amazonaws.cn',
    'aws-us-gov': 'signin.amazonaws-us-gov.com',
}


def sign_in_url(partition, account_id, alias=None):
    domain = SIGN_IN_DOMAINS.get(partition, SIGN_IN_DOMAINS['aws'])
    return 'https://%s.%s/console' % (alias or account_id, domain)


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


def run_iam_module(argument_spec, run, **module_options):
    """The ``main()`` of every controller module: ``run(module)`` returns the result with its ``diff``,
    which is kept only in diff mode; option errors and IAM failures become the module's failure."""
    # Imported here: the plan logic above is unit-tested without AnsibleAWSModule's import side effects.
    from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, **module_options)
    deliver_all()
    try:
        result = run(module)
    except OptionError as error:
        module.fail_json(msg=error.message + revoke_undelivered())
    except IAMFailure as failure:
        fail(module, IAMFailure(failure.message + revoke_undelivered(), failure.exception))
    except BaseException:
        # A secret is never left behind by a failure nobody foresaw either.
        revoke_undelivered()
        raise
    if not module._diff:  # pylint: disable=protected-access
        result.pop('diff', None)
    deliver_all()
    module.exit_json(**result)
