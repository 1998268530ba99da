# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The executor that applies a plan: creates that survive a retry, IAM's eventual consistency, and secrets that
reach their holder or are revoked."""

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

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import LoginProfileRace
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import error_code
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import error_message
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import settling_retry
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import CREATE_OPERATIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import REMOVE_PREFIXES
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import SECRET_OPERATIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import created


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


def apply_entity(module, prepared, executor, create, read_again, result_of, key):
    """Apply a group's or a role's Prepared plan (not in check mode); the module's result with ``changed``,
    ``diff`` and, unless it was removed, the entity under ``key`` (``result_of(current, plan, responses, desired)``).
    When the ``create`` operation met an entity that already existed (its own retried request, or another
    run's), ``read_again()`` reads it: its ids and dates are not in any answer of this run."""
    desired, current, plan = prepared.desired, prepared.current, prepared.plan
    responses = []
    if plan.changed and not module.check_mode:
        responses = executor.run_all(plan.actions)
        if current is None and desired['state'] == 'present' and created(responses, create) is None:
            current = read_again()
    result = dict(changed=plan.changed, diff=plan.diff())
    entity = result_of(current, plan, responses, desired)
    if entity is not None:
        result[key] = entity
    return result


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
