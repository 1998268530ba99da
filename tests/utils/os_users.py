# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Throw-away OS users for tests that run as root (become, fleets of workstations)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys


def create_user(home_parent):
    """Create a user whose home is under ``home_parent``; returns (name, home)."""
    name = 'awsbt%s' % secrets.token_hex(4)
    home = os.path.join(str(home_parent), name)
    os.chmod(str(home_parent), 0o755)
    subprocess.run(['useradd', '--create-home', '--home-dir', home, '--shell', '/bin/sh', '--user-group', name],
                   check=True, capture_output=True)
    return name, home


def delete_user(name):
    subprocess.run(['userdel', '--remove', name], check=False, capture_output=True)


def python_for(user):
    """A Python interpreter that ``user`` can run (the module needs only the standard library)."""
    for candidate in ('/usr/bin/python3', os.path.realpath(sys.executable)):
        proc = subprocess.run(['su', '-s', '/bin/sh', user, '-c', '%s -c pass' % candidate], capture_output=True, check=False)
        if proc.returncode == 0:
            return candidate
    raise AssertionError('no Python interpreter that %s can run' % user)
