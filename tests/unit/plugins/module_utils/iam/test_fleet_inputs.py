# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet's inputs (pure): what a workstation's variables ask for, every workstation's entries checked."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_inputs import FleetInputError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_inputs import check_workstations
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_inputs import missing_groups
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_inputs import workstation_entries

K1 = 'AKIAAAAAAAAAAAAAAAA1'


def workstation(host, iam_user='alice', profiles=None, **variables):
    entries = workstation_entries(variables.pop('developers', None) or [dict({'iam_user': iam_user}, **variables)], [], iam_user)
    return {'host': host, 'user': 'dev', 'user_found': True, 'files_error': None, 'errors': entries['errors'],
            'entries': entries['entries'], 'profiles': {} if profiles is None else profiles}


# ---- checking the inputs -------------------------------------------------------------------------

def test_every_bad_input_is_named_by_host_and_variable_at_once():
    with pytest.raises(FleetInputError) as raised:
        check_workstations([
            workstation('ws1', region='Seoul'),
            workstation('ws2', profile='my profile'),
            workstation('ws3', iam_user='bad name!'),
            workstation('ws4', state='gone'),
            dict(workstation('ws5'), user_found=False, user='nobody'),
            dict(workstation('ws6'), files_error='the AWS CLI files of dev cannot be read: BOM'),
        ])
    problems = raised.value.problems
    assert problems[0].startswith("ws1: workstation_region: must look like an AWS region") and "'Seoul'" in problems[0]
    assert problems[1].startswith('ws2: workstation_profile: must not contain whitespace')
    assert problems[2].startswith('ws3: workstation_iam_user: an IAM user name may only contain')
    assert problems[3] == "ws4: workstation_state: must be present or absent (got 'gone')"
    assert problems[4] == "ws5: workstation_user: no OS user 'nobody' on this host"
    assert problems[5] == 'ws6: the AWS CLI files of dev cannot be read: BOM'
    assert len(problems) == 6 and 'nothing was written' in raised.value.message


def test_entries_of_a_developer_list_are_labelled_by_index():
    found = workstation_entries([{'iam_user': 'alice'}, {'iam_user': 'bob', 'profile': 'b', 'region': 'nowhere'}], [], '')
    with pytest.raises(FleetInputError) as raised:
        check_workstations([{'host': 'ws1', 'entries': found['entries'], 'errors': found['errors'], 'profiles': {}}])
    assert raised.value.problems == ["ws1: workstation_developers[1].region: must look like an AWS region such as ap-northeast-2 (got 'nowhere')"]


def test_shapes_are_refused_with_the_variable_named():
    assert workstation_entries([], 'default')['errors'] == [
        "workstation_profiles: must be a list of profiles, each a dict with a name (got 'default')"]
    assert workstation_entries([{'iam_user': 'a', 'gruops': []}], [], '')['errors'] == [
        'workstation_developers[0]: unknown key gruops; the supported keys are iam_user, groups, manage_groups, profile, region, output, state']
    assert workstation_entries('alice', [], '')['errors'][0].startswith('workstation_developers: must be a list')


def test_guide_profiles_hold_a_user_without_managing_its_groups_and_never_copy_a_secret():
    found = workstation_entries([], [{'name': 'default', 'iam_user': 'PowerUser', 'region': 'eu-west-1'},
                                     {'name': 'other', 'access_key_id': K1, 'secret_access_key': 'SECRET'}])
    holder_entry, plain = found['entries']
    assert (holder_entry['kind'], holder_entry['groups'], holder_entry['region']) == ('holder', None, 'eu-west-1')
    assert plain['kind'] == 'profile' and plain['index'] == 1
    assert 'SECRET' not in repr(found)


def test_one_profile_twice_on_a_host_is_refused():
    with pytest.raises(FleetInputError) as raised:
        check_workstations([workstation('ws1', developers=[{'iam_user': 'alice'}, {'iam_user': 'bob'}])])
    assert raised.value.problems == ["ws1: workstation_developers[1].profile: profile 'default' is also given by workstation_developers[0].profile"]


def test_holders_of_a_shared_user_must_agree_on_its_groups():
    with pytest.raises(FleetInputError) as raised:
        check_workstations([workstation('ws1', groups=['PowerUsers']), workstation('ws2', groups=['Admins'])])
    assert 'ws2: workstation_iam_groups' in raised.value.problems[0] and 'shared IAM user alice' in raised.value.problems[0]


def test_missing_groups_name_the_host_and_variable():
    holders, _profiles = check_workstations([workstation('ws1', groups=['PowerUsers', 'Auditors'])])
    assert missing_groups(holders, lambda group: group == 'PowerUsers') == [
        "ws1: workstation_iam_groups: no IAM group 'Auditors' exists, and this run does not create it"]


def test_held_keys_come_from_the_profiles_read_and_unreadable_hosts_hold_unknown():
    holders, _profiles = check_workstations([workstation('ws1', profiles={'default': K1}), workstation('ws2', profiles={}),
                                             dict(workstation('ws3'), profiles=None)])
    assert [entry['held'] for entry in holders] == [K1, '', None]


def test_a_profile_field_taken_from_another_variable_is_named_by_that_variable():
    built = [{'name': 'default', 'iam_user': 'PowerUser', 'region': 'Seoul'}]
    for origins, named in (({'region': 'workstation_region'}, 'workstation_region'), (None, 'workstation_profiles[0].region')):
        found = workstation_entries([], built, origins=origins)
        with pytest.raises(FleetInputError) as raised:
            check_workstations([{'host': 'ws1', 'entries': found['entries'], 'errors': found['errors'], 'profiles': {}}])
        assert raised.value.problems == ["ws1: %s: must look like an AWS region such as ap-northeast-2 (got 'Seoul')" % named]
