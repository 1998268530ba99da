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
import shlex

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

# The same patterns configparser uses (SECTCRE, OPTCRE, NONSPACECRE), so our idea of a line matches botocore's.
_SECTION_HEADER = re.compile(r'\[(?P<header>.+)\]')
_OPTION = re.compile(r'(?P<option>.*?)\s*(?P<vi>[=:])\s*(?P<value>.*)$')
_NONSPACE = re.compile(r'\S')
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


# --------------------------------------------------------------------------------------------
# Editing, line by line, with configparser's own reading rules


class _Entry:
    """A ``key = value`` line and the continuation lines (deeper indented) that belong to it."""

    def __init__(self, key, start, indent):
        self.key = key
        self.start = start
        self.indent = indent
        self.end = start + 1  # exclusive: after the last continuation line
        self.continuations = []


class _Section:
    def __init__(self, header, start):
        self.header = header
        self.start = start
        self.end = None  # exclusive: the next header, or the end of the file
        self.entries = []

    @property
    def content_end(self):
        return self.entries[-1].end if self.entries else self.start + 1


def _scan(lines):
    """Sections and entries exactly as configparser's ``_read`` finds them (comments: whole lines
    starting with ``#`` or ``;`` after whitespace; blank and comment lines never end a value; a line
    indented deeper than the key line continues the value, even an indented ``[header]``)."""
    sections = []
    current = None
    entry = None
    indent_level = 0
    for index, line in enumerate(lines):
        content = _content(line)
        value = content.strip()
        if not value or value.startswith(_COMMENT_PREFIXES):
            continue
        indent = _indent_width(content)
        if current is not None and entry is not None and indent > indent_level:
            entry.continuations.append(index)
            entry.end = index + 1
            continue
        indent_level = indent
        header = _SECTION_HEADER.match(value)
        if header:
            if current is not None:
                current.end = index
            current = _Section(header.group('header'), index)
            sections.append(current)
            entry = None
            continue
        option = _OPTION.match(value)
        if current is not None and option and option.group('option'):
            entry = _Entry(option.group('option').rstrip().lower(), index, content[:indent])
            current.entries.append(entry)
    if current is not None:
        current.end = len(lines)
    return sections


def _clean_indent(indent):
    """An indentation to copy onto a new line: the same width, in spaces unless it is plain spaces and tabs."""
    return indent if all(ch in ' \t' for ch in indent) else ' ' * len(indent)


def _nested_parts(content):
    """The sub-lines botocore's ``_parse_nested`` sees in one continuation line: [(text with its break, name)]."""
    parts = []
    for part in content.strip().splitlines(True):
        stripped = part.strip()
        parts.append((part, stripped.split('=', 1)[0].strip() if stripped else None))
    return parts


