# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The line-preserving editor of the AWS CLI files, checked against hand-written expectations and botocore."""

from __future__ import annotations

import configparser
import os

import pytest
from botocore import configloader

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_settings
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import profile_view
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_document import IniDocument
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_edit import plan_profile
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import REMOVE

FIXTURES = os.path.join(os.path.dirname(__file__), *['..'] * 4, 'fixtures', 'aws')


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding='utf-8', newline='') as handle:
        return handle.read()


def edit(text, header, key, value):
    document = IniDocument(text)
    document.set(header, key, value)
    return document.render()


def test_render_of_unedited_document_is_input():
    text = fixture('config')
    assert IniDocument(text).render() == text


def test_replace_keeps_the_lines_own_style():
    assert edit('[default]\nregion=us-west-2\noutput=text\n', 'default', 'region', 'ap-northeast-2') == \
        '[default]\nregion=ap-northeast-2\noutput=text\n'
    assert edit('[default]\nRegion :  us-west-2\n', 'default', 'region', 'eu-west-1') == '[default]\nRegion :  eu-west-1\n'


def test_missing_key_goes_after_the_last_entry_not_after_the_next_sections_comment():
    text = '[a]\nx = 1\n\n# about b\n[b]\ny = 2\n'
    assert edit(text, 'a', 'z', '3') == '[a]\nx = 1\nz = 3\n\n# about b\n[b]\ny = 2\n'


def test_missing_key_in_empty_section_goes_right_after_the_header():
    assert edit('[a]\n\n[b]\n', 'a', 'k', 'v') == '[a]\nk = v\n\n[b]\n'


def test_missing_section_is_appended_after_a_blank_line():
    assert edit('[a]\nx = 1', 'profile dev', 'region', 'eu-west-1') == '[a]\nx = 1\n\n[profile dev]\nregion = eu-west-1\n'
    assert edit('', 'default', 'region', 'eu-west-1') == '[default]\nregion = eu-west-1\n'


def test_crlf_files_stay_crlf():
    text = '[default]\r\nregion = us-west-2\r\n'
    assert edit(text, 'default', 'output', 'json') == '[default]\r\nregion = us-west-2\r\noutput = json\r\n'
    assert edit(text, 'default', 'region', 'eu-west-1') == '[default]\r\nregion = eu-west-1\r\n'


def test_nested_block_merges_and_keeps_indentation():
    text = '[profile w]\ns3 =\n    max_concurrent_requests = 20\n    multipart_threshold = 64MB\ncli_pager =\n'
    result = edit(text, 'profile w', 's3', {'max_concurrent_requests': '50', 'addressing_style': 'path'})
    assert result == ('[profile w]\ns3 =\n    max_concurrent_requests = 50\n    multipart_threshold = 64MB\n'
                      '    addressing_style = path\ncli_pager =\n')


def test_nested_sub_key_removal_and_scalar_replaced_by_block():
    text = '[default]\ns3 =\n  a = 1\n  b = 2\n'
    assert edit(text, 'default', 's3', {'a': REMOVE}) == '[default]\ns3 =\n  b = 2\n'
    assert edit('[default]\ns3 = oops\n', 'default', 's3', {'a': '1'}) == '[default]\ns3 =\n  a = 1\n'


def test_a_block_emptied_by_removals_takes_the_new_sub_key(tmp_path):
    # Found by the grammar property test: both parts of the only block line (botocore splits nested values at a
    # vertical tab too) are removed, then a new sub-key has no line left to follow.
    text = '[default]\nregion=\n  max_concurrent_requests = \x0bmax_concurrent_requests = \ns3=\n'
    result = edit(text, 'default', 'region', {'max_concurrent_requests': REMOVE, 'addressing_style': 'v'})
    assert result == '[default]\nregion=\n  addressing_style = v\ns3=\n'
    path = tmp_path / 'config'
    path.write_text(result)
    assert configloader.load_config(str(path))['profiles']['default']['region'] == {'addressing_style': 'v'}


def test_new_nested_block_is_readable_by_botocore(tmp_path):
    path = tmp_path / 'config'
    path.write_text(edit('', 'default', 's3', {'max_concurrent_requests': '20'}))
    loaded = configloader.load_config(str(path))
    assert loaded['profiles']['default']['s3'] == {'max_concurrent_requests': '20'}


def test_remove_section_keeps_the_neighbours():
    text = '[a]\nx = 1\n\n[b]\ny = 2\n\n[c]\nz = 3\n'
    document = IniDocument(text)
    document.remove_section('b')
    assert document.render() == '[a]\nx = 1\n\n[c]\nz = 3\n'
    document.remove_section('c')
    assert document.render() == '[a]\nx = 1\n'


def test_continuation_lines_follow_configparsers_rule():
    # An indented "[x]" under a key is part of that key's value, not a section.
    text = '[a]\nk = v\n  [x]\n'
    document = IniDocument(text)
    assert not document.has_section('x')
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    assert parser.sections() == ['a']


