# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading and editing the AWS CLI's shared files (``credentials`` and ``config``).

Standard library only: this runs on workstations, which need no boto3.

Editing works on the file's own lines, so every byte that is not a managed key survives untouched
(comments, blank lines, other sections, their order, nested ``s3 =`` blocks, CRLF line endings).
Reading uses :mod:`configparser` exactly the way botocore's ``configloader`` does, so what we report
is what the AWS CLI will see.
"""

from __future__ import annotations

import configparser
import csv
import io
import re

CREDENTIALS = 'credentials'
CONFIG = 'config'

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

# The same patterns configparser uses, so our idea of a line matches botocore's.
_SECTION_HEADER = re.compile(r'\[(?P<header>.+)\]')
_OPTION = re.compile(r'(?P<option>.*?)\s*(?P<vi>[=:])\s*(?P<value>.*)$')
_COMMENT_PREFIXES = ('#', ';')

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
    """The section header that holds ``profile`` in a file of ``kind``."""
    if kind == CONFIG and profile != 'default':
        return 'profile %s' % profile
    return profile


def profile_of_section(kind, header):
    """The profile a section header of a file of ``kind`` stands for, or None (botocore's rules)."""
    if kind == CREDENTIALS:
        return header
    if header == 'default':
        return header
    parts = header.split()
    if len(parts) == 2 and parts[0] == 'profile':
        return parts[1]
    return None


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
    if any(ch in name for ch in '"\'#;'):
        raise ValidationError(option, 'must not contain quotes, "#" or ";"')


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
# Reading, the way botocore reads


def parse_ini(text, label):
    """Parse ``text`` with configparser as botocore does; returns {section: {key: value or dict}}."""
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        raise NotIniError('%s is not an INI file the AWS CLI can read (%s%s)' % (
            label, type(exc).__name__, _error_line(exc))) from None
    result = {}
    for section in parser.sections():
        values = {}
        for key in parser.options(section):
            value = parser.get(section, key)
            if value is not None and value.startswith('\n'):
                nested = {}
                for line in value.splitlines():
                    if line.strip():
                        if '=' not in line:
                            raise NotIniError('%s is not an INI file the AWS CLI can read (nested value of %r in [%s] has a line without "=")'
                                              % (label, key, section))
                        sub_key, sub_value = line.split('=', 1)
                        nested[sub_key.strip()] = sub_value.strip()
                value = nested
            values[key] = value
        result[section] = values
    return result


def _error_line(exc):
    lineno = getattr(exc, 'lineno', None)
    if lineno is None and getattr(exc, 'errors', None):
        lineno = exc.errors[0][0]
    return ' at line %s' % lineno if lineno else ''


def read_profiles(kind, text, label):
    """{profile: {key: value}} of a file of ``kind``, ignoring sections that are not profiles."""
    profiles = {}
    for header, values in parse_ini(text, label).items():
        profile = profile_of_section(kind, header)
        if profile is not None and profile not in profiles:
            profiles[profile] = values
    return profiles


# --------------------------------------------------------------------------------------------
# Editing, line by line


class _Entry:
    """A ``key = value`` line and the indented continuation lines that belong to it."""

    def __init__(self, key, start):
        self.key = key
        self.start = start
        self.end = start + 1  # exclusive; grows over continuation lines


class _Section:
    def __init__(self, header, start):
        self.header = header
        self.start = start
        self.end = None  # exclusive: the next header, or the end of the file
        self.entries = []


def _scan(lines):
    """Split lines into sections and entries, following configparser's own reading rules."""
    sections = []
    current = None
    entry = None
    indent_level = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(_COMMENT_PREFIXES):
            continue
        indent = len(line) - len(line.lstrip())
        if entry is not None and indent > indent_level:
            entry.end = index + 1
            continue
        indent_level = indent
        entry = None
        header = _SECTION_HEADER.match(stripped)
        if header:
            if current is not None:
                current.end = index
            current = _Section(header.group('header'), index)
            sections.append(current)
            continue
        option = _OPTION.match(stripped)
        if current is not None and option and option.group('option'):
            entry = _Entry(option.group('option').rstrip().lower(), index)
            current.entries.append(entry)
    if current is not None:
        current.end = len(lines)
    return sections


def _line_ending(line):
    if line.endswith('\r\n'):
        return '\r\n'
    if line.endswith('\n'):
        return '\n'
    return ''


class IniDocument:
    """An AWS CLI file as its lines; ``render()`` of an unedited document is the input, byte for byte."""

    def __init__(self, text):
        self.lines = text.splitlines(keepends=True)
        self.newline = '\r\n' if self.lines and self.lines[0].endswith('\r\n') else '\n'

    def render(self):
        return ''.join(self.lines)

    def _section(self, header):
        for section in _scan(self.lines):
            if section.header == header:
                return section
        return None

    def has_section(self, header):
        return self._section(header) is not None

    def _entry(self, header, key):
        section = self._section(header)
        if section is None:
            return None, None
        for entry in section.entries:
            if entry.key == key:
                return section, entry
        return section, None

    def _ensure_section(self, header):
        section = self._section(header)
        if section is not None:
            return section
        if self.lines:
            if not _line_ending(self.lines[-1]):
                self.lines[-1] += self.newline
            if self.lines[-1].strip():
                self.lines.append(self.newline)
        self.lines.append('[%s]%s' % (header, self.newline))
        return self._section(header)

    def _insert_at_end_of(self, section, new_lines):
        position = section.entries[-1].end if section.entries else section.start + 1
        before = self.lines[position - 1]
        if not _line_ending(before):
            self.lines[position - 1] = before + self.newline
        self.lines[position:position] = new_lines

    def set(self, header, key, value):
        """Set ``key`` in section ``header`` to a string, or to a dict (a nested block)."""
        if isinstance(value, dict):
            self._set_nested(header, key, value)
            return
        section, entry = self._entry(header, key)
        if entry is None:
            section = self._ensure_section(header)
            self._insert_at_end_of(section, ['%s = %s%s' % (key, value, self.newline)])
            return
        first = self.lines[entry.start]
        prefix = _OPTION_PREFIX.match(first).group(0)
        if entry.end - entry.start == 1 and first[len(prefix):].rstrip('\r\n') == value:
            return
        ending = _line_ending(self.lines[entry.end - 1]) or _line_ending(first)
        self.lines[entry.start:entry.end] = [prefix + value + ending]

    def _set_nested(self, header, key, values):
        section, entry = self._entry(header, key)
        if entry is not None and self.lines[entry.start][len(_OPTION_PREFIX.match(self.lines[entry.start]).group(0)):].strip():
            # A scalar where a block is wanted: replace the whole entry.
            del self.lines[entry.start:entry.end]
            section, entry = self._entry(header, key)
        if entry is None:
            wanted = {k: v for k, v in values.items() if v is not REMOVE}
            if not wanted:
                return
            section = self._ensure_section(header)
            block = ['%s =%s' % (key, self.newline)]
            block += ['  %s = %s%s' % (k, v, self.newline) for k, v in wanted.items()]
            self._insert_at_end_of(section, block)
            return
        for sub_key, sub_value in values.items():
            self._set_sub_key(header, key, sub_key, sub_value)

    def _set_sub_key(self, header, key, sub_key, value):
        _section, entry = self._entry(header, key)
        indent = '  '
        for index in range(entry.start + 1, entry.end):
            line = self.lines[index]
            if not line.strip() or line.strip().startswith(_COMMENT_PREFIXES) or '=' not in line:
                continue
            indent = line[:len(line) - len(line.lstrip())]
            name, _sep, rest = line.partition('=')
            if name.strip() != sub_key:
                continue
            if value is REMOVE:
                del self.lines[index]
                return
            if rest.strip() == value:
                return
            spacing = rest[:len(rest) - len(rest.lstrip(' \t'))]
            self.lines[index] = '%s=%s%s%s' % (name, spacing, value, _line_ending(line) or self.newline)
            return
        if value is REMOVE:
            return
        last = self.lines[entry.end - 1]
        if not _line_ending(last):
            self.lines[entry.end - 1] = last + self.newline
        self.lines.insert(entry.end, '%s%s = %s%s' % (indent, sub_key, value, self.newline))

    def remove(self, header, key):
        _section, entry = self._entry(header, key)
        if entry is not None:
            del self.lines[entry.start:entry.end]

    def remove_section(self, header):
        section = self._section(header)
        if section is None:
            return
        start, end = section.start, section.end
        if end == len(self.lines):
            # Last section: also drop the blank lines that separated it from the one before.
            while start > 0 and not self.lines[start - 1].strip():
                start -= 1
        del self.lines[start:end]

    def masked(self):
        """The document's text with every secret value masked, for diffs."""
        lines = list(self.lines)
        for section in _scan(lines):
            for entry in section.entries:
                if entry.key in SECRET_KEYS:
                    first = lines[entry.start]
                    prefix = _OPTION_PREFIX.match(first).group(0)
                    lines[entry.start] = prefix + mask(first[len(prefix):].rstrip('\r\n').strip()) + _line_ending(first)
                    for index in range(entry.start + 1, entry.end):
                        lines[index] = '*' * 16 + _line_ending(lines[index])
        return ''.join(lines)


# ``  key = `` up to the value: kept as it is when a value is replaced in place.
_OPTION_PREFIX = re.compile(r'\s*[^=:\r\n]*?\s*[=:][ \t]*')


# --------------------------------------------------------------------------------------------
# The console's credentials CSV

CSV_USER = 'user name'
CSV_PASSWORD = 'password'
CSV_KEY_ID = 'access key id'
CSV_SECRET = 'secret access key'


def read_credentials_csv(option, text, user_name=None, user_option='csv_user_name'):
    """The (access key id, secret) in an IAM console CSV, picking the row of ``user_name``."""
    rows = list(csv.reader(io.StringIO(text.lstrip('\ufeff'), newline='')))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise ValidationError(option, 'the CSV file is empty')
    columns = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in (CSV_KEY_ID, CSV_SECRET) if name not in columns]
    if missing:
        raise ValidationError(option, 'the CSV must have the columns "Access key ID" and "Secret access key" '
                                      '(the IAM console format); missing: %s' % ', '.join('"%s"' % m for m in missing))
    records = [dict(zip(columns, [cell.strip() for cell in row])) for row in rows[1:]]
    if user_name is not None:
        if CSV_USER not in columns:
            raise ValidationError(user_option, 'the CSV has no "User name" column to pick a row by')
        records = [record for record in records if record.get(CSV_USER) == user_name]
        if not records:
            raise ValidationError(user_option, 'no row of the CSV has User name %r' % user_name)
    if not records:
        raise ValidationError(option, 'the CSV has a header but no data row')
    if len(records) > 1:
        raise ValidationError(user_option if user_name is not None else option,
                              'the CSV has %d rows%s; set csv_user_name to pick one' % (
                                  len(records), ' for that user' if user_name is not None else ''))
    record = records[0]
    key_id, secret = record.get(CSV_KEY_ID, ''), record.get(CSV_SECRET, '')
    if not key_id or not secret:
        raise ValidationError(option, 'the selected CSV row has no access key (a console-only user?)')
    return key_id, secret


