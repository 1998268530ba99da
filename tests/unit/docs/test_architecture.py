# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/architecture.md's tree is the tree of plugins/module_utils: every file is named, no name is stale."""

from __future__ import annotations

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PAGE = os.path.join(ROOT, 'docs', 'architecture.md')
MODULE_UTILS = os.path.join(ROOT, 'plugins', 'module_utils')
# A tree line: indentation, then a file or folder name, then (optionally) what it holds.
TREE_LINE = re.compile(r'^(?P<indent> *)(?P<name>[\w.]+/|[\w.]+\.py)(?: |$)')


def _tree_block():
    text = open(PAGE, encoding='utf-8').read()
    match = re.search(r'^```\n(plugins/\n.*?)^```$', text, re.M | re.S)
    assert match, 'docs/architecture.md has no ```-fenced tree starting with plugins/'
    return match.group(1).splitlines()


def _paths_named(lines):
    """The paths the tree names, folders by their indentation (two spaces a level)."""
    stack, paths = [], set()
    for line in lines:
        match = TREE_LINE.match(line)
        if not match:
            continue
        depth = len(match.group('indent')) // 2
        del stack[depth:]
        name = match.group('name')
        if name.endswith('/'):
            stack.append(name.rstrip('/'))
        else:
            paths.add('/'.join(stack + [name]))
    return paths


def _module_utils_files():
    found = set()
    for folder, _dirs, files in os.walk(MODULE_UTILS):
        for name in files:
            if name.endswith('.py') and name != '__init__.py':
                found.add(os.path.relpath(os.path.join(folder, name), os.path.dirname(os.path.dirname(MODULE_UTILS))))
    return found


def test_tree_parser_reads_folders_by_indentation():
    lines = ['plugins/', '  module_utils/', '    iam/     controller', '      core.py  clients', '    awscli/', '      ini.py']
    assert _paths_named(lines) == {'plugins/module_utils/iam/core.py', 'plugins/module_utils/awscli/ini.py'}


def test_every_module_utils_file_is_on_the_page_and_every_named_file_exists():
    named = {path for path in _paths_named(_tree_block()) if path.startswith('plugins/module_utils/')}
    actual = _module_utils_files()
    assert sorted(actual - named) == [], 'module_utils files docs/architecture.md does not name'
    assert sorted(named - actual) == [], 'files docs/architecture.md names that do not exist'
