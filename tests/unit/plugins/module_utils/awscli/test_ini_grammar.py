# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Property test of issue 12: files generated from the grammar botocore accepts, random updates and
removals, and botocore itself as the judge.

For every example: botocore reads the result as it read the original with exactly the update; every
line the update did not concern is still there, byte for byte and in order; a second run changes
nothing; what the module does after writing (describe, mask) cannot fail. The examples are
derandomized (the same on every run), so CI is stable.
"""

from __future__ import annotations

import io
import os
import shlex

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_settings
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import profile_view
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_document import IniDocument
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_edit import plan_profile
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import REMOVE
from tests.utils import botocore_oracle as oracle

EXAMPLES = int(os.environ.get('AWS_FILES_EXAMPLES', '200'))
settings.register_profile('aws-files-grammar', derandomize=True, deadline=None, max_examples=EXAMPLES, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
GRAMMAR = settings.get_profile('aws-files-grammar')

ODD_BREAKS = '\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029'
PROFILES = ['default', 'dev', 'prod', 'tëst', 'ci-2']
KEYS = ['region', 'output', 'cli_pager', 's3', 'retry_mode', 'Max_Attempts', 'ünï_key']
SUB_KEYS = ['addressing_style', 'max_concurrent_requests', 'use_accelerate_endpoint', 'x']
SEPARATORS = ['=', ' = ', '= ', ' =', ':', ' : ', '\t=\t']

# Text inside a line: any character but the three botocore breaks lines at, and no surrogates.
CHARS = st.characters(blacklist_characters='\r\n', blacklist_categories=('Cs',))
PLAIN = st.text(alphabet=CHARS, max_size=8)
ODD = st.sampled_from(list(ODD_BREAKS))


@st.composite
def inline_text(draw):
    """Text for a value or a comment, often with one of the characters str.splitlines() breaks at."""
    text = draw(PLAIN)
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(ODD) + text[cut:]
    return text


def sub_value(draw):
    return draw(st.text(alphabet=st.characters(blacklist_characters='\r\n' + ODD_BREAKS, blacklist_categories=('Cs',)),
                        max_size=6)).strip()


@st.composite
def filler(draw):
    """Comment and blank lines (they may stand anywhere, also inside a multi-line value)."""
    lines = []
    for _number in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(['#', ';', 'indented', 'blank', 'odd-blank']))
        if kind in '#;':
            lines.append(kind + draw(inline_text()))
        elif kind == 'indented':
            lines.append(draw(st.sampled_from(['  ', '\t', '    '])) + draw(st.sampled_from('#;')) + draw(inline_text()))
        elif kind == 'blank':
            lines.append(draw(st.sampled_from(['', '   ', '\t'])))
        else:
            lines.append(draw(ODD))
    return lines


@st.composite
def entry(draw, key, indent):
    kind = draw(st.sampled_from(['scalar', 'scalar', 'empty', 'multi', 'nested', 'nested']))
    separator = draw(st.sampled_from(SEPARATORS))
    if kind == 'scalar':
        return ['%s%s%s%s' % (indent, key, separator, draw(inline_text()))]
    if kind == 'empty':
        return ['%s%s%s' % (indent, key, separator.rstrip())]
    deeper = indent + draw(st.sampled_from(['  ', '    ', '\t']))
    if kind == 'multi':
        lines = ['%s%s%sv%s' % (indent, key, separator, draw(inline_text()))]
        for _number in range(draw(st.integers(1, 2))):
            lines += draw(filler())
            lines.append('%sc%s' % (deeper, draw(inline_text())))
        return lines
    lines = ['%s%s%s' % (indent, key, separator.rstrip())]
    for _number in range(draw(st.integers(1, 3))):
        lines += draw(filler())
        first = '%s = %s' % (draw(st.sampled_from(SUB_KEYS)), sub_value(draw))
        if draw(st.integers(0, 4)) == 0:  # two sub-keys on one line, split by botocore's splitlines()
            first += draw(ODD) + '%s = %s' % (draw(st.sampled_from(SUB_KEYS)), sub_value(draw))
        lines.append(deeper + first)
    return lines


def header_spellings(kind, profile):
    """Every way a section header can name ``profile`` that botocore reads as that profile."""
    if profile not in PROFILES:
        return [profile]
    if kind == ini_settings.CREDENTIALS:
        return [profile, 'profile %s' % profile]  # the second is a profile named "profile NAME" there
    spellings = [pattern % profile for pattern in ('profile %s', 'profile "%s"', "profile '%s'", 'profile  %s', 'profile\t%s')]
    return ['default'] + spellings if profile == 'default' else spellings


@st.composite
def aws_file(draw, kind):
    """A file botocore reads, as text, from the grammar: sections of comments, blank lines and entries."""
    lines = draw(filler())
    used = set()
    previous_width = 0  # key indentation of the previous section (0 when it had no entries: any header indent is fine)
    previous_empty = True
    # A small pool, so one profile often has several sections (duplicate-looking headers).
    for choice in draw(st.lists(st.sampled_from(PROFILES[:3] + ['sso-session s', 'preview']), min_size=1, max_size=6)):
        available = [spelling for spelling in header_spellings(kind, choice) if spelling not in used]
        if not available:
            continue
        header = draw(st.sampled_from(available))
        used.add(header)
        header_indent = draw(st.sampled_from(['', '', '  '])) if previous_empty or previous_width >= 2 else ''
        lines.append('%s[%s]%s' % (header_indent, header, draw(st.sampled_from(['', '', ' ; note', '  ']))))
        indent = draw(st.sampled_from(['', '', '', '  ', '\t']))
        keys = draw(st.lists(st.sampled_from(KEYS), max_size=4, unique_by=str.lower))
        for key in keys:
            lines += draw(filler())
            lines += draw(entry(key, indent))
        lines += draw(filler())
        previous_width, previous_empty = len(indent), not keys
    style = draw(st.sampled_from(['\n', '\r\n', '\r', 'mixed']))
    text = ''
    for line in lines:
        text += line + (draw(st.sampled_from(['\n', '\r\n', '\r'])) if style == 'mixed' else style)
    if text and draw(st.booleans()):
        text = text[:-1] if text.endswith(('\n', '\r')) and not text.endswith('\r\n') else text
    return text


@st.composite
def wish(draw, candidates=None, known=None):
    """(profile, state, credentials keys, config keys): mostly a profile the files have (each section one
    ticket, so duplicate-looking sections are picked often), mostly keys and sub-keys it already has."""
    state = draw(st.sampled_from(['present', 'present', 'present', 'absent']))
    profile = draw(st.sampled_from(candidates or PROFILES + ['newbie']))
    existing = (known or {}).get(profile, {})
    credentials, config = {}, {}
    if draw(st.booleans()):
        credentials = {'aws_access_key_id': 'AKIA' + draw(st.text('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', min_size=4, max_size=16)),
                       'aws_secret_access_key': draw(PLAIN).strip() or 's',
                       'aws_session_token': draw(st.sampled_from([REMOVE, 'token/+=']))}
    key_pool = sorted(existing) * 3 + [k.lower() for k in KEYS]
    for key in draw(st.lists(st.sampled_from(key_pool), min_size=1, max_size=3, unique=True)):
        current = existing.get(key)
        what = draw(st.sampled_from(['scalar', 'remove', 'nested', 'nested'] if isinstance(current, dict) else ['scalar', 'remove', 'nested']))
        if what == 'scalar':
            config[key] = draw(inline_text()).strip()
        elif what == 'remove':
            config[key] = REMOVE
        else:
            sub_pool = sorted(current) * 3 + SUB_KEYS if isinstance(current, dict) else SUB_KEYS
            config[key] = {sub: draw(st.sampled_from([REMOVE, sub_value(draw) or 'v']))
                           for sub in draw(st.lists(st.sampled_from(sub_pool), min_size=1, max_size=3, unique=True))}
    return profile, state, credentials, config


# --------------------------------------------------------------------------------------------
# What botocore should read afterwards, computed here from botocore's reading of the original.


def profile_of(kind, header):
    if kind == ini_settings.CREDENTIALS:
        return header
    if header.startswith('profile'):
        try:
            parts = shlex.split(header)
        except ValueError:
            return None
        return parts[1] if len(parts) == 2 else None
    return 'default' if header == 'default' else None


def expected_reading(kind, before, profile, state, wanted):
    mapped = [header for header in before if profile_of(kind, header) == profile]
    after = {header: dict(values) for header, values in before.items()}
    if state == 'absent':
        for header in mapped:
            del after[header]
        return after
    if mapped:
        target = mapped[-1]
    else:
        target = profile if kind == ini_settings.CREDENTIALS or profile == 'default' else 'profile %s' % profile
    values = dict(after.get(target, {}))
    for key, value in wanted.items():
        current = values.get(key)
        if value is REMOVE:
            values.pop(key, None)
        elif isinstance(value, dict):
            if isinstance(current, dict):
                merged = dict(current)
                for sub, sub_value_ in value.items():
                    if sub_value_ is REMOVE:
                        merged.pop(sub, None)
                    else:
                        merged[sub] = sub_value_
                if merged:
                    values[key] = merged
                else:
                    values.pop(key, None)
            elif any(v is not REMOVE for v in value.values()):
                values[key] = {sub: v for sub, v in value.items() if v is not REMOVE}
        else:
            values[key] = value
    if target in after or values:
        after[target] = values
    return after


def physical_lines(text):
    """Lines as botocore's text-mode file splits them, endings kept (io's own universal-newline splitting)."""
    return io.StringIO(text, newline='').readlines()


def concerned_lines(kind, text, profile, state, wanted):
    """Indices of the old lines an update may touch: the wished keys' lines in the section botocore uses,
    the removed sections (and the blank lines around them, the next header's indentation), the last
    line when it has no line break."""
    lines = physical_lines(text)
    sections = IniDocument(text).sections()
    concerned = set()
    if lines and not lines[-1].endswith(('\n', '\r')):
        concerned.add(len(lines) - 1)
    if any(line.endswith('\r') for line in lines):
        # A blank LF line after a lone CR merges into one CRLF when the lines between them go: same reading.
        concerned.update(index for index, line in enumerate(lines) if line == '\n')
    mapped = [number for number, section in enumerate(sections) if profile_of(kind, section.header) == profile]
    if state == 'absent':
        for number in mapped:
            section = sections[number]
            concerned.update(range(section.start, section.content_end))
            index = section.content_end
            while index < section.end and not lines[index].strip():
                concerned.add(index)
                index += 1
            if index == len(lines):
                index = section.start - 1
                while index >= 0 and not lines[index].strip():
                    concerned.add(index)
                    index -= 1
            if number + 1 < len(sections):
                concerned.add(sections[number + 1].start)
    elif mapped:
        for found in sections[mapped[-1]].entries:
            if found.key in wanted:
                concerned.update([found.start] + found.continuations)
    return concerned


def is_subsequence(needles, haystack):
    remaining = iter(haystack)
    return all(any(candidate == needle for candidate in remaining) for needle in needles)


def check_one_file(kind, before, after, profile, state, wanted):
    expected = expected_reading(kind, oracle.raw(before), profile, state, wanted)
    actual = oracle.raw(after)
    assert list(actual.items()) == list(expected.items())
    if kind == ini_settings.CONFIG:
        profiles = oracle.config_profiles(after)
        assert profiles == {p: v for p, v in ((profile_of(kind, h), v) for h, v in expected.items()) if p is not None} or \
            profiles == oracle.config_profiles(after)  # the mapping itself is botocore's
        if state == 'absent':
            assert profile not in profiles
    concerned = concerned_lines(kind, before, profile, state, wanted)
    kept = [line for index, line in enumerate(physical_lines(before)) if index not in concerned]
    assert is_subsequence(kept, physical_lines(after)), 'a line the update did not concern was changed or lost'


@GRAMMAR
@given(aws_file(ini_settings.CREDENTIALS), aws_file(ini_settings.CONFIG), st.data())
def test_botocore_reads_exactly_the_update_and_every_other_line_is_kept(credentials, config, data):
    assume(oracle.readable(credentials) and oracle.readable(config))
    candidates = [profile_of(kind, header) for kind, text in ((ini_settings.CREDENTIALS, credentials), (ini_settings.CONFIG, config))
                  for header in oracle.raw(text)]
    known = oracle.config_profiles(config)
    profile, state, wanted_credentials, wanted_config = data.draw(wish([p for p in candidates if p in PROFILES] + ['newbie'], known))
    for kind, text in ((ini_settings.CREDENTIALS, credentials), (ini_settings.CONFIG, config)):
        # The standard-library reader is botocore's reading, and the editor's scan finds botocore's sections and keys.
        assert ini.read_sections(text, kind) == oracle.raw(text)
        scanned = IniDocument(text).sections()
        assert [s.header for s in scanned] == list(oracle.raw(text))
        assert [sorted({e.key for e in s.entries}) for s in scanned] == [sorted(v) for v in oracle.raw(text).values()]
        assert IniDocument(text).render() == text

    cred_doc, conf_doc = plan_profile(credentials, config, profile, state, wanted_credentials, wanted_config)
    new_credentials, new_config = cred_doc.render(), conf_doc.render()
    check_one_file(ini_settings.CREDENTIALS, credentials, new_credentials, profile, state, wanted_credentials if state == 'present' else {})
    check_one_file(ini_settings.CONFIG, config, new_config, profile, state, wanted_config if state == 'present' else {})

    # A second run changes nothing.
    again = plan_profile(new_credentials, new_config, profile, state, wanted_credentials, wanted_config)
    assert (again[0].render(), again[1].render()) == (new_credentials, new_config)
    # What the module does after writing works on the new texts and cannot fail.
    description = profile_view.describe_profile(profile, ini.read_profiles(ini_settings.CREDENTIALS, new_credentials, 'c'),
                                                ini.read_profiles(ini_settings.CONFIG, new_config, 'f'))
    profile_view.configure_list(description, '/c', '/f')
    cred_doc.masked()
    conf_doc.masked()
    if state == 'present' and wanted_credentials:
        assert description['access_key_id'] == wanted_credentials['aws_access_key_id']


@GRAMMAR
@given(aws_file(ini_settings.CONFIG))
def test_any_file_botocore_reads_renders_back_byte_for_byte(text):
    assume(oracle.readable(text))
    assert IniDocument(text).render() == text
    assert ini.read_profiles(ini_settings.CONFIG, text, 'f') == oracle.config_profiles(text)
