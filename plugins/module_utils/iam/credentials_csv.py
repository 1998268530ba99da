# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The opt-in credentials CSV on the controller, in the IAM console's format, written 0600 and atomically."""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

HEADER = ['User name', 'Password', 'Access key ID', 'Secret access key', 'Console login link']
# tempfile.mkstemp's random part.
TEMP_SUFFIX_LENGTH = 8


def _read_rows(path):
    with open(path, encoding='utf-8-sig', newline='') as handle:
        rows = list(csv.reader(handle))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return []
    if [cell.strip() for cell in rows[0]] != HEADER:
        raise ValueError('not an IAM console credentials CSV')
    return [dict(zip(HEADER, row + [''] * (len(HEADER) - len(row)))) for row in rows[1:]]


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


def temp_prefix(path):
    return '.%s.' % os.path.basename(path)


def sweep_stale_temps(path):
    """Delete the temp files an earlier write of ``path`` left when it was killed between creating and
    renaming them: they may hold a secret. Only regular files of ours with the temp name are touched."""
    folder = os.path.dirname(os.path.abspath(path))
    prefix = temp_prefix(path)
    for name in os.listdir(folder):
        if not name.startswith(prefix) or len(name) != len(prefix) + TEMP_SUFFIX_LENGTH:
            continue
        candidate = os.path.join(folder, name)
        try:
            info = os.lstat(candidate)
            if stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid():
                os.unlink(candidate)
        except OSError:
            pass


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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    writer.writerow(HEADER)
    writer.writerow([row[name] for name in HEADER])
    folder = os.path.dirname(os.path.abspath(path))
    sweep_stale_temps(path)
    handle, temp = tempfile.mkstemp(prefix=temp_prefix(path), dir=folder)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, 'w', encoding='utf-8') as stream:
            stream.write(buffer.getvalue())
            stream.flush()
            os.fsync(stream.fileno())
        os.rename(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


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
