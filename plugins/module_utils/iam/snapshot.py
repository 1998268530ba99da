# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What one task read of the account, handed to later tasks of the same run so that they do not read it again.

A snapshot is a dict of parts, each the answer of one account-wide read, with dates as ISO text so that it
survives Ansible's JSON:

- ``caller``: GetCallerIdentity;
- ``summary``: GetAccountSummary's SummaryMap;
- ``password_policy``: GetAccountPasswordPolicy's PasswordPolicy (None: the account has none);
- ``details``: GetAccountAuthorizationDetails for users, groups, roles and the account's own policies;
- ``access_keys``: {user name: [{access_key_id, status, create_date}]} for the users whose keys were listed.

A snapshot describes the account only while nothing was written to it: a task that changed something hands
on none (``handed_on``), and the ``account_snapshot`` filter drops what was read before any task of the chain
that changed something. All functions are pure.
"""

from __future__ import annotations

import datetime

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

PARTS = ('caller', 'summary', 'password_policy', 'details', 'access_keys')
# The option every module that can take a snapshot has.
SNAPSHOT_OPTION = dict(type='dict', default={}, no_log=False)
# The filter that reads every part of the details: whoever hands details on must have read these.
DETAILS_FILTER = ['User', 'Group', 'Role', 'LocalManagedPolicy']


def encode(value):
    """Dates as ISO text, everything else as it is (recursively)."""
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def decode(value, key=''):
    """The inverse of ``encode``: the text of a field whose name ends in ``Date`` becomes a datetime again."""
    if isinstance(value, dict):
        return {name: decode(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [decode(item, key) for item in value]
    if isinstance(value, str) and key.endswith('Date'):
        try:
            return datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
        except ValueError:
            return value
    return value


def checked_snapshot(snapshot, option='account_snapshot'):
    """The snapshot given to a module, decoded, after checking its parts (before any call)."""
    snapshot = snapshot or {}
    unknown = sorted(set(snapshot) - set(PARTS))
    if unknown:
        raise OptionError(option, 'unknown part(s) %s (known: %s); give the account_snapshot an earlier task returned'
                          % (', '.join(unknown), ', '.join(PARTS)))
    for name in ('caller', 'summary', 'details', 'access_keys'):
        if name in snapshot and not isinstance(snapshot[name], dict):
            raise OptionError('%s.%s' % (option, name), 'must be a dict, as the task that read it returned it')
    return decode(snapshot)


def handed_on(changed, **parts):
    """The snapshot a task returns: the parts it read, or nothing when it changed the account."""
    if changed:
        return {}
    return {name: encode(_without_metadata(value)) for name, value in parts.items() if name in PARTS}


def _without_metadata(value):
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if key != 'ResponseMetadata'}
    return value


def merged(results):
    """The snapshot of a chain of task results (oldest first): the parts handed on since the last task that changed
    something (what was read before a change no longer describes the account)."""
    snapshot = {}
    for result in results or []:
        result = result or {}
        if result.get('changed'):
            snapshot = {}
        snapshot.update(result.get('account_snapshot') or {})
    return snapshot
