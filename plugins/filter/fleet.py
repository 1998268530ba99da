# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters of the fleet flow: what a workstation asks for, the whole fleet as gathered, what a host
received, and the summary. None of them returns a secret."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import fleet_report
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet import holder_id
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_inputs import workstation_entries
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import NO_KEY

OUTCOMES = ('ok', 'created', 'rotated', 'removed', 'failed', 'blocked')


def fleet_entries(developers, profiles, iam_user='', defaults=None, origins=None):
    """The holders and plain profiles of one workstation, with the variable each field comes from."""
    return workstation_entries(developers, profiles, iam_user, defaults, origins)


def fleet_gathered(info, host, user, user_found, entries):
    """One workstation as the controller's plan takes it (see the fleet module's ``workstations``)."""
    info = info or {}
    readable = isinstance(info.get('profiles'), list)
    files_error = None
    if user_found and not readable and not info.get('skipped'):
        files_error = 'the AWS CLI files of %s cannot be read: %s' % (user, info.get('msg') or 'unknown error')
    return {
        'host': host, 'user': user, 'user_found': bool(user_found), 'files_error': files_error,
        'errors': list((entries or {}).get('errors') or []), 'entries': list((entries or {}).get('entries') or []),
        'profiles': {profile['name']: profile.get('access_key_id') or NO_KEY for profile in info['profiles']} if readable else None,
    }


def fleet_workstations(hosts, hostvars, alive=None):
    """Every host's gathered workstation; a host that is not in ``alive`` (failed or unreachable) keeps
    its entries but counts as unreadable, so that no key it may hold is deleted."""
    workstations = []
    for host in hosts:
        variables = hostvars[host]
        gathered = variables.get('workstation__gathered')
        if gathered is None:
            # Never reached: what its inventory says it holds still counts, read as unreadable.
            iam_user = variables.get('workstation_iam_user') or ''
            developers = variables.get('workstation_developers') or ([{'iam_user': iam_user}] if iam_user else [])
            if not developers:
                continue
            found = workstation_entries(developers, [], iam_user)
            gathered = {'host': host, 'user': variables.get('workstation_user'), 'user_found': None, 'files_error': None,
                        'errors': found['errors'], 'entries': found['entries'], 'profiles': None}
        gathered = dict(gathered)
        if alive is not None and host not in alive:
            gathered['profiles'] = None
        workstations.append(gathered)
    return workstations


def fleet_key_ids(new_keys):
    """{user: access key id} of the keys account_admin handed over (``account_admin_handover.new_access_keys``; no secret)."""
    return {user: key['access_key_id'] for user, key in (new_keys or {}).items() if key.get('access_key_id')}


def fleet_key(delivery, new_keys):
    """{access_key_id, secret_access_key} to write for one delivery, or {} when it brings no key (check mode)."""
    delivery = delivery or {}
    secret = delivery.get('secret_access_key')
    if not secret and delivery.get('handed_over'):
        handed = (new_keys or {}).get(delivery.get('iam_user')) or {}
        if handed.get('access_key_id') == delivery.get('access_key_id'):
            secret = handed.get('secret_access_key')
    if not secret or not delivery.get('access_key_id'):
        return {}
    return {'access_key_id': delivery['access_key_id'], 'secret_access_key': secret}


def fleet_received(deliveries, host):
    """[{profile, iam_user, arn, holder}] of the keys ``host`` was given (no secret)."""
    received = []
    for profile, delivery in sorted(((deliveries or {}).get(host) or {}).items()):
        if delivery.get('access_key_id') and (delivery.get('secret_access_key') or delivery.get('handed_over')):
            received.append({'profile': profile, 'iam_user': delivery['iam_user'], 'arn': delivery['arn'], 'holder': holder_id(host, profile)})
    return received


def fleet_summary(users, all_hosts, alive_hosts, proven=None):
    """{'developers': {outcome: count}, 'hosts': {host: ok|changed|failed}, 'line': one line}."""
    report = fleet_report(users or [], set(proven or []), list(all_hosts or []), [host for host in all_hosts or [] if host not in (alive_hosts or [])])
    developers = report['developers']
    hosts = report['hosts']
    line = 'developers %s; hosts ok=%d changed=%d failed=%d' % (
        ' '.join('%s=%d' % (outcome, developers.get(outcome, 0)) for outcome in OUTCOMES),
        sum(1 for outcome in hosts.values() if outcome == 'ok'), sum(1 for outcome in hosts.values() if outcome == 'changed'),
        sum(1 for outcome in hosts.values() if outcome == 'failed'))
    failed = sorted(host for host, outcome in hosts.items() if outcome == 'failed')
    if failed:
        line += ' (%s)' % ', '.join(failed)
    # Each IAM user's keys after this run, for the account report (iam_bootstrap_info's known_access_keys).
    keys = {user['iam_user']: user['access_keys'] for user in users or [] if user.get('access_keys') is not None}
    return dict(report, line=line, access_keys=keys)


def fleet_has_holders(workstations):
    """True when some workstation holds (or gives up) an IAM user's key: only then is there anything to plan."""
    return any(entry.get('kind') == 'holder' for workstation in workstations or [] for entry in workstation.get('entries') or [])


def present_names(items):
    """The names of the items (groups or users of a role) whose state is not absent."""
    return [item['name'] for item in items or [] if isinstance(item, dict) and item.get('state', 'present') != 'absent' and item.get('name')]


def fleet_plan_lines(users):
    """One line per IAM user saying what the plan does, naming no secret."""
    lines = []
    for user in users or []:
        action = user['action']
        if action == 'keep':
            text = 'keeps %s' % user['access_key_id']
        elif action == 'new_key':
            text = 'a new key %sfor %s' % ('' if user.get('access_key_id') else '(not made in check mode) ', ', '.join(user['receivers']) or 'no holder')
        elif action == 'deliver':
            text = 'key %s made in this run goes to %s' % (user['access_key_id'], ', '.join(user['receivers']))
        elif action == 'offboard':
            text = 'removed (offboarded)'
        elif action == 'blocked':
            text = 'blocked: %s' % user['reason']
        else:
            text = 'nothing to do'
        if user.get('retire'):
            text += '; retires %s once delivered' % ', '.join(user['retire'])
        lines.append('%s: %s' % (user['iam_user'], text))
    return lines


class FilterModule:
    """Fleet filters."""

    def filters(self):
        return {
            'fleet_entries': fleet_entries,
            'fleet_gathered': fleet_gathered,
            'fleet_key': fleet_key,
            'fleet_key_ids': fleet_key_ids,
            'fleet_workstations': fleet_workstations,
            'fleet_received': fleet_received,
            'fleet_summary': fleet_summary,
            'fleet_plan_lines': fleet_plan_lines,
            'present_names': present_names,
            'fleet_has_holders': fleet_has_holders,
        }
