# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM Identity Center, what its modules share: the clients, the instance (found with ListInstances,
never guessed), the snapshot an earlier task returns, the opening of every module's run(), and the
executor that applies a plan on the sso-admin and identitystore APIs (ids of what the same plan creates filled in at run time,
creates and removals that survive a retry, the asynchronous requests waited for)."""

from __future__ import annotations

import re
import time

from collections import namedtuple

try:
    import botocore
    from botocore import xform_name
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible.module_utils.six import string_types

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMRetry
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import TRANSIENT_ERROR_CODES
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_parts
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import error_code
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import error_message
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_instance_arn

# The one manual step: Identity Center has no API that enables it in a standalone account.
ENABLE_STEP = ('enable it once in the console, signed in to this account: IAM Identity Center > Enable '
               '(https://console.aws.amazon.com/singlesignon/home), choosing an organization instance or, in a '
               'standalone account, an account instance; there is no API for this step')

# The options every Identity Center module has.
INSTANCE_OPTIONS = dict(instance_arn=dict(type='str'), identity_center_snapshot=dict(type='dict'))
SNAPSHOT_KINDS = ('users', 'groups', 'permission_sets')
# The snapshot's ``read``: what the tasks of the chain read, for iam_bootstrap_sso_info to read only what is not
# there. ``users`` and ``groups`` as identity_center_identities reads them (a group's ``member_ids`` when its members
# were read), ``permission_sets`` as identity_center_permission_sets reads them (``managed_policies``, bare names,
# when they were read), ``assignments`` {account: {permission set ARN: [[principal type, principal id]]}}.
READ_KINDS = {'users': list, 'groups': list, 'permission_sets': list, 'assignments': dict}
IDENTITY_STORE_ID_PATTERN = re.compile(r'[a-z0-9-]{1,64}')
# How long an asynchronous request (provisioning, an assignment) is waited for, and how often it is asked.
WAIT_SECONDS = 300
POLL_SECONDS = 2

IDENTITY_STORE_OPERATIONS = frozenset((
    'CreateUser', 'UpdateUser', 'DeleteUser', 'CreateGroup', 'UpdateGroup', 'DeleteGroup',
    'CreateGroupMembership', 'DeleteGroupMembership',
))


# --- the instance ---------------------------------------------------------------------------------

class Ref:
    """The id of something the same plan creates (a user, group or permission set), known only once
    the create was answered; the executor puts the id in its place."""

    __slots__ = ('kind', 'name')

    def __init__(self, kind, name):
        self.kind = kind
        self.name = name

    def __eq__(self, other):
        return isinstance(other, Ref) and (self.kind, self.name) == (other.kind, other.name)

    def __hash__(self):
        return hash((self.kind, self.name))

    def __repr__(self):
        return 'Ref(%s %s)' % (self.kind, self.name)


# sso-admin and identitystore say ThrottlingException (AWSRetry knows Throttling) and InternalServerException for their 5xx.
IC_TRANSIENT_CODES = TRANSIENT_ERROR_CODES + ['ThrottlingException', 'InternalServerException']


def ic_retry():
    return IAMRetry.jittered_backoff(retries=8, delay=1, max_delay=20, catch_extra_error_codes=IC_TRANSIENT_CODES)


def sso_admin_client(module):
    return module.client('sso-admin', retry_decorator=ic_retry())


def identity_store_client(module):
    return module.client('identitystore', retry_decorator=ic_retry())


def choose_instance(instances, instance_arn=None):
    """The instance to work on from ListInstances' answer: the one named by ``instance_arn``, else the
    only active one; IAMFailure when there is none (a manual step) or the choice is ambiguous. Pure."""
    active = [instance for instance in instances if instance.get('Status', 'ACTIVE') == 'ACTIVE']
    if instance_arn is not None:
        for instance in instances:
            if instance['InstanceArn'] == instance_arn:
                if instance not in active:
                    raise IAMFailure('instance_arn: the IAM Identity Center instance %s is %s, not ACTIVE' % (instance_arn, instance.get('Status')))
                return instance
        raise IAMFailure('instance_arn: this account sees no IAM Identity Center instance %s (it sees: %s)'
                         % (instance_arn, ', '.join(i['InstanceArn'] for i in instances) or 'none'))
    if not active:
        raise IAMFailure('IAM Identity Center is not enabled for this account (ListInstances found no active instance). '
                         'Manual step: %s. Then run this again.' % ENABLE_STEP)
    if len(active) > 1:
        raise IAMFailure('instance_arn: this account sees %d IAM Identity Center instances (%s); name the one to use with instance_arn'
                         % (len(active), ', '.join(i['InstanceArn'] for i in active)))
    return active[0]


def check_snapshot(option, value, instance_arn=None):
    """What an earlier task returned as ``identity_center_snapshot``, checked: {'instance_arn', 'identity_store_id',
    'users': {name: id}, 'groups': {name: id}, 'permission_sets': {name: ARN}}; None when not given. Pure."""
    if not value:
        return None
    check_instance_arn(option + '.instance_arn', value.get('instance_arn'))
    if not value.get('instance_arn') or not IDENTITY_STORE_ID_PATTERN.fullmatch(str(value.get('identity_store_id') or '')):
        raise OptionError(option, 'give the identity_center_snapshot an earlier Identity Center task returned (it has instance_arn and '
                                  'identity_store_id)')
    if instance_arn is not None and instance_arn != value['instance_arn']:
        raise OptionError(option, 'the snapshot is of the instance %s, not of instance_arn %s' % (value['instance_arn'], instance_arn))
    snapshot = {'instance_arn': value['instance_arn'], 'identity_store_id': value['identity_store_id']}
    for kind in SNAPSHOT_KINDS:
        entries = value.get(kind) or {}
        if not isinstance(entries, dict) or not all(isinstance(key, string_types) and isinstance(item, string_types)
                                                    for key, item in entries.items()):
            raise OptionError('%s.%s' % (option, kind), 'a mapping of names to ids')
        snapshot[kind] = {key.lower(): item for key, item in entries.items()}
    read = value.get('read') or {}
    if not isinstance(read, dict) or not all(kind in READ_KINDS and isinstance(part, READ_KINDS[kind]) for kind, part in read.items()):
        raise OptionError(option + '.read', 'give the read an earlier Identity Center task returned (%s)' % ', '.join(READ_KINDS))
    snapshot['read'] = read
    return snapshot


def read_handed_on(snapshot, changed, **read):
    """The ``read`` a task hands on: what the earlier tasks read with what this one read (``read``: kind -> as
    READ_KINDS says); nothing when this task changed anything (or would have, in check mode): its writes may have
    made any of it untrue. Pure."""
    if changed:
        return {}
    handed = dict((snapshot or {}).get('read') or {})
    assignments = {account: dict(pairs) for account, pairs in (handed.get('assignments') or {}).items()}
    for account, pairs in (read.pop('assignments', None) or {}).items():
        assignments.setdefault(account, {}).update(pairs)
    handed.update(read)
    if assignments:
        handed['assignments'] = assignments
    return handed


def snapshot_result(snapshot, instance, read=None, **known):
    """The ``identity_center_snapshot`` a task returns: the one it was given, with the instance and what it
    knows now (``known``: kind -> {name: id}; names without an id, as in check mode, left out), and the ``read``
    it hands on (``read_handed_on``; none when not given). Pure."""
    result = {'instance_arn': instance['arn'], 'identity_store_id': instance['identity_store_id']}
    if read:
        result['read'] = read
    for kind in SNAPSHOT_KINDS:
        merged = dict((snapshot or {}).get(kind) or {})
        for name, found in (known.get(kind) or {}).items():
            if found:
                merged[name.lower()] = found
            else:
                merged.pop(name.lower(), None)
        result[kind] = merged
    return result


def instance_of(arn, identity_store_id):
    return {'arn': arn, 'identity_store_id': identity_store_id, 'partition': (arn_parts(arn) or {}).get('partition') or 'aws'}


def find_instance(client, instance_arn=None, snapshot=None, required=True):
    """{'arn', 'identity_store_id', 'partition'} of the account's Identity Center instance: ListInstances,
    or the snapshot of an earlier task (which found it so). Not ``required``: None when the account has
    no active instance and none was named."""
    if snapshot:
        return instance_of(snapshot['instance_arn'], snapshot['identity_store_id'])
    instances = read_pages(client, 'ListInstances', 'Instances') or []
    if not required and instance_arn is None and not any(item.get('Status', 'ACTIVE') == 'ACTIVE' for item in instances):
        return None
    instance = choose_instance(instances, instance_arn)
    return instance_of(instance['InstanceArn'], instance['IdentityStoreId'])


class Opened(namedtuple('Opened', 'checked snapshot sso_admin identity_store instance')):
    """What the opening of an Identity Center module's run() gives: its own options as checked, the snapshot
    (or None), the two clients and the instance (None when not ``required`` and there is none)."""

    __slots__ = ()


def open_identity_center(module, check_options, required=True):
    """The opening every Identity Center module's run() shares. Every option is checked (instance_arn,
    identity_center_snapshot, then the module's own with ``check_options(params)``) before any client is
    made or any API is called; then the clients and the instance (ListInstances, or the snapshot)."""
    instance_arn = check_instance_arn('instance_arn', module.params['instance_arn'])
    snapshot = check_snapshot('identity_center_snapshot', module.params['identity_center_snapshot'], instance_arn)
    checked = check_options(module.params)
    sso_admin, identity_store = sso_admin_client(module), identity_store_client(module)
    instance = find_instance(sso_admin, instance_arn, snapshot, required=required)
    return Opened(checked, snapshot, sso_admin, identity_store, instance)


# --- applying a plan ------------------------------------------------------------------------------

# Right after a create, Identity Center may not find what it just made for a moment.
SETTLING_CODES = ['ResourceNotFoundException']
DONE_WHEN_EXISTS = ('Create', 'Attach', 'Put')
DONE_WHEN_MISSING = ('Delete', 'Detach')
# The asynchronous requests: (where the answer holds the status, the describe operation, its request id parameter).
ASYNC_STATUS = {
    'ProvisionPermissionSet': ('PermissionSetProvisioningStatus', 'DescribePermissionSetProvisioningStatus',
                               'ProvisionPermissionSetRequestId'),
    'CreateAccountAssignment': ('AccountAssignmentCreationStatus', 'DescribeAccountAssignmentCreationStatus',
                                'AccountAssignmentCreationRequestId'),
    'DeleteAccountAssignment': ('AccountAssignmentDeletionStatus', 'DescribeAccountAssignmentDeletionStatus',
                                'AccountAssignmentDeletionRequestId'),
}
# What a create's answer calls the id that later actions refer to.
CREATED_IDS = {
    'CreateUser': ('user', 'UserName', lambda response: response.get('UserId')),
    'CreateGroup': ('group', 'DisplayName', lambda response: response.get('GroupId')),
    'CreatePermissionSet': ('permission_set', 'Name', lambda response: (response.get('PermissionSet') or {}).get('PermissionSetArn')),
}


def settling_retry():
    return IAMRetry.jittered_backoff(retries=6, delay=1, max_delay=8, catch_extra_error_codes=IC_TRANSIENT_CODES + SETTLING_CODES)


def conflict_retry(retries):
    # sso-admin answers ConflictException while an earlier write to the same permission set propagates; its
    # documentation says to retry with backoff.
    return IAMRetry.jittered_backoff(retries=retries, delay=1, max_delay=8, catch_extra_error_codes=IC_TRANSIENT_CODES + ['ConflictException'])


def resolve(value, ids):
    """``value`` with every Ref replaced by the id it stands for (KeyError when it is not known yet). Pure."""
    if isinstance(value, Ref):
        return ids[(value.kind, value.name)]
    if isinstance(value, dict):
        return {key: resolve(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, ids) for item in value]
    return value


def async_outcome(operation, response):
    """(status, request id, failure reason) of an asynchronous request's answer; status None when it
    is not one. An answer without a status (moto's describe calls) counts as SUCCEEDED. Pure."""
    if operation not in ASYNC_STATUS:
        return None, None, None
    status = (response or {}).get(ASYNC_STATUS[operation][0]) or {}
    return status.get('Status') or 'SUCCEEDED', status.get('RequestId'), status.get('FailureReason')


class ICExecutor:
    """Applies Identity Center actions in order, on the identitystore client for the Identity Store's
    operations and on the sso-admin client for the others.

    - Ref parameters get the ids of what earlier actions created (``ids``, which a caller may
      prefill with what it read, and which ``lookup(kind, name)`` completes for a create that a retried
      request had already made).
    - A create, attach or put answered with ConflictException is tried again a few times (sso-admin says so
      while an earlier write propagates); when the conflict stays, it is taken as done (a retried request
      whose first answer was lost, or a race). A delete or detach answered with ResourceNotFoundException
      is done too.
    - After a create, later calls wait out ResourceNotFoundException for a while.
    - ProvisionPermissionSet, CreateAccountAssignment and DeleteAccountAssignment are asynchronous:
      their request is asked about until it succeeded; FAILED (or no end within WAIT_SECONDS) fails.
    """

    def __init__(self, sso_admin, identity_store, instance_arn, lookup=None, sleep=time.sleep, clock=time.monotonic, conflict_retries=5):
        self.clients = {'sso-admin': sso_admin, 'identitystore': identity_store}
        self.conflict_retries = conflict_retries
        self.instance_arn = instance_arn
        self.lookup = lookup
        self.ids = {}
        self.settling = False
        self.sleep = sleep
        self.clock = clock

    def client_for(self, operation):
        return self.clients['identitystore' if operation in IDENTITY_STORE_OPERATIONS else 'sso-admin']

    def _call(self, operation, params, settle):
        method = getattr(self.client_for(operation), xform_name(operation))

        def call():
            return method(aws_retry=True, **params)

        if settle:
            call = settling_retry()(call)
        if operation.startswith(DONE_WHEN_EXISTS) and self.conflict_retries:
            call = conflict_retry(self.conflict_retries)(call)
        try:
            return call()
        except botocore.exceptions.ClientError as error:
            code = error_code(error)
            if operation.startswith(DONE_WHEN_EXISTS) and code == 'ConflictException':
                return None
            if operation.startswith(DONE_WHEN_MISSING) and code == 'ResourceNotFoundException':
                return None
            raise IAMFailure('%s failed: %s' % (operation, error_message(error)), error) from error
        except botocore.exceptions.BotoCoreError as error:
            raise IAMFailure('%s failed: %s' % (operation, error), error) from error

    def run(self, action):
        operation = action.operation
        params = resolve(action.params, self.ids)
        settle = self.settling and not operation.startswith(DONE_WHEN_MISSING)
        response = self._call(operation, params, settle)
        if operation in CREATED_IDS:
            kind, name_key, id_of = CREATED_IDS[operation]
            name = action.params[name_key]
            found = id_of(response) if response else (self.lookup(kind, name) if self.lookup else None)
            if not found:
                raise IAMFailure('%s %s: the %s was created but its id could not be read back' % (operation, name, kind))
            self.ids[(kind, name)] = found
        if operation.startswith('Create'):
            self.settling = True
        self.wait(operation, response)
        return response

    def wait(self, operation, response):
        """Ask about an asynchronous request until it ended; IAMFailure when it failed or took too long."""
        status, request_id, reason = async_outcome(operation, response)
        if status is None:
            return
        _key, describe, id_parameter = ASYNC_STATUS[operation]
        deadline = self.clock() + WAIT_SECONDS
        while status == 'IN_PROGRESS':
            if self.clock() > deadline:
                raise IAMFailure('%s: request %s still IN_PROGRESS after %d seconds; a re-run checks it again' % (operation, request_id, WAIT_SECONDS))
            self.sleep(POLL_SECONDS)
            answer = self._call(describe, {'InstanceArn': self.instance_arn, id_parameter: request_id}, False)
            status, _request_id, reason = async_outcome(operation, answer)
        if status == 'FAILED':
            raise IAMFailure('%s: request %s FAILED: %s' % (operation, request_id, reason or 'no reason given'))

    def run_all(self, actions):
        return [(action, self.run(action)) for action in actions]
