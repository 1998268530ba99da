# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Whether ``aws sso login --sso-session NAME`` left a live login on this workstation (standard library only).

botocore's SSOTokenProvider keeps an sso-session's token in ``~/.aws/sso/cache/<sha1 of the session name>.json``.
Only ``startUrl`` and ``expiresAt`` are read from it: the token itself never leaves this module.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.dates import parse_iso_time


def token_cache_path(aws_dir, session_name):
    """The file botocore keeps an sso-session's token in (the cache key is the sha1 of the session's name)."""
    return os.path.join(aws_dir, 'sso', 'cache', hashlib.sha1(session_name.encode('utf-8')).hexdigest() + '.json')


def sso_login(aws_dir, session_name, start_url, now=None):
    """{'live': bool, 'expires_at': ISO text or None}: a cached login for ``start_url`` that has not expired."""
    try:
        with open(token_cache_path(aws_dir, session_name), encoding='utf-8') as handle:
            cached = json.load(handle)
    except (OSError, ValueError):
        return {'live': False, 'expires_at': None}
    if not isinstance(cached, dict) or not cached.get('accessToken') or (start_url and cached.get('startUrl') != start_url):
        return {'live': False, 'expires_at': None}
    expires = parse_iso_time(cached.get('expiresAt'))
    if expires is None:
        return {'live': False, 'expires_at': None}
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return {'live': expires > now, 'expires_at': expires.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}
