# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Editing an AWS CLI shared file on its own lines, so every byte that is not a managed key survives untouched
(comments, blank lines, other sections, their order, nested ``s3 =`` blocks, CRLF line endings).

Standard library only: this runs on workstations, which need no boto3."""

from __future__ import annotations

import re

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import _COMMENT_PREFIXES
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import _OPTION
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import _SECTION_HEADER
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import _content
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import _indent_width
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import _line_ending
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import split_lines
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import REMOVE
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import SECRET_KEYS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import mask


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
