# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared fixtures: import path for the collection, throw-away HOMEs, the moto sandbox, ansible runs."""

from __future__ import annotations

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# .collections/ansible_collections/awsbootstrap/iam links back to this checkout.
sys.path.insert(0, os.path.join(ROOT, '.collections'))
sys.path.insert(0, ROOT)

from tests.utils.sandbox import MotoSandbox  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def home(tmp_path):
    """A throw-away HOME; the real ~/.aws is never touched."""
    path = tmp_path / 'home'
    path.mkdir()
    return path


@pytest.fixture(scope='session')
def moto_server():
    """One moto server for the session; tests that need a clean account use the ``sandbox`` fixture."""
    with MotoSandbox() as server:
        yield server


@pytest.fixture
def sandbox(moto_server):
    """The session's moto server, reset to an empty account (managed policies loaded)."""
    moto_server.enforce_auth(False)
    moto_server.reset()
    yield moto_server
    moto_server.enforce_auth(False)


# Fixtures of the recording / fault-injecting proxy between boto3 and moto.
pytest_plugins = ['tests.utils.aws_proxy_fixtures']
