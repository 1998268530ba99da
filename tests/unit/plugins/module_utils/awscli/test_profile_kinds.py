# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""SSO, role and credential_process profiles and [sso-session] sections: the option checks, and edits that botocore
reads exactly as asked while every other byte stays."""

from __future__ import annotations

import shlex

import pytest
from botocore import configloader
from botocore.compat import compat_shell_split

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_settings
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import profile_view
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.profile_args import (
    check_credential_process,
    credential_changes,
    desired_values,
    quote_command,
    requested_kind,
    sso_session_values,
)
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_edit import plan_profile
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_edit import plan_section
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import REMOVE
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import ValidationError
from tests.utils import botocore_oracle as oracle

ROLE_ARN = 'arn:aws:iam::123456789012:role/Admin'

CONFIG = (
    '# my settings\r\n'
    '[default]\r\n'
    'region = us-west-2\r\n'
    '\r\n'
    '[profile work]\r\n'
    's3 =\r\n'
    '  max_concurrent_requests = 20\r\n'
    '; keep me\r\n'
    '[sso-session old]\r\n'
    'sso_start_url = https://old.awsapps.com/start\r\n'
    'sso_region = eu-west-1\r\n'
)


def params(**overrides):
    base = dict(profile='dev', state='present', access_key_id=None, secret_access_key=None, session_token=None,
                import_csv=None, csv_user_name=None, region=None, output=None, settings={}, replace_credentials=False)
    for option in ini_settings.SSO_PROFILE_KEYS + ini_settings.ROLE_KEYS + ('credential_process',):
        base[option] = None
    base.update(overrides)
    return base


SSO = dict(sso_session='my-sso', sso_account_id='123456789012', sso_role_name='PowerUserAccess')


def session_params(**overrides):
    base = dict(name='my-sso', state='present', start_url=None, region=None, registration_scopes=None)
    base.update(overrides)
    return base


# ------------------------------------------------------------------ option checks, before any file is read


@pytest.mark.parametrize('overrides, option, words', [
    (dict(SSO, sso_account_id='12345678901'), 'sso_account_id', '12-digit'),
    (dict(SSO, sso_account_id='12345678901a'), 'sso_account_id', '12-digit'),
    (dict(SSO, sso_role_name='Power User'), 'sso_role_name', 'permission set'),
    (dict(SSO, sso_role_name='x' * 33), 'sso_role_name', '1 to 32'),
    (dict(SSO, sso_session='my sso'), 'sso_session', 'whitespace'),
    (dict(SSO, sso_session='a]b'), 'sso_session', '"]"'),
    (dict(sso_session='my-sso', sso_account_id='123456789012'), 'sso_role_name', 'together'),
    (dict(role_arn='arn:aws:iam::123456789012:user/Admin', source_profile='default'), 'role_arn', 'IAM role ARN'),
    (dict(role_arn='arn:aws:iam::12345678901:role/Admin', source_profile='default'), 'role_arn', 'IAM role ARN'),
    (dict(role_arn=ROLE_ARN), 'source_profile', 'neither'),
    (dict(role_arn=ROLE_ARN, source_profile='default', credential_source='Environment'), 'credential_source', 'both'),
    (dict(role_arn=ROLE_ARN, credential_source='environment'), 'credential_source', 'Ec2InstanceMetadata'),
    (dict(role_arn=ROLE_ARN, source_profile='bad name'), 'source_profile', 'whitespace'),
    (dict(role_arn=ROLE_ARN, source_profile='default', duration_seconds=899), 'duration_seconds', '900'),
    (dict(role_arn=ROLE_ARN, source_profile='default', duration_seconds=43201), 'duration_seconds', '43200'),
    (dict(role_arn=ROLE_ARN, source_profile='default', duration_seconds=True), 'duration_seconds', 'whole number'),
    (dict(role_arn=ROLE_ARN, source_profile='default', role_session_name='a'), 'role_session_name', '2 to 64'),
    (dict(role_arn=ROLE_ARN, source_profile='default', role_session_name='me and you'), 'role_session_name', '2 to 64'),
    (dict(role_arn=ROLE_ARN, source_profile='default', external_id='x'), 'external_id', '2 to 1224'),
    (dict(role_arn=ROLE_ARN, source_profile='default', external_id='a\nb'), 'external_id', 'newline'),
    (dict(role_arn=ROLE_ARN, source_profile='default', mfa_serial='short'), 'mfa_serial', 'MFA device'),
    (dict(mfa_serial='arn:aws:iam::123456789012:mfa/dev'), 'mfa_serial', 'requires role_arn'),
    (dict(credential_process='/bin/creds "unbalanced'), 'credential_process', 'No closing quotation'),
    (dict(credential_process='   '), 'credential_process', 'non-empty'),
    (dict(credential_process='/bin/creds\n[profile evil]'), 'credential_process', 'newline'),
    (dict(credential_process=[]), 'credential_process', 'must not be empty'),
    (dict(credential_process=['/bin/creds', '']), 'credential_process[1]', 'non-empty'),
    (dict(credential_process=['/bin/creds', 'a\nb']), 'credential_process[1]', 'newline'),
    (dict(SSO, role_arn=ROLE_ARN, source_profile='default'), 'role_arn', 'one way'),
    (dict(SSO, access_key_id='AKIAX', secret_access_key='s'), 'sso_session', 'one way'),
    (dict(credential_process='/bin/creds', access_key_id='AKIAX', secret_access_key='s'), 'credential_process', 'one way'),
    (dict(settings={'role_arn': ROLE_ARN}), 'settings.role_arn', 'role_arn option'),
    (dict(settings={'sso_start_url': 'https://x.awsapps.com/start'}), 'settings.sso_start_url', 'aws_cli_sso_session'),
    (dict(settings={'credential_process': '/bin/x'}), 'settings.credential_process', 'credential_process option'),
])
def test_bad_options_are_refused_naming_the_option(overrides, option, words):
    with pytest.raises(ValidationError) as caught:
        desired_values(params(**overrides))
    assert caught.value.option == option, str(caught.value)
    assert words in str(caught.value)


@pytest.mark.parametrize('overrides, option, words', [
    (dict(start_url='http://x.awsapps.com/start'), 'start_url', 'https'),
    (dict(start_url='https://x.awsapps.com/start page'), 'start_url', 'https'),
    (dict(start_url='https://x.awsapps.com/start\n[profile evil]'), 'start_url', 'newline'),
    (dict(region='us-east'), 'region', 'AWS region'),
    (dict(registration_scopes=['sso:account:access,other']), 'registration_scopes[0]', 'commas'),
    (dict(registration_scopes=['sso account']), 'registration_scopes[0]', 'scope'),
    (dict(name='my sso'), 'name', 'whitespace'),
    (dict(name=''), 'name', 'non-empty'),
])
def test_bad_sso_session_options_are_refused(overrides, option, words):
    with pytest.raises(ValidationError) as caught:
        sso_session_values(session_params(**overrides))
    assert caught.value.option == option, str(caught.value)
    assert words in str(caught.value)


def test_values_of_each_kind():
    assert requested_kind(params()) is None
    _cred, config = desired_values(params(region='eu-west-1', **SSO))
    assert config == dict(SSO, region='eu-west-1', sso_start_url=REMOVE, sso_region=REMOVE, sso_registration_scopes=REMOVE)
    _cred, config = desired_values(params(role_arn=ROLE_ARN, credential_source='Ec2InstanceMetadata', duration_seconds=3600))
    assert config == dict(role_arn=ROLE_ARN, credential_source='Ec2InstanceMetadata', duration_seconds='3600', source_profile=REMOVE,
                          mfa_serial=REMOVE, role_session_name=REMOVE, external_id=REMOVE, web_identity_token_file=REMOVE)
    assert sso_session_values(session_params(start_url='https://d-1234567890.awsapps.com/start', region='us-east-1',
                                             registration_scopes=['sso:account:access', 'codewhisperer:completions'])) == {
        'sso_start_url': 'https://d-1234567890.awsapps.com/start', 'sso_region': 'us-east-1',
        'sso_registration_scopes': 'sso:account:access,codewhisperer:completions'}
    assert sso_session_values(session_params(registration_scopes=[])) == {'sso_registration_scopes': REMOVE}


@pytest.mark.parametrize('argv', [
    ['/usr/local/bin/creds'],
    ['/opt/my tools/creds', '--profile', 'dev'],
    ['/opt/it\'s/creds', 'a"b', 'back\\slash', '$HOME', '`x`', '#not-a-comment', ';', 'tab\there'],
])
def test_a_list_is_quoted_so_botocore_splits_it_back(argv):
    line = quote_command('credential_process', argv)
    assert compat_shell_split(line) == argv == shlex.split(line)
    assert check_credential_process('credential_process', argv) == line
    assert '\n' not in line


def test_a_path_with_spaces_is_double_quoted_as_the_cli_documents():
    assert quote_command('c', ['/opt/my tools/creds', '--x']) == '"/opt/my tools/creds" --x'
    assert check_credential_process('c', '"/opt/my tools/creds" --x') == '"/opt/my tools/creds" --x'


# ------------------------------------------------------------------ conflicts with what the profile holds


def profiles(credentials_text, config_text):
    return (ini.read_profiles(ini_settings.CREDENTIALS, credentials_text, 'c'),
            ini.read_profiles(ini_settings.CONFIG, config_text, 'f'),
            ini.profiles_of(ini_settings.SSO_SESSION, ini.read_sections(config_text, 'f')))


def test_sso_over_a_static_key_is_refused_unless_replace_credentials():
    found = profiles('[dev]\naws_access_key_id = AKIAX\naws_secret_access_key = sEcReT0\n', '[sso-session my-sso]\nsso_region = us-east-1\n')
    with pytest.raises(ValidationError) as caught:
        credential_changes('dev', ini_settings.SSO, params(**SSO), *found)
    assert caught.value.option == 'sso_session'
    assert 'aws_access_key_id, aws_secret_access_key' in str(caught.value) and 'use the new sso settings' in str(caught.value)
    assert 'sEcReT0' not in str(caught.value) and 'AKIAX' not in str(caught.value)  # names only, never a value
    credentials, config, warnings = credential_changes('dev', ini_settings.SSO, params(replace_credentials=True, **SSO), *found)
    assert credentials['aws_access_key_id'] is REMOVE and credentials['aws_secret_access_key'] is REMOVE
    assert config['aws_access_key_id'] is REMOVE and credentials['sso_session'] is REMOVE and warnings == []


def test_a_key_on_a_role_profile_is_refused_but_a_self_sourced_role_keeps_its_key():
    found = profiles('', '[profile dev]\nrole_arn = %s\nsource_profile = base\n[profile base]\nregion = eu-west-1\n' % ROLE_ARN)
    with pytest.raises(ValidationError) as caught:
        credential_changes('dev', ini_settings.STATIC, params(access_key_id='AKIAX', secret_access_key='s'), *found)
    assert 'keep using the role settings' in str(caught.value) and caught.value.option == 'access_key_id'
    found = profiles('[dev]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n',
                     '[profile dev]\nrole_arn = %s\nsource_profile = dev\n' % ROLE_ARN)
    assert credential_changes('dev', ini_settings.STATIC, params(access_key_id='AKIAY', secret_access_key='t'), *found)[:2] == ({}, {})
    credentials, _config, _warnings = credential_changes('dev', ini_settings.ROLE, params(role_arn=ROLE_ARN, source_profile='dev'), *found)
    assert ini_settings.ACCESS_KEY_ID not in credentials


def test_a_missing_sso_session_or_source_profile_is_refused_but_only_warned_in_check_mode():
    found = profiles('', '[profile other]\nregion = eu-west-1\n')
    with pytest.raises(ValidationError) as caught:
        credential_changes('dev', ini_settings.SSO, params(**SSO), *found)
    assert caught.value.option == 'sso_session' and 'aws_cli_sso_session' in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        credential_changes('dev', ini_settings.ROLE, params(role_arn=ROLE_ARN, source_profile='base'), *found)
    assert caught.value.option == 'source_profile'
    _c, _f, warnings = credential_changes('dev', ini_settings.SSO, params(**SSO), *found, check_mode=True)
    assert len(warnings) == 1 and warnings[0].startswith('sso_session:')
    # credential_source needs no other profile
    assert credential_changes('dev', ini_settings.ROLE, params(role_arn=ROLE_ARN, credential_source='EcsContainer'), *found)[2] == []


@pytest.mark.parametrize('credentials_text, config_text, kind', [
    ('', '', 'none'),
    ('[dev]\naws_access_key_id = A\naws_secret_access_key = s\n', '', 'static'),
    ('', '[profile dev]\naws_access_key_id = A\naws_secret_access_key = s\n', 'static'),
    ('', '[profile dev]\nsso_session = x\nsso_account_id = 123456789012\nsso_role_name = R\n', 'sso'),
    ('', '[profile dev]\nsso_session = x\n', 'none'),  # a token-only profile: botocore's SSOProvider does not start
    ('', '[profile dev]\nsso_session = x\nsso_role_name = R\n', 'sso'),  # it starts (and reports what is missing)
    ('', '[profile dev]\ncredential_process = /bin/creds\n', 'process'),
    ('', '[profile dev]\nrole_arn = %s\ncredential_source = Environment\n' % ROLE_ARN, 'role'),
    ('', '[profile dev]\nrole_arn = %s\nweb_identity_token_file = /t\n' % ROLE_ARN, 'role'),
    # botocore's order: the credentials file's key before credential_process, which comes before the config file's key
    ('[dev]\naws_access_key_id = A\naws_secret_access_key = s\n', '[profile dev]\ncredential_process = /bin/c\n', 'static'),
    ('', '[profile dev]\ncredential_process = /bin/c\naws_access_key_id = A\naws_secret_access_key = s\n', 'process'),
    ('[dev]\nrole_arn = %s\n' % ROLE_ARN, '[profile dev]\nsso_account_id = 123456789012\n', 'role'),
])
def test_kind_follows_botocores_credential_chain(credentials_text, config_text, kind):
    cred, conf, _sessions = profiles(credentials_text, config_text)
    assert profile_view.profile_kind('dev', cred, conf) == kind


# ------------------------------------------------------------------ edits, read back by botocore itself


def loaded(text):
    """botocore's ``load_config`` of ``text`` (profiles and sso_sessions), from a real file."""
    return oracle._with_file(text, configloader.load_config)  # pylint: disable=protected-access


