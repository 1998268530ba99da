# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The move from IAM user keys to IAM Identity Center, phase 3, the pure part: which developers' IAM users (with their
deactivated keys) are deleted now, and why each other developer is kept.

A developer retires when they are on SSO on every workstation holding their key (phase 2's ``done`` of this run), their
IAM user carries the SINCE_TAG phase 2 wrote at least ``after_days`` days before ``now``, every key is Inactive, none
was used after that time (IAM's last-used data, as iam_bootstrap_info reads it) and no console password came back.
The clock is ``now``, given by the caller. No I/O.
"""

from __future__ import annotations

import datetime

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import mask
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import SINCE_TAG
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import migrating
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.report import parse_report_date

RETIRE_AFTER_DAYS = 30


def retire_problems(after_days, now=None):
    """What is wrong with phase 3's variables (checked with the mappings, before anything is written)."""
    problems = []
    if isinstance(after_days, bool) or not str(after_days).strip().isdigit():
        problems.append('migrate_identity_center_retire_after_days: must be a whole number of days (0 or more), got %r' % (after_days,))
    if now not in (None, '') and parse_report_date(now) is None:
        problems.append('migrate_identity_center_now: must be an ISO 8601 time such as 2026-01-31T10:00:00Z, got %r' % (now,))
    return problems


def retire_plan(plan, cutover, now, after_days=RETIRE_AFTER_DAYS):
    """{'retire': iam_bootstrap_identities users (``state: absent``), 'retired': [iam_user], 'kept': [{iam_user,
    reason}]}. ``cutover``: cutover_account's result of this run; ``now``: an ISO time."""
    clock = parse_report_date(now)
    if clock is None:
        raise ValueError('migrate_identity_center_now: %r is no ISO 8601 time' % (now,))
    done = {item['iam_user'] for item in (cutover or {}).get('done') or []}
    retire, retired, kept = [], [], []
    for developer in (plan or {}).get('developers') or []:
        if not migrating(developer) or not developer['workstations']:
            continue
        if developer['iam_user'] not in done:
            reason = 'not on IAM Identity Center on every workstation yet: left as it is'
        else:
            reason = _blocker(developer, clock, int(after_days))
        if reason:
            kept.append({'iam_user': developer['iam_user'], 'reason': reason})
            continue
        retire.append({'name': developer['iam_user'], 'state': 'absent'})
        retired.append(developer['iam_user'])
    return {'retire': retire, 'retired': retired, 'kept': kept}


def _blocker(developer, clock, after_days):
    """Why a developer on SSO everywhere keeps their IAM user, or None."""
    since = parse_report_date(developer.get('since'))
    if since is None:
        if developer.get('since'):
            return 'its tag %s=%r is no ISO time: fix or remove it, then run phase 2 again' % (SINCE_TAG, developer['since'])
        return 'switched to IAM Identity Center in this run (tagged %s now): retires after %d days' % (SINCE_TAG, after_days)
    due = since + datetime.timedelta(days=after_days)
    if clock < due:
        return 'on IAM Identity Center since %s: retires after %d days, from %s' % (since.date().isoformat(), after_days, due.date().isoformat())
    for key in developer.get('access_keys') or []:
        if key.get('status') != 'Inactive':
            return 'its key %s is %s again: run phase 2 to deactivate it, or find who turned it on' % (mask(key['access_key_id']), key.get('status'))
        used = parse_report_date(key.get('last_used_date'))
        if used is not None and used > since:
            return ('its key %s was used on %s, after the switch to IAM Identity Center on %s: find who uses it; '
                    'the IAM user is kept' % (mask(key['access_key_id']), used.isoformat(), since.isoformat()))
    if developer.get('console_access'):
        return 'it has a console password again: find who uses it; the IAM user is kept'
    return None
