# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet's three controller steps over IAM: check (no write), plan and apply (users, groups and new
keys, before delivery), retire (after delivery). The decisions themselves are in ``iam/fleet.py``."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.console_csv import csv_path
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iso
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import listed_from_views
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import decide_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import group_holders
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import retirement
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_inputs import FleetInputError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_inputs import missing_groups
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import known
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import read_identities
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import snapshot_from_details
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import apply_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import plan_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import user_from_details
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_removal import plan_user_removal
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import account_alias_reader
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_run import write_csv
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_removal import read_user_for_removal


def existing_group_names(client):
    return {group['GroupName'].lower() for group in read_pages(client, 'ListGroups', 'Groups') or []}


class UserStep:
    """One IAM user of the fleet: what was read, the decision, and the IAM plan (user, groups, removal)."""

    def __init__(self, name, holders, details, keys, decision, plan):
        self.name = name
        self.holders = holders
        self.details = details
        self.keys = keys
        self.decision = decision
        self.plan = plan
        self.arn = (details or {}).get('Arn')
        self.created_key = None


def _groups_wanted(holders):
    for holder in holders:
        if holder['state'] == 'present' and holder['groups'] is not None:
            return holder['groups']
    return None


def _user_plan(name, details, groups):
    current = None
    if details is not None:
        current = dict(user_from_details(details), groups=sorted(details.get('GroupList') or []))
    desired = desired_user({'name': name, 'groups': groups})
    plan, _keys = plan_user(current, desired)
    return plan


def read_and_plan(client, holders, handed_over, rotation, warn, planned_groups=frozenset(), now=None, details=None, known_keys=None):
    """Every user's step, from one account read plus each user's keys (removals read what they remove).
    ``planned_groups``: lower-case names of groups taken as existing (check mode: made earlier in the run);
    ``details`` and ``known_keys`` ({user name: key views}): what an earlier task read (then not read again)."""
    known_keys = {name.lower(): views for name, views in (known_keys or {}).items()}
    snapshot = snapshot_from_details(details if details is not None else read_identities(client))
    problems = missing_groups(holders, lambda group: group.lower() in planned_groups or known(snapshot, 'groups', group) is not None)
    if problems:
        raise FleetInputError(problems)
    steps = []
    for users_holders in group_holders(holders).values():
        name = users_holders[0]['iam_user']
        details = known(snapshot, 'users', name)
        name = details['UserName'] if details else name
        present = any(holder['state'] == 'present' for holder in users_holders)
        if not present:
            removal = plan_user_removal(read_user_for_removal(client, name, warn) if details else None)
            decision = decide_user(name, users_holders, details is not None, [])
            steps.append(UserStep(name, users_holders, details, [], decision, removal))
            continue
        keys = []
        if details is not None:
            keys = [{'access_key_id': key['AccessKeyId'], 'status': key['Status'], 'create_date': key.get('CreateDate')}
                    for key in _listed_keys(client, name, known_keys)]
        handed = handed_over.get(name) or handed_over.get(name.lower())
        decision = decide_user(name, users_holders, details is not None, keys, handed, rotation, now)
        steps.append(UserStep(name, users_holders, details, keys, decision, _user_plan(name, details, _groups_wanted(users_holders))))
    return steps


def _listed_keys(client, name, known_keys):
    if name.lower() in known_keys:
        return listed_from_views(known_keys[name.lower()])
    return read_pages(client, 'ListAccessKeys', 'AccessKeyMetadata', UserName=name) or []


def apply_steps(client, steps):
    """Users, groups, new keys and removals; a failure revokes the keys this call made, then is raised."""
    executor = Executor(client)
    made = []
    try:
        for step in steps:
            responses = executor.run_all(step.plan.actions)
            for action, response in responses:
                if action.operation == 'CreateUser' and response:
                    step.arn = response['User']['Arn']
            if step.decision.action != 'new_key':
                continue
            for key_id in step.decision.make_room:
                executor.run(Action('DeleteAccessKey', UserName=step.name, AccessKeyId=key_id))
            known_ids = [key['access_key_id'] for key in step.keys]
            created = apply_user(client, Plan([Action('CreateAccessKey', UserName=step.name)]), known_ids, executor=executor)
            step.created_key = created['CreateAccessKey']['AccessKey']
            made.append(step)
            if step.arn is None:
                step.arn = _arn_of(client, step.name)
    except IAMFailure as failure:
        revoked = _revoke(executor, made)
        raise IAMFailure('%s%s' % (failure.message, revoked), failure.exception) from failure


def _arn_of(client, name):
    return ((read(client, 'GetUser', UserName=name) or {}).get('User') or {}).get('Arn')


