# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The sign-in URL and the account alias it takes (iam/core.py)."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import account_alias_reader
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sign_in_url


@pytest.mark.parametrize('partition, alias, url', [
    ('aws', None, 'https://123456789012.signin.aws.amazon.com/console'),
    ('aws', 'corp', 'https://corp.signin.aws.amazon.com/console'),
    ('aws-cn', None, 'https://123456789012.signin.amazonaws.cn/console'),
    ('aws-us-gov', 'corp', 'https://corp.signin.amazonaws-us-gov.com/console'),
])
def test_sign_in_urls(partition, alias, url):
    assert sign_in_url(partition, '123456789012', alias) == url


@pytest.mark.parametrize('arn, name', [
    ('arn:aws:iam::aws:policy/AdministratorAccess', 'AdministratorAccess'),
    ('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess', 'ViewOnlyAccess'),
    ('arn:aws-cn:iam::123456789012:policy/team/a/Deploy', 'Deploy'),
    ('', ''),
])
def test_a_managed_policy_is_named_by_the_last_part_of_its_arn_path_and_all(arn, name):
    assert arn_name(arn) == name


# --- account_alias_reader ---------------------------------------------------------------------------

def test_the_account_alias_is_read_once_however_many_csvs_are_written(iam):
    raw, client, calls = iam
    alias = account_alias_reader(client)
    assert calls == []  # nothing is read until a CSV needs the link
    assert alias() is None and alias() is None
    assert calls == ['ListAccountAliases']
    raw.create_account_alias(AccountAlias='bootstrap-test')
    fresh = account_alias_reader(client)
    assert fresh() == 'bootstrap-test' and fresh() == 'bootstrap-test'
    assert calls.count('ListAccountAliases') == 2
