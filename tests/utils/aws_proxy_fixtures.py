# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pytest fixtures of the recording / fault-injecting proxy between boto3 and moto.

``aws_proxy``: an AwsProxy (no faults) in front of the ``sandbox`` fixture's freshly reset moto
server; ``aws_proxy.environ(**extra)`` is the full environment that reaches moto through it.

``make_aws_proxy(faults=None)``: a factory for more proxies in front of the same moto server
(typically one with ``Faults(...)``); each is stopped at the end of the test.
"""

from __future__ import annotations

import pytest

from tests.utils.aws_proxy import AwsProxy, Faults

__all__ = ['aws_proxy', 'make_aws_proxy', 'AwsProxy', 'Faults']


@pytest.fixture
def make_aws_proxy(sandbox):
    """``make_aws_proxy(faults=None)`` -> a started AwsProxy in front of the reset moto server."""
    proxies = []

    def factory(faults=None):
        proxy = AwsProxy(sandbox, faults=faults).start()
        proxies.append(proxy)
        return proxy

    yield factory
    for proxy in proxies:
        proxy.stop()


@pytest.fixture
def aws_proxy(make_aws_proxy):
    """A recording proxy (no faults) in front of the reset moto server."""
    return make_aws_proxy()
