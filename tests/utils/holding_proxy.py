# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A recording proxy that stops a run at a chosen AWS API call, so that a test can SIGKILL it exactly there.

    proxy = HoldingProxy(moto).start()
    reached = proxy.hold({'UpdateAccessKey'}, after=True)   # the first one is applied by moto, its answer held
    proc = start(...); wait until reached.is_set(); kill the run; proxy.release()

``after=False`` holds the call before moto sees it. A held call is never answered and never forwarded later:
``release`` (and ``stop``) drop it with a connection reset, so nothing reaches the account after the kill.
"""

from __future__ import annotations

import threading

from tests.utils.aws_proxy import AwsProxy, parse_request


class _Dropped(Exception):
    """The held call ends without an answer."""


class HoldingProxy(AwsProxy):
    """An AwsProxy with one hold rule at a time: (actions, after forwarding?, how many matching calls pass first)."""

    def __init__(self, upstream, timeout=120):
        super().__init__(upstream, timeout=timeout)
        self._rule = None
        self._released = threading.Event()
        self.reached = threading.Event()
        self.held = None

    def hold(self, actions, after=False, skip=0):
        """Hold the next call of one of ``actions`` (a set of action names) after ``skip`` of them; the Event is set then."""
        with self._lock:
            self._rule = [frozenset(actions), after, skip]
            self.held = None
            self.reached.clear()
            self._released.clear()
        return self.reached

    def release(self):
        """Drop the held call (if any) and hold nothing more."""
        with self._lock:
            self._rule = None
        self._released.set()

    def stop(self):
        self.release()
        super().stop()

    def _matches(self, action, after):
        with self._lock:
            rule = self._rule
            if rule is None or action not in rule[0] or rule[1] != after:
                return False
            if rule[2] > 0:
                rule[2] -= 1
                return False
            self._rule = None
            self.held = action
        return True

    def _wait(self, action, after):
        if self._matches(action, after):
            self.reached.set()
            self._released.wait()
            raise _Dropped(action)

    def handle(self, handler, body):
        action = parse_request(handler.command, handler.path, handler.headers, body)[1]
        try:
            self._wait(action, False)
            super().handle(handler, body)
        except _Dropped:
            handler.reset_connection()

    def _forward(self, handler, body):
        answer = super()._forward(handler, body)
        self._wait(parse_request(handler.command, handler.path, handler.headers, body)[1], True)
        return answer