def test_an_sso_session_is_added_and_botocore_reads_exactly_it():
    values = sso_session_values(session_params(start_url='https://my.awsapps.com/start', region='us-east-1',
                                               registration_scopes=['sso:account:access']))
    document = plan_section(ini_settings.SSO_SESSION, CONFIG, 'my-sso', 'present', values)
    text = document.render()
    assert text.startswith(CONFIG)  # every byte before stays, line endings too
    assert text[len(CONFIG):] == ('\r\n[sso-session my-sso]\r\nsso_start_url = https://my.awsapps.com/start\r\nsso_region = us-east-1'
                                  '\r\nsso_registration_scopes = sso:account:access\r\n')
    before, after = loaded(CONFIG), loaded(text)
    assert after['sso_sessions'] == dict(before['sso_sessions'], **{'my-sso': {
        'sso_start_url': 'https://my.awsapps.com/start', 'sso_region': 'us-east-1', 'sso_registration_scopes': 'sso:account:access'}})
    assert after['profiles'] == before['profiles']
    # again: nothing to do
    assert plan_section(ini_settings.SSO_SESSION, text, 'my-sso', 'present', values).render() == text


def test_an_sso_session_is_changed_in_place_and_removed():
    text = plan_section(ini_settings.SSO_SESSION, CONFIG, 'old', 'present', {'sso_region': 'eu-central-1'}).render()
    assert text == CONFIG.replace('sso_region = eu-west-1', 'sso_region = eu-central-1')
    assert loaded(text)['sso_sessions']['old'] == {'sso_start_url': 'https://old.awsapps.com/start', 'sso_region': 'eu-central-1'}
    removed = plan_section(ini_settings.SSO_SESSION, CONFIG, 'old', 'absent').render()
    assert loaded(removed)['sso_sessions'] == {} and loaded(removed)['profiles'] == loaded(CONFIG)['profiles']
    assert removed.startswith(CONFIG[:CONFIG.index('[sso-session old]')])


