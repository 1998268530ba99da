# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The opt-in credentials CSV on the controller, in the IAM console's format, written 0600 and atomically."""

from __future__ import annotations

import csv
import os
import stat

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.console_csv import HEADER
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.console_csv import console_rows
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.console_csv import console_text
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.files import replace_files
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError


def _read_rows(path):
    with open(path, encoding='utf-8-sig', newline='') as handle:
        return console_rows(handle.read())


def check_csv_target(option, path, user_name):
    """Refuse, before any API call, a path that could not be written or belongs to someone else."""
    folder = os.path.dirname(os.path.abspath(path)) or '.'
    if not os.path.isdir(folder):
        raise OptionError(option, 'the folder %s does not exist' % folder)
    if not os.path.lexists(path):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OptionError(option, 'the folder %s is not writable' % folder)
        return
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise OptionError(option, '%s exists and is not a regular file (a symbolic link or other); not overwritten' % path)
    if info.st_uid != os.geteuid():
        raise OptionError(option, '%s belongs to another OS user (uid %d); not overwritten' % (path, info.st_uid))
    try:
        rows = _read_rows(path)
    except (OSError, ValueError, csv.Error) as exc:
        raise OptionError(option, '%s exists and is not an IAM console credentials CSV (%s); not overwritten' % (path, exc)) from exc
    others = sorted({row['User name'] for row in rows if row['User name'] != user_name})
    if others:
        raise OptionError(option, '%s holds the credentials of IAM user %s, not %s; not overwritten' % (path, ', '.join(others), user_name))


def write_credentials_csv(path, user_name, sign_in_url, password=None, access_key_id=None, secret_access_key=None):
    """Write (or update) the user's row; values not created in this run are kept from an existing row."""
    row = {name: '' for name in HEADER}
    if os.path.exists(path):
        for existing in _read_rows(path):
            if existing['User name'] == user_name:
                row.update(existing)
    row['User name'] = user_name
    row['Console login link'] = sign_in_url
    if password is not None:
        row['Password'] = password
    if access_key_id is not None:
        row['Access key ID'] = access_key_id
        row['Secret access key'] = secret_access_key or ''
    # The one atomic writer (awscli/files.py): 0600, synced, renamed, the folder synced; the file stays this OS
    # user's (check_csv_target refuses one of another user), and the earlier writer's temp files are swept too.
    replace_files([(path, console_text(row), None)], folder_owner=False, legacy_mkstemp=True)


def read_csv_password(path, user_name):
    """The password of the user's row ('' when there is no file, row or password)."""
    if not os.path.exists(path):
        return ''
    for row in _read_rows(path):
        if row['User name'] == user_name:
            return row['Password']
    return ''


def set_csv_password(path, user_name, password):
    """Put ``password`` ('' for none) in the user's row, keeping the rest of it."""
    rows = [row for row in _read_rows(path) if row['User name'] == user_name] if os.path.exists(path) else []
    link = rows[0]['Console login link'] if rows else ''
    write_credentials_csv(path, user_name, link, password)
