# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A recording, fault-injecting HTTP/1.1 proxy between boto3 and the moto server (standard library only).

boto3 reaches it through ``AWS_ENDPOINT_URL``; it forwards every request unchanged (same headers, so
SigV4 signatures still verify when moto enforces auth) to the upstream moto server and records one
``Call`` per AWS API request::

    with MotoSandbox() as moto, AwsProxy(moto, Faults(throttle=0.2, seed=3)) as proxy:
        subprocess.run(command, env=proxy.environ())
        proxy.counts()          # Counter({'GetUser': 2, 'CreateUser': 1, ...}), forwarded calls only
        proxy.write_calls()     # [Call(service='iam', action='CreateUser', status=200, fault=None), ...]

Faults are drawn per request from ``random.Random(seed)``, so a sequential client (boto3 in one
module at a time) meets the same faults in the same places on every run. Requests to ``/moto-api/``
(reset, data, auth switches) are passed through untouched and never recorded.

The recorded ``params`` can hold secrets (``CreateLoginProfile`` has the password): they stay in
memory, are left out of ``repr(Call)``, and nothing here prints or logs them.
"""

from __future__ import annotations

import collections
import dataclasses
import http.client
import http.server
import json
import os
import random
import socket
import struct
import threading
import time
import urllib.parse
import uuid

# Hop-by-hop headers (RFC 9110 7.6.1) are not forwarded; Content-Length is recomputed.
_HOP_BY_HOP = frozenset((
    'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization',
    'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length',
))
_READ_PREFIXES = ('Get', 'List', 'Describe', 'Simulate', 'Generate')
_XML_NAMESPACES = {
    'iam': 'https://iam.amazonaws.com/doc/2010-05-08/',
    'sts': 'https://sts.amazonaws.com/doc/2011-06-15/',
}
FAULT_NAMES = ('throttle', 'server_error', 'error_after_write', 'reset')  # the probabilities


def is_read_action(action):
    """True for actions that only read (Get*, List*, Describe*, Simulate*, Generate*)."""
    return bool(action) and action.startswith(_READ_PREFIXES)


def is_write_action(action):
    """True for actions that may change state (everything that is not a read; unknown actions are not writes)."""
    return bool(action) and not is_read_action(action)


@dataclasses.dataclass(frozen=True)
class Faults:
    """Per-request fault probabilities.

    ``reset``, ``throttle`` and ``server_error`` are decided before forwarding (one draw, so at most
    one of them per request; their sum must not exceed 1); ``error_after_write`` is decided
    independently, only for write actions that were forwarded. ``delay`` is the maximum of a
    uniformly random sleep before each request. ``actions``, when given, limits faults and delays to
    those action names.
    """

    throttle: float = 0.0
    server_error: float = 0.0
    error_after_write: float = 0.0
    reset: float = 0.0
    delay: float = 0.0
    seed: int = 0
    actions: frozenset | None = None
    # Answer these actions with HTTP 403 AccessDenied (which no SDK retries), without forwarding them;
    # the first ``deny_skip`` requests of them pass. Drawn from no randomness: the other faults' draws
    # stay where they were.
    deny: frozenset | None = None
    deny_skip: int = 0

    def __post_init__(self):
        for name in FAULT_NAMES:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError('Faults.%s must be a probability between 0 and 1, not %r' % (name, value))
        if self.throttle + self.server_error + self.reset > 1.0 + 1e-9:
            raise ValueError('Faults.throttle + server_error + reset must not exceed 1')
        if self.delay < 0:
            raise ValueError('Faults.delay must not be negative')
        if self.actions is not None:
            object.__setattr__(self, 'actions', frozenset(self.actions))
        if self.deny is not None:
            object.__setattr__(self, 'deny', frozenset(self.deny))
        if self.deny_skip < 0:
            raise ValueError('Faults.deny_skip must not be negative')

    def applies_to(self, action):
        return self.actions is None or action in self.actions


@dataclasses.dataclass
class Call:
    """One AWS API request as the proxy saw it. ``params`` are left out of repr: they may hold secrets."""

    service: str | None
    action: str | None
    params: dict = dataclasses.field(repr=False)
    method: str = 'POST'
    path: str = '/'
    status: int | None = None
    fault: str | None = None
    forwarded: bool = False
    upstream_status: int | None = None
    delay: float = 0.0
    started: float = 0.0
    duration: float = 0.0

    @property
    def is_write(self):
        return is_write_action(self.action)


def _service_from_authorization(value):
    """'AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/iam/aws4_request, ...' -> 'iam'."""
    if not value or 'Credential=' not in value:
        return None
    credential = value.split('Credential=', 1)[1].split(',', 1)[0].strip()
    parts = credential.split('/')
    return parts[3] if len(parts) >= 5 else None


def parse_request(method, path, headers, body):
    """(service, action, params, protocol) of an AWS request: query protocol (form body or query string) or JSON."""
    service = _service_from_authorization(headers.get('Authorization'))
    target = headers.get('X-Amz-Target')
    if target:
        params = {}
        try:
            decoded = json.loads(body.decode('utf-8') or '{}')
            if isinstance(decoded, dict):
                params = decoded
        except ValueError:
            pass
        prefix, _dot, action = target.rpartition('.')
        if service is None and prefix:
            service = prefix.lower()
        return service, action or None, params, 'json'
    params = {}
    query = urllib.parse.urlsplit(path).query
    if query:
        params.update(urllib.parse.parse_qsl(query, keep_blank_values=True))
    content_type = (headers.get('Content-Type') or '').lower()
    if body and (method == 'POST' and ('x-www-form-urlencoded' in content_type or not content_type)):
        try:
            params.update(urllib.parse.parse_qsl(body.decode('utf-8'), keep_blank_values=True))
        except UnicodeDecodeError:
            pass
    return service, params.get('Action'), params, 'query'


def error_body(protocol, service, code, message, request_id):
    """(content type, body bytes) of an AWS error answer in the request's protocol."""
    if protocol == 'json':
        return 'application/x-amz-json-1.1', json.dumps({'__type': code, 'message': message}).encode()
    kind = 'Sender' if code in ('Throttling', 'AccessDenied') else 'Receiver'
    namespace = _XML_NAMESPACES.get(service, _XML_NAMESPACES['iam'])
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code>'
           '<Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>' % (namespace, kind, code, message, request_id))
    return 'text/xml', xml.encode()


