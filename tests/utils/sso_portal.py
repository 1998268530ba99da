# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A stand-in for the IAM Identity Center portal (service ``sso``, ``portal.sso.REGION.amazonaws.com``) on 127.0.0.1.

moto has no SSO portal. This answers only ``GetRoleCredentials`` (``GET /federation/credentials?role_name=R&account_id=A``
with the bearer token in ``x-amz-sso_bearer_token``), as the service's model describes it: ``roleCredentials`` with
``accessKeyId``, ``secretAccessKey``, ``sessionToken`` and ``expiration`` (epoch milliseconds). The keys handed out are
those registered for (token, account, role) - keys of a moto IAM user, so that STS on moto answers as that user. Any
other request, an unknown token or an unassigned account and role is refused as the service refuses it.

``token_cache_file`` writes the token as ``aws sso login`` leaves it under ``~/.aws/sso/cache``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SsoPortal:
    """``with SsoPortal() as portal: portal.assign(token, account, role, key_id, secret); portal.endpoint``."""

    def __init__(self):
        self.assignments = {}
        self.requests = []
        self._server = None
        self._thread = None

    @property
    def endpoint(self):
        return 'http://127.0.0.1:%d' % self._server.server_address[1]

    def assign(self, token, account_id, role_name, access_key_id, secret_access_key, session_token='portal-session-token'):
        self.assignments[(token, account_id, role_name)] = (access_key_id, secret_access_key, session_token)

    def __enter__(self):
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args):  # quiet
                pass

            def _answer(self, status, body, error_type=None):
                data = json.dumps(body).encode('utf-8')
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                if error_type:
                    self.send_header('x-amzn-ErrorType', error_type)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802  pylint: disable=invalid-name
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                token = self.headers.get('x-amz-sso_bearer_token')
                portal.requests.append(dict(path=url.path, query=query, token=token))
                if url.path != '/federation/credentials':
                    self._answer(404, {'message': 'only GetRoleCredentials is served here'}, 'ResourceNotFoundException')
                    return
                found = portal.assignments.get((token, query.get('account_id'), query.get('role_name')))
                if found is None:
                    self._answer(401, {'message': 'Session token not found or invalid'}, 'UnauthorizedException')
                    return
                key_id, secret, session_token = found
                self._answer(200, {'roleCredentials': {
                    'accessKeyId': key_id, 'secretAccessKey': secret, 'sessionToken': session_token,
                    'expiration': int((time.time() + 3600) * 1000)}})

            def do_POST(self):  # noqa: N802  pylint: disable=invalid-name
                portal.requests.append(dict(path=self.path, method='POST'))
                self._answer(404, {'message': 'only GetRoleCredentials is served here'}, 'ResourceNotFoundException')

        self._server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)


def token_cache_file(home, session_name, start_url, region, access_token, expires_in=3600):
    """Write the token as ``aws sso login`` leaves it for an sso-session: ~/.aws/sso/cache/<sha1 of the session name>.json."""
    cache = os.path.join(str(home), '.aws', 'sso', 'cache')
    os.makedirs(cache, mode=0o700, exist_ok=True)
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=expires_in)
    path = os.path.join(cache, hashlib.sha1(session_name.encode('utf-8')).hexdigest() + '.json')
    token = {
        'startUrl': start_url,
        'region': region,
        'accessToken': access_token,
        'expiresAt': expires.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'clientId': 'test-client-id',
        'clientSecret': 'test-client-secret',
        'registrationExpiresAt': (expires + datetime.timedelta(days=90)).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'refreshToken': 'test-refresh-token',
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as handle:
        json.dump(token, handle)
    return path