class IniDocument:
    """An AWS CLI file as its lines; ``render()`` of an unedited document is the input, byte for byte."""

    def __init__(self, text):
        self.lines = split_lines(text)
        endings = [_line_ending(line) for line in self.lines if _line_ending(line)]
        self.newline = endings[0] if endings else '\n'

    def render(self):
        return ''.join(self.lines)

    def sections(self):
        return _scan(self.lines)

    def _section(self, header):
        found = [section for section in _scan(self.lines) if section.header == header]
        return found[-1] if found else None

    def has_section(self, header):
        return self._section(header) is not None

    def _entry(self, header, key):
        section = self._section(header)
        if section is None:
            return None, None
        found = [entry for entry in section.entries if entry.key == key]
        return section, (found[-1] if found else None)

    def _terminate(self, index):
        """Make sure line ``index`` ends with a line break (before something is inserted after it)."""
        if index >= 0 and not _line_ending(self.lines[index]):
            self.lines[index] += self.newline

    def _ensure_section(self, header):
        section = self._section(header)
        if section is not None:
            return section
        if self.lines:
            self._terminate(len(self.lines) - 1)
            if self.lines[-1].strip():
                # A blank line; after a lone CR it must not be a LF (the two would make one CRLF line break).
                self.lines.append('\r' if _line_ending(self.lines[-1]) == '\r' else self.newline)
        self.lines.append('[%s]%s' % (header, self.newline))
        return self._section(header)

    def _insertion_point(self, section):
        """Where a new key goes (after the section's last entry) and an indentation that neither makes it
        a continuation of the line before nor turns the next line into a continuation of it."""
        if section.entries:
            last = section.entries[-1]
            return last.end, _clean_indent(last.indent)
        position = section.start + 1
        for line in self.lines[position:]:
            value = _content(line).strip()
            if value and not value.startswith(_COMMENT_PREFIXES):
                return position, ' ' * _indent_width(_content(line))
        return position, ''

    def _insert(self, position, new_lines):
        self._terminate(position - 1)
        self.lines[position:position] = new_lines

    def _drop_value_lines(self, entry, keep_key_line=False):
        """Delete an entry's key line (unless kept) and its continuation lines; comments and blank lines stay."""
        doomed = set(entry.continuations)
        if not keep_key_line:
            doomed.add(entry.start)
        last = self.lines[entry.end - 1]
        for index in sorted(doomed, reverse=True):
            del self.lines[index]
        # The line that is now last of the span keeps a line break when the removed one had one.
        if doomed and entry.end - 1 in doomed and _line_ending(last):
            remaining = entry.end - 1 - len(doomed)
            if 0 <= remaining < len(self.lines):
                self._terminate(remaining)

    def set(self, header, key, value):
        """Set ``key`` in section ``header`` to a string, or to a dict (a nested block, values may be REMOVE)."""
        if isinstance(value, dict):
            self._set_nested(header, key, value)
            return
        section, entry = self._entry(header, key)
        if entry is None:
            section = self._ensure_section(header)
            position, indent = self._insertion_point(section)
            self._insert(position, [('%s%s = %s%s' if value else '%s%s =%s%s') % (indent, key, value, self.newline)])
            return
        first = self.lines[entry.start]
        prefix = _OPTION_PREFIX.match(_content(first)).group(0)
        if not entry.continuations and _content(first)[len(prefix):].strip() == value:
            return
        ending = _line_ending(first) or (self.newline if entry.continuations else '')
        if not value:
            prefix = prefix.rstrip(' \t')
        elif not _content(first)[len(prefix):].strip() and not prefix.endswith((' ', '\t')):
            prefix += ' '  # ``s3 =`` becomes ``s3 = off``, ``region=old`` stays ``region=new``
        self._drop_value_lines(entry, keep_key_line=True)
        self.lines[entry.start] = prefix + value + ending

    def _sub_lines(self, indent, values):
        return ['%s%s = %s%s' % (indent, k, v, self.newline) for k, v in values.items()]

    def _set_nested(self, header, key, values):
        wanted = {k: v for k, v in values.items() if v is not REMOVE}
        section, entry = self._entry(header, key)
        if entry is None:
            if not wanted:
                return
            section = self._ensure_section(header)
            position, indent = self._insertion_point(section)
            self._insert(position, ['%s%s =%s' % (indent, key, self.newline)] + self._sub_lines(indent + '  ', wanted))
            return
        first = _content(self.lines[entry.start])
        prefix = _OPTION_PREFIX.match(first).group(0)
        has_block = not first[len(prefix):].strip() and any(
            name is not None for index in entry.continuations for _part, name in _nested_parts(_content(self.lines[index])))
        if not has_block:
            # A scalar (or an empty ``s3 =``): a null sub-key has nothing to remove, so it stays.
            if not wanted:
                return
            ending = _line_ending(self.lines[entry.start]) or self.newline
            self._drop_value_lines(entry, keep_key_line=True)
            self.lines[entry.start] = prefix.rstrip(' \t') + ending
            self._insert(entry.start + 1, self._sub_lines(_clean_indent(entry.indent) + '  ', wanted))
            return
        for sub_key, sub_value in values.items():
            self._set_sub_key(header, key, sub_key, sub_value)
        _section, entry = self._entry(header, key)
        if not any(name is not None for index in entry.continuations for _part, name in _nested_parts(_content(self.lines[index]))):
            # The block lost its last key: the setting goes (botocore would read an empty string).
            self._drop_value_lines(entry)

    def _set_sub_key(self, header, key, sub_key, value):
        _section, entry = self._entry(header, key)
        located = [(index, number) for index in entry.continuations
                   for number, (_part, name) in enumerate(_nested_parts(_content(self.lines[index]))) if name == sub_key]
        if value is REMOVE:
            for index, number in reversed(located):
                self._rewrite_part(index, number, None)
            return
        if located:
            index, number = located[-1]  # botocore keeps the last duplicate
            part, _name = _nested_parts(_content(self.lines[index]))[number]
            stripped = part.strip()
            if stripped.split('=', 1)[1].strip() == value:
                return
            name_text, _sep, rest = part.rstrip().partition('=')
            spacing = rest[:len(rest) - len(rest.lstrip(' \t'))]
            self._rewrite_part(index, number, '%s=%s%s%s' % (name_text, spacing, value, part[len(part.rstrip()):]))
            return
        if not entry.continuations:
            # Removing the sub-keys before this one emptied the block: it starts again under the key line.
            self._insert(entry.start + 1, self._sub_lines(_clean_indent(entry.indent) + '  ', {sub_key: value}))
            return
        last = entry.continuations[-1]
        indent = _clean_indent(_content(self.lines[last])[:_indent_width(_content(self.lines[last]))])
        self._insert(last + 1, self._sub_lines(indent, {sub_key: value}))

    def _rewrite_part(self, index, number, new_part):
        line = self.lines[index]
        content = _content(line)
        width = _indent_width(content)
        stripped = content.strip()
        trailing = content[width + len(stripped):]
        parts = [part for part, _name in _nested_parts(content)]
        if new_part is None:
            del parts[number]
        else:
            parts[number] = new_part
        if not ''.join(parts).strip():
            del self.lines[index]
            return
        self.lines[index] = content[:width] + ''.join(parts) + trailing + _line_ending(line)

    def remove(self, header, key):
        _section, entry = self._entry(header, key)
        if entry is not None:
            self._drop_value_lines(entry)

    def remove_section(self, header):
        """Remove section ``header``: its header and body; comments after its last entry stay (they stand
        above the next section), and so does anything before its header."""
        sections = _scan(self.lines)
        found = [number for number, section in enumerate(sections) if section.header == header]
        if not found:
            return
        number = found[-1]
        section = sections[number]
        start, end = section.start, section.content_end
        # Blank lines right after the body go with it; from the first comment on, the lines stay.
        while end < section.end and not _content(self.lines[end]).strip():
            end += 1
        if end == len(self.lines):
            # Nothing follows: also drop the blank lines that separated it from what comes before.
            while start > 0 and not _content(self.lines[start - 1]).strip():
                start -= 1
        previous = sections[number - 1] if number > 0 else None
        following = sections[number + 1] if number + 1 < len(sections) else None
        if following is not None and previous is not None and previous.entries:
            # The next header must not become a continuation of the previous section's last value.
            level = len(previous.entries[-1].indent)
            head = self.lines[following.start]
            if _indent_width(_content(head)) > level:
                self.lines[following.start] = head[_indent_width(_content(head)):]
        del self.lines[start:end]

    def masked(self):
        """The document's text with every secret value masked, for diffs."""
        lines = list(self.lines)
        for section in _scan(lines):
            for entry in section.entries:
                if entry.key in SECRET_KEYS:
                    first = lines[entry.start]
                    prefix = _OPTION_PREFIX.match(_content(first)).group(0)
                    lines[entry.start] = prefix + mask(_content(first)[len(prefix):].strip()) + _line_ending(first)
                    for index in entry.continuations:
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
# The contract: botocore's reading of the new text is its reading of the old one with exactly the change


