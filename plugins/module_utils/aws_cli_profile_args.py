# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checking the options of ``aws_cli_profile`` and turning them into the keys to write (standard library only)."""

from __future__ import annotations

import os

from ansible_collections.awsbootstrap.iam.plugins.module_utils import aws_files
from ansible_collections.awsbootstrap.iam.plugins.module_utils import workstation_files
from ansible_collections.awsbootstrap.iam.plugins.module_utils.aws_files import ValidationError

# Settings that have options of their own.
_OWN_OPTION = {
    aws_files.ACCESS_KEY_ID: 'access_key_id',
    aws_files.SECRET_ACCESS_KEY: 'secret_access_key',
    aws_files.SESSION_TOKEN: 'session_token',
    aws_files.SECURITY_TOKEN: 'session_token',
    'region': 'region',
    'output': 'output',
}


def resolve_paths(params, allow_same=False):
    """{kind: absolute path} of the two files, and the default ``~/.aws`` folder.

    Refuses two names of one file (also through a link or a hard link): the AWS CLI reads them as two files.
    """
    default_credentials, default_config, aws_dir = workstation_files.default_paths()
    paths = {
        aws_files.CREDENTIALS: os.path.abspath(params.get('credentials_file') or default_credentials),
        aws_files.CONFIG: os.path.abspath(params.get('config_file') or default_config),
    }
    credentials, config = paths[aws_files.CREDENTIALS], paths[aws_files.CONFIG]
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
        aws_files.check_setting_name('settings', key)
        if key.lower() in _OWN_OPTION:
            raise ValidationError(option, 'use the %s option instead of settings' % _OWN_OPTION[key.lower()])
        if value is None:
            checked[key.lower()] = aws_files.REMOVE
        elif isinstance(value, dict):
            nested = {}
            for sub_key, sub_value in value.items():
                aws_files.check_setting_name(option, sub_key)
                if isinstance(sub_value, (dict, list)):
                    raise ValidationError('%s.%s' % (option, sub_key), 'the AWS CLI supports one level of nesting only')
                if sub_value is None:
                    nested[sub_key] = aws_files.REMOVE
                    continue
                text = aws_files.setting_text('%s.%s' % (option, sub_key), sub_value)
                if len(text.splitlines()) > 1:
                    raise ValidationError('%s.%s' % (option, sub_key), 'must not contain a line break character such as \\x0b, \\x0c, '
                                          '\\x1c-\\x1e, \\x85, \\u2028 or \\u2029 (botocore splits nested values there)')
                nested[sub_key] = text
            checked[key.lower()] = nested
        elif isinstance(value, list):
            raise ValidationError(option, 'must be a string, number, boolean, dict (nested block) or null')
        else:
            checked[key.lower()] = aws_files.setting_text(option, value)
    return checked


def key_pair(params):
    """(access key id, secret, session token) from the options or the CSV; Nones when not given."""
    if params.get('import_csv'):
        if not os.path.exists(params['import_csv']):
            raise ValidationError('import_csv', '%s does not exist' % params['import_csv'])
        text = workstation_files.read_text('import_csv', params['import_csv'], follow_links=True)
        key_id, secret = aws_files.read_credentials_csv('import_csv', text, params.get('csv_user_name'))
        return key_id, secret, None
    return params.get('access_key_id'), params.get('secret_access_key'), params.get('session_token')


def desired_values(params):
    """Validate every option and return ({credentials key: value}, {config key: value})."""
    aws_files.check_profile_name('profile', params['profile'])
    if params['state'] == 'absent':
        return {}, {}
    key_id, secret, token = key_pair(params)
    credentials = {}
    if key_id is not None:
        for option, value in (('access_key_id', key_id), ('secret_access_key', secret)):
            if value == '':
                raise ValidationError(option, 'must not be empty')
            aws_files.check_value(option, value)
        credentials[aws_files.ACCESS_KEY_ID] = key_id
        credentials[aws_files.SECRET_ACCESS_KEY] = secret
        if token is not None:
            aws_files.check_value('session_token', token)
            credentials[aws_files.SESSION_TOKEN] = token
        else:
            credentials[aws_files.SESSION_TOKEN] = aws_files.REMOVE
        credentials[aws_files.SECURITY_TOKEN] = aws_files.REMOVE
    config = {}
    if params.get('region') is not None:
        aws_files.check_region('region', params['region'])
        config['region'] = params['region']
    if params.get('output') is not None:
        aws_files.check_output('output', params['output'])
        config['output'] = params['output']
    config.update(check_settings(params.get('settings')))
    return credentials, config
