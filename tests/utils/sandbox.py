# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A moto server on 127.0.0.1 standing in for IAM and STS, reached only through the standard AWS environment.

Used by the tests (``with MotoSandbox() as sandbox: ... sandbox.env``), by ``make demo``, by
``python tests/utils/sandbox.py run -- COMMAND...`` and, for Molecule's prepare/cleanup steps, by
``python tests/utils/sandbox.py serve STATE_FILE`` (runs until SIGTERM). The server always gets a free port, loads
the AWS managed policies (``AdministratorAccess``, ``PowerUserAccess``, ...), and is stopped by
whoever started it, even when the body fails.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

# Dummy credentials: moto accepts any, and they point nothing at a real account.
SANDBOX_ACCESS_KEY_ID = 'AKIAIOSFODNN7SANDBOX'
SANDBOX_SECRET_ACCESS_KEY = 'sandbox-secret-not-a-real-key'
SANDBOX_REGION = 'us-east-1'

# Variables of the AWS environment that must not leak in from the machine running the tests.
_AWS_VARIABLES_TO_CLEAR = (
    'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN',
    'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CA_BUNDLE',
    'AWS_ENDPOINT_URL_IAM', 'AWS_ENDPOINT_URL_STS', 'AWS_ACCESS_KEY', 'AWS_SECRET_KEY',
    'EC2_URL', 'EC2_ACCESS_KEY', 'EC2_SECRET_KEY', 'EC2_SECURITY_TOKEN', 'AWS_URL', 'BOTO_CONFIG',
)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _moto_server_command(port):
    return [sys.executable, '-c', 'from moto.server import main; main()', '-H', '127.0.0.1', '-p', str(port)]


class MotoSandbox:
    """Start a moto server on a free 127.0.0.1 port; ``env`` is the environment that reaches it."""

    def __init__(self, enforce_auth=False, log_path=None, port=None):
        self.enforce_auth_at_start = enforce_auth
        self.log_path = log_path
        self.requested_port = port
        self.port = None
        self.process = None
        self._log = None

    @property
    def endpoint(self):
        return 'http://127.0.0.1:%d' % self.port

    @property
    def env(self):
        """The standard AWS environment for this sandbox (merge it over a copy of os.environ)."""
        return {
            'AWS_ENDPOINT_URL': self.endpoint,
            'AWS_ACCESS_KEY_ID': SANDBOX_ACCESS_KEY_ID,
            'AWS_SECRET_ACCESS_KEY': SANDBOX_SECRET_ACCESS_KEY,
            'AWS_DEFAULT_REGION': SANDBOX_REGION,
            'AWS_REGION': SANDBOX_REGION,
            'AWS_EC2_METADATA_DISABLED': 'true',
            'AWS_MAX_ATTEMPTS': '10',
        }

    def environ(self, base=None, **extra):
        """A full process environment: ``base`` (default os.environ) without stray AWS settings, plus ``env``."""
        env = dict(os.environ if base is None else base)
        for name in _AWS_VARIABLES_TO_CLEAR:
            env.pop(name, None)
        env.update(self.env)
        env.update(extra)
        return env

    def start(self, timeout=60):
        self.port = self.requested_port or free_port()
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES='true', MOTO_ALLOW_NONEXISTENT_REGION='true')
        if self.enforce_auth_at_start:
            env['INITIAL_NO_AUTH_ACTION_COUNT'] = '0'
        self._log = open(self.log_path, 'ab') if self.log_path else subprocess.DEVNULL  # pylint: disable=consider-using-with
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            _moto_server_command(self.port), env=env, stdout=self._log, stderr=self._log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('moto server exited with code %s before it answered' % self.process.returncode)
            try:
                self._request('/moto-api/data.json', method='GET')
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError('moto server did not answer on %s within %ss' % (self.endpoint, timeout))

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
        self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _request(self, path, method='POST', body=None):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        # Not form-encoded: moto reads the raw body, which Flask empties for form posts.
        request = urllib.request.Request(self.endpoint + path, data=data, method=method, headers={'Content-Type': 'text/plain'})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def reset(self):
        """Forget every resource (managed policies are loaded again)."""
        self._request('/moto-api/reset')

    def enforce_auth(self, enabled=True):
        """Switch moto's IAM authorization on (every later request is checked against IAM policies) or off."""
        # moto counts down this many unauthenticated actions before it starts enforcing.
        self._request('/moto-api/reset-auth', body=b'0' if enabled else b'inf')


def _run(argv):
    """``sandbox.py run [--enforce-auth] -- COMMAND...``: run COMMAND with the sandbox's environment."""
    enforce = '--enforce-auth' in argv
    command = argv[argv.index('--') + 1:] if '--' in argv else []
    if not command:
        print(USAGE, file=sys.stderr)
        return 2
    with MotoSandbox(enforce_auth=enforce) as sandbox:
        print('moto sandbox on %s' % sandbox.endpoint, file=sys.stderr, flush=True)
        return subprocess.call(command, env=sandbox.environ())


def _serve(argv):
    """``sandbox.py serve STATE_FILE [PORT]``: run a sandbox until SIGTERM; STATE_FILE gets its env and pid as JSON."""
    if len(argv) not in (1, 2):
        print(USAGE, file=sys.stderr)
        return 2
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    with MotoSandbox(port=int(argv[1]) if len(argv) == 2 else None) as sandbox:
        temp = argv[0] + '.tmp'
        with open(temp, 'w', encoding='utf-8') as handle:
            json.dump({'pid': os.getpid(), 'endpoint': sandbox.endpoint, 'env': sandbox.env}, handle)
        os.replace(temp, argv[0])
        while not stopping and sandbox.process.poll() is None:
            time.sleep(0.2)
    return 0


USAGE = 'usage: sandbox.py run [--enforce-auth] -- COMMAND [ARG...] | sandbox.py serve STATE_FILE [PORT]'

if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'run':
        sys.exit(_run(sys.argv[2:]))
    if len(sys.argv) > 1 and sys.argv[1] == 'serve':
        sys.exit(_serve(sys.argv[2:]))
    print(USAGE, file=sys.stderr)
    sys.exit(2)
