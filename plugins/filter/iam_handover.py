# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters over registered results of the IAM modules: the keys to hand over, the account read to hand over,
and a summary without secrets."""

from __future__ import annotations

import os

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.console_csv import csv_path as console_csv_path
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import merged


def _user_name(result):
    user = result.get('user') or {}
    item = result.get('item') or {}
    return user.get('user_name') or result.get('name') or (item.get('name') if isinstance(item, dict) else None)


def _user_results(registered):
    """The per-user results of a registered loop of iam_bootstrap_user or of one iam_bootstrap_identities task."""
    registered = registered or {}
    return registered.get('results') or registered.get('users') or []


def new_access_keys(loop_result):
    """{user name: {access_key_id, secret_access_key}} for every key created in this run."""
    keys = {}
    for result in _user_results(loop_result):
        if result.get('secret_access_key'):
            keys[_user_name(result)] = {'access_key_id': result['access_key_id'], 'secret_access_key': result['secret_access_key']}
    return keys


def user_changes(loop_result, credentials_dir='', keys=True):
    """One line per user saying what this run did, naming no secret."""
    lines = []
    for result in _user_results(loop_result):
        name = _user_name(result)
        parts = ['changed' if result.get('changed') else 'unchanged']
        if result.get('access_key_created'):
            # In check mode no key exists yet: it has no id, and nothing is saved.
            parts.append('new access key %s' % (result.get('access_key_id') or '(made by a run without --check)'))
        if result.get('password'):
            parts.append('new console password')
        csv_path = console_csv_path(credentials_dir, name)
        # Without keys only a generated password is saved (the CSV the module just wrote is on this controller).
        if credentials_dir and ((keys and (result.get('password') or result.get('secret_access_key')))
                                or (result.get('password') and os.path.exists(csv_path))):
            parts.append('saved in %s' % csv_path)
        if result.get('deleted_access_keys'):
            parts.append('deleted access keys %s' % ', '.join(result['deleted_access_keys']))
        lines.append('%s: %s' % (name, ', '.join(parts)))
    return lines


def account_snapshot(results):
    """The account read a chain of registered results hands on (see iam/snapshot.py merged); never a secret."""
    return merged(results)


class FilterModule:
    """Hand-over filters."""

    def filters(self):
        return {'account_snapshot': account_snapshot, 'new_access_keys': new_access_keys, 'user_changes': user_changes}
