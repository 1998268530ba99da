# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The numbered classes of issue 12, each checked against botocore's own reading of the result."""

from __future__ import annotations

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_edit
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_settings
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import profile_view
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_edit import plan_profile
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import REMOVE
from tests.utils import botocore_oracle as oracle

ODD_BREAKS = ['\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029']


def edit_config(text, profile, config, state='present'):
    _cred, conf = plan_profile('', text, profile, state, {}, config)
    result = conf.render()
    _cred2, again = plan_profile('', result, profile, state, {}, config)
    assert again.render() == result, 'a second run changed the file again'
    return result


def edit_credentials(text, profile, credentials, state='present'):
    cred, _conf = plan_profile(text, '', profile, state, credentials, {})
    return cred.render()


@pytest.mark.parametrize('header', ['profile "dev"', "profile 'dev'", 'profile  dev', 'profile\tdev', 'profile "dev" '])
def test_1_quoted_or_spaced_header_is_the_profile_botocore_reads(header):
    text = '[%s]\noutput = text\n\n[profile other]\nregion = us-east-1\n' % header
    assert oracle.config_profiles(text)['dev'] == {'output': 'text'}
    result = edit_config(text, 'dev', {'region': 'eu-west-1'})
    assert result == '[%s]\noutput = text\nregion = eu-west-1\n\n[profile other]\nregion = us-east-1\n' % header
    assert oracle.config_profiles(result)['dev'] == {'output': 'text', 'region': 'eu-west-1'}
    removed = edit_config(text, 'dev', {}, state='absent')
    assert 'dev' not in oracle.config_profiles(removed)
    assert removed == '[profile other]\nregion = us-east-1\n'


def test_1_several_sections_of_one_profile_the_last_is_edited_and_all_are_removed():
    text = '[profile dev]\nregion = a\n[profile "dev"]\noutput = json\n[default]\nregion = c\n[profile default]\nregion = d\n'
    assert oracle.config_profiles(text)['dev'] == {'output': 'json'}
    result = edit_config(text, 'dev', {'region': 'eu-west-1'})
    assert result == ('[profile dev]\nregion = a\n[profile "dev"]\noutput = json\nregion = eu-west-1\n'
                      '[default]\nregion = c\n[profile default]\nregion = d\n')
    assert oracle.config_profiles(result)['dev'] == {'output': 'json', 'region': 'eu-west-1'}
    assert oracle.config_profiles(edit_config(text, 'default', {'output': 'text'}))['default'] == {'region': 'd', 'output': 'text'}
    removed = edit_config(text, 'dev', {}, state='absent')
    assert removed == '[default]\nregion = c\n[profile default]\nregion = d\n'
    assert 'default' not in oracle.config_profiles(edit_config(text, 'default', {}, state='absent'))


@pytest.mark.parametrize('char', ODD_BREAKS)
def test_2_splitlines_characters_are_not_line_breaks(char):
    text = '[default]\ncli_pager = a%sb\n# note%sregion = evil\nregion = us-east-1\n' % (char, char)
    before = oracle.raw(text)
    assert before['default'] == {'cli_pager': 'a%sb' % char, 'region': 'us-east-1'}
    result = edit_config(text, 'default', {'region': 'eu-west-1', 'output': 'json'})
    assert result == '[default]\ncli_pager = a%sb\n# note%sregion = evil\nregion = eu-west-1\noutput = json\n' % (char, char)
    assert oracle.raw(result)['default'] == {'cli_pager': 'a%sb' % char, 'region': 'eu-west-1', 'output': 'json'}
    replaced = edit_config(text, 'default', {'cli_pager': 'less'})
    assert oracle.raw(replaced)['default'] == {'cli_pager': 'less', 'region': 'us-east-1'}


@pytest.mark.parametrize('char', ODD_BREAKS)
def test_2_splitlines_character_inside_a_nested_block(char):
    # botocore's _parse_nested does use str.splitlines(): one line holds two sub-keys.
    text = '[default]\ns3 =\n  a = 1%sb = 2\n  c = 3\n' % char
    assert oracle.raw(text)['default']['s3'] == {'a': '1', 'b': '2', 'c': '3'}
    result = edit_config(text, 'default', {'s3': {'b': '20', 'c': REMOVE, 'd': '4'}})
    assert oracle.raw(result)['default']['s3'] == {'a': '1', 'b': '20', 'd': '4'}
    result = edit_config(text, 'default', {'s3': {'a': REMOVE}})
    assert oracle.raw(result)['default']['s3'] == {'b': '2', 'c': '3'}


