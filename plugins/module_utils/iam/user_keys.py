# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which access keys a user keeps, gets and loses: a pure plan over the keys IAM lists.

``present`` means the user has one active key that its holder has. The key the holder has is
``in_use`` (reported by the workstation); without it, the newest active key is taken to be it, so
no run makes a key just because it ran. A new key is made when that key is missing, inactive, or
older than ``max_age_days`` (the old one then stays active until ``retire`` is asked for, after the
new key is deployed). IAM allows two keys: to make room, an inactive key goes first, then a key that
was never used and is not the holder's; otherwise the plan fails and says why.
"""

from __future__ import annotations

import datetime

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import age_days
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iso

KEY_LIMIT = 2
NEW_KEY = '(new access key)'
# The key id a holder reports when it has no key (its credentials file is missing, or a rotation is forced):
# it matches no key of the user, so a new key is made. Written here only (holds_no_key).
NO_KEY = ''


def holds_no_key(key_id):
    """True for the key id of a holder that has none (NO_KEY); None (not reported) is not that."""
    return key_id == NO_KEY


class KeyPlan:
    """The key part of a user's plan.

    ``needs_last_used``: ids whose last use must be read before the plan can be made (it is then
    made again with them); ``error``: why the plan cannot be carried out.
    """

    def __init__(self, actions=None, holder=None, create=False, deleted=None, kept=None, needs_last_used=None, error=None):
        self.actions = actions or []
        self.holder = holder
        self.create = create
        self.deleted = deleted or []
        self.kept = kept or []
        self.needs_last_used = needs_last_used or []
        self.error = error


def oldest_first(keys):
    """Access keys ({create_date, ...}) oldest first."""
    return sorted(keys, key=lambda key: str(key.get('create_date') or ''))


def plan_access_keys(user_name, keys, desired, last_used=None, now=None):
    """(user name, keys as listed [{access_key_id, status, create_date}], desired) -> KeyPlan.

    ``desired``: {access_key: 'present'|'absent'|'inactive'|None, in_use, max_age_days, retire}.
    ``last_used``: {key id: datetime or None (never used)} for the ids known so far.
    """
    last_used = last_used or {}
    wanted = desired.get('access_key')
    if wanted is None:
        return KeyPlan(kept=list(keys))
    if wanted == 'absent':
        return KeyPlan(actions=[Action('DeleteAccessKey', UserName=user_name, AccessKeyId=key['access_key_id']) for key in oldest_first(keys)],
                       deleted=[key['access_key_id'] for key in oldest_first(keys)])
    if wanted == 'inactive':
        # Switched off, not deleted: a developer who cannot work without it can be given it back (UpdateAccessKey Active).
        return KeyPlan(actions=[Action('UpdateAccessKey', UserName=user_name, AccessKeyId=key['access_key_id'], Status='Inactive')
                                for key in oldest_first(keys) if key['status'] == 'Active'],
                       kept=[dict(key, status='Inactive') for key in keys])

    in_use = desired.get('in_use')
    active = [key for key in keys if key['status'] == 'Active']
    if in_use is not None:
        # NO_KEY (the holder has none) matches no key, so a new key is made.
        holder = next((key for key in active if key['access_key_id'] == in_use), None)
    else:
        holder = oldest_first(active)[-1] if active else None
    if desired.get('retire') and holder is None:
        # Retiring around a key that is gone would delete every key and make one whose holder is unknown.
        return KeyPlan(error='retire_other_access_keys: access_key_in_use %s is not an active key of user %s (its keys: %s), so '
                       'the holder has none of them; nothing was deleted or created. Run without retire_other_access_keys '
                       'to give the holder a new key first, then retire the others with that key as access_key_in_use.'
                       % ("''" if holds_no_key(in_use) else in_use, user_name,
                          ', '.join('%s (%s)' % (key['access_key_id'], key['status']) for key in oldest_first(keys)) or 'none'))
    max_age = desired.get('max_age_days')
    create = holder is None or (max_age is not None and (age_days(holder['create_date'], now) or 0) > max_age)

    doomed = []
    if desired.get('retire'):
        doomed = [key for key in oldest_first(keys) if key is not holder]
    remaining = [key for key in keys if key not in doomed]

    if create and len(remaining) >= KEY_LIMIT:
        inactive = [key for key in oldest_first(remaining) if key['status'] != 'Active']
        candidates = [key for key in oldest_first(remaining) if key['status'] == 'Active' and key is not holder]
        if inactive:
            doomed.append(inactive[0])
        else:
            unknown = [key['access_key_id'] for key in candidates if key['access_key_id'] not in last_used]
            if unknown:
                return KeyPlan(needs_last_used=unknown)
            never_used = [key for key in candidates if last_used[key['access_key_id']] is None]
            if not never_used:
                return KeyPlan(error=_no_room_message(user_name, remaining, holder, in_use, last_used, now))
            doomed.append(never_used[0])

    actions = [Action('DeleteAccessKey', UserName=user_name, AccessKeyId=key['access_key_id']) for key in doomed]
    if create:
        actions.append(Action('CreateAccessKey', UserName=user_name))
    return KeyPlan(actions=actions, holder=NEW_KEY if create else holder['access_key_id'], create=create,
                   deleted=[key['access_key_id'] for key in doomed], kept=[key for key in keys if key not in doomed])


def _no_room_message(user_name, keys, holder, in_use, last_used, now):
    described = []
    for key in oldest_first(keys):
        used = last_used.get(key['access_key_id'])
        described.append('%s (%s, created %s, last used %s)' % (
            key['access_key_id'], key['status'], iso(key.get('create_date')), iso(used) if used else 'never'))
    if holder is not None:
        why = 'the one in use (%s) is older than access_key_max_age_days' % holder['access_key_id']
    elif in_use:
        why = 'access_key_in_use %s is not an active key of this user' % in_use
    elif holds_no_key(in_use):
        why = 'access_key_in_use is empty (the holder has no key)'
    else:
        why = 'the user has no active key'
    return ('access_key_state: a new key is needed because %s, but user %s already has %d access keys, the most IAM allows: %s. '
            'None was deleted: both are active and have been used, so either may be in use somewhere. Pass the one '
            'its holder has as access_key_in_use, or delete one.' % (why, user_name, KEY_LIMIT, '; '.join(described)))


def key_views(plan, created=None):
    """The access keys after the plan, [{access_key_id, status, create_date, in_use}], oldest first."""
    views = [{'access_key_id': key['access_key_id'], 'status': key['status'], 'create_date': iso(key.get('create_date')),
              'in_use': key['access_key_id'] == plan.holder} for key in oldest_first(plan.kept)]
    if plan.create and created:
        views.append({'access_key_id': created['AccessKeyId'], 'status': created.get('Status', 'Active'),
                      'create_date': iso(created.get('CreateDate')), 'in_use': True})
    elif plan.create:
        views.append({'access_key_id': None, 'status': 'Active', 'create_date': None, 'in_use': True})
    return views


def diff_view(keys):
    """What ``--diff`` shows of the keys: ids and status only."""
    return ['%s %s%s' % (key['access_key_id'] or NEW_KEY, key['status'], ' (in use)' if key.get('in_use') else '') for key in keys]


def listed_from_views(views):
    """Keys as an earlier task of the run saw them ({access_key_id, status, create_date (ISO text)}, the shape
    ``key_views`` returns) in ListAccessKeys's shape."""
    return [{'AccessKeyId': key['access_key_id'], 'Status': key['status'],
             'CreateDate': datetime.datetime.fromisoformat(key['create_date']) if key.get('create_date') else None} for key in views]


def known_views(user_results):
    """{user name: its keys after the task} from per-user results that list them, leaving out a user whose list has a
    key without an id (one check mode would make)."""
    known = {}
    for result in user_results:
        keys = result.get('access_keys')
        if keys is None or any(not key.get('access_key_id') for key in keys):
            continue
        known[result['name']] = [{'access_key_id': key['access_key_id'], 'status': key['status'], 'create_date': key.get('create_date')}
                                 for key in keys]
    return known
