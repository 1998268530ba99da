# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ansible-doc renders every module of the collection from the checkout, by FQCN."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from tests.utils.ansible_runner import BIN, ROOT, base_env

MODULES = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules')) if name.endswith('.py') and name != '__init__.py')


def ansible_doc(home, module):
    proc = subprocess.run([os.path.join(BIN, 'ansible-doc'), '--json', 'awsbootstrap.iam.%s' % module],
                          env=base_env(home), capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    return json.loads(proc.stdout)['awsbootstrap.iam.%s' % module]


@pytest.mark.parametrize('module', MODULES)
def test_module_documentation_renders(home, module):
    doc = ansible_doc(home, module)
    assert doc['doc']['short_description']
    assert doc['doc']['options']
    assert yaml.safe_load(doc['examples'])
    assert isinstance(doc['return'], dict) and doc['return']
    text = subprocess.run([os.path.join(BIN, 'ansible-doc'), 'awsbootstrap.iam.%s' % module],
                          env=base_env(home), capture_output=True, text=True, check=True).stdout
    assert 'awsbootstrap.iam.%s' % module in text


def test_profile_examples_hold_the_guides_profile_and_a_csv_import(home):
    examples = yaml.safe_load(ansible_doc(home, 'aws_cli_profile')['examples'])
    tasks = [task['awsbootstrap.iam.aws_cli_profile'] for task in examples]
    assert any(t.get('region') == 'ap-northeast-2' and t.get('output') == 'json' and 'access_key_id' in t and 'profile' not in t
               for t in tasks)
    assert any('import_csv' in t for t in tasks)
