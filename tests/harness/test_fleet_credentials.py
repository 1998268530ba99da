# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What "every developer has working credentials" expects of each profile, and how it names a failure (no CLI run here)."""

from __future__ import annotations

import datetime

from tests.utils.fleet_credentials import WAITING, expected_identities, live_login, problems_of, read_files
from tests.utils.sso_portal import token_cache_file

ACCOUNT = '123456789012'
URL = 'https://d-1234567890.awsapps.com/start'
CONFIG = """[default]
region = eu-west-1

[profile work-sso]
sso_session = team
sso_account_id = 123456789012
sso_role_name = PowerUserAccess

[profile switched]
sso_session = team
sso_account_id = 123456789012
sso_role_name = AdministratorAccess

[profile empty]
region = eu-west-1

[sso-session team]
sso_start_url = %s
sso_region = eu-west-1
""" % URL
CREDENTIALS = """[default]
aws_access_key_id = AKIAEXAMPLEKEY000001
aws_secret_access_key = not-a-secret

[switched]
aws_access_key_id = AKIAEXAMPLEKEY000002
aws_secret_access_key = not-a-secret
"""


def sso_arn(developer, role):
    return 'arn:aws:sts::%s:assumed-role/%s/%s' % (ACCOUNT, role, developer)


def files(home):
    (home / '.aws').mkdir()
    (home / '.aws' / 'config').write_text(CONFIG)
    (home / '.aws' / 'credentials').write_text(CREDENTIALS)
    return read_files(home)


def test_each_profile_kind_expects_its_identity(home):
    config, credentials = files(home)
    live = expected_identities(config, credentials, 'dev1', ACCOUNT, sso_arn, lambda session, url: (session, url) == ('team', URL))
    # An SSO profile wins over a key left in the same profile (the AWS CLI's order); no credentials at all is a failure.
    assert live == {'default': 'arn:aws:iam::123456789012:user/dev1', 'work-sso': sso_arn('dev1', 'PowerUserAccess'),
                    'switched': sso_arn('dev1', 'AdministratorAccess'), 'empty': '!holds neither a key nor an SSO configuration'}
    waiting = expected_identities(config, credentials, 'dev1', ACCOUNT, sso_arn, lambda session, url: False)
    assert (waiting['work-sso'], waiting['switched'], waiting['default']) == (WAITING, WAITING, live['default'])


def test_problems_name_the_host_profile_and_what_came_back():
    expected = {'default': 'arn:aws:iam::123456789012:user/dev2', 'work-sso': WAITING, 'odd': '!holds neither a key nor an SSO configuration'}
    answers = {'default': (None, 'An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation\n')}
    assert problems_of('ws2', 'dev2', expected, answers, 'default') == [
        'ws2/default (dev2): sts get-caller-identity returned no identity (An error occurred (InvalidClientTokenId) when calling '
        'the GetCallerIdentity operation), expected arn:aws:iam::123456789012:user/dev2',
        'ws2/odd (dev2): holds neither a key nor an SSO configuration']
    answers = {'default': ('arn:aws:iam::123456789012:user/dev3', '')}
    assert problems_of('ws2', 'dev2', expected, answers, 'default') == [
        'ws2/default (dev2): sts get-caller-identity returned arn:aws:iam::123456789012:user/dev3, '
        'expected arn:aws:iam::123456789012:user/dev2', 'ws2/odd (dev2): holds neither a key nor an SSO configuration']
    # The developer's own profile must be among the working ones: waiting for a login or missing is a failure.
    assert problems_of('ws2', 'dev2', {'work-sso': WAITING}, {}, 'work-sso') == [
        "ws2 (dev2): the profile 'work-sso' the fleet gave the developer does not work (waiting for an SSO login)"]
    assert problems_of('ws2', 'dev2', {}, {}, 'work') == ["ws2 (dev2): the profile 'work' the fleet gave the developer does not work (missing)"]
    assert problems_of('ws2', 'dev2', {'work': 'arn:x'}, {'work': ('arn:x', '')}, 'work') == []


def test_a_live_login_is_a_token_for_that_start_url_that_has_not_expired(home):
    assert not live_login(home, 'team', URL)
    token_cache_file(home, 'team', URL, 'eu-west-1', 'a-token')
    assert live_login(home, 'team', URL)
    assert not live_login(home, 'other', URL)
    assert not live_login(home, 'team', 'https://d-0000000000.awsapps.com/start')
    assert not live_login(home, 'team', URL, now=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2))
    token_cache_file(home, 'team', URL, 'eu-west-1', 'a-token', expires_in=-60)
    assert not live_login(home, 'team', URL)
    # A legacy profile (sso_start_url in the profile): the token is cached under the start URL.
    assert not live_login(home, None, URL)
    token_cache_file(home, URL, URL, 'eu-west-1', 'a-token')
    assert live_login(home, None, URL)


def test_a_legacy_sso_profile_asks_for_its_start_url():
    config = {'profiles': {'old': {'sso_start_url': URL, 'sso_role_name': 'ReadOnly', 'sso_account_id': ACCOUNT}}, 'sso_sessions': {}}
    asked = []
    expected = expected_identities(config, {}, 'dev4', ACCOUNT, sso_arn, lambda session, url: asked.append((session, url)) or True)
    assert (expected, asked) == ({'old': sso_arn('dev4', 'ReadOnly')}, [(None, URL)])
