# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""An AWS CLI that every throw-away OS user can run (the .venv's lives under root's private home).

Built once into a world-readable folder with the system Python; tests put its bin/ on PATH, which
``su`` keeps, so each developer's workstation checks run the real CLI as that developer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

AWSCLI_REQUIREMENT = 'awscli==1.46.3'


def system_python():
    for candidate in ('/usr/bin/python3', os.path.realpath(sys.executable)):
        if os.path.exists(candidate):
            return candidate
    raise AssertionError('no system python3')


def shared_aws_cli_bin():
    """The bin/ folder of a virtualenv holding the AWS CLI, readable and runnable by every user."""
    root = os.path.join(tempfile.gettempdir(), 'awsbootstrap-test-awscli-%s' % AWSCLI_REQUIREMENT.split('==')[1])
    aws = os.path.join(root, 'bin', 'aws')
    if not os.path.exists(aws):
        building = root + '.%d' % os.getpid()
        subprocess.run([system_python(), '-m', 'venv', building], check=True, capture_output=True)
        subprocess.run([os.path.join(building, 'bin', 'python'), '-m', 'pip', 'install', '--quiet', AWSCLI_REQUIREMENT],
                       check=True, capture_output=True)
        os.chmod(building, 0o755)
        try:
            os.rename(building, root)
        except OSError:
            pass  # built concurrently by another process: use that one
        # venv scripts carry the folder they were built in: rebuild the aws entry point for the final path.
        subprocess.run([os.path.join(root, 'bin', 'python'), '-m', 'pip', 'install', '--quiet', '--force-reinstall', '--no-deps',
                        AWSCLI_REQUIREMENT], check=True, capture_output=True)
    return os.path.join(root, 'bin')
