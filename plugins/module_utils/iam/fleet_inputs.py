# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every workstation asks of the fleet, checked (pure: no I/O here).

The workstation role turns its variables into entries (``workstation_entries``, its ``fleet_entries`` filter);
the controller checks every host's entries at once (``check_workstations``): a holder is one profile on one
workstation that should hold the access key of one IAM user (see fleet.py for what the fleet decides).
"""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import ValidationError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import check_output
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import check_profile_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import check_region
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import NO_KEY
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
