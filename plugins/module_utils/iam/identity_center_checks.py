# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM Identity Center option checks (pure): names, texts, emails, account ids, the instance ARN, session
durations, relay states, descriptions, policy paths and inline policies, each failing with the option it names."""

from __future__ import annotations

import re

from ansible.module_utils.six import string_types

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import parse_policy_document

INSTANCE_ARN_PATTERN = re.compile(r'arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}')
ACCOUNT_ID_PATTERN = re.compile(r'\d{12}')
# Identity Store user names: no whitespace or control characters (and not the reserved names).
IDENTITY_NAME_PATTERN = re.compile(r'[^\s\x00-\x1f\x7f]+')
RESERVED_NAMES = ('administrator', 'awsadministrators')
TEXT_MAX = 1024
EMAIL_PATTERN = re.compile(r'[^@\s]+@[^@\s]+\.[^@\s.]+')
# sso-admin: permission set names and customer managed policy names and paths.
PERMISSION_SET_NAME_PATTERN = re.compile(r'[\w+=,.@-]{1,32}', re.ASCII)
POLICY_NAME_PATTERN = re.compile(r'[\w+=,.@-]{1,128}', re.ASCII)
POLICY_PATH_PATTERN = re.compile(r'/(?:[\x21-\x7e]+/)?')
DESCRIPTION_PATTERN = re.compile(r'[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]{1,700}')
SESSION_DURATION_PATTERN = re.compile(r'PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?')
SESSION_MIN_SECONDS = 3600
SESSION_MAX_SECONDS = 12 * 3600
RELAY_STATE_MAX = 240
MANAGED_POLICIES_MAX = 20


def check_text(option, value, what, required=False, maximum=TEXT_MAX):
    if value is None:
        if required:
            raise OptionError(option, '%s is required' % what)
        return None
    if not isinstance(value, string_types) or not value.strip():
        raise OptionError(option, '%s must not be empty' % what)
    if len(value) > maximum:
        raise OptionError(option, '%s is at most %d characters, this one has %d' % (what, maximum, len(value)))
    if any(ord(char) < 0x20 and char not in '\t' for char in value):
        raise OptionError(option, '%s must not contain line breaks or control characters' % what)
    return value


def check_identity_name(option, value, kind):
    """A user name (or a name a group or assignment refers to) in the Identity Store's rules."""
    if not isinstance(value, string_types) or not value:
        raise OptionError(option, 'an Identity Store %s name must not be empty' % kind)
    if len(value) > 128:
        raise OptionError(option, 'an Identity Store %s name is at most 128 characters, %r has %d' % (kind, value[:20] + '...', len(value)))
    if not IDENTITY_NAME_PATTERN.fullmatch(value):
        raise OptionError(option, 'an Identity Store %s name must not contain spaces or control characters (got %r)' % (kind, value))
    if value.lower() in RESERVED_NAMES:
        raise OptionError(option, '%r is a name IAM Identity Center reserves (Administrator and AWSAdministrators cannot be used '
                                  'for users or groups)' % value)
    return value


def check_group_name(option, value):
    value = check_text(option, value, 'a group display name', required=True)
    if value != value.strip():
        raise OptionError(option, 'a group display name must not begin or end with spaces (got %r)' % value)
    if value.lower() in RESERVED_NAMES:
        raise OptionError(option, '%r is a name IAM Identity Center reserves (Administrator and AWSAdministrators cannot be used '
                                  'for users or groups)' % value)
    return value


def check_email(option, value):
    if value is None:
        return None
    if not isinstance(value, string_types) or len(value) > TEXT_MAX or not EMAIL_PATTERN.fullmatch(value):
        raise OptionError(option, 'an email address is NAME@DOMAIN without spaces (got %r)' % (value,))
    return value


def check_permission_set_name(option, value):
    if not isinstance(value, string_types) or not PERMISSION_SET_NAME_PATTERN.fullmatch(value or ''):
        raise OptionError(option, 'a permission set name is 1 to 32 letters, digits and + = , . @ _ - (got %r)' % (value,))
    return value


def check_account_id(option, value):
    if value is None:
        return None
    value = str(value)
    if not ACCOUNT_ID_PATTERN.fullmatch(value):
        raise OptionError(option, 'an AWS account id is 12 digits (got %r)' % value)
    return value


def check_instance_arn(option, value):
    if value is None:
        return None
    if not INSTANCE_ARN_PATTERN.fullmatch(value):
        raise OptionError(option, '%r is not an IAM Identity Center instance ARN (arn:aws:sso:::instance/ssoins-...)' % value)
    return value


def session_seconds(value):
    """Seconds of an ISO-8601 duration as sso-admin takes it (PT1H, PT8H30M, PT3600S), or None. Pure."""
    match = SESSION_DURATION_PATTERN.fullmatch(value or '') if isinstance(value, string_types) else None
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def check_session_duration(option, value):
    if value is None:
        return None
    seconds = session_seconds(value)
    if seconds is None:
        raise OptionError(option, 'a session duration is an ISO-8601 duration such as PT1H or PT8H30M (got %r)' % (value,))
    if not SESSION_MIN_SECONDS <= seconds <= SESSION_MAX_SECONDS:
        raise OptionError(option, 'a session duration is between 1 and 12 hours (PT1H to PT12H), %r is %d minutes' % (value, seconds // 60))
    return value


def check_relay_state(option, value):
    if value is None:
        return None
    value = check_text(option, value, 'a relay state', maximum=RELAY_STATE_MAX)
    if not re.fullmatch(r'[a-zA-Z0-9&$@#\\/%?=~\-_\'"|!:,.;*+\[\]() {}]+', value):
        raise OptionError(option, 'a relay state is a URL (letters, digits and URL punctuation, got %r)' % value)
    return value


def check_description(option, value):
    if value is None:
        return None
    if not isinstance(value, string_types) or not DESCRIPTION_PATTERN.fullmatch(value):
        raise OptionError(option, 'a permission set description is 1 to 700 printable Latin-1 characters (got %r)' % (str(value)[:40],))
    return value


def check_policy_path(option, value):
    if not isinstance(value, string_types) or len(value) > 512 or '//' in value or not POLICY_PATH_PATTERN.fullmatch(value):
        raise OptionError(option, 'a policy path begins and ends with "/", such as / or /team/ (got %r)' % (value,))
    return value


def parse_inline_policy(option, value):
    """An inline policy (a dict or a JSON string) -> dict; '' stands for "no inline policy"."""
    if value == '' or value == {}:
        return {}
    return parse_policy_document(option, value, 'permission set')


def check_entries_unique(option, entries, key, label_of):
    """No two entries of ``option`` with the same ``key`` (case-insensitive, as Identity Center compares names)."""
    seen = set()
    for entry in entries:
        name = entry[key].lower()
        if name in seen:
            raise OptionError(label_of(entry), 'the entry %r is given twice in %s' % (entry[key], option))
        seen.add(name)
