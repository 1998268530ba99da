# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading the AWS CLI's shared files (``credentials`` and ``config``) exactly the way botocore's ``configloader``
does, with :mod:`configparser`, so what we report is what the AWS CLI will see. Standard library only."""

from __future__ import annotations

import configparser
import io
import re
import shlex

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import CREDENTIALS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import NotIniError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import SSO_SESSION


# The same patterns configparser uses (SECTCRE, OPTCRE, NONSPACECRE), so our idea of a line matches botocore's.
_SECTION_HEADER = re.compile(r'\[(?P<header>.+)\]')
_OPTION = re.compile(r'(?P<option>.*?)\s*(?P<vi>[=:])\s*(?P<value>.*)$')
_NONSPACE = re.compile(r'\S')
_COMMENT_PREFIXES = ('#', ';')


# --------------------------------------------------------------------------------------------
# Lines, the way botocore sees them
#
# botocore reads a file with configparser over ``open(path)`` in text mode: universal newlines, so
# exactly "\r\n", "\r" and "\n" end a line. Nothing else does: the characters that
# ``str.splitlines()`` also splits on ("\x0b", "\x0c", "\x1c"-"\x1e", "\x85", "\u2028", "\u2029")
# are ordinary characters inside a line (configparser's ``strip()`` does treat them as whitespace).

_LINE_BREAK = re.compile(r'\r\n|\r|\n')


def split_lines(text):
    """The lines of ``text`` with their endings, split where botocore splits them; ''.join() gives ``text`` back."""
    lines = []
    start = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[start:match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def _line_ending(line):
    if line.endswith('\r\n'):
        return '\r\n'
    if line.endswith(('\n', '\r')):
        return line[-1]
    return ''


def _content(line):
    return line[:len(line) - len(_line_ending(line))]


def _indent_width(content):
    """configparser's indent level of a line: the index of its first non-whitespace character."""
    found = _NONSPACE.search(content)
    return found.start() if found else 0


# --------------------------------------------------------------------------------------------
# Reading, the way botocore reads (a standard-library mirror of botocore.configloader)


def _bom_error(label):
    return NotIniError('%s starts with a UTF-8 byte order mark (BOM), which the AWS CLI cannot read '
                       '(botocore reports "Unable to parse config file"); save the file as UTF-8 without a BOM' % label)


def read_sections(text, label):
    """``botocore.configloader.raw_config_parse`` of ``text``: {section: {key: str or dict}}, in file order.

    Raises NotIniError (never quoting content: it may hold secrets) where botocore raises ConfigParseError.
    """
    if text.startswith('\ufeff'):
        raise _bom_error(label)
    parser = configparser.RawConfigParser()
    try:
        # newline=None: universal newlines, as ``open()`` in text mode gives botocore.
        parser.read_file(io.StringIO(text, newline=None), source=label)
    except configparser.Error as exc:
        raise NotIniError('%s is not an INI file the AWS CLI can read (%s%s)' % (
            label, type(exc).__name__, _error_line(exc))) from None
    result = {}
    for section in parser.sections():
        values = {}
        for key in parser.options(section):
            value = parser.get(section, key)
            if value.startswith('\n'):
                try:
                    value = _parse_nested(value)
                except ValueError:
                    raise NotIniError('%s is not an INI file the AWS CLI can read (nested value of %r in [%s] has a line without "=")'
                                      % (label, key, section)) from None
            values[key] = value
        result[section] = values
    return result


def _parse_nested(value):
    """botocore's ``_parse_nested``: one level, ``str.splitlines()``, the last duplicate wins."""
    parsed = {}
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        key, sub_value = line.split('=', 1)
        parsed[key.strip()] = sub_value.strip()
    return parsed


def parse_ini(text, label):
    """Kept for callers: the sections of ``text`` as botocore reads them."""
    return read_sections(text, label)


def _error_line(exc):
    lineno = getattr(exc, 'lineno', None)
    if lineno is None and getattr(exc, 'errors', None):
        lineno = exc.errors[0][0]
    return ' at line %s' % lineno if lineno else ''


def config_profile_of(header):
    """The profile a config file section stands for, or None: botocore's ``build_profile_map``."""
    if header.startswith('profile'):
        try:
            parts = shlex.split(header)
        except ValueError:
            return None
        return parts[1] if len(parts) == 2 else None
    if header == 'default':
        return header
    return None


def sso_session_of(header):
    """The sso-session a config file section stands for, or None: botocore's ``build_profile_map``
    (a header starting with ``profile`` is a profile first; then ``sso-session`` as ``shlex`` splits it)."""
    if header.startswith('profile') or not header.startswith('sso-session'):
        return None
    try:
        parts = shlex.split(header)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 else None


def profile_of_section(kind, header):
    """The profile a section header of a file of ``kind`` stands for, or None (botocore's rules).

    In the credentials file every section is the profile of its exact name (botocore's
    SharedCredentialProvider and Session.full_config); in the config file ``[default]`` and
    ``[profile NAME]`` as ``shlex`` splits it (``[profile "dev"]``, ``[profile  dev]`` are ``dev``).
    """
    if kind == CREDENTIALS:
        return None if header == configparser.DEFAULTSECT else header
    if kind == SSO_SESSION:
        return sso_session_of(header)
    return config_profile_of(header)


def profiles_of(kind, sections):
    """{profile: values} from read_sections(); when several sections stand for one profile, the last wins."""
    profiles = {}
    for header, values in sections.items():
        profile = profile_of_section(kind, header)
        if profile is not None:
            profiles[profile] = values
    return profiles


def read_profiles(kind, text, label):
    """{profile: {key: value}} of a file of ``kind``, as botocore reads it."""
    return profiles_of(kind, read_sections(text, label))
