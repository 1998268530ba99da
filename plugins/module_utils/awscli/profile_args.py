# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checking the options of ``aws_cli_profile`` and turning them into the keys to write (standard library only)."""

from __future__ import annotations

import os
import re
import shlex

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import console_csv
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_settings
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import profile_view
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import files
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import ValidationError

# Settings that have options of their own.
_OWN_OPTION = {
    ini_settings.ACCESS_KEY_ID: 'access_key_id',
    ini_settings.SECRET_ACCESS_KEY: 'secret_access_key',
    ini_settings.SESSION_TOKEN: 'session_token',
    ini_settings.SECURITY_TOKEN: 'session_token',
    'region': 'region',
    'output': 'output',
}
for _key in ini_settings.SSO_PROFILE_KEYS + ini_settings.ROLE_KEYS + ('credential_process',):
    _OWN_OPTION[_key] = _key
for _key in ini_settings.SSO_LEGACY_KEYS:
    _OWN_OPTION[_key] = 'sso_session (aws_cli_sso_session holds %s)' % _key

# The credential options of each kind (option name = setting name).
KIND_OPTIONS = {
    ini_settings.SSO: ini_settings.SSO_PROFILE_KEYS,
    ini_settings.ROLE: ini_settings.ROLE_KEYS,
    ini_settings.PROCESS: ('credential_process',),
}
ACCOUNT_ID = re.compile(r'^[0-9]{12}$')
# STS and IAM Identity Center's own patterns (AssumeRole RoleSessionName, ExternalId, SerialNumber; permission set Name).
ROLE_NAME = re.compile(r'^[\w+=,.@-]{1,32}$')
ROLE_ARN = re.compile(r'^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/([\x21-\x7e]*/)?[\w+=,.@-]{1,64}$')
SESSION_NAME = re.compile(r'^[\w+=,.@-]{2,64}$')
EXTERNAL_ID = re.compile(r'^[\w+=,.@:/-]{2,1224}$')
MFA_SERIAL = re.compile(r'^[\w+=/:,.@-]{9,256}$')
START_URL = re.compile(r'^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[\x21-\x7e]*)?$')
SCOPE = re.compile(r'^[A-Za-z0-9_.:/-]+$')
# What shlex (botocore's compat_shell_split on POSIX) reads back unquoted.
_PLAIN_ARGUMENT = re.compile(r'^[A-Za-z0-9_@%+=:,./-]+$')


def resolve_paths(params, allow_same=False):
    """{kind: absolute path} of the two files, and the default ``~/.aws`` folder.

    Refuses two names of one file (also through a link or a hard link): the AWS CLI reads them as two files.
    """
    default_credentials, default_config, aws_dir = files.default_paths()
    paths = {
        ini_settings.CREDENTIALS: os.path.abspath(params.get('credentials_file') or default_credentials),
        ini_settings.CONFIG: os.path.abspath(params.get('config_file') or default_config),
    }
    credentials, config = paths[ini_settings.CREDENTIALS], paths[ini_settings.CONFIG]
    same = os.path.realpath(credentials) == os.path.realpath(config)
    if not same and os.path.exists(credentials) and os.path.exists(config):
        same = os.path.samefile(credentials, config)
    if same and not allow_same:
        raise ValidationError('config_file', 'credentials_file and config_file name the same file (%s); the AWS CLI reads '
                                             'them as two different files: give them different paths' % config)
    return paths, os.path.abspath(aws_dir)


def check_settings(settings):
    """The ``settings`` option as {key: text, dict of texts, or REMOVE}."""
    checked = {}
    for key, value in (settings or {}).items():
        option = 'settings.%s' % key
        ini_settings.check_setting_name('settings', key)
        if key.lower() in _OWN_OPTION:
            raise ValidationError(option, 'use the %s option instead of settings' % _OWN_OPTION[key.lower()])
        if value is None:
            checked[key.lower()] = ini_settings.REMOVE
        elif isinstance(value, dict):
            nested = {}
            for sub_key, sub_value in value.items():
                ini_settings.check_setting_name(option, sub_key)
                if isinstance(sub_value, (dict, list)):
                    raise ValidationError('%s.%s' % (option, sub_key), 'the AWS CLI supports one level of nesting only')
                if sub_value is None:
                    nested[sub_key] = ini_settings.REMOVE
                    continue
                text = ini_settings.setting_text('%s.%s' % (option, sub_key), sub_value)
                if len(text.splitlines()) > 1:
                    raise ValidationError('%s.%s' % (option, sub_key), 'must not contain a line break character such as \\x0b, \\x0c, '
                                          '\\x1c-\\x1e, \\x85, \\u2028 or \\u2029 (botocore splits nested values there)')
                nested[sub_key] = text
            checked[key.lower()] = nested
        elif isinstance(value, list):
            raise ValidationError(option, 'must be a string, number, boolean, dict (nested block) or null')
        else:
            checked[key.lower()] = ini_settings.setting_text(option, value)
    return checked