class ContractError(NotIniError):
    """An edit botocore would not read as requested: nothing is written."""


def _merged(current, wanted):
    """The value botocore should read for a key after ``wanted`` (str, dict with REMOVE, or REMOVE)."""
    if wanted is REMOVE:
        return REMOVE
    if not isinstance(wanted, dict):
        return wanted
    if isinstance(current, dict):
        result = dict(current)
        for sub_key, sub_value in wanted.items():
            if sub_value is REMOVE:
                result.pop(sub_key, None)
            else:
                result[sub_key] = sub_value
        return result if result else REMOVE
    subs = {k: v for k, v in wanted.items() if v is not REMOVE}
    if not subs:
        return current if current is not None else REMOVE
    return subs


def expected_sections(kind, sections, profile, state, wanted, new_header):
    """botocore's reading of a file after the edit, computed from its reading before: the contract."""
    mapped = [header for header in sections if profile_of_section(kind, header) == profile]
    expected = {header: dict(values) for header, values in sections.items()}
    if state == 'absent':
        for header in mapped:
            del expected[header]
        return expected
    target = mapped[-1] if mapped else new_header
    values = dict(expected.get(target, {}))
    for key, value in wanted.items():
        merged = _merged(values.get(key), value)
        if merged is REMOVE:
            values.pop(key, None)
        else:
            values[key] = merged
    if target in expected or values:
        expected[target] = values
    return expected


