# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ISO 8601 times as AWS writes them (standard library only, so both sides use it): IAM's credential report and
last-used dates (``2024-01-02T03:04:05+00:00``), botocore's SSO token cache (``...Z``, older ``...UTC``)."""

from __future__ import annotations

import datetime


def parse_iso_time(text):
    """An aware datetime (a time without a zone is UTC), or None for anything that is no ISO 8601 time."""
    if not isinstance(text, str):
        return None
    value = text.strip()
    for suffix in ('Z', 'UTC'):
        if value.endswith(suffix):
            value = value[:-len(suffix)] + '+00:00'
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