def key_pair(params):
    """(access key id, secret, session token) from the options or the CSV; Nones when not given."""
    if params.get('import_csv'):
        if not os.path.exists(params['import_csv']):
            raise ValidationError('import_csv', '%s does not exist' % params['import_csv'])
        text = files.read_text('import_csv', params['import_csv'], follow_links=True)
        key_id, secret = console_csv.read_credentials_csv('import_csv', text, params.get('csv_user_name'))
        return key_id, secret, None
    return params.get('access_key_id'), params.get('secret_access_key'), params.get('session_token')


def desired_values(params):
    """Validate every option and return ({credentials key: value}, {config key: value})."""
    ini_settings.check_profile_name('profile', params['profile'])
    if params['state'] == 'absent':
        return {}, {}
    key_id, secret, token = key_pair(params)
    credentials = {}
    if key_id is not None:
        for option, value in (('access_key_id', key_id), ('secret_access_key', secret)):
            if value == '':
                raise ValidationError(option, 'must not be empty')
            ini_settings.check_value(option, value)
        credentials[ini_settings.ACCESS_KEY_ID] = key_id
        credentials[ini_settings.SECRET_ACCESS_KEY] = secret
        if token is not None:
            ini_settings.check_value('session_token', token)
            credentials[ini_settings.SESSION_TOKEN] = token
        else:
            credentials[ini_settings.SESSION_TOKEN] = ini_settings.REMOVE
        credentials[ini_settings.SECURITY_TOKEN] = ini_settings.REMOVE
    config = {}
    if params.get('region') is not None:
        ini_settings.check_region('region', params['region'])
        config['region'] = params['region']
    if params.get('output') is not None:
        ini_settings.check_output('output', params['output'])
        config['output'] = params['output']
    config.update(check_settings(params.get('settings')))
    config.update(kind_values(requested_kind(params), params))
    return credentials, config


def requested_kind(params):
    """The credential kind the options ask for (``static``, ``sso``, ``role``, ``process``), or None; refuses a mix."""
    kinds = []
    if params.get('access_key_id') is not None or params.get('import_csv'):
        kinds.append(ini_settings.STATIC)
    for kind, options in KIND_OPTIONS.items():
        if any(params.get(option) is not None for option in options):
            kinds.append(kind)
    if len(kinds) > 1:
        options = ['%s (%s)' % (kind, ', '.join(o for o in (KIND_OPTIONS.get(kind) or ('access_key_id', 'import_csv'))
                                                if params.get(o) is not None)) for kind in kinds]
        raise ValidationError(_first_option(params, kinds[1]),
                              'a profile gets its credentials one way; these options ask for %s' % ' and '.join(options))
    return kinds[0] if kinds else None


def _first_option(params, kind):
    return [o for o in (KIND_OPTIONS.get(kind) or ('access_key_id', 'import_csv')) if params.get(o) is not None][0]


def _check_pattern(option, value, pattern, rule):
    ini_settings.check_value(option, value)
    if not pattern.match(value):
        raise ValidationError(option, '%s (got %r)' % (rule, value))


def quote_command(option, argv):
    """A command line botocore splits (shlex, POSIX) back into ``argv``: plain words as they are, others in double quotes."""
    if not argv:
        raise ValidationError(option, 'must not be empty')
    words = []
    for number, word in enumerate(argv):
        if not isinstance(word, str) or word == '':
            raise ValidationError('%s[%d]' % (option, number), 'must be a non-empty string')
        if '\n' in word or '\r' in word:
            raise ValidationError('%s[%d]' % (option, number), 'must not contain a newline or carriage return')
        words.append(word if _PLAIN_ARGUMENT.match(word) else '"%s"' % word.replace('\\', '\\\\').replace('"', '\\"'))
    line = ' '.join(words)
    if shlex.split(line) != list(argv):
        raise ValidationError(option, 'cannot be written as a command line the AWS CLI splits back into these arguments')
    return line


