# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The opening every Identity Center module's run() shares: every option checked before any client is made."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import open_identity_center
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

INSTANCE = 'arn:aws:sso:::instance/ssoins-0123456789abcdef'
SNAPSHOT = {'instance_arn': INSTANCE, 'identity_store_id': 'd-1234567890', 'users': {'Alice': 'u-a'}}


class FakeModule:
    def __init__(self, **params):
        self.params = dict({'instance_arn': None, 'identity_center_snapshot': None}, **params)
        self.events = []

    def client(self, service, retry_decorator=None):
        self.events.append('client %s' % service)
        return service


def check_names(module):
    def check(params):
        module.events.append('check')
        if params['names'] == 'bad':
            raise OptionError('names', 'bad')
        return params['names']
    return check


@pytest.mark.parametrize('params, option', [
    ({'instance_arn': 'not-an-arn', 'names': ['a']}, 'instance_arn'),
    ({'identity_center_snapshot': {'instance_arn': INSTANCE}, 'names': ['a']}, 'identity_center_snapshot'),
    ({'names': 'bad'}, 'names'),
])
def test_a_bad_option_fails_before_any_client(params, option):
    module = FakeModule(**params)
    with pytest.raises(OptionError) as failure:
        open_identity_center(module, check_names(module))
    assert failure.value.option == option
    assert not [event for event in module.events if event.startswith('client')]


def test_the_module_options_are_checked_first_then_the_clients_and_the_snapshot_instance():
    module = FakeModule(identity_center_snapshot=SNAPSHOT, names=['a'])
    opened = open_identity_center(module, check_names(module))
    assert module.events == ['check', 'client sso-admin', 'client identitystore']
    assert opened.checked == ['a']
    assert opened.snapshot['users'] == {'alice': 'u-a'}
    assert (opened.sso_admin, opened.identity_store) == ('sso-admin', 'identitystore')
    assert opened.instance == {'arn': INSTANCE, 'identity_store_id': 'd-1234567890', 'partition': 'aws'}