class _ProxyServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy = None  # the AwsProxy, set after construction


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'aws-proxy'
    sys_version = ''

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Silent: a request line or body may carry secrets, and tests read stdout."""

    def setup(self):
        super().setup()
        self.server.proxy.track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.proxy.track(self.connection, False)

    def _read_body(self):
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b';', 1)[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                        pass
                    return b''.join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _handle(self):
        body = self._read_body()
        self.server.proxy.handle(self, body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle

    def send_answer(self, status, headers, body, reason=None):
        self.send_response_only(status, reason)
        for name, value in headers:
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        if self.close_connection:
            self.send_header('Connection', 'close')
        self.end_headers()
        if self.command != 'HEAD' and body:
            self.wfile.write(body)
        self.wfile.flush()

    def reset_connection(self):
        """Close the TCP connection with a RST, without an answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class AwsProxy:
    """The proxy. ``upstream`` is the moto server's URL or an object with ``.endpoint`` (a MotoSandbox)."""

    def __init__(self, upstream, faults=None, timeout=120):
        self.sandbox = None if isinstance(upstream, str) else upstream
        self.upstream = upstream if isinstance(upstream, str) else upstream.endpoint
        split = urllib.parse.urlsplit(self.upstream)
        self._upstream_host = split.hostname
        self._upstream_port = split.port or 80
        self.timeout = timeout
        self._lock = threading.Lock()
        self._calls = []
        self._faults = faults or Faults()
        self._random = random.Random(self._faults.seed)
        self._denials_passed = 0
        self._server = None
        self._thread = None
        self._connections = set()

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self):
        if self._server is not None:
            return self
        server = _ProxyServer(('127.0.0.1', 0), _Handler)
        server.proxy = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.5},
                                        name='aws-proxy', daemon=True)
        self._thread.start()
        return self

    def stop(self):
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(timeout=5)
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        if self._server is None:
            raise RuntimeError('the proxy is not started')
        return self._server.server_address[1]

    @property
    def endpoint(self):
        return 'http://127.0.0.1:%d' % self.port

    # -- environment -------------------------------------------------------------------------------

    @property
    def env(self):
        """The standard AWS environment that reaches moto through this proxy."""
        if self.sandbox is not None and hasattr(self.sandbox, 'env'):
            env = dict(self.sandbox.env)
        else:
            from tests.utils import sandbox as sandbox_module  # pylint: disable=import-outside-toplevel
            env = {
                'AWS_ACCESS_KEY_ID': sandbox_module.SANDBOX_ACCESS_KEY_ID,
                'AWS_SECRET_ACCESS_KEY': sandbox_module.SANDBOX_SECRET_ACCESS_KEY,
                'AWS_DEFAULT_REGION': sandbox_module.SANDBOX_REGION,
                'AWS_REGION': sandbox_module.SANDBOX_REGION,
                'AWS_EC2_METADATA_DISABLED': 'true',
                'AWS_MAX_ATTEMPTS': '10',
            }
        env['AWS_ENDPOINT_URL'] = self.endpoint
        return env

    def environ(self, base=None, **extra):
        """A full process environment (like MotoSandbox.environ) whose AWS_ENDPOINT_URL is this proxy."""
        if self.sandbox is not None and hasattr(self.sandbox, 'environ'):
            return self.sandbox.environ(base, **dict(self.env, **extra))
        from tests.utils import sandbox as sandbox_module  # pylint: disable=import-outside-toplevel
        env = dict(os.environ if base is None else base)
        for name in sandbox_module._AWS_VARIABLES_TO_CLEAR:  # pylint: disable=protected-access
            env.pop(name, None)
        env.update(self.env)
        env.update(extra)
        return env

    # -- faults ------------------------------------------------------------------------------------

    @property
    def faults(self):
        return self._faults

    @faults.setter
    def faults(self, faults):
        """Switch faults (and restart the random sequence from their seed); None means no faults."""
        with self._lock:
            self._faults = faults or Faults()
            self._random = random.Random(self._faults.seed)
            self._denials_passed = 0

    def set_faults(self, faults):
        self.faults = faults

    def _denied(self, action):
        """True when ``action`` is to be answered with AccessDenied (Faults.deny, after Faults.deny_skip passes)."""
        with self._lock:
            faults = self._faults
            if not faults.deny or action not in faults.deny:
                return False
            if self._denials_passed < faults.deny_skip:
                self._denials_passed += 1
                return False
            return True

    def _draw(self, action):
        """(faults, pre-forward fault or None, error_after_write?, delay, (code, status)) of one request; always four draws."""
        with self._lock:
            faults = self._faults
            draws = [self._random.random() for _draw in range(4)]
        if not faults.applies_to(action):
            return faults, None, False, 0.0, None
        pick, after_write, delay_draw, code_draw = draws
        fault = None
        if pick < faults.reset:
            fault = 'reset'
        elif pick < faults.reset + faults.throttle:
            fault = 'throttle'
        elif pick < faults.reset + faults.throttle + faults.server_error:
            fault = 'server_error'
        error_after_write = is_write_action(action) and after_write < faults.error_after_write
        code = ('InternalFailure', 500) if code_draw < 0.5 else ('ServiceUnavailable', 503)
        return faults, fault, error_after_write, delay_draw * faults.delay, code

    # -- recording ---------------------------------------------------------------------------------

    @property
    def calls(self):
        with self._lock:
            return list(self._calls)

    def clear(self):
        with self._lock:
            self._calls.clear()

    def actions(self, include_faulted=True):
        """Action names of the recorded calls, in order (faulted ones included unless told otherwise)."""
        return [call.action for call in self.calls if include_faulted or call.fault is None]

    def write_calls(self, include_faulted=True):
        """Recorded calls of write actions (not Get*/List*/Describe*/Simulate*/Generate*)."""
        return [call for call in self.calls if call.is_write and (include_faulted or call.fault is None)]

    def counts(self, include_faulted=False):
        """Counter by action of the calls forwarded to moto (error_after_write ones included); all recorded calls with include_faulted."""
        return collections.Counter(call.action for call in self.calls if include_faulted or call.forwarded)

    def faulted(self, fault=None):
        """Calls that met a fault (of one kind if given)."""
        return [call for call in self.calls if call.fault is not None and (fault is None or call.fault == fault)]

    def track(self, connection, is_open):
        with self._lock:
            if is_open:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    # -- the work ----------------------------------------------------------------------------------

    def _forward(self, handler, body):
        """Send the request upstream unchanged; (status, reason, headers, body)."""
        connection = http.client.HTTPConnection(self._upstream_host, self._upstream_port, timeout=self.timeout)
        try:
            connection.putrequest(handler.command, handler.path, skip_host=True, skip_accept_encoding=True)
            for name, value in handler.headers.items():
                if name.lower() not in _HOP_BY_HOP:
                    connection.putheader(name, value)
            if body or handler.command in ('POST', 'PUT', 'PATCH'):
                connection.putheader('Content-Length', str(len(body)))
            connection.putheader('Connection', 'close')
            connection.endheaders(body or None)
            response = connection.getresponse()
            data = response.read()
            return response.status, response.reason, response.getheaders(), data
        finally:
            connection.close()

    def _forward_or_bad_gateway(self, handler, body, protocol='query', service=None):
        """(forwarded?, status, reason, headers, body); an AWS-style 502 when moto cannot be reached."""
        try:
            return (True,) + self._forward(handler, body)
        except (OSError, http.client.HTTPException) as exc:
            message = 'upstream %s unreachable (%s)' % (self.upstream, exc.__class__.__name__)
            request_id = str(uuid.uuid4())
            content_type, data = error_body(protocol, service, 'BadGateway', message, request_id)
            return False, 502, 'Bad Gateway', [('Content-Type', content_type), ('x-amzn-RequestId', request_id)], data

    def handle(self, handler, body):
        path = urllib.parse.urlsplit(handler.path).path
        if path.startswith('/moto-api'):
            _forwarded, status, reason, headers, data = self._forward_or_bad_gateway(handler, body)
            handler.send_answer(status, headers, data, reason)
            return
        service, action, params, protocol = parse_request(handler.command, handler.path, handler.headers, body)
        call = Call(service=service, action=action, params=params, method=handler.command, path=path, started=time.time())
        _faults, fault, error_after_write, delay, code = self._draw(action)
        with self._lock:
            self._calls.append(call)
        try:
            if delay > 0:
                call.delay = delay
                time.sleep(delay)
            request_id = str(uuid.uuid4())
            if self._denied(action):
                call.fault = 'deny'
                message = 'User is not authorized to perform: %s:%s' % (service, action)
                content_type, data = error_body(protocol, service, 'AccessDenied', message, request_id)
                call.status = 403
                handler.send_answer(403, [('Content-Type', content_type), ('x-amzn-RequestId', request_id)], data)
                return
            if fault == 'reset':
                call.fault = 'reset'
                handler.reset_connection()
                return
            if fault == 'throttle':
                call.fault = 'throttle'
                content_type, data = error_body(protocol, service, 'Throttling', 'Rate exceeded', request_id)
                call.status = 400
                handler.send_answer(400, [('Content-Type', content_type), ('x-amzn-RequestId', request_id)], data)
                return
            if fault == 'server_error':
                call.fault = 'server_error'
                error_code, status = code
                message = 'Service is unavailable' if status == 503 else 'An internal error occurred'
                content_type, data = error_body(protocol, service, error_code, message, request_id)
                call.status = status
                handler.send_answer(status, [('Content-Type', content_type), ('x-amzn-RequestId', request_id)], data)
                return
            call.forwarded, status, reason, headers, data = self._forward_or_bad_gateway(handler, body, protocol, service)
            call.upstream_status = status
            if error_after_write and status < 300:
                call.fault = 'error_after_write'
                content_type, data = error_body(protocol, service, 'InternalFailure', 'An internal error occurred', request_id)
                call.status = 500
                handler.send_answer(500, [('Content-Type', content_type), ('x-amzn-RequestId', request_id)], data)
                return
            call.status = status
            handler.send_answer(status, headers, data, reason)
        finally:
            call.duration = time.time() - call.started