# --------------------------------------------------------------------------------------------
# One profile across both files


def config_section(document, profile):
    """The config section of ``profile``; ``[profile default]`` is used when a file already has it."""
    if profile == 'default' and not document.has_section('default') and document.has_section('profile default'):
        return 'profile default'
    return section_name(CONFIG, profile)


def plan_profile(credentials_text, config_text, profile, state, credentials=None, config=None):
    """The new texts of both files for one profile: a pure function of the old texts and the wish.

    ``credentials`` and ``config`` map keys to a value to set (str, or dict for a nested block),
    or to ``REMOVE``; keys not named are left as they are. ``state='absent'`` removes the
    profile's section from both files.
    """
    cred_doc, conf_doc = IniDocument(credentials_text), IniDocument(config_text)
    cred_header, conf_header = section_name(CREDENTIALS, profile), config_section(conf_doc, profile)
    if state == 'absent':
        cred_doc.remove_section(cred_header)
        conf_doc.remove_section(conf_header)
    else:
        for document, header, wanted in ((cred_doc, cred_header, credentials or {}), (conf_doc, conf_header, config or {})):
            for key, value in wanted.items():
                if value is REMOVE:
                    document.remove(header, key)
                else:
                    document.set(header, key, value)
    return cred_doc, conf_doc


