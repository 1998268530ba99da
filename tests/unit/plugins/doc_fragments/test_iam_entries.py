# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The batch's suboptions say exactly what the single-resource modules' options say: the only difference
allowed is where a reference to an option of the same entry points (O(users[].x) there, O(x) here)."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.awsbootstrap.iam.plugins.doc_fragments.iam_entries import ModuleDocFragment


def _references_to_own_options(text, plural):
    return text.replace('O(%s[].' % plural, 'O(').replace('RV(%s[].' % plural, 'RV(')


@pytest.mark.parametrize('single, batch, plural', [('GROUP', 'GROUPS', 'groups'), ('USER', 'USERS', 'users')])
def test_the_batch_entries_document_the_single_module_options_word_for_word(single, batch, plural):
    options = yaml.safe_load(getattr(ModuleDocFragment, single))['options']
    entries = yaml.safe_load(getattr(ModuleDocFragment, batch))['options'][plural]
    assert entries['type'] == 'list' and entries['elements'] == 'dict'
    suboptions = yaml.safe_load(_references_to_own_options(yaml.safe_dump(entries['suboptions']), plural))
    assert suboptions == options


@pytest.mark.parametrize('single, batch, plural', [('GROUP', 'GROUPS', 'groups'), ('USER', 'USERS', 'users')])
def test_references_in_the_batch_point_into_the_entry(single, batch, plural):
    entries = yaml.safe_dump(yaml.safe_load(getattr(ModuleDocFragment, batch))['options'][plural]['suboptions'])
    own = set(yaml.safe_load(getattr(ModuleDocFragment, single))['options'])
    for name in own:
        assert 'O(%s=' % name not in entries and 'O(%s)' % name not in entries
