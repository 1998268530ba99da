# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The move from IAM user keys to IAM Identity Center, the pure part: per developer, the Identity Store user, the
permission sets their IAM groups map to, the workstations holding their key, and the phase they are in.

Inputs are what the run read: the account's ``users`` and ``groups`` as iam_bootstrap_info reports them (one
GetAccountAuthorizationDetails read and the credential report), the fleet's workstations (which host holds which IAM
user's key in which profile, and the host's ``workstation_email``) and the mappings. A developer is an IAM user whose
key a workstation holds, or whom ``people`` names; other IAM users are left alone and listed. A group the mapping does
not name is flagged with its policies, never guessed. Every bad mapping is a problem naming the developer (or the
group), found before anything is written. No I/O.
"""

from __future__ import annotations

# The guide's groups and the AWS managed permission sets that grant the same.
DEFAULT_GROUP_PERMISSION_SETS = {'Administrators': 'AdministratorAccess', 'PowerUsers': 'PowerUserAccess'}
# The permission sets account_admin's Identity Center mode creates when none are given.
DEFAULT_PERMISSION_SETS = ('AdministratorAccess', 'PowerUserAccess')
PERSON_KEYS = ('email', 'given_name', 'family_name', 'display_name', 'groups')
SSO_SUFFIX = '-sso'
PHASE_KEYS = 0      # IAM keys only
PHASE_BESIDE = 1    # the SSO profile is written beside the key profile
# IAM records no date of a key's deactivation: phase 2 tags the IAM user with it, phase 3 counts from it.
SINCE_TAG = 'awsbootstrap:identity-center-since'


def migration_plan(users, groups, workstations, group_permission_sets=None, people=None, permission_sets=None, suffix=SSO_SUFFIX):
    """{'developers', 'left_alone', 'flagged_groups', 'problems', 'identity_center'} (see the module docstring).

    ``group_permission_sets``: {IAM group: permission set}, over the defaults; ``people``: {IAM user: {email,
    given_name, family_name, display_name, groups}}; ``permission_sets``: the names the run creates (default: the
    two of the guide); ``workstations``: [{host, iam_user, profile, email, profiles: {name: key id or ''}}]."""
    mapping = dict(DEFAULT_GROUP_PERMISSION_SETS, **(group_permission_sets or {}))
    people = people or {}
    known_sets = list(permission_sets) if permission_sets is not None else list(DEFAULT_PERMISSION_SETS)
    problems = _mapping_problems(mapping, people, groups, users, known_sets)
    by_group = {group['group_name']: group for group in groups or []}
    held = _held_by_user(workstations)
    developers, left_alone = [], []
    for user in sorted(users or [], key=lambda item: item['user_name']):
        name = user['user_name']
        if name not in held and name not in people:
            left_alone.append({'iam_user': name, 'reason': 'no workstation holds its key and migrate_identity_center_people does not name it'})
            continue
        developer, found = _developer(user, held.get(name, []), people.get(name) or {}, mapping, by_group, suffix)
        developers.append(developer)
        problems.extend(found)
    problems.extend(_duplicate_emails(developers))
    return {
        'developers': developers, 'left_alone': left_alone, 'flagged_groups': _flagged_groups(developers, by_group),
        'problems': problems, 'identity_center': _identity_center(developers, mapping), 'gone': _gone(held, users, suffix),
    }


def _gone(held, users, suffix):
    """Developers a workstation is set up for whose IAM user is no more (phase 3 deleted it, or a typo): their
    workstations, to report; the report tells retired from missing by the profiles."""
    names = {user['user_name'] for user in users or []}
    return [{'iam_user': name, 'workstations': [_workstation(item, suffix, name, []) for item in held[name]]}
            for name in sorted(held) if name not in names]


def migrating(developer):
    """Whether the migration handles ``developer``: their IAM groups map to a permission set, or phase 2 switched them
    already (the SINCE_TAG). The tag counts on its own because phase 3 takes the IAM user out of its groups before
    deleting it: a run killed in between must leave a user the next run still retires."""
    return bool(developer.get('sso_role') or developer.get('since'))


def _mapping_problems(mapping, people, groups, users, known_sets):
    problems = []
    group_names = {group['group_name'] for group in groups or []}
    user_names = {user['user_name'] for user in users or []}
    for group, permission_set in sorted(mapping.items()):
        if group not in group_names and group not in DEFAULT_GROUP_PERMISSION_SETS:
            problems.append('migrate_identity_center_group_permission_sets.%s: the account has no IAM group %s' % (group, group))
        elif permission_set not in known_sets:
            problems.append('migrate_identity_center_group_permission_sets.%s: no permission set %r is created (known: %s)'
                            % (group, permission_set, ', '.join(known_sets)))
    for name, person in sorted(people.items()):
        if name not in user_names:
            problems.append('migrate_identity_center_people.%s: the account has no IAM user %s' % (name, name))
        elif not isinstance(person, dict) or set(person) - set(PERSON_KEYS):
            problems.append('migrate_identity_center_people.%s: must be a dict of %s' % (name, ', '.join(PERSON_KEYS)))
    return problems


def _held_by_user(workstations):
    held = {}
    for workstation in workstations or []:
        if workstation.get('iam_user'):
            held.setdefault(workstation['iam_user'], []).append(workstation)
    return held


def _developer(user, held, person, mapping, by_group, suffix):
    """One developer and the problems that name them."""
    name = user['user_name']
    label = 'developer %s (%s)' % (name, ', '.join(item['host'] for item in held) or 'no workstation')
    problems = []
    groups = person.get('groups', user.get('groups') or [])
    for group in groups:
        if group not in by_group:
            problems.append('%s: migrate_identity_center_people.%s.groups names %s, which is no IAM group' % (label, name, group))
    mapped = [group for group in groups if group in mapping and group in by_group]
    sets = []
    for group in sorted(mapped, key=list(mapping).index):
        if mapping[group] not in sets:
            sets.append(mapping[group])
    email = person.get('email') or _workstation_email(held)
    if not email:
        problems.append('%s: no email: set workstation_email on its workstation or migrate_identity_center_people.%s.email' % (label, name))
    elif len({item.get('email') for item in held if item.get('email')}) > 1 and not person.get('email'):
        problems.append('%s: its workstations give different emails (%s): set migrate_identity_center_people.%s.email'
                        % (label, ', '.join(sorted({item['email'] for item in held if item.get('email')})), name))
    workstations = [_workstation(item, suffix, label, problems) for item in held]
    phase = PHASE_BESIDE if workstations and all(item['sso_profile_written'] for item in workstations) else PHASE_KEYS
    developer = {
        'iam_user': name, 'label': label, 'groups': list(groups), 'mapped_groups': mapped, 'permission_sets': sets,
        'group_permission_sets': {group: mapping[group] for group in mapped},
        'sso_role': sets[0] if sets else None, 'flagged': [group for group in groups if group not in mapped and group in by_group],
        'user_policies': sorted((user.get('attached_policies') or []) + (user.get('inline_policies') or [])),
        'identity_store_user': {'user_name': name, 'email': email or '', 'given_name': person.get('given_name', name),
                                'family_name': person.get('family_name', name), 'display_name': person.get('display_name', name)},
        'workstations': workstations, 'access_keys': [{key: item.get(key) for key in ('access_key_id', 'status', 'last_used_date')}
                                                      for item in user.get('access_keys') or []],
        'console_access': bool(user.get('console_access')), 'phase': phase, 'since': (user.get('tags') or {}).get(SINCE_TAG),
    }
    return developer, problems


def _workstation_email(held):
    emails = [item['email'] for item in held if item.get('email')]
    return emails[0] if emails else ''


def _workstation(held, suffix, label, problems):
    """The key profile, its SSO twin and whether the twin is there already (a twin that holds a key is a problem)."""
    profile = held.get('profile') or 'default'
    twin = profile + suffix
    existing = held.get('profiles')
    if existing and existing.get(twin):
        problems.append('%s: the SSO profile %r on %s would take the name of a profile holding the key %s'
                        % (label, twin, held['host'], existing[twin]))
    return {'host': held['host'], 'profile': profile, 'sso_profile': twin, 'region': held.get('region'),
            'reached': existing is not None, 'sso_profile_written': existing is not None and twin in existing and not existing[twin]}


def _duplicate_emails(developers):
    seen, problems = {}, []
    for developer in developers:
        email = developer['identity_store_user']['email'].lower()
        if email and email in seen:
            problems.append('%s: the email %s is also that of developer %s' % (developer['label'], developer['identity_store_user']['email'], seen[email]))
        seen.setdefault(email, developer['iam_user'])
    return problems


def _flagged_groups(developers, by_group):
    flagged = {}
    for developer in developers:
        for group in developer['flagged']:
            flagged.setdefault(group, []).append(developer['iam_user'])
    return [{'group': group, 'developers': names,
             'policies': sorted((by_group[group].get('managed_policies') or []) + (by_group[group].get('inline_policies') or []))}
            for group, names in sorted(flagged.items())]


def _identity_center(developers, mapping):
    """account_admin's Identity Center variables: the developers, the mapped groups they are in, each group's assignment."""
    used = []
    for developer in developers:
        used.extend(group for group in developer['mapped_groups'] if group not in used)
    used.sort(key=list(mapping).index)
    return {
        'users': [dict(developer['identity_store_user'], groups=developer['mapped_groups']) for developer in developers],
        'groups': [{'name': group, 'description': 'IAM group %s (%s)' % (group, mapping[group])} for group in used],
        'assignments': [{'permission_set': mapping[group], 'principal_name': group} for group in used],
    }


def cutover_profiles(plan, host, profiles, sso_sessions, session):
    """Phase 2 on ``host``: each key profile it holds for a developer, with its ``state``: 'switched' (already an SSO
    profile of ``session``), 'ready' (``session`` has a live login here: switch it now) or 'waiting' (no live login:
    left as it is). ``profiles`` and ``sso_sessions`` are what aws_cli_profile_info read on the host."""
    login = next((item.get('login') or {} for item in sso_sessions or [] if item.get('name') == session), {})
    kinds = {item['name']: (item.get('kind'), (item.get('identifiers') or {}).get('sso_session')) for item in profiles or []}
    found = []
    for developer in (plan or {}).get('developers') or []:
        for workstation in developer['workstations']:
            if workstation['host'] != host or not migrating(developer):
                continue
            if kinds.get(workstation['profile']) == ('sso', session):
                state = 'switched'
            elif not developer.get('sso_role'):
                continue
            else:
                state = 'ready' if login.get('live') else 'waiting'
            found.append({'iam_user': developer['iam_user'], 'profile': workstation['profile'], 'sso_profile': workstation['sso_profile'],
                          'sso_role_name': developer['sso_role'],
                          'region': workstation['region'], 'state': state, 'expires_at': login.get('expires_at')})
    return found


def cutover_account(plan, cutovers, session, now=None):
    """Phase 2 on the account: {'deactivate': iam_bootstrap_identities users, 'done', 'waiting'}. ``cutovers``: {host:
    its cutover_profiles with ``verified`` set on each profile switched this run}. A developer's keys are deactivated
    (and console password removed) only when every workstation holding their key is on SSO; the others are listed
    with the command that makes them ready. In the same write the IAM user is tagged SINCE_TAG = ``now`` (an ISO
    time) unless it has the tag already: phase 3 counts from it."""
    deactivate, done, waiting = [], [], []
    for developer in (plan or {}).get('developers') or []:
        if not migrating(developer) or not developer['workstations']:
            continue
        hosts = [workstation['host'] for workstation in developer['workstations']]
        behind = [host for host in hosts if not any(
            item['iam_user'] == developer['iam_user'] and (item['state'] == 'switched' or item.get('verified'))
            for item in (cutovers or {}).get(host) or [])]
        if behind:
            waiting.append({'iam_user': developer['iam_user'], 'hosts': behind, 'command': 'aws sso login --sso-session %s' % session})
            continue
        done.append({'iam_user': developer['iam_user'], 'hosts': hosts})
        entry = {'name': developer['iam_user'], 'access_key_state': 'inactive', 'console_access': False}
        if developer.get('since') or now:
            entry.update(tags={SINCE_TAG: developer.get('since') or now}, purge_tags=False)
        deactivate.append(entry)
    return {'deactivate': deactivate, 'done': done, 'waiting': waiting}
