# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet as one plan (pure: no I/O here).

A *holder* is one profile on one workstation that should hold the access key of one IAM user. Several
holders may share an IAM user (the guide's PowerUser on several machines, a developer with a laptop
and a desktop): the user has one key, and every holder gets that key. Per IAM user the plan decides:

- ``keep``: every holder has the same active key, not due for rotation; keys nobody holds (left by an
  interrupted run) are retired.
- ``deliver``: a key made earlier in this run (account_admin's) goes to the holders that lack it.
- ``new_key``: one new key for all holders (some holder lacks the current key, a holder that leaves
  had it, or rotation is due); the old keys are retired only once every holder has proven the new one.
- ``offboard``: no holder wants the user any more: the user and everything attached go.
- ``blocked``: a holder could not be read (unreachable), and making a key would need deleting one it
  may hold: nothing is done for that user.
"""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import age_days
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import KEY_LIMIT
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import oldest_first


def holder_id(host, profile):
    """How a holder is named in plans and reports: ``host/profile``."""
    return '%s/%s' % (host, profile)


def group_holders(holders):
    """{lower-case user name: [holders]} in the order the holders were given."""
    users = {}
    for holder in holders:
        users.setdefault(holder['iam_user'].lower(), []).append(holder)
    return users


# --------------------------------------------------------------------------------------------------
# The plan for one IAM user


class UserDecision:
    """What the fleet does for one IAM user; ``make_room`` are deleted before a new key is made,
    ``retire`` once every holder has proven the key it was given."""

    def __init__(self, name, action, holders, outcome, key=None, make_room=None, retire=None, reason=None):
        self.name = name
        self.action = action
        self.holders = holders
        self.outcome = outcome
        self.key = key
        self.make_room = make_room or []
        self.retire = retire or []
        self.reason = reason

    @property
    def receivers(self):
        """The holders that get the key: every present holder that does not hold it already."""
        if self.action not in ('deliver', 'new_key'):
            return []
        return [holder for holder in self.holders if holder['state'] == 'present' and holder['held'] != self.key]

    def view(self):
        return {
            'iam_user': self.name, 'action': self.action, 'outcome': self.outcome, 'access_key_id': self.key,
            'make_room': list(self.make_room), 'retire': list(self.retire), 'reason': self.reason,
            'holders': [holder_id(holder['host'], holder['profile']) for holder in self.holders if holder['state'] == 'present'],
            'removed_from': [holder_id(holder['host'], holder['profile']) for holder in self.holders if holder['state'] == 'absent'],
            'receivers': [holder_id(holder['host'], holder['profile']) for holder in self.receivers],
        }


def due_for_rotation(key, rotation, now=None):
    if not rotation:
        return False
    if rotation.get('force'):
        return True
    max_age = rotation.get('max_age_days')
    return max_age is not None and (age_days(key.get('create_date'), now) or 0) > max_age


def decide_user(name, holders, exists, keys, handed_over=None, rotation=None, now=None):
    """One user's decision. ``keys``: IAM's keys [{access_key_id, status, create_date}];
    ``handed_over``: the id of a key made earlier in this run whose secret is at hand (or None)."""
    present = [holder for holder in holders if holder['state'] == 'present']
    if not present:
        removed = exists or any(holder.get('has_profile') for holder in holders)
        return UserDecision(name, 'offboard' if exists else 'none', holders, 'removed' if removed else 'absent')

    unknown = [holder for holder in present if holder['held'] is None]
    ids = [key['access_key_id'] for key in keys]
    active = {key['access_key_id']: key for key in keys if key['status'] == 'Active'}
    leaving = {holder['held'] for holder in holders if holder['state'] == 'absent' and holder['held']}
    known = [holder for holder in present if holder['held'] is not None]

    current = None
    if len({holder['held'] for holder in known}) == 1 and known and known[0]['held'] in active:
        candidate = known[0]['held']
        if candidate not in leaving and not due_for_rotation(active[candidate], rotation, now):
            current = candidate
    if current is not None and not unknown:
        return UserDecision(name, 'keep', holders, 'ok', key=current, retire=[key for key in ids if key != current])
    if current is not None:
        # An unreadable holder may hold any key: nothing is retired.
        return UserDecision(name, 'keep', holders, 'ok', key=current)

    first_key = not exists or not any(holder['held'] for holder in known)
    outcome = 'created' if first_key else 'rotated'
    if handed_over and (handed_over in active or handed_over not in ids):
        return UserDecision(name, 'deliver', holders, outcome, key=handed_over,
                            retire=[] if unknown else [key for key in ids if key != handed_over])

    make_room = []
    if len(keys) >= KEY_LIMIT:
        doomed = _room_for_a_new_key(keys, present, leaving)
        if unknown or doomed is None:
            return UserDecision(name, 'blocked', holders, 'blocked', reason=_blocked_reason(name, keys, unknown))
        make_room = [doomed]
    retire = [] if unknown else [key for key in ids if key not in make_room]
    return UserDecision(name, 'new_key', holders, outcome, make_room=make_room, retire=retire)


def _room_for_a_new_key(keys, present, leaving):
    """The key to delete so that a new one fits under IAM's two-key limit: an inactive one, else one no
    present holder has, else one a leaving holder had, else the one fewer holders have (then the oldest)."""
    holders_of = {}
    for holder in present:
        if holder['held']:
            holders_of[holder['held']] = holders_of.get(holder['held'], 0) + 1
    ordered = oldest_first(keys)
    for wanted in (lambda key: key['status'] != 'Active',
                   lambda key: key['access_key_id'] not in holders_of,
                   lambda key: key['access_key_id'] in leaving):
        for key in ordered:
            if wanted(key):
                return key['access_key_id']
    fewest = min(ordered, key=lambda key: holders_of.get(key['access_key_id'], 0))
    return fewest['access_key_id']


def _blocked_reason(name, keys, unknown):
    hosts = ', '.join(sorted({holder['host'] for holder in unknown}))
    return ('IAM user %s needs a new key but already has %d (%s), and %s could not be read, so either may still be in use there: '
            'nothing was changed for this user' % (name, len(keys), ', '.join(key['access_key_id'] for key in keys), hosts))


# --------------------------------------------------------------------------------------------------
# After delivery


def retirement(decision_view, proven, created_in_this_run):
    """(keys to delete, outcome) for one user once its holders have tried the key they were given.

    Old keys go only when every holder proved the new one; a key made in this run that no holder
    proved is revoked (its secret reached nobody), and the old keys stay as they were.
    """
    action = decision_view['action']
    if action == 'keep':
        return list(decision_view['retire']), decision_view['outcome']
    if action not in ('deliver', 'new_key'):
        return [], decision_view['outcome']
    receivers = decision_view['receivers']
    proven_receivers = [holder for holder in receivers if holder in proven]
    if len(proven_receivers) == len(receivers):
        return list(decision_view['retire']), decision_view['outcome']
    if not proven_receivers and created_in_this_run and decision_view['access_key_id']:
        return [decision_view['access_key_id']], 'failed'
    return [], 'failed'


def fleet_report(decisions, proven, all_hosts, failed_hosts):
    """{'developers': {outcome: count}, 'hosts': {host: outcome}} with nothing secret in it."""
    developers = {}
    hosts = {host: 'ok' for host in all_hosts}
    for view in decisions:
        outcome = view['final_outcome'] if 'final_outcome' in view else view['outcome']
        developers[outcome] = developers.get(outcome, 0) + 1
        for holder in view['receivers'] + (view['removed_from'] if view['outcome'] == 'removed' else []):
            host = holder.rsplit('/', 1)[0]
            if hosts.get(host) == 'ok':
                hosts[host] = 'changed'
        for holder in view['receivers']:
            if holder not in proven:
                hosts[holder.rsplit('/', 1)[0]] = 'failed'
    for host in failed_hosts:
        hosts[host] = 'failed'
    return {'developers': developers, 'hosts': hosts}