def describe_profile(profile, credentials_profiles, config_profiles):
    """What the AWS CLI resolves for ``profile`` from the two files; never a secret value.

    Shared-credentials-file values win over config-file values, as in botocore's provider chain.
    """
    from_credentials = credentials_profiles.get(profile, {})
    from_config = config_profiles.get(profile, {})

    def lookup(key):
        if from_credentials.get(key):
            return from_credentials[key], CREDENTIALS
        if key in CREDENTIAL_KEYS and from_config.get(key):
            return from_config[key], CONFIG
        if key not in CREDENTIAL_KEYS and from_config.get(key) is not None:
            return from_config[key], CONFIG
        return None, None

    key_id, key_id_source = lookup(ACCESS_KEY_ID)
    secret, secret_source = lookup(SECRET_ACCESS_KEY)
    token, token_source = lookup(SESSION_TOKEN)
    if token is None:
        token, token_source = lookup(SECURITY_TOKEN)
    region, region_source = lookup('region')
    output, output_source = lookup('output')
    managed = set(CREDENTIAL_KEYS) | {'region', 'output'}
    sources = {}
    for key in set(from_config) | set(from_credentials):
        if key in from_credentials and (key in CREDENTIAL_KEYS or key not in from_config):
            sources[key] = CREDENTIALS
        else:
            sources[key] = CONFIG
    return {
        'name': profile,
        'access_key_id': key_id,
        'access_key_id_source': key_id_source,
        'secret_access_key_present': secret is not None,
        'secret_access_key_source': secret_source,
        'secret_access_key_masked': mask(secret) if secret else None,
        'session_token_present': token is not None,
        'session_token_source': token_source,
        'region': region if isinstance(region, str) else None,
        'region_source': region_source,
        'output': output if isinstance(output, str) else None,
        'output_source': output_source,
        'settings': sorted(key for key in sources if key not in managed),
        'sources': dict(sorted(sources.items())),
    }


def configure_list(description, credentials_path, config_path):
    """The rows of ``aws configure list`` for a profile description (secrets masked)."""
    locations = {CREDENTIALS: ('shared-credentials-file', credentials_path), CONFIG: ('config-file', config_path)}

    def row(value, source):
        if value is None:
            return {'value': '<not set>', 'type': None, 'location': None}
        kind, location = locations[source]
        return {'value': value, 'type': kind, 'location': location}

    return {
        'profile': {'value': description['name'], 'type': 'manual', 'location': '--profile'},
        'access_key': row(mask(description['access_key_id']), description['access_key_id_source']),
        'secret_key': row(description['secret_access_key_masked'], description['secret_access_key_source']),
        'region': row(description['region'], description['region_source']),
        'output': row(description['output'], description['output_source']),
    }
