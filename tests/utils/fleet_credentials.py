# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""No developer of a fleet lacks working credentials (issue 16), asked of the real aws CLI on each workstation.

For every profile in a workstation's AWS CLI files (as botocore reads them), the identity it must answer
``sts get-caller-identity`` with:

- an SSO profile (``sso_session`` or ``sso_start_url``; the AWS CLI prefers SSO over a key in the same profile):
  ``sso_arn(developer, sso_role_name)`` when the sso-session has a live login in ``~/.aws/sso/cache`` (the
  token ``aws sso login`` leaves, not expired); without one the profile is *waiting*, not counted;
- a key profile (``aws_access_key_id``): the developer's IAM user;
- anything else holds no credentials of the developer: a failure.

``check_fleet_credentials`` runs the CLI as each workstation's OS user (``Fleet.cli``) and fails naming the host,
the profile, what was expected and what came back; the profile the fleet gave the developer must be among the
working ones. It returns ``{host: {profile: ARN, or None for a waiting SSO profile}}``.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import hashlib
import json
import os

from botocore import configloader

WAITING = None


def iam_user_arn(account, user):
    return 'arn:aws:iam::%s:user/%s' % (account, user)


def read_files(home):
    """(config {'profiles', 'sso_sessions'}, credentials {profile: values}) of ``home``'s ~/.aws, as botocore reads them."""
    aws = os.path.join(str(home), '.aws')
    config = {'profiles': {}, 'sso_sessions': {}}
    credentials = {}
    if os.path.exists(os.path.join(aws, 'config')):
        config.update(configloader.load_config(os.path.join(aws, 'config')))
    if os.path.exists(os.path.join(aws, 'credentials')):
        credentials = configloader.raw_config_parse(os.path.join(aws, 'credentials'))
    return config, credentials


def live_login(home, session, start_url, now=None):
    """True when ``aws sso login`` left a token for ``start_url`` that has not expired: cached under the sso-session's
    name, or under the start URL for a legacy profile (``session`` None)."""
    key = session or start_url
    path = os.path.join(str(home), '.aws', 'sso', 'cache', hashlib.sha1(key.encode('utf-8')).hexdigest() + '.json')
    try:
        with open(path, encoding='utf-8') as handle:
            token = json.load(handle)
        expires = datetime.datetime.strptime(token['expiresAt'].replace('UTC', 'Z'), '%Y-%m-%dT%H:%M:%SZ')
    except (OSError, ValueError, KeyError, AttributeError):
        return False
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return token.get('startUrl') == start_url and bool(token.get('accessToken')) and expires.replace(tzinfo=datetime.timezone.utc) > now


def expected_identities(config, credentials, developer, account, sso_arn, is_live):
    """{profile: expected ARN, WAITING, or an error text starting with '!'} (pure).

    ``is_live(sso-session name or None for a legacy profile, start URL)``: whether there is a live login for it.
    """
    expected = {}
    for name in sorted(set(config['profiles']) | set(credentials)):
        values = dict(credentials.get(name, {}), **config['profiles'].get(name, {}))
        session = values.get('sso_session')
        if session or values.get('sso_start_url'):
            start_url = config['sso_sessions'].get(session, {}).get('sso_start_url') if session else values['sso_start_url']
            if not values.get('sso_role_name') or not start_url:
                expected[name] = '!an SSO profile without sso_role_name or start URL'
            elif is_live(session, start_url):
                expected[name] = sso_arn(developer, values['sso_role_name'])
            else:
                expected[name] = WAITING
        elif values.get('aws_access_key_id'):
            expected[name] = iam_user_arn(account, developer)
        else:
            expected[name] = '!holds neither a key nor an SSO configuration'
    return expected


def problems_of(host, developer, expected, answers, main_profile):
    """The failures of one workstation (pure): ``answers`` = {profile: (ARN or None, error text)}."""
    found = []
    for profile, want in expected.items():
        if want is not WAITING and want.startswith('!'):
            found.append('%s/%s (%s): %s' % (host, profile, developer, want[1:]))
            continue
        got, error = answers.get(profile, (None, 'not asked'))
        if want is not WAITING and got != want:
            found.append('%s/%s (%s): sts get-caller-identity returned %s, expected %s' % (
                host, profile, developer, got or 'no identity (%s)' % error.strip()[-300:], want))
    if expected.get(main_profile) in (None, WAITING) or expected[main_profile].startswith('!'):
        found.append('%s (%s): the profile %r the fleet gave the developer does not work (%s)' % (
            host, developer, main_profile, 'waiting for an SSO login' if main_profile in expected else 'missing'))
    return found


def ask(fleet, host, profile, env):
    """(ARN or None, stderr) of ``aws sts get-caller-identity --profile <profile>`` as the host's OS user."""
    proc = fleet.cli(host, ['sts', 'get-caller-identity', '--profile', profile, '--query', 'Arn', '--output', 'text'], env)
    arn = proc.stdout.strip()
    return (arn if proc.returncode == 0 and arn else None), proc.stderr


def check_host(fleet, host, env, account, sso_arn, main_profile):
    """(expected, problems) of one workstation."""
    values = fleet.hosts[host]
    developer = values['workstation_iam_user']
    config, credentials = read_files(values['home'])
    expected = expected_identities(config, credentials, developer, account, sso_arn,
                                   lambda session, url: live_login(values['home'], session, url))
    answers = {profile: ask(fleet, host, profile, env) for profile, want in expected.items()
               if want is not WAITING and not want.startswith('!')}
    return expected, problems_of(host, developer, expected, answers, main_profile)


def check_fleet_credentials(fleet, env, account, sso_arn, main_profiles=None):
    """Every developer's profiles answer as that developer (see the module doc); AssertionError listing every failure.

    ``env``: the CLI's environment (endpoints: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSO); ``main_profiles``:
    {host: the profile the fleet gave its developer} ('default' where not named).
    """
    main_profiles = main_profiles or {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(fleet.hosts)) as pool:
        futures = {host: pool.submit(check_host, fleet, host, env, account, sso_arn, main_profiles.get(host, 'default'))
                   for host in fleet.hosts}
        results = {host: future.result() for host, future in futures.items()}
    problems = [problem for _expected, found in results.values() for problem in found]
    assert not problems, 'a developer lacks working credentials:\n' + '\n'.join(problems)
    return {host: expected for host, (expected, _found) in results.items()}