def test_an_sso_session_header_botocore_reads_with_quotes_is_the_one_edited():
    config = '[sso-session "my-sso"]\nsso_region = us-east-1\n'
    text = plan_section(ini_settings.SSO_SESSION, config, 'my-sso', 'present', {'sso_region': 'eu-west-1'}).render()
    assert text == '[sso-session "my-sso"]\nsso_region = eu-west-1\n'
    assert loaded(text)['sso_sessions'] == {'my-sso': {'sso_region': 'eu-west-1'}}


def test_profile_edits_of_each_kind_read_back_by_botocore():
    config = CONFIG + '[profile dev]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = eu-west-1\n' \
                      'sso_account_id = 111111111111\nsso_role_name = Old\ncli_pager =\n'
    _cred, wanted = desired_values(params(**SSO))
    _cred_doc, conf_doc = plan_profile('', config, 'dev', 'present', {}, wanted)
    text = conf_doc.render()
    assert text.startswith(CONFIG)
    assert loaded(text)['profiles']['dev'] == dict(SSO, cli_pager='')
    for overrides, expected in (
            (dict(role_arn=ROLE_ARN, source_profile='default', mfa_serial='arn:aws:iam::123456789012:mfa/dev', duration_seconds=900,
                  role_session_name='me@example.com', external_id='abc:123'),
             dict(role_arn=ROLE_ARN, source_profile='default', mfa_serial='arn:aws:iam::123456789012:mfa/dev', duration_seconds='900',
                  role_session_name='me@example.com', external_id='abc:123')),
            (dict(role_arn=ROLE_ARN, credential_source='Environment'), dict(role_arn=ROLE_ARN, credential_source='Environment')),
            (dict(credential_process=['/opt/my tools/creds', '--x']), dict(credential_process='"/opt/my tools/creds" --x'))):
        start = '[profile dev]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = old\nmfa_serial = GAHT12345678\nregion = eu-west-1\n' \
            if 'role_arn' in overrides else '[profile dev]\nregion = eu-west-1\n'
        _cred, wanted = desired_values(params(**overrides))
        _cred_doc, conf_doc = plan_profile('', start, 'dev', 'present', {}, wanted)
        assert loaded(conf_doc.render())['profiles']['dev'] == dict(expected, region='eu-west-1'), conf_doc.render()