def _revoke(executor, steps):
    """Deletes the keys made for ``steps``: their secrets would reach nobody."""
    revoked, kept = [], []
    for step in steps:
        key_id = step.created_key['AccessKeyId']
        try:
            executor.run(Action('DeleteAccessKey', UserName=step.name, AccessKeyId=key_id))
            revoked.append(key_id)
        except IAMFailure:
            kept.append(key_id)
        step.created_key = None
    text = ''
    if revoked:
        text += ' (the access keys this run had made, %s, were deleted again: nobody received them)' % ', '.join(revoked)
    if kept:
        text += ' (the access keys %s made by this run could not be deleted; the next run deletes them as keys no holder has)' % ', '.join(kept)
    return text


def plan_results(steps, check_mode):
    """(users, deliveries, diff): the plan per user (no secret), each host's keys (secrets), the diff."""
    users, deliveries = [], {}
    before, after = {}, {}
    for step in steps:
        decision = step.decision
        view = decision.view()
        view['arn'] = step.arn
        view['created'] = step.created_key is not None
        view['access_keys'] = _keys_after_plan(step)
        secret = None
        if step.created_key is not None:
            view['access_key_id'] = step.created_key['AccessKeyId']
            secret = step.created_key['SecretAccessKey']
        for holder in decision.receivers:
            deliveries.setdefault(holder['host'], {})[holder['profile']] = {
                'iam_user': step.name, 'arn': step.arn, 'access_key_id': view['access_key_id'],
                'secret_access_key': None if check_mode else secret, 'handed_over': decision.action == 'deliver'}
        users.append(view)
        if step.plan.changed or decision.action in ('new_key', 'deliver', 'offboard') or decision.retire:
            before[step.name] = _user_view(step.details, [key['access_key_id'] for key in step.keys])
            after[step.name] = _after_view(step, view)
    return users, deliveries, {'before': before, 'after': after}


def _keys_after_plan(step):
    """The user's keys once the plan is applied ([] for an offboarded user), in iam_bootstrap_info's known_access_keys shape."""
    if step.decision.action == 'offboard':
        return []
    keys = [{'access_key_id': key['access_key_id'], 'status': key['status'], 'create_date': iso(key.get('create_date'))}
            for key in step.keys if key['access_key_id'] not in step.decision.make_room]
    if step.created_key is not None:
        keys.append({'access_key_id': step.created_key['AccessKeyId'], 'status': step.created_key.get('Status', 'Active'),
                     'create_date': iso(step.created_key.get('CreateDate'))})
    return keys


def _user_view(details, key_ids):
    if details is None:
        return {}
    return {'groups': sorted(details.get('GroupList') or []), 'access_keys': list(key_ids)}


def _after_view(step, view):
    if step.decision.action == 'offboard':
        return {}
    keys = [key for key in (step.keys or []) if key['access_key_id'] not in step.decision.make_room]
    ids = [key['access_key_id'] for key in keys]
    if step.decision.action == 'new_key':
        ids.append(view['access_key_id'] or '(new access key)')
    retired = set(step.decision.retire)
    return {
        'groups': step.plan.after.get('groups', sorted((step.details or {}).get('GroupList') or [])),
        'access_keys': [key for key in ids if key not in retired],
        'holders': view['holders'],
    }


def retire(make_client, users, proven, check_mode):
    """Deletes, per user, the keys no holder needs any more; returns (users with their final outcome,
    changed, the holders taken as proven). Check mode proves nothing, so it shows the run where every
    receiver proved its key."""
    if check_mode:
        proven = {holder for view in users for holder in view['receivers']}
    executor = None
    changed = False
    finished = []
    for view in users:
        doomed, outcome = retirement(view, proven, view.get('created'))
        if doomed and not check_mode:
            executor = executor or Executor(make_client())
            for key_id in doomed:
                executor.run(Action('DeleteAccessKey', UserName=view['iam_user'], AccessKeyId=key_id))
        changed = changed or bool(doomed)
        finished.append(dict(view, retired=doomed, final_outcome=outcome,
                             access_keys=[key for key in view.get('access_keys') or [] if key['access_key_id'] not in doomed]))
    return finished, changed, sorted(proven)


def write_account_admin_csvs(module, client, steps, folder):
    """The console-format CSV of each new key of a user whose holders leave its groups alone (account_admin's)."""
    alias = account_alias_reader(client)
    for step in steps:
        if step.created_key is None or any(holder['groups'] is not None for holder in step.holders):
            continue
        desired = {'name': step.name, 'credentials_csv': csv_path(folder, step.name)}
        result = {'user': {'arn': step.arn}, 'access_key_id': step.created_key['AccessKeyId'],
                  'secret_access_key': step.created_key['SecretAccessKey']}
        write_csv(module, alias, desired, result, None)
