# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Debian's AWS CLI v2 (package awscli) for tests, without installing it on the machine.

``/usr/bin/aws`` when Debian's package is installed; otherwise the package and the Python
libraries it needs are downloaded with ``apt-get download`` and unpacked into a private folder
under the temp directory (nothing is installed: installing /usr/bin/aws would change what other
tests on this machine find on PATH). Returns a command that runs it with the system Python.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile

SYSTEM_AWS = '/usr/bin/aws'
SYSTEM_PYTHON = '/usr/bin/python3'
VERSION = '2.9.19'
# awscli's Depends: that a plain Debian 12 does not have, and what they need in turn.
PACKAGES = ('awscli', 'python3-awscrt', 'python3-colorama', 'python3-dateutil', 'python3-docutils', 'python3-roman',
            'python3-jmespath', 'python3-prompt-toolkit', 'python3-wcwidth', 'python3-ruamel.yaml', 'python3-ruamel.yaml.clib',
            'python3-urllib3', 'python3-pyasn1', 'python3-six', 'python3-cryptography', 'python3-cffi-backend', 'python3-distro')


def _package_installed(name):
    proc = subprocess.run(['dpkg-query', '-W', '-f', '${Status}', name], capture_output=True, text=True, check=False)
    return proc.returncode == 0 and proc.stdout.strip().endswith('install ok installed')


def debian_aws_cli_v2():
    """(python argv prefix, PYTHONPATH or None, label): how to run Debian's AWS CLI v2. Raises AssertionError when it cannot."""
    if os.path.exists(SYSTEM_AWS) and _package_installed('awscli'):
        return [SYSTEM_PYTHON, '-s'], None, 'Debian awscli (installed)'
    root = os.path.join(tempfile.gettempdir(), 'awsbootstrap-test-debian-awscli-%s' % VERSION)
    site = os.path.join(root, 'usr', 'lib', 'python3', 'dist-packages')
    if not os.path.exists(os.path.join(site, 'awscli', '__init__.py')):
        building = tempfile.mkdtemp(prefix='debian-awscli-')
        try:
            download = subprocess.run(['apt-get', 'download'] + list(PACKAGES), cwd=building, capture_output=True, text=True, check=False)
            if download.returncode != 0:
                subprocess.run(['apt-get', 'update'], capture_output=True, check=False)
                download = subprocess.run(['apt-get', 'download'] + list(PACKAGES), cwd=building, capture_output=True, text=True,
                                          check=False)
            assert download.returncode == 0, 'cannot download Debian\'s awscli: %s' % download.stderr[-2000:]
            unpacked = os.path.join(building, 'root')
            for deb in glob.glob(os.path.join(building, '*.deb')):
                subprocess.run(['dpkg-deb', '-x', deb, unpacked], check=True, capture_output=True)
            try:
                os.rename(unpacked, root)
            except OSError:
                pass  # unpacked concurrently by another process: use that one
        finally:
            shutil.rmtree(building, ignore_errors=True)
    assert os.path.exists(os.path.join(site, 'awscli', '__init__.py')), 'Debian\'s awscli could not be unpacked into %s' % root
    return [SYSTEM_PYTHON, '-s'], site, 'Debian awscli %s (unpacked)' % VERSION
