# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Throw-away OS users for tests that run as root (become, fleets of workstations)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import subprocess
import sys
import time

# useradd/userdel lock /etc/passwd and give up at once when another one holds it ("cannot lock
# /etc/passwd; try again later"): the integration tests run in parallel workers, so serialise ours.
_LOCK = '/tmp/awsbootstrap-test-useradd.lock'


@contextlib.contextmanager
def _account_lock():
    with open(_LOCK, 'a') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def run_account_command(argv, check):
    for attempt in range(10):
        with _account_lock():
            proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        if proc.returncode == 0 or 'lock' not in proc.stderr:
            break
        time.sleep(0.2 * (attempt + 1))
    if check and proc.returncode != 0:
        raise AssertionError('%s failed (%d): %s' % (' '.join(argv), proc.returncode, proc.stderr))
    return proc


def create_user(home_parent):
    """Create a user whose home is under ``home_parent``; returns (name, home)."""
    name = 'awsbt%s' % secrets.token_hex(4)
    home = os.path.join(str(home_parent), name)
    os.chmod(str(home_parent), 0o755)
    run_account_command(['useradd', '--create-home', '--home-dir', home, '--shell', '/bin/sh', '--user-group', name], check=True)
    return name, home


def delete_user(name):
    run_account_command(['userdel', '--remove', name], check=False)


def python_for(user):
    """A Python interpreter that ``user`` can run (the module needs only the standard library)."""
    for candidate in ('/usr/bin/python3', os.path.realpath(sys.executable)):
        proc = subprocess.run(['su', '-s', '/bin/sh', user, '-c', '%s -c pass' % candidate], capture_output=True, check=False)
        if proc.returncode == 0:
            return candidate
    raise AssertionError('no Python interpreter that %s can run' % user)