def test_masked_hides_every_secret_and_only_secrets():
    text = fixture('credentials')
    masked = IniDocument(text).masked()
    for secret in ('oldDefaultSecret0000000000000000000000001', 'workToken000000000000000000000000000001',
                   'workSecret00000000000000000000000000001', 'legacySecret00000000000000000000000001'):
        assert secret not in masked
        assert '*' * 16 + secret[-4:] in masked
    assert 'AKIAWORK000000000001' in masked
    assert masked.count('\n') == text.count('\n')


@pytest.mark.parametrize('case', ['set-default', 'update-work', 'absent-personal'])
def test_fixture_pair_edits_match_hand_written_expectations(case):
    wishes = {
        'set-default': ('default', 'present',
                        {'aws_access_key_id': 'AKIANEWDEFAULT000001', 'aws_secret_access_key': 'newDefaultSecret0000000000000000000000001',
                         'aws_session_token': REMOVE},
                        {'region': 'ap-northeast-2', 'output': 'json'}),
        'update-work': ('work', 'present',
                        {'aws_access_key_id': 'AKIAWORK000000000002', 'aws_secret_access_key': 'workSecret00000000000000000000000000002',
                         'aws_session_token': REMOVE},
                        {'region': 'eu-central-1', 's3': {'max_concurrent_requests': '50', 'addressing_style': 'path'},
                         'retry_mode': 'standard'}),
        'absent-personal': ('personal', 'absent', {}, {}),
    }
    profile, state, credentials, config = wishes[case]
    cred_doc, conf_doc = plan_profile(fixture('credentials'), fixture('config'), profile, state, credentials, config)
    assert cred_doc.render() == fixture('credentials.after-%s' % case)
    assert conf_doc.render() == fixture('config.after-%s' % case)


def test_plan_is_idempotent_on_its_own_output():
    wish = ({'aws_access_key_id': 'AKIA1', 'aws_secret_access_key': 's1'}, {'region': 'eu-west-1', 's3': {'a': '1'}})
    cred, conf = plan_profile('', '', 'dev', 'present', *wish)
    cred2, conf2 = plan_profile(cred.render(), conf.render(), 'dev', 'present', *wish)
    assert (cred2.render(), conf2.render()) == (cred.render(), conf.render())


def test_default_profile_written_as_profile_default_is_edited_there():
    _cred, conf = plan_profile('', '[profile default]\nregion = us-east-1\n', 'default', 'present', {}, {'region': 'eu-west-1'})
    assert conf.render() == '[profile default]\nregion = eu-west-1\n'


@pytest.mark.parametrize('text', [
    'region = us-east-1\n',                  # no section header
    '[a]\nx = 1\n[a]\ny = 2\n',               # duplicate section
    '[a]\nx = 1\nx = 2\n',                    # duplicate key
    '[a]\nthis line has no delimiter\n',      # not key = value
])
def test_parse_ini_refuses_what_botocore_refuses_without_quoting_content(text, tmp_path):
    path = tmp_path / 'f'
    path.write_text(text)
    with pytest.raises(Exception):
        configloader.raw_config_parse(str(path))
    with pytest.raises(ini_settings.NotIniError) as info:
        ini.parse_ini(text, 'config_file: /x')
    assert str(info.value).startswith('config_file: /x is not an INI file the AWS CLI can read')
    assert 'no delimiter' not in str(info.value) and 'us-east-1' not in str(info.value)


def test_read_profiles_follows_botocores_section_rules():
    config = '[default]\nregion = a\n[profile dev]\nregion = b\n[preview]\nx = 1\n[sso-session s]\ny = 2\n'
    assert ini.read_profiles(ini_settings.CONFIG, config, 'c') == {'default': {'region': 'a'}, 'dev': {'region': 'b'}}
    assert list(ini.read_profiles(ini_settings.CREDENTIALS, '[dev]\nk = v\n', 'c')) == ['dev']


def test_describe_profile_prefers_credentials_file_and_never_returns_secrets():
    described = profile_view.describe_profile(
        'dev',
        {'dev': {'aws_access_key_id': 'AKIAFROMCREDS', 'aws_secret_access_key': 'credsSecretXYZW'}},
        {'dev': {'aws_access_key_id': 'AKIAFROMCONFIG', 'region': 'eu-west-1', 'cli_pager': ''}})
    assert described['access_key_id'] == 'AKIAFROMCREDS'
    assert described['access_key_id_source'] == 'credentials'
    assert described['secret_access_key_present'] is True
    assert 'credsSecretXYZW' not in repr(described)
    assert described['settings'] == ['cli_pager']
    assert described['sources']['region'] == 'config'


def test_mask_is_the_cli_display():
    assert ini_settings.mask('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY') == '****************EKEY'
