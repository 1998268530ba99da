# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Local checks of module options against IAM's rules, made before any API call.

Each check raises OptionError with a message that names the option and the rule it breaks, and
never repeats a secret.
"""

from __future__ import annotations

import json
import re

from ansible.module_utils.six import string_types

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
NAME_PATTERN = re.compile(r'[\w+=,.@-]+', re.ASCII)
NAME_MAX = {'user': 64, 'role': 64, 'group': 128, 'policy': 128}
PATH_PATTERN = re.compile(r'/(?:[\x21-\x7e]+/)?')
PATH_MAX = 512
POLICY_ARN_PATTERN = re.compile(
    r'arn:(?P<partition>aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z])'
    r':iam::(?P<account>aws|\d{12}):policy/(?P<path>(?:[\w+=,.@-]+/)*)(?P<name>[\w+=,.@-]{1,128})', re.ASCII)
POLICY_NAME_PATTERN = re.compile(r'(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,128}', re.ASCII)
ACCESS_KEY_ID_PATTERN = re.compile(r'[A-Z0-9]{16,128}')
ALIAS_PATTERN = re.compile(r'[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]')
TAG_PATTERN = re.compile(r'[\w\s.:/=+\-@]*', re.UNICODE)
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
TAGS_MAX = 50
PASSWORD_MAX = 128
# The size limit of a policy document by kind: an inline policy of a group, a user or a permission set, or
# a role's trust policy (2048 is the default quota of trust policies).
POLICY_SIZE_MAX = {'group': 5120, 'user': 2048, 'permission set': 32768, 'trust': 2048}
POLICY_KIND_NAMES = {'group': 'an inline group policy', 'user': 'an inline user policy',
                     'permission set': 'an inline permission set policy', 'trust': 'a trust policy'}


class OptionError(Exception):
    """A module option that breaks an IAM rule; the message starts with the option's name."""

    def __init__(self, option, rule):
        super().__init__('%s: %s' % (option, rule))
        self.option = option
        self.rule = rule
        self.message = '%s: %s' % (option, rule)


def check_name(option, value, kind):
    if not isinstance(value, string_types) or not value:
        raise OptionError(option, 'an IAM %s name must not be empty' % kind)
    limit = NAME_MAX[kind]
    if len(value) > limit:
        raise OptionError(option, 'an IAM %s name is at most %d characters, %r has %d' % (kind, limit, value[:20] + '...', len(value)))
    if not NAME_PATTERN.fullmatch(value):
        raise OptionError(option, 'an IAM %s name may only contain letters, digits and + = , . @ _ - (got %r)' % (kind, value))
    return value


def check_path(option, value):
    if value is None:
        return None
    if len(value) > PATH_MAX:
        raise OptionError(option, 'an IAM path is at most %d characters' % PATH_MAX)
    if not value.startswith('/') or not value.endswith('/'):
        raise OptionError(option, 'an IAM path must begin and end with "/" (got %r)' % value)
    if '//' in value or not PATH_PATTERN.fullmatch(value):
        raise OptionError(option, 'an IAM path is "/" or "/" separated printable ASCII segments without spaces (got %r)' % value)
    return value


def check_managed_policy(option, value):
    """An ARN, or the name of an AWS managed policy (optionally with its path, ``service-role/Name``)."""
    if not isinstance(value, string_types) or not value:
        raise OptionError(option, 'a managed policy must be an ARN or an AWS managed policy name, not empty')
    if value.startswith('arn:'):
        if not POLICY_ARN_PATTERN.fullmatch(value):
            raise OptionError(option, '%r is not a valid IAM policy ARN (arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME)' % value)
        return value
    if ':' in value or not POLICY_NAME_PATTERN.fullmatch(value):
        raise OptionError(option, '%r is neither a policy ARN nor an AWS managed policy name (letters, digits, + = , . @ _ -)' % value)
    return value


def aws_managed_policy_arn(partition, name):
    return 'arn:%s:iam::aws:policy/%s' % (partition, name)


def parse_policy_document(option, value, kind):
    """A policy document given as a dict or a JSON string -> dict; ``kind`` (a key of POLICY_SIZE_MAX) sets its size limit."""
    if isinstance(value, string_types):
        try:
            document = json.loads(value)
        except ValueError as exc:
            raise OptionError(option, 'the policy document is not valid JSON (%s)' % exc) from exc
    else:
        document = value
    if not isinstance(document, dict):
        raise OptionError(option, 'a policy document must be a JSON object, not %s' % type(document).__name__)
    statements = document.get('Statement')
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise OptionError(option, 'a policy document needs a "Statement" (an object or a non-empty list)')
    for statement in statements:
        if not isinstance(statement, dict) or statement.get('Effect') not in ('Allow', 'Deny'):
            raise OptionError(option, 'every statement needs "Effect": "Allow" or "Deny"')
        if 'Action' not in statement and 'NotAction' not in statement:
            raise OptionError(option, 'every statement needs "Action" or "NotAction"')
    size = len(json.dumps(document, separators=(',', ':')))
    if size > POLICY_SIZE_MAX[kind]:
        raise OptionError(option, '%s is at most %d characters, this one has %d' % (POLICY_KIND_NAMES[kind], POLICY_SIZE_MAX[kind], size))
    return document


def check_tags(option, tags):
    if tags is None:
        return None
    if len(tags) > TAGS_MAX:
        raise OptionError(option, 'at most %d tags per IAM resource, got %d' % (TAGS_MAX, len(tags)))
    checked = {}
    for key, value in tags.items():
        key = str(key)
        value = '' if value is None else str(value)
        if not key or len(key) > TAG_KEY_MAX:
            raise OptionError(option, 'a tag key is 1 to %d characters (%r)' % (TAG_KEY_MAX, key[:40]))
        if key.lower().startswith('aws:'):
            raise OptionError(option, 'tag keys starting with "aws:" are reserved by AWS (%r)' % key)
        if len(value) > TAG_VALUE_MAX:
            raise OptionError(option, 'the value of tag %r is longer than %d characters' % (key, TAG_VALUE_MAX))
        for text in (key, value):
            if not TAG_PATTERN.fullmatch(text):
                raise OptionError(option, 'tag %r: keys and values may only contain letters, digits, spaces and _ . : / = + - @' % key)
        checked[key] = value
    return checked


def check_access_key_id(option, value):
    if value is None:
        return None
    if not ACCESS_KEY_ID_PATTERN.fullmatch(value):
        raise OptionError(option, 'an access key id is 16 to 128 upper-case letters and digits (got %r)' % value[:24])
    return value


def check_alias(option, value):
    if value is None or value == '':
        return value
    if not ALIAS_PATTERN.fullmatch(value):
        raise OptionError(option, 'an account alias is 3 to 63 lower-case letters, digits and single hyphens, '
                                  'starting and ending with a letter or digit (got %r)' % value)
    if value.isdigit():
        raise OptionError(option, 'an account alias must not be all digits (it would look like an account id)')
    return value


def check_password_shape(option, value):
    """The rules every IAM password follows, whatever the account's policy (the value is never echoed)."""
    if value is None:
        return None
    if not value:
        raise OptionError(option, 'must not be empty')
    if len(value) > PASSWORD_MAX:
        raise OptionError(option, 'an IAM password is at most %d characters' % PASSWORD_MAX)
    if any(ord(char) < 0x20 or ord(char) > 0xff for char in value):
        raise OptionError(option, 'an IAM password may only contain printable Latin-1 characters')
    return value
