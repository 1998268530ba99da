# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Properties of the editor: parse-then-render is the identity, and an edit stays inside its profile."""

from __future__ import annotations

import configparser

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_document import IniDocument
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_edit import plan_profile
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import REMOVE

NAMES = st.text(alphabet='abcdefghijklmnopqrstuvwxyz0123456789_-', min_size=1, max_size=8)
VALUES = st.text(alphabet=st.characters(blacklist_categories=('Cs', 'Cc', 'Zl', 'Zp')), max_size=12).map(str.strip)
NEWLINES = st.sampled_from(['\n', '\r\n'])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_renders_back_unchanged(text):
    assert IniDocument(text).render() == text


@st.composite
def aws_files_pair(draw):
    """A credentials/config pair with comments, blank lines, odd spacing and nested blocks."""
    newline = draw(NEWLINES)
    profiles = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))

    def section(header, with_nested):
        lines = [draw(st.sampled_from(['', '# note', '; other note', '   ']))] if draw(st.booleans()) else []
        lines.append('[%s]' % header)
        keys = draw(st.lists(NAMES, max_size=4, unique=True))
        for key in keys:
            # s3 is the nested block's key below: twice in one section is a file botocore refuses, not a test case.
            if key in ('region', 'output', 'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 's3'):
                continue
            separator = draw(st.sampled_from(['=', ' = ', '= ', ' =', ':', ' : ']))
            lines.append('%s%s%s' % (key, separator, draw(VALUES)))
            if draw(st.booleans()):
                lines.append(draw(st.sampled_from(['# c', ''])))
        if with_nested and draw(st.booleans()):
            lines.append('s3 =')
            for sub in draw(st.lists(NAMES, min_size=1, max_size=3, unique=True)):
                lines.append('%s%s = %s' % (draw(st.sampled_from(['  ', '    ', '\t'])), sub, draw(VALUES)))
        return lines

    config, credentials = [], []
    for name in profiles:
        config += section('default' if name == 'default' else 'profile %s' % name, True)
        credentials += section(name, False)
    return newline.join(credentials) + newline, newline.join(config) + newline, profiles


def _parsed(text):
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return {section: dict(parser.items(section)) for section in parser.sections()}


@settings(max_examples=200, deadline=None)
@given(aws_files_pair(), st.data())
def test_an_edit_changes_no_line_outside_the_profiles_managed_keys(pair, data):
    credentials, config, profiles = pair
    target = data.draw(st.sampled_from(profiles + ['brand-new']))
    wanted_config = {'region': 'eu-west-1', 'output': data.draw(st.sampled_from(['json', 'text']))}
    wanted_credentials = {'aws_access_key_id': 'AKIANEW', 'aws_secret_access_key': 'secretNEW', 'aws_session_token': REMOVE}
    cred_doc, conf_doc = plan_profile(credentials, config, target, 'present', wanted_credentials, wanted_config)

    for before, after, header, wanted in (
            (credentials, cred_doc.render(), target, wanted_credentials),
            (config, conf_doc.render(), target if target == 'default' else 'profile %s' % target, wanted_config)):
        old, new = _parsed(before), _parsed(after)
        # Every other section is exactly as it was, and in the same order.
        assert [s for s in new if s != header] == [s for s in old if s != header]
        for section in old:
            if section != header:
                assert new[section] == old[section]
        # In the edited section only the managed keys differ.
        kept = {k: v for k, v in old.get(header, {}).items() if k not in wanted}
        assert {k: v for k, v in new[header].items() if k not in wanted} == kept
        for key, value in wanted.items():
            assert new[header].get(key) == (None if value is REMOVE else value)
        # Line by line: every line of the old file that is not a managed key is still there, in order.
        managed = tuple(wanted)
        old_lines = [line for line in before.splitlines(True) if not line.split('=')[0].split(':')[0].strip().lower() in managed]
        new_lines = iter(after.splitlines(True))
        assert all(any(line == candidate for candidate in new_lines) for line in old_lines)


@settings(max_examples=100, deadline=None)
@given(aws_files_pair(), st.data())
def test_removing_a_profile_leaves_every_other_section(pair, data):
    credentials, config, profiles = pair
    target = data.draw(st.sampled_from(profiles))
    cred_doc, conf_doc = plan_profile(credentials, config, target, 'absent')
    header = target if target == 'default' else 'profile %s' % target
    for before, after, gone in ((credentials, cred_doc.render(), target), (config, conf_doc.render(), header)):
        old, new = _parsed(before), _parsed(after)
        assert gone not in new
        assert new == {s: v for s, v in old.items() if s != gone}
