# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The move from IAM user keys to IAM Identity Center, the report's rows: per developer the phase they are in at the
end of the run, the kind of their profile on each workstation, the IAM keys left (ids masked as the AWS CLI masks
them) and their last use, and what keeps them where they are.

Inputs: the migration plan (the account as read at the start of the run), the profiles each workstation holds at the
end of the run ({host: {profile: kind}}, None for a host not read), and what this run's phase 2 and phase 3 decided
(their writes are not in the plan's account read). No I/O.
"""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import mask
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import migrating

HEADERS = ['Developer', 'Phase', 'Workstation/profile: kind', 'IAM keys left', 'Last key use', 'Note']
PLANNED, BESIDE, ON_SSO, RETIRED = 'planned', '1: SSO beside keys', '2: on SSO, keys inactive', '3: retired'


def profile_kind(kinds, profile, twin):
    """'key' (the key profile holds a key), 'both' (and its SSO twin is there), 'sso' (the profile or its twin signs in
    through SSO, no key), 'missing', or 'not read'."""
    if kinds is None:
        return 'not read'
    if kinds.get(profile) == 'static':
        return 'both' if kinds.get(twin) == 'sso' else 'key'
    if 'sso' in (kinds.get(profile), kinds.get(twin)):
        return 'sso'
    return 'missing'


def report_rows(plan, kinds_by_host, cutover=None, retire=None):
    """[[developer, phase, workstations, keys left, last use, note]], developers then the IAM users already gone."""
    deactivated = {entry['name'] for entry in (cutover or {}).get('deactivate') or []}
    retired = set((retire or {}).get('retired') or [])
    notes = {item['iam_user']: item['reason'] for item in (retire or {}).get('kept') or []}
    notes.update((item['iam_user'], 'waiting: run `%s` on %s' % (item['command'], ', '.join(item['hosts'])))
                 for item in (cutover or {}).get('waiting') or [])
    rows = []
    for developer in (plan or {}).get('developers') or []:
        name = developer['iam_user']
        kinds = [(item, profile_kind((kinds_by_host or {}).get(item['host']), item['profile'], item['sso_profile']))
                 for item in developer['workstations']]
        keys = [] if name in retired else [dict(key, status='Inactive' if name in deactivated else key.get('status'))
                                           for key in developer.get('access_keys') or []]
        rows.append([name, _phase(name in retired, [kind for _item, kind in kinds], keys), _workstations(kinds),
                     ', '.join('%s %s' % (mask(key['access_key_id']), key['status']) for key in keys) or 'none',
                     _last_use(keys) if keys else '-', notes.get(name) or ('no permission set: stays on IAM' if not migrating(developer) else '')])
    for gone in (plan or {}).get('gone') or []:
        kinds = [(item, profile_kind((kinds_by_host or {}).get(item['host']), item['profile'], item['sso_profile'])) for item in gone['workstations']]
        on_sso = bool(kinds) and all(kind == 'sso' for _item, kind in kinds)
        rows.append([gone['iam_user'], RETIRED if on_sso else PLANNED, _workstations(kinds), 'none', '-',
                     '' if on_sso else 'no IAM user %s, and a workstation is not on SSO: check the inventory' % gone['iam_user']])
    return rows


def _phase(retired, kinds, keys):
    if retired:
        return RETIRED
    if kinds and all(kind == 'sso' for kind in kinds) and all(key['status'] == 'Inactive' for key in keys):
        return ON_SSO
    if kinds and all(kind in ('sso', 'both') for kind in kinds):
        return BESIDE
    return PLANNED


def _workstations(kinds):
    return ', '.join('%s/%s: %s' % (item['host'], item['profile'], kind) for item, kind in kinds) or 'none'


def _last_use(keys):
    dates = sorted(key['last_used_date'] for key in keys if key.get('last_used_date'))
    return dates[-1] if dates else 'never'