def _differences(expected, actual):
    """Where two readings differ, by section and key names only (never values: they may be secrets)."""
    if list(expected) != list(actual):
        found = ', '.join('[%s]' % s for s in actual) or 'none'
        wanted = ', '.join('[%s]' % s for s in expected) or 'none'
        return 'sections %s instead of %s' % (found, wanted)
    for header in expected:
        keys = sorted(set(expected[header]) ^ set(actual[header]) |
                      {k for k in set(expected[header]) & set(actual[header]) if expected[header][k] != actual[header][k]})
        if keys:
            return 'section [%s], key %s' % (header, ', '.join(keys))
    return None


def verify_edit(kind, old_text, new_text, profile, state, wanted, new_header, label):
    """Refuse (ContractError) unless botocore reads ``new_text`` as it reads ``old_text`` with exactly the change."""
    old = read_sections(old_text, label)
    try:
        new = read_sections(new_text, label)
    except NotIniError:
        raise ContractError('%s: refusing to write: the edited file would not be readable by the AWS CLI; nothing was written'
                            % label) from None
    expected = expected_sections(kind, old, profile, state, wanted, new_header)
    difference = _differences(expected, new)
    if difference is None:
        expected_profiles = profiles_of(kind, old)
        if state == 'absent':
            expected_profiles.pop(profile, None)
        elif profile in profiles_of(kind, expected):
            expected_profiles[profile] = profiles_of(kind, expected)[profile]
        if profiles_of(kind, new) != expected_profiles:
            difference = 'the profiles botocore finds'
    if difference is not None:
        raise ContractError('%s: refusing to write: after this edit the AWS CLI would not read the file as it reads it now with '
                            'only the requested change (%s differs); nothing was written' % (label, difference))


# --------------------------------------------------------------------------------------------
# One profile across both files


def config_section(document, profile):
    """The config section botocore uses for ``profile`` (the last that maps to it), else the one to create."""
    found = [section.header for section in document.sections() if config_profile_of(section.header) == profile]
    return found[-1] if found else section_name(CONFIG, profile)


def _target_header(kind, document, profile):
    if kind == SSO_SESSION:
        found = [section.header for section in document.sections() if sso_session_of(section.header) == profile]
        return found[-1] if found else section_name(SSO_SESSION, profile)
    if kind == CONFIG:
        return config_section(document, profile)
    return section_name(CREDENTIALS, profile)


def _plan_file(kind, text, profile, state, wanted, label):
    """(document, new header) for one file: edits only what botocore would read differently."""
    document = IniDocument(text)
    sections = read_sections(text, label)
    header = _target_header(kind, document, profile)
    if state == 'absent':
        for found in [s.header for s in document.sections() if profile_of_section(kind, s.header) == profile]:
            document.remove_section(found)
        return document, header
    current = profiles_of(kind, sections).get(profile, {})
    for key, value in wanted.items():
        now = current.get(key)
        after = _merged(now, value)
        if (after is REMOVE and now is None) or after == now:
            continue
        if value is REMOVE:
            document.remove(header, key)
        elif isinstance(value, dict) and isinstance(now, dict):
            document.set(header, key, {k: v for k, v in value.items()
                                       if (v is REMOVE and k in now) or (v is not REMOVE and now.get(k) != v)} or value)
        else:
            document.set(header, key, value)
    return document, header


def plan_profile(credentials_text, config_text, profile, state, credentials=None, config=None, labels=None, verify=True):
    """The new documents of both files for one profile: a pure function of the old texts and the wish.

    ``credentials`` and ``config`` map keys to a value to set (str, or dict for a nested block),
    or to ``REMOVE``; keys not named are left as they are. ``state='absent'`` removes every section
    botocore maps to the profile from both files. With ``verify``, raises ContractError unless
    botocore reads each new text as the old one with exactly the requested change.
    """
    labels = labels or {CREDENTIALS: 'credentials_file', CONFIG: 'config_file'}
    documents = []
    for kind, text, wanted in ((CREDENTIALS, credentials_text, credentials or {}), (CONFIG, config_text, config or {})):
        document, header = _plan_file(kind, text, profile, state, wanted, labels[kind])
        if verify:
            verify_edit(kind, text, document.render(), profile, state, wanted, header, labels[kind])
        documents.append(document)
    return documents[0], documents[1]


def plan_section(kind, text, name, state, wanted=None, label=None, verify=True):
    """The new document of one file for one named section (``kind`` ``SSO_SESSION``: ``[sso-session NAME]``
    of the config file), with the same contract as plan_profile."""
    label = label or kind
    document, header = _plan_file(kind, text, name, state, wanted or {}, label)
    if verify:
        verify_edit(kind, text, document.render(), name, state, wanted or {}, header, label)
    return document


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


