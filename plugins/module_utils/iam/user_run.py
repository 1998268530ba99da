# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bringing one IAM user to its desired state, in two steps that a batch can separate:
``prepare_user`` makes every check that needs IAM (password policy, keys' last use) and the plan,
with no write; ``apply_user_run`` carries the plan out and builds the result."""

from __future__ import annotations

import functools

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_partition
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_parts
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sign_in_url
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.credentials_csv import read_csv_password
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.credentials_csv import set_csv_password
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.credentials_csv import write_credentials_csv
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import check_password
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import generate_password
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import apply_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import password_needed
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import plan_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import read_last_used
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import read_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import user_result
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_removal import plan_user_removal
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_removal import read_user_for_removal


class UserRun:
    """One user's prepared change: ``current`` as read, the password to set (if any), the plans."""

    def __init__(self, desired, current, password, plan, key_plan):
        self.desired = desired
        self.current = current
        self.password = password
        self.plan = plan
        self.key_plan = key_plan


def prepare_user(client, desired, current, password_policy):
    """The plan for a user with state=present; ``password_policy()`` returns the account's policy
    (called only when a password is set). Raises before any write when the plan cannot be carried out."""
    password = None
    if password_needed(current, desired):
        policy = password_policy()
        if desired['password'] is not None:
            check_password('password', desired['password'], policy)
            password = desired['password']
        else:
            password = generate_password(policy)
    plan, key_plan = plan_user(current, desired, password)
    if key_plan.needs_last_used:
        plan, key_plan = plan_user(current, desired, password, read_last_used(client, key_plan.needs_last_used))
    if key_plan.error:
        raise IAMFailure(key_plan.error)
    return UserRun(desired, current, password, plan, key_plan)


def check_groups_exist(client, desired, current, warn=None):
    """Every group the user is to join exists: one GetGroup per group it is not in yet (no retry on a missing
    one: nobody in this run creates it), before any write. A batch checks against its own snapshot instead.
    ``warn`` (check mode): a missing group is only warned about - an earlier task of the run would create it."""
    if desired['state'] != 'present' or not desired['groups']:
        return
    joined = {group.lower() for group in (current or {}).get('groups') or []}
    for group in desired['groups']:
        if group.lower() not in joined and read(client, 'GetGroup', GroupName=group, MaxItems=1) is None:
            message = 'no IAM group %r exists; create it first (iam_bootstrap_group), or leave it out' % group
            if warn is None:
                raise OptionError('groups', message)
            warn('groups: %s (check mode: an earlier task may create it)' % message)


def account_alias_reader(client, aliases=None):
    """The account's alias (or None), read at most once however many CSVs are written; not read when an earlier task
    handed on the ``aliases``."""
    if aliases is not None:
        return lambda: next(iter(aliases), None)
    return functools.lru_cache(maxsize=None)(lambda: next(iter((read(client, 'ListAccountAliases') or {}).get('AccountAliases') or []), None))


def apply_user_run(module, client, run, executor=None, account_alias=None):
    """Apply a prepared plan (not in check mode); the module's result for that user, with ``changed`` and ``diff``.
    ``account_alias``: an ``account_alias_reader`` a batch shares, for the CSV's sign-in link.

    The secrets this creates are kept by ``executor`` as undelivered until they are in the CSV or in a
    result that is returned: when the task fails later, run_iam_module revokes them."""
    desired, current, password, plan = run.desired, run.current, run.password, run.plan
    account_alias = account_alias or account_alias_reader(client)
    executor = executor or Executor(client)
    responses = {}
    csv_before = {}
    if plan.changed and not module.check_mode:
        known = [key['access_key_id'] for key in (current or {}).get('access_keys') or []]
        hooks = {}
        if desired['credentials_csv'] and password is not None:
            def save_password_first(done):
                # The password exists only in this run: keep it in the CSV before IAM is asked to set
                # it, so that a run killed right after cannot lose it (a re-run would not set another).
                arn = ((done.get('CreateUser') or {}).get('User') or {}).get('Arn') or (current or {}).get('arn')
                if arn is None:
                    arn = read(client, 'GetUser', UserName=desired['name'])['User']['Arn']
                csv_before['password'] = csv_password(desired)
                csv_before['written'] = write_csv(module, account_alias, desired, {'user': {'arn': arn}, 'access_key_id': None}, password)
            hooks = {'CreateLoginProfile': save_password_first, 'UpdateLoginProfile': save_password_first}
        responses = apply_user(client, plan, known, hooks, executor)
        for warning in responses.pop('warnings', []):
            module.warn(warning)
        if password is not None and (desired['password'] is not None or csv_before.get('written')):
            # A password the operator gave, or one already in the CSV, has reached its holder.
            executor.deliver(desired['name'], 'password')
        if responses.get('login_profile_adopted') and csv_before.get('written'):
            # The CSV got this run's password, which IAM does not hold: put back the row's earlier one.
            restore_csv_password(module, desired, csv_before.get('password'))
        if current is None and not responses.get('CreateUser'):
            # CreateUser met a user that its own retried request (or another run) had already made.
            current = read_user(client, dict(desired, groups=None, console_access=None, access_key=None))
    result = user_result(current, desired, plan, run.key_plan, responses, password, module.check_mode)
    if desired['credentials_csv'] and not module.check_mode and (result.get('password') is not None or result.get('secret_access_key')):
        if write_csv(module, account_alias, desired, result, result.get('password')):
            executor.deliver(desired['name'])
    return dict(result, changed=plan.changed, diff=plan.diff())


def prepare_removal(module, client, desired):
    """state=absent: everything attached to the user, read, and the plan that removes it all."""
    return plan_user_removal(read_user_for_removal(client, desired['name'], module.warn))


def apply_removal(module, client, plan, executor=None):
    """Carry out a removal plan (not in check mode); the module's result."""
    if plan.changed and not module.check_mode:
        (executor or Executor(client)).run_all(plan.actions)
    return dict(changed=plan.changed, diff=plan.diff())


def write_csv(module, account_alias, desired, result, password):
    """Write the user's CSV row; True when it was written (the secrets in it reached their holder)."""
    arn = arn_parts(result['user']['arn']) or {}
    link = sign_in_url(arn_partition(result['user']['arn']), arn.get('account_id'), account_alias())
    try:
        write_credentials_csv(desired['credentials_csv'], desired['name'], link, password,
                              result['access_key_id'] if result.get('secret_access_key') else None, result.get('secret_access_key'))
    except (OSError, ValueError) as exc:
        # The secrets exist only now: keep the run's result (and them) rather than fail.
        module.warn('credentials_csv: could not write %s (%s); the new credentials are only in this result' % (desired['credentials_csv'], exc))
        return False
    return True


def csv_password(desired):
    """The password the user's CSV row holds now ('' when none, None when it cannot be read)."""
    try:
        return read_csv_password(desired['credentials_csv'], desired['name'])
    except (OSError, ValueError):
        return None


def restore_csv_password(module, desired, password):
    try:
        set_csv_password(desired['credentials_csv'], desired['name'], password or '')
    except (OSError, ValueError) as exc:
        module.warn('credentials_csv: could not take back from %s the password this run did not set (%s)' % (desired['credentials_csv'], exc))