def test_2_refuses_a_nested_value_botocore_would_split():
    with pytest.raises(ini_settings.ValidationError) as info:
        from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.profile_args import check_settings
        check_settings({'s3': {'x': 'a\u2028b'}})
    assert info.value.option == 'settings.s3.x'


def test_3_a_lone_cr_is_a_line_break():
    text = '[default]\rregion = us-west-2\routput = text\r[profile b]\rregion = x'
    assert oracle.raw(text) == {'default': {'region': 'us-west-2', 'output': 'text'}, 'profile b': {'region': 'x'}}
    result = edit_config(text, 'default', {'region': 'eu-west-1', 'cli_pager': ''})
    assert result == '[default]\rregion = eu-west-1\routput = text\rcli_pager =\r[profile b]\rregion = x'
    result = edit_config(text, 'b', {'output': 'json'})
    assert result == '[default]\rregion = us-west-2\routput = text\r[profile b]\rregion = x\routput = json\r'
    stray = '[default]\nregion = us-west-2\rcli_pager = less\n'
    assert oracle.raw(stray)['default'] == {'region': 'us-west-2', 'cli_pager': 'less'}
    assert oracle.raw(edit_config(stray, 'default', {'cli_pager': 'more'}))['default'] == {'region': 'us-west-2', 'cli_pager': 'more'}


def test_4_indented_empty_nested_block_gets_nested_keys():
    text = '[default]\n  s3 =\nregion = x\n'
    assert oracle.raw(text)['default']['s3'] == ''
    result = edit_config(text, 'default', {'s3': {'addressing_style': 'path'}})
    assert result == '[default]\n  s3 =\n    addressing_style = path\nregion = x\n'
    assert oracle.raw(result)['default'] == {'s3': {'addressing_style': 'path'}, 'region': 'x'}


def test_5_null_sub_key_on_a_scalar_keeps_the_scalar():
    text = '[default]\ns3 = off\n'
    assert edit_config(text, 'default', {'s3': {'addressing_style': REMOVE}}) == text


def test_5_last_sub_key_removed_removes_the_block():
    text = '[default]\ns3 =\n  a = 1\nregion = x\n'
    result = edit_config(text, 'default', {'s3': {'a': REMOVE}})
    assert result == '[default]\nregion = x\n'


def test_6_comments_inside_a_multi_line_value_are_kept():
    text = '[default]\ns3 =\n  a = 1\n  # why b\n  b = 2\n\n  ; and c\n  c = 3\nregion = x\n'
    assert oracle.raw(text)['default']['s3'] == {'a': '1', 'b': '2', 'c': '3'}
    scalar = edit_config(text, 'default', {'s3': 'off'})
    assert scalar == '[default]\ns3 = off\n  # why b\n\n  ; and c\nregion = x\n'
    assert oracle.raw(scalar)['default'] == {'s3': 'off', 'region': 'x'}
    nested = edit_config(text, 'default', {'s3': {'b': '20'}})
    assert nested == '[default]\ns3 =\n  a = 1\n  # why b\n  b = 20\n\n  ; and c\n  c = 3\nregion = x\n'
    removed = edit_config(text, 'default', {'s3': REMOVE})
    assert removed == '[default]\n  # why b\n\n  ; and c\nregion = x\n'
    assert oracle.raw(removed)['default'] == {'region': 'x'}


def test_7_absent_keeps_the_comment_above_the_next_section():
    text = '[profile dev]\nregion = a\n\n# production account\n[profile prod]\nregion = b\n'
    assert edit_config(text, 'dev', {}, state='absent') == '# production account\n[profile prod]\nregion = b\n'
    text = '[default]\nregion = x\n\n[profile dev]\nregion = a\n# dev notes stay with dev\n\n# production account\n[profile prod]\n'
    assert edit_config(text, 'dev', {}, state='absent') == (
        '[default]\nregion = x\n\n# dev notes stay with dev\n\n# production account\n[profile prod]\n')