def merged_profile(profile, credentials_profiles, config_profiles):
    """botocore's ``Session.full_config`` profile: the config file's section with the credentials file's laid over it."""
    merged = dict(config_profiles.get(profile, {}))
    merged.update(credentials_profiles.get(profile, {}))
    return merged


def profile_kind(profile, credentials_profiles, config_profiles):
    """How botocore's credential chain gets the profile's credentials, in its order: ``role`` (AssumeRole and
    web identity providers, on ``role_arn``), ``sso`` (``sso_account_id`` or ``sso_role_name``), ``static`` (a key
    in the credentials file), ``process`` (``credential_process``), ``static`` (a key in the config file), ``none``."""
    merged = merged_profile(profile, credentials_profiles, config_profiles)
    if merged.get('role_arn') is not None:
        return ROLE
    if any(key in merged for key in ('sso_account_id', 'sso_role_name')):
        return SSO
    if credentials_profiles.get(profile, {}).get(ACCESS_KEY_ID) is not None:
        return STATIC
    if merged.get('credential_process') is not None:
        return PROCESS
    if config_profiles.get(profile, {}).get(ACCESS_KEY_ID) is not None:
        return STATIC
    return NO_CREDENTIALS


def describe_profile(profile, credentials_profiles, config_profiles):
    """What the AWS CLI resolves for ``profile`` from the two files; never a secret value.

    As botocore's Session.full_config: the credentials file's section is laid over the config
    file's profile, so its values win for every key (``region`` too). Key material follows the
    credential chain: the shared credentials file before the config file.
    """
    from_credentials = credentials_profiles.get(profile, {})
    from_config = config_profiles.get(profile, {})

    def lookup(key):
        if key in CREDENTIAL_KEYS:
            if from_credentials.get(ACCESS_KEY_ID) is not None and key in from_credentials:
                return from_credentials[key], CREDENTIALS
            if from_credentials.get(ACCESS_KEY_ID) is None and from_config.get(key) is not None:
                return from_config[key], CONFIG
            if from_credentials.get(key) is not None:
                return from_credentials[key], CREDENTIALS
            return None, None
        if key in from_credentials:
            return from_credentials[key], CREDENTIALS
        if from_config.get(key) is not None:
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
        # botocore lays the credentials file's section over the config file's profile: it wins for every key.
        sources[key] = CREDENTIALS if key in from_credentials else CONFIG
    return {
        'name': profile,
        'kind': profile_kind(profile, credentials_profiles, config_profiles),
        'access_key_id': key_id,
        'access_key_id_source': key_id_source,
        'secret_access_key_present': secret is not None,
        'secret_access_key_source': secret_source,
        'secret_access_key_masked': mask(secret) if secret else None,
        'session_token_present': token is not None,
        'session_token_source': token_source,
        'region': region if isinstance(region, str) else None,
        'region_source': region_source,
        'region_listed': None if region is None else str(region),  # a nested block is listed as the CLI prints a dict
        'output': output if isinstance(output, str) else None,
        'output_source': output_source,
        'output_listed': None if output is None else str(output),
        'settings': sorted(key for key in sources if key not in managed),
        'sources': dict(sorted(sources.items())),
    }


def configure_list(description, credentials_path, config_path):
    """The rows of ``aws configure list`` for a profile description (secrets masked).

    As the AWS CLI prints them: the key's type is the credential provider that found it
    (``shared-credentials-file`` or ``config-file``); region and output are looked up in the merged
    profile and always shown as ``config-file`` at the config file's path, even when the value
    stands in the credentials file.
    """
    key_locations = {CREDENTIALS: ('shared-credentials-file', credentials_path), CONFIG: ('config-file', config_path)}

    def key_row(value, source):
        if value is None:
            return {'value': '<not set>', 'type': None, 'location': None}
        kind, location = key_locations[source]
        return {'value': value, 'type': kind, 'location': location}

    def config_row(value):
        if value is None:
            return {'value': '<not set>', 'type': None, 'location': None}
        return {'value': value, 'type': 'config-file', 'location': config_path}

    return {
        'profile': {'value': description['name'], 'type': 'manual', 'location': '--profile'},
        'access_key': key_row(mask(description['access_key_id']), description['access_key_id_source']),
        'secret_key': key_row(description['secret_access_key_masked'], description['secret_access_key_source']),
        'region': config_row(description['region_listed']),
        'output': config_row(description['output_listed']),
    }
