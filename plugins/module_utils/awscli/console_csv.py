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

CSV_USER = 'user name'
CSV_PASSWORD = 'password'
CSV_KEY_ID = 'access key id'
CSV_SECRET = 'secret access key'


def read_credentials_csv(option, text, user_name=None, user_option='csv_user_name'):
    """The (access key id, secret) in an IAM console CSV, picking the row of ``user_name``."""
    rows = list(csv.reader(io.StringIO(text.lstrip('\ufeff'), newline='')))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
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
