# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The IAM console's credentials CSV (standard library only)."""

from __future__ import annotations

import csv
import io

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import ValidationError


# --------------------------------------------------------------------------------------------
# The console's credentials CSV

# The columns of the file the IAM console offers for download (and that iam_bootstrap_user writes).
HEADER = ['User name', 'Password', 'Access key ID', 'Secret access key', 'Console login link']
CSV_USER = 'user name'
CSV_PASSWORD = 'password'
CSV_KEY_ID = 'access key id'
CSV_SECRET = 'secret access key'


def csv_path(folder, user_name):
    """Where a user's console-format CSV goes in a credentials folder: ``<folder>/<user>_credentials.csv``."""
    return '%s/%s_credentials.csv' % (folder.rstrip('/'), user_name)


def _rows(text):
    """The CSV's rows that are not blank (a leading BOM ignored)."""
    rows = csv.reader(io.StringIO(text.lstrip('\ufeff'), newline=''))
    return [row for row in rows if any(cell.strip() for cell in row)]


def console_rows(text):
    """The rows of a CSV with exactly the console's header, as dicts over ``HEADER`` (short rows padded with '');
    ValueError for any other header."""
    rows = _rows(text)
    if not rows:
        return []
    if [cell.strip() for cell in rows[0]] != HEADER:
        raise ValueError('not an IAM console credentials CSV')
    return [dict(zip(HEADER, row + [''] * (len(HEADER) - len(row)))) for row in rows[1:]]


def console_text(row):
    """The CSV text of one user's ``row`` (a dict over ``HEADER``), the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    writer.writerow(HEADER)
    writer.writerow([row[name] for name in HEADER])
    return buffer.getvalue()


def read_credentials_csv(option, text, user_name=None, user_option='csv_user_name'):
    """The (access key id, secret) in an IAM console CSV, picking the row of ``user_name``."""
    rows = _rows(text)
    if not rows:
        raise ValidationError(option, 'the CSV file is empty')
    columns = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in (CSV_KEY_ID, CSV_SECRET) if name not in columns]
    if missing:
        raise ValidationError(option, 'the CSV must have the columns "Access key ID" and "Secret access key" '
                                      '(the IAM console format); missing: %s' % ', '.join('"%s"' % m for m in missing))
    records = [dict(zip(columns, [cell.strip() for cell in row])) for row in rows[1:]]
    if user_name is not None:
        if CSV_USER not in columns:
            raise ValidationError(user_option, 'the CSV has no "User name" column to pick a row by')
        records = [record for record in records if record.get(CSV_USER) == user_name]
        if not records:
            raise ValidationError(user_option, 'no row of the CSV has User name %r' % user_name)
    if not records:
        raise ValidationError(option, 'the CSV has a header but no data row')
    if len(records) > 1:
        raise ValidationError(user_option if user_name is not None else option,
                              'the CSV has %d rows%s; set csv_user_name to pick one' % (
                                  len(records), ' for that user' if user_name is not None else ''))
    record = records[0]
    key_id, secret = record.get(CSV_KEY_ID, ''), record.get(CSV_SECRET, '')
    if not key_id or not secret:
        raise ValidationError(option, 'the selected CSV row has no access key (a console-only user?)')
    return key_id, secret
