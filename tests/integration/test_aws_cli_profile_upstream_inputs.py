# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWS CLI's own config-writer test cases and botocore's tests/unit/cfg files (tests/fixtures/upstream,
sources in SOURCES.md), each run through aws_cli_profile and read back by botocore."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_settings
from tests.unit.plugins.module_utils.awscli.test_ini_grammar import expected_reading
from tests.utils import botocore_oracle as oracle
from tests.utils.ansible_runner import run_module

UPSTREAM = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'fixtures', 'upstream')
with open(os.path.join(UPSTREAM, 'aws-cli-configure-writer.json'), encoding='utf-8') as _handle:
    WRITER = json.load(_handle)
CFG = sorted(os.listdir(os.path.join(UPSTREAM, 'botocore-cfg')))


def module_args(profile, settings, folder):
    args = dict(profile=profile, credentials_file=str(folder / 'credentials'), config_file=str(folder / 'config'))
    settings = dict(settings)
    if 'region' in settings:
        args['region'] = settings.pop('region')
    args['settings'] = settings
    return args


@pytest.mark.parametrize('case', WRITER['cases'], ids=[c['name'] for c in WRITER['cases']])
def test_aws_cli_writer_case(home, tmp_path, case):
    config = tmp_path / 'config'
    if case['original'] is not None:
        config.write_bytes(case['original'].encode('utf-8'))
    result = run_module('aws_cli_profile', module_args(case['profile'], case['settings'], tmp_path), home)
    if any(ch.isspace() for ch in case['profile']):
        # A profile name with whitespace ([profile "two  spaces"]) is refused by design, before any file is touched.
        assert result.get('failed') is True and result['msg'].startswith('profile:') and 'whitespace' in result['msg']
        assert config.read_bytes() == case['original'].encode('utf-8')
        return
    assert result.get('failed') is not True, result
    assert result['changed'] is True
    written = config.read_bytes().decode('utf-8')
    # botocore reads our file exactly as it reads the file the AWS CLI's own writer makes.
    assert oracle.raw(written) == oracle.raw(case['aws_cli_expected'])
    assert oracle.config_profiles(written) == oracle.config_profiles(case['aws_cli_expected'])
    # And exactly as the original with the update (the same judge as the property test).
    wanted = dict(case['settings'])
    assert oracle.raw(written) == expected_reading(ini_settings.CONFIG, oracle.raw(case['original'] or ''), case['profile'],
                                                   'present', wanted)
    again = run_module('aws_cli_profile', module_args(case['profile'], case['settings'], tmp_path), home)
    assert again['changed'] is False
    assert config.read_bytes().decode('utf-8') == written


@pytest.mark.parametrize('case', WRITER['refused'], ids=[c['name'] for c in WRITER['refused']])
def test_aws_cli_writer_refusals(home, tmp_path, case):
    config = tmp_path / 'config'
    config.write_text(case['original'])
    result = run_module('aws_cli_profile', module_args(case['profile'], case['settings'], tmp_path), home)
    assert result.get('failed') is True
    assert result['msg'].split(':')[0] in ('profile', 'settings', 'settings.foo', 'settings.s3.key'), result['msg']
    assert config.read_text() == case['original']
    assert not (tmp_path / 'credentials').exists()


@pytest.mark.parametrize('name', CFG)
def test_botocore_cfg_file_through_the_module(home, tmp_path, name):
    with open(os.path.join(UPSTREAM, 'botocore-cfg', name), 'rb') as handle:
        data = handle.read()
    config = tmp_path / 'config'
    config.write_bytes(data)
    args = dict(credentials_file=str(tmp_path / 'credentials'), config_file=str(config))
    if not oracle.readable_bytes(data):
        # botocore cannot read it: refused, untouched.
        result = run_module('aws_cli_profile', dict(args, region='eu-west-1'), home)
        assert result.get('failed') is True
        assert result['msg'].startswith('config_file: %s ' % config), result['msg']
        assert config.read_bytes() == data
        assert not (tmp_path / 'credentials').exists()
        return
    text = data.decode('utf-8')
    profiles = [p for p in oracle.config_profiles(text) if not any(ch.isspace() for ch in p)]
    for profile in profiles + ['newbie']:
        before = config.read_bytes().decode('utf-8')
        result = run_module('aws_cli_profile', dict(args, profile=profile, region='eu-west-1', settings={'cli_pager': ''}), home)
        assert result.get('failed') is not True, result
        after = config.read_bytes().decode('utf-8')
        assert oracle.raw(after) == expected_reading(ini_settings.CONFIG, oracle.raw(before), profile, 'present',
                                                     {'region': 'eu-west-1', 'cli_pager': ''})
        assert oracle.config_profiles(after)[profile]['region'] == 'eu-west-1'
    before = config.read_bytes().decode('utf-8')
    target = profiles[0] if profiles else 'newbie'
    result = run_module('aws_cli_profile', dict(args, profile=target, state='absent'), home)
    assert result.get('failed') is not True, result
    after = config.read_bytes().decode('utf-8')
    assert target not in oracle.config_profiles(after)
    assert oracle.raw(after) == expected_reading(ini_settings.CONFIG, oracle.raw(before), target, 'absent', {})
    # The comment line naming the source is still the first line.
    assert after.startswith('# Source: github.com/boto/botocore') or not text.startswith('# Source')