def check_credential_process(option, value):
    """``credential_process`` as the line to write: a string as it is (checked), a list quoted for botocore's shlex split."""
    if isinstance(value, (list, tuple)):
        return quote_command(option, list(value))
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(option, 'must be a non-empty command line or a list of arguments')
    ini_settings.check_value(option, value)
    try:
        argv = shlex.split(value)
    except ValueError as exc:
        raise ValidationError(option, 'the AWS CLI splits it like a POSIX shell and fails: %s; quote a path with spaces in double '
                                      'quotes, or give a list of arguments' % exc) from None
    if not argv:
        raise ValidationError(option, 'must name a program')
    return value


def sso_values(params):
    """{setting: value} of an SSO profile; the legacy per-profile SSO settings are removed (the sso-session holds them)."""
    missing = [option for option in ini_settings.SSO_PROFILE_KEYS if params.get(option) is None]
    if missing:
        raise ValidationError(missing[0], 'an SSO profile needs sso_session, sso_account_id and sso_role_name together')
    ini_settings.check_profile_name('sso_session', params['sso_session'])
    _check_pattern('sso_account_id', params['sso_account_id'], ACCOUNT_ID, 'must be a 12-digit AWS account id')
    _check_pattern('sso_role_name', params['sso_role_name'], ROLE_NAME,
                   'must be a permission set name: 1 to 32 letters, digits and +=,.@_-')
    values = {key: params[key] for key in ini_settings.SSO_PROFILE_KEYS}
    values.update((key, ini_settings.REMOVE) for key in ini_settings.SSO_LEGACY_KEYS)
    return values


def role_values(params):
    """{setting: value} of a role profile: exactly the role settings given, the others removed."""
    if params.get('role_arn') is None:
        given = [option for option in ini_settings.ROLE_KEYS if params.get(option) is not None]
        raise ValidationError(given[0], 'requires role_arn')
    _check_pattern('role_arn', params['role_arn'], ROLE_ARN,
                   'must be an IAM role ARN such as arn:aws:iam::123456789012:role/Admin')
    sources = [option for option in ('source_profile', 'credential_source') if params.get(option) is not None]
    if len(sources) != 1:
        raise ValidationError('source_profile' if not sources else 'credential_source',
                              'a role profile needs exactly one of source_profile and credential_source (the AWS CLI refuses '
                              'a profile with %s)' % ('neither' if not sources else 'both'))
    if params.get('source_profile') is not None:
        ini_settings.check_profile_name('source_profile', params['source_profile'])
    if params.get('credential_source') is not None and params['credential_source'] not in ini_settings.CREDENTIAL_SOURCES:
        allowed = ', '.join(ini_settings.CREDENTIAL_SOURCES)
        raise ValidationError('credential_source', 'must be one of %s (got %r)' % (allowed, params['credential_source']))
    checks = (('mfa_serial', MFA_SERIAL, 'must be an MFA device ARN such as arn:aws:iam::123456789012:mfa/dev or a hardware serial '
                                         'number (9 to 256 of letters, digits and +=/:,.@_-)'),
              ('role_session_name', SESSION_NAME, 'must be 2 to 64 letters, digits and +=,.@_-'),
              ('external_id', EXTERNAL_ID, 'must be 2 to 1224 letters, digits and +=,.@:/_-'))
    for option, pattern, rule in checks:
        if params.get(option) is not None:
            _check_pattern(option, params[option], pattern, rule)
    duration = params.get('duration_seconds')
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int) or not 900 <= duration <= 43200):
        raise ValidationError('duration_seconds', 'must be a whole number of seconds from 900 (15 minutes) to 43200 (12 hours) '
                                                  '(got %r)' % (duration,))
    values = {}
    for option in ini_settings.ROLE_KEYS:
        value = params.get(option)
        values[option] = ini_settings.REMOVE if value is None else str(value)
    values['web_identity_token_file'] = ini_settings.REMOVE
    return values


