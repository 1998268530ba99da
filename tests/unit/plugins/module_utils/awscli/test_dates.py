# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.dates import parse_iso_time

UTC = datetime.timezone.utc


@pytest.mark.parametrize('text, expected', [
    ('2024-01-02T03:04:05+00:00', datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),   # IAM's credential report
    ('2024-01-02T03:04:05Z', datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),        # botocore's token cache
    ('2019-11-14T04:05:45UTC', datetime.datetime(2019, 11, 14, 4, 5, 45, tzinfo=UTC)),   # older AWS CLI token cache
    (' 2024-01-02T03:04:05 ', datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),       # no zone: UTC
    ('2024-01-02T12:04:05+09:00', datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
])
def test_aws_times_are_read_as_aware_utc_times(text, expected):
    assert parse_iso_time(text) == expected


@pytest.mark.parametrize('text', [None, '', 'N/A', 'tomorrow', 20240102, datetime.datetime(2024, 1, 2)])
def test_anything_else_is_none(text):
    assert parse_iso_time(text) is None
