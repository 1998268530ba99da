# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planning an edit of the shared files, checked against the contract: botocore's reading of the new text is its
reading of the old one with exactly the requested change (standard library only)."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import config_profile_of
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import profile_of_section
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import profiles_of
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import read_sections
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini import sso_session_of
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_document import IniDocument
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import CONFIG
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import CREDENTIALS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import NotIniError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import REMOVE
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import SSO_SESSION
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import section_name


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