def test_8_indented_header_right_after_the_profile_stays_a_header():
    text = '[profile a]\n  [profile b]\n  region = r\n'
    assert set(oracle.raw(text)) == {'profile a', 'profile b'}
    result = edit_config(text, 'a', {'output': 'json'})
    assert result == '[profile a]\n  output = json\n  [profile b]\n  region = r\n'
    assert oracle.raw(result) == {'profile a': {'output': 'json'}, 'profile b': {'region': 'r'}}


def test_8_removing_a_section_never_turns_the_next_header_into_a_value():
    text = '[profile a]\nx = 1\n[profile b]\n    y = 2\n    [profile c]\nz = 3\n'
    assert set(oracle.raw(text)) == {'profile a', 'profile b', 'profile c'}
    result = edit_config(text, 'b', {}, state='absent')
    assert oracle.raw(result) == {'profile a': {'x': '1'}, 'profile c': {'z': '3'}}


def test_9_reading_agrees_with_botocore_last_section_wins():
    text = '[profile dev]\nregion = a\n[profile "dev"]\nregion = b\n'
    assert ini.read_profiles(ini_settings.CONFIG, text, 'c') == oracle.config_profiles(text) == {'dev': {'region': 'b'}}


def test_9_region_in_the_credentials_file_is_listed_as_config_file():
    described = profile_view.describe_profile('dev', {'dev': {'aws_access_key_id': 'AKIAX', 'aws_secret_access_key': 's', 'region': 'r1'}},
                                              {'dev': {'region': 'r2', 'output': 'json'}})
    rows = profile_view.configure_list(described, '/c', '/f')
    assert rows['region'] == {'value': 'r1', 'type': 'config-file', 'location': '/f'}
    assert rows['access_key']['type'] == 'shared-credentials-file'


def test_9_default_is_refused_as_a_profile_name():
    with pytest.raises(ini_settings.ValidationError) as info:
        ini_settings.check_profile_name('profile', 'DEFAULT')
    assert 'defaults section' in info.value.rule


def test_bom_is_named():
    with pytest.raises(ini_settings.NotIniError) as info:
        ini.read_sections('\ufeff[default]\nregion = x\n', 'config_file: /h/.aws/config')
    assert str(info.value).startswith('config_file: /h/.aws/config starts with a UTF-8 byte order mark (BOM)')
    with pytest.raises(oracle.Unreadable):
        oracle.raw('\ufeff[default]\nregion = x\n')


def test_an_edit_botocore_would_read_differently_is_refused():
    # [DEFAULT]'s keys appear in every section: removing region from dev cannot remove what botocore reads.
    text = '[DEFAULT]\nregion = x\n[profile dev]\nregion = y\n'
    with pytest.raises(ini_edit.ContractError) as info:
        labels = {'credentials': 'credentials_file: /c', 'config': 'config_file: /f'}
        plan_profile('', text, 'dev', 'present', {}, {'region': REMOVE}, labels=labels)
    assert str(info.value).startswith('config_file: /f: refusing to write')
    assert 'section [profile dev], key region' in str(info.value)


def test_credentials_sections_are_exact_names():
    text = '[dev]\naws_access_key_id = AKIAOLD\naws_secret_access_key = old\n[profile dev]\nx = 1\n'
    result = edit_credentials(text, 'dev', {'aws_access_key_id': 'AKIANEW', 'aws_secret_access_key': 'new'})
    assert oracle.raw(result) == {'dev': {'aws_access_key_id': 'AKIANEW', 'aws_secret_access_key': 'new'}, 'profile dev': {'x': '1'}}


def test_mirror_reader_equals_botocore_on_tricky_inputs():
    for text in ['[a]\nk = v\n\n  more\n', '[a]\nk =\n  x = 1\n\n  y = 2\n', '[a]\r\nk = 1\r\n[b] trailing\rj = 2',
                 '[a]\nk = v ; not a comment\n', '[a]\nK : v\n', '[DEFAULT]\nd = 1\n[a]\nk = 2\n', '[profile a b]\nk = 1\n']:
        assert ini.read_sections(text, 'x') == oracle.raw(text)
