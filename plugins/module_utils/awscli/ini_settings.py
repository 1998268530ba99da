# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The names of the AWS CLI's shared files, their settings and profile kinds, and the checks of a value we are asked
to write (standard library only: this runs on workstations, which need no boto3)."""

from __future__ import annotations

import configparser
import re


CREDENTIALS = 'credentials'
CONFIG = 'config'
# The ``[sso-session NAME]`` sections of the config file (botocore's ``sso_sessions``).
SSO_SESSION = 'sso-session'

ACCESS_KEY_ID = 'aws_access_key_id'
SECRET_ACCESS_KEY = 'aws_secret_access_key'
SESSION_TOKEN = 'aws_session_token'
# The AWS CLI still reads this older name of the session token.
SECURITY_TOKEN = 'aws_security_token'
SECRET_KEYS = (SECRET_ACCESS_KEY, SESSION_TOKEN, SECURITY_TOKEN)
CREDENTIAL_KEYS = (ACCESS_KEY_ID,) + SECRET_KEYS

OUTPUT_FORMATS = ('json', 'yaml', 'yaml-stream', 'text', 'table')
# us-east-1, ap-northeast-2, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1 ...
REGION_PATTERN = re.compile(r'^[a-z]{2,4}(-[a-z]+){1,3}-[0-9]{1,2}$')
SETTING_NAME_PATTERN = re.compile(r'^[A-Za-z0-9_.-]+$')

# Removes the key wherever it is set: ``{'cli_pager': REMOVE}``.
REMOVE = object()


class ValidationError(Exception):
    """A bad option: names the option and the rule it broke."""

    def __init__(self, option, rule):
        super().__init__('%s: %s' % (option, rule))
        self.option = option
        self.rule = rule


class NotIniError(Exception):
    """A file the AWS CLI could not read. Never quotes file content: it may hold secrets."""


def mask(value):
    """The AWS CLI's display of a secret: 16 ``*`` then the last 4 characters."""
    if not value:
        return value
    return '*' * 16 + value[-4:]


def section_name(kind, profile):
    """The section header that holds ``profile`` in a file of ``kind`` (or the sso-session ``profile``)."""
    if kind == SSO_SESSION:
        return 'sso-session %s' % profile
    if kind == CONFIG and profile != 'default':
        return 'profile %s' % profile
    return profile


# --------------------------------------------------------------------------------------------
# Validation of values we are asked to write


def check_profile_name(option, name):
    if not isinstance(name, str) or name == '':
        raise ValidationError(option, 'must be a non-empty profile name')
    if name != name.strip():
        raise ValidationError(option, 'must not start or end with whitespace')
    if any(ch in name for ch in '[]'):
        raise ValidationError(option, 'must not contain "[" or "]" (they delimit INI section headers)')
    if re.search(r'\s', name):
        raise ValidationError(option, 'must not contain whitespace or line breaks (the AWS CLI cannot read such a profile)')
    if any(ch in name for ch in '"\'#;\\'):
        raise ValidationError(option, 'must not contain quotes, "#", ";" or "\\" (botocore reads [profile NAME] with shell-like quoting)')
    if name == configparser.DEFAULTSECT:
        raise ValidationError(option, '"DEFAULT" is the defaults section of the INI format: botocore would add its keys to every '
                                      'other profile; choose another name')


def check_value(option, value):
    if not isinstance(value, str):
        raise ValidationError(option, 'must be a string')
    if '\n' in value or '\r' in value:
        raise ValidationError(option, 'must not contain a newline or carriage return')
    if value != value.strip():
        raise ValidationError(option, 'must not start or end with whitespace (the AWS CLI strips it)')


def check_setting_name(option, name):
    if not isinstance(name, str) or not SETTING_NAME_PATTERN.match(name):
        raise ValidationError(option, 'setting names may contain only letters, digits, "_", "-" and "." (got %r)' % (name,))


def check_region(option, region):
    check_value(option, region)
    if not REGION_PATTERN.match(region):
        raise ValidationError(option, 'must look like an AWS region such as ap-northeast-2 (got %r)' % (region,))


def check_output(option, output):
    if output not in OUTPUT_FORMATS:
        raise ValidationError(option, 'must be one of %s (got %r)' % (', '.join(OUTPUT_FORMATS), output))


def setting_text(option, value):
    """A setting value as the text to write; dicts (nested blocks) are handled by the caller."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return str(value)
    check_value(option, value)
    return value


# --------------------------------------------------------------------------------------------
# How a profile gets its credentials

STATIC = 'static'
SSO = 'sso'
ROLE = 'role'
PROCESS = 'process'
NO_CREDENTIALS = 'none'
SSO_PROFILE_KEYS = ('sso_session', 'sso_account_id', 'sso_role_name')
# Set on the profile by the legacy (pre sso-session) configuration; the sso-session holds them now.
SSO_LEGACY_KEYS = ('sso_start_url', 'sso_region', 'sso_registration_scopes')
ROLE_KEYS = ('role_arn', 'source_profile', 'credential_source', 'mfa_serial', 'duration_seconds', 'role_session_name',
             'external_id')
# The settings through which each kind gets its credentials (web identity counts as a role: role_arn is its trigger).
KIND_KEYS = {
    STATIC: CREDENTIAL_KEYS,
    SSO: SSO_PROFILE_KEYS + SSO_LEGACY_KEYS,
    ROLE: ROLE_KEYS + ('web_identity_token_file',),
    PROCESS: ('credential_process',),
}
CREDENTIAL_SOURCES = ('Environment', 'Ec2InstanceMetadata', 'EcsContainer')
