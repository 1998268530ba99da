# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test-only callback: append every task result, as callbacks receive it, to a JSON-lines file.

Loaded by the proof suites through ``ANSIBLE_CALLBACK_PLUGINS`` and ``ANSIBLE_CALLBACKS_ENABLED=proof_dump``;
the file is ``$PROOF_DUMP_PATH``. What a third-party callback (a log shipper, ARA, a CI report) would
store is what is dumped here, so the secrets suite can check that no secret reaches any of them.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: proof_dump
type: aggregate
short_description: Dump every task result to the JSON-lines file named by PROOF_DUMP_PATH (tests only)
description:
  - Test helper of awsbootstrap.iam, not shipped as a plugin of the collection.
requirements:
  - enabled in ANSIBLE_CALLBACKS_ENABLED
"""

import json
import os

from ansible.plugins.callback import CallbackBase


def _plain(value):
    """Ansible's tagged/templated values, bytes and sets as JSON-friendly data (str as a fallback)."""
    return str(value)


class CallbackModule(CallbackBase):
    """Appends one JSON object per runner event: event, task, registered variable, host, item, result."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'proof_dump'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get('PROOF_DUMP_PATH')

    def _dump(self, event, result):
        if not self._path:
            return
        task = result.task
        record = {
            'event': event,
            'task': task.get_name() if task else None,
            'register': getattr(task, 'register', None) if task else None,
            'no_log': bool(getattr(task, 'no_log', False)) if task else None,
            'host': result.host.get_name() if result.host else None,
            'result': result.result,
        }
        with open(self._path, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(record, default=_plain, sort_keys=True) + '\n')

    def v2_runner_on_ok(self, result):
        self._dump('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._dump('failed', result)

    def v2_runner_on_skipped(self, result):
        self._dump('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._dump('unreachable', result)

    def v2_runner_item_on_ok(self, result):
        self._dump('item_ok', result)

    def v2_runner_item_on_failed(self, result):
        self._dump('item_failed', result)

    def v2_runner_item_on_skipped(self, result):
        self._dump('item_skipped', result)

    def v2_runner_retry(self, result):
        self._dump('retry', result)

    def v2_runner_on_async_ok(self, result):
        self._dump('async_ok', result)

    def v2_runner_on_async_failed(self, result):
        self._dump('async_failed', result)
