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

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import ValidationError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import check_output
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import check_profile_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import check_region
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import age_days
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import KEY_LIMIT
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import NO_KEY
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import oldest_first
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_name

STATES = ('present', 'absent')
# Per-holder fields a workstation entry may set, and their checks.
_CHECKS = {
    'profile': check_profile_name,
    'region': check_region,
    'output': check_output,
}


class FleetInputError(Exception):
    """Every bad input of the fleet at once, each naming the host and the variable."""

    def __init__(self, problems):
        self.problems = problems
        self.message = 'the fleet inputs are refused, nothing was written: %s' % '; '.join(problems)
        super().__init__(self.message)


def holder_id(host, profile):
    """How a holder is named in plans and reports: ``host/profile``."""
    return '%s/%s' % (host, profile)


# --------------------------------------------------------------------------------------------------
# Checking what every workstation gathered


def check_workstations(workstations):
    """(holders, profiles): every workstation's entries checked; FleetInputError lists every problem.

    ``workstations``: one dict per host as the workstation role gathers it: ``host``, ``user`` (the OS
    user), ``user_found``, ``files_error``, ``errors`` (of the entries' shapes), ``entries`` (from the
    ``fleet_entries`` filter) and ``profiles`` ({profile: access key id or ''} of the profiles its
    files have; None when the host could not be read).
    """
    problems = []
    holders, profiles = [], []
    for workstation in workstations:
        for entry in _check_workstation(workstation, problems):
            (holders if entry['kind'] == 'holder' else profiles).append(entry)
    _check_shared_users(holders, problems)
    if problems:
        raise FleetInputError(problems)
    return holders, profiles


def missing_groups(holders, group_exists):
    """Problems for every group a present holder joins that ``group_exists(name)`` denies."""
    problems = []
    for holder in holders:
        if holder['state'] != 'present':
            continue
        for group in holder['groups'] or []:
            if not group_exists(group):
                problems.append('%s: %s: no IAM group %r exists, and this run does not create it' % (
                    holder['host'], holder['labels']['groups'], group))
    return problems


def _check_workstation(workstation, problems):
    host = workstation.get('host') or '?'
    before = len(problems)
    for problem in workstation.get('errors') or []:
        problems.append('%s: %s' % (host, problem))
    if workstation.get('user_found') is False:
        problems.append('%s: workstation_user: no OS user %r on this host' % (host, workstation.get('user')))
    if workstation.get('files_error'):
        problems.append('%s: %s' % (host, workstation['files_error']))
    checked = []
    seen_profiles = {}
    for entry in workstation.get('entries') or []:
        labels = entry['labels']
        good = True
        for field, check in _CHECKS.items():
            value = entry.get(field)
            if value is None and field != 'profile':
                continue
            try:
                check(labels[field], value)
            except ValidationError as error:
                problems.append('%s: %s' % (host, error))
                good = False
        if entry.get('state') not in STATES:
            problems.append('%s: %s: must be present or absent (got %r)' % (host, labels['state'], entry.get('state')))
            good = False
        if entry['kind'] == 'holder':
            good = _check_holder_entry(host, entry, problems) and good
        if good:
            other = seen_profiles.get(entry['profile'])
            if other is not None:
                problems.append('%s: %s: profile %r is also given by %s' % (host, labels['profile'], entry['profile'], other))
                continue
            seen_profiles[entry['profile']] = labels['profile']
            checked.append(dict(entry, host=host, held=_held(workstation, entry['profile']),
                                has_profile=entry['profile'] in (workstation.get('profiles') or {})))
    return checked if len(problems) == before else []


def _check_holder_entry(host, entry, problems):
    labels = entry['labels']
    try:
        check_name(labels['iam_user'], entry.get('iam_user'), 'user')
    except OptionError as error:
        problems.append('%s: %s' % (host, error.message))
        return False
    groups = entry.get('groups')
    if groups is None:
        return True
    if not isinstance(groups, list):
        problems.append('%s: %s: must be a list of IAM group names (got %r)' % (host, labels['groups'], groups))
        return False
    good = True
    for group in groups:
        try:
            check_name(labels['groups'], group, 'group')
        except OptionError as error:
            problems.append('%s: %s' % (host, error.message))
            good = False
    return good


def _held(workstation, profile):
    """The key id the profile holds: NO_KEY for none, None when the workstation could not be read."""
    profiles = workstation.get('profiles')
    if profiles is None:
        return None
    return profiles.get(profile) or NO_KEY