def kind_values(kind, params):
    """The config file settings of a requested SSO, role or process profile (every setting of the kind, given or REMOVE)."""
    if kind == ini_settings.SSO:
        return sso_values(params)
    if kind == ini_settings.ROLE:
        return role_values(params)
    if kind == ini_settings.PROCESS:
        return {'credential_process': check_credential_process('credential_process', params['credential_process'])}
    return {}


def sso_session_values(params):
    """{setting: value} of an ``[sso-session NAME]`` section from the options of aws_cli_sso_session."""
    ini_settings.check_profile_name('name', params['name'])
    if params['state'] == 'absent':
        return {}
    values = {}
    if params.get('start_url') is not None:
        _check_pattern('start_url', params['start_url'], START_URL,
                       'must be the https URL of the AWS access portal, such as https://my-sso-portal.awsapps.com/start')
        values['sso_start_url'] = params['start_url']
    if params.get('region') is not None:
        ini_settings.check_region('region', params['region'])
        values['sso_region'] = params['region']
    scopes = params.get('registration_scopes')
    if scopes is not None:
        for number, scope in enumerate(scopes):
            option = 'registration_scopes[%d]' % number
            if not isinstance(scope, str):
                raise ValidationError(option, 'must be a string')
            _check_pattern(option, scope, SCOPE, 'must be a scope such as sso:account:access (letters, digits and _.:/-; '
                                                 'the AWS CLI splits the list at commas)')
        values['sso_registration_scopes'] = ','.join(scopes) if scopes else ini_settings.REMOVE
    return values


def credential_changes(profile, kind, params, credentials_profiles, config_profiles, sso_sessions, check_mode=False):
    """(credentials file changes, config file changes, warnings) that make ``kind`` the profile's only way to credentials.

    Raises ValidationError, naming the option, when the profile holds settings of another kind (unless
    ``replace_credentials``) or refers to an sso-session or source profile that does not exist.
    """
    if kind is None:
        return {}, {}, []
    merged = profile_view.merged_profile(profile, credentials_profiles, config_profiles)
    # A role whose source_profile is the profile itself uses the profile's own key: the two go together.
    self_sourced = (merged.get('source_profile') if kind == ini_settings.STATIC else params.get('source_profile')) == profile

    def conflicts(other_kind):
        return other_kind != kind and not (self_sourced and {kind, other_kind} == {ini_settings.STATIC, ini_settings.ROLE})

    other = sorted(key for other_kind, keys in ini_settings.KIND_KEYS.items() if conflicts(other_kind) for key in keys if key in merged)
    warnings = []
    if other and not params.get('replace_credentials'):
        rule = ('profile %s already gets its credentials another way (%s set); the AWS CLI would %s. Remove those settings '
                'first, or set replace_credentials to remove them in the same write' % (profile, ', '.join(other), _which_wins(kind, other)))
        raise ValidationError(_first_option(params, kind), rule)
    credentials = {key: ini_settings.REMOVE for key in other}
    config = {key: ini_settings.REMOVE for key in other}
    if kind != ini_settings.STATIC:
        # The kind's settings live in the config file; a copy in the credentials file would be laid over them.
        credentials.update((key, ini_settings.REMOVE) for key in ini_settings.KIND_KEYS[kind])
    missing = None
    if kind == ini_settings.SSO and params['sso_session'] not in sso_sessions:
        missing = ('sso_session', 'no [sso-session %s] in the config file (the AWS CLI fails with "The specified sso-session does '
                                  'not exist"); write it first with awsbootstrap.iam.aws_cli_sso_session' % params['sso_session'])
    source = params.get('source_profile') if kind == ini_settings.ROLE else None
    if source is not None and source not in credentials_profiles and source not in config_profiles:
        missing = ('source_profile', 'profile %s is in neither file; the AWS CLI fails with "The source profile ... could not be '
                                     'found"; write it first' % source)
    if missing:
        if not check_mode:
            raise ValidationError(*missing)
        warnings.append('%s: %s (an earlier task of this check run may write it)' % missing)
    return credentials, config, warnings


def _which_wins(kind, other):
    order = [ini_settings.ROLE, ini_settings.SSO, ini_settings.STATIC, ini_settings.PROCESS]
    others = {other_kind for other_kind, keys in ini_settings.KIND_KEYS.items() for key in other if key in keys}
    first = min(others | {kind}, key=order.index)
    if first == kind:
        return 'use the new %s settings and leave the others unused or failing' % kind
    return 'keep using the %s settings before the new %s ones' % (first, kind)