def _check_shared_users(holders, problems):
    """Holders of one IAM user that name its groups must name the same ones."""
    groups_of = {}
    for holder in holders:
        if holder['state'] != 'present' or holder['groups'] is None:
            continue
        key = holder['iam_user'].lower()
        wanted = sorted(set(holder['groups']))
        first = groups_of.setdefault(key, (holder, wanted))
        if first[1] != wanted:
            problems.append('%s: %s: %r differs from %s on %s (%r) for the shared IAM user %s' % (
                holder['host'], holder['labels']['groups'], wanted, first[0]['labels']['groups'], first[0]['host'], first[1], holder['iam_user']))


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


# --------------------------------------------------------------------------------------------------
# What one workstation's variables ask for (the workstation role's ``fleet_entries`` filter)

DEVELOPER_KEYS = ('iam_user', 'groups', 'manage_groups', 'profile', 'region', 'output', 'state')
PROFILE_KEYS = ('name', 'state', 'region', 'output', 'settings', 'access_key_id', 'secret_access_key', 'session_token',
                'import_csv', 'csv_user_name', 'iam_user')
# The one-developer variables that stand for workstation_developers[0].
SINGLE_DEVELOPER_LABELS = {'iam_user': 'workstation_iam_user', 'groups': 'workstation_iam_groups', 'profile': 'workstation_profile',
                           'region': 'workstation_region', 'output': 'workstation_developers[0].output', 'state': 'workstation_state'}


def workstation_entries(developers, profiles, iam_user='', defaults=None, origins=None):
    """{'entries': [...], 'errors': [...]}: the holders and plain profiles one workstation's variables ask for.

    ``origins`` ({field: variable}) names the variable a field of the profiles came from, where a
    playbook built ``workstation_profiles`` from other variables (bootstrap.yml's ``workstation_region``).

    Developers (``workstation_developers``, or the one described by ``workstation_iam_user``) each hold
    their IAM user's key; without developers, ``workstation_profiles`` apply, and a profile that names
    ``iam_user`` holds that user's key (groups left alone). Never copies key material. Shapes only are
    checked here; values are checked with every other host's on the controller.
    """
    defaults = dict({'groups': ['PowerUsers'], 'profile': 'default', 'region': 'ap-northeast-2', 'output': 'json'}, **(defaults or {}))
    entries, errors = [], []
    if developers:
        if not isinstance(developers, list):
            return {'entries': [], 'errors': ['workstation_developers: must be a list of developers (got %r)' % (developers,)]}
        single = bool(iam_user) and len(developers) == 1 and isinstance(developers[0], dict) and developers[0].get('iam_user') == iam_user
        for index, developer in enumerate(developers):
            label = 'workstation_developers[%d]' % index
            if not _is_item(developer, label, DEVELOPER_KEYS, errors):
                continue
            labels = dict(SINGLE_DEVELOPER_LABELS) if single else {field: '%s.%s' % (label, field) for field in _LABELLED}
            entries.append({
                'kind': 'holder', 'index': index, 'iam_user': developer.get('iam_user'),
                'groups': developer.get('groups', defaults['groups']) if developer.get('manage_groups', True) else None,
                'profile': developer.get('profile', defaults['profile']), 'region': developer.get('region', defaults['region']),
                'output': developer.get('output', defaults['output']), 'state': developer.get('state', 'present'), 'labels': labels,
            })
        return {'entries': entries, 'errors': errors}
    if not isinstance(profiles, list):
        return {'entries': [], 'errors': ['workstation_profiles: must be a list of profiles, each a dict with a name (got %r)' % (profiles,)]}
    for index, profile in enumerate(profiles):
        label = 'workstation_profiles[%d]' % index
        if not _is_item(profile, label, PROFILE_KEYS, errors):
            continue
        labels = {field: '%s.%s' % (label, field) for field in _LABELLED}
        labels['profile'] = '%s.name' % label
        labels.update(origins or {})
        entries.append({
            'kind': 'holder' if profile.get('iam_user') else 'profile', 'index': index, 'iam_user': profile.get('iam_user'),
            'groups': None, 'profile': profile.get('name', 'default'), 'region': profile.get('region'),
            'output': profile.get('output'), 'state': profile.get('state', 'present'), 'labels': labels,
        })
    return {'entries': entries, 'errors': errors}


_LABELLED = ('iam_user', 'groups', 'profile', 'region', 'output', 'state')


def _is_item(item, label, supported, errors):
    if not isinstance(item, dict):
        errors.append('%s: must be a dict (got %r)' % (label, item if not isinstance(item, str) else item[:40]))
        return False
    unknown = sorted(str(key) for key in item if key not in supported)
    if unknown:
        errors.append('%s: unknown key%s %s; the supported keys are %s' % (
            label, 's' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(supported)))
        return False
    return True
