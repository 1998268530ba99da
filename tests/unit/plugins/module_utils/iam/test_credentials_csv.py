# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The console-format credentials CSV: what a write leaves in its folder, read back with the csv module."""

from __future__ import annotations

import csv
import os
import stat

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.credentials_csv import write_credentials_csv

LINK = 'https://123456789012.signin.aws.amazon.com/console'
# What a write killed between mkstemp and rename leaves: '.' + file name + '.' + mkstemp's 8 random characters.
STALE = '.alice_credentials.csv.k2j4h6g8'


def rows(path):
    with open(path, encoding='utf-8', newline='') as handle:
        return list(csv.DictReader(handle))


def test_a_write_leaves_only_the_csv_0600_with_the_row(tmp_path):
    target = tmp_path / 'alice_credentials.csv'
    write_credentials_csv(str(target), 'alice', LINK, password='Pw-1234567890!', access_key_id='AKIAEXAMPLE00000001', secret_access_key='s3cr3t')
    assert sorted(os.listdir(tmp_path)) == ['alice_credentials.csv']
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert rows(target) == [{'User name': 'alice', 'Password': 'Pw-1234567890!', 'Access key ID': 'AKIAEXAMPLE00000001',
                             'Secret access key': 's3cr3t', 'Console login link': LINK}]


def test_temp_files_left_by_a_killed_write_are_swept_by_the_next(tmp_path):
    target = tmp_path / 'alice_credentials.csv'
    (tmp_path / STALE).write_text('User name,Password\nalice,an-old-secret\n', encoding='utf-8')
    write_credentials_csv(str(target), 'alice', LINK, access_key_id='AKIAEXAMPLE00000002', secret_access_key='new')
    assert sorted(os.listdir(tmp_path)) == ['alice_credentials.csv']
    assert rows(target)[0]['Access key ID'] == 'AKIAEXAMPLE00000002'


def test_the_sweep_touches_nothing_but_our_own_temp_files(tmp_path):
    target = tmp_path / 'alice_credentials.csv'
    kept = {
        '.bob_credentials.csv.k2j4h6g8': 'another CSV\'s temp file',
        '.alice_credentials.csv.notours-longer': 'not mkstemp\'s shape',
        'alice_credentials.csv.k2j4h6g8': 'no leading dot',
    }
    for name, text in kept.items():
        (tmp_path / name).write_text(text, encoding='utf-8')
    outside = tmp_path / 'outside'
    outside.write_text('keep me', encoding='utf-8')
    os.symlink(str(outside), str(tmp_path / '.alice_credentials.csv.symlink1'))
    os.mkdir(str(tmp_path / '.alice_credentials.csv.folder01'))
    if os.geteuid() == 0:
        foreign = tmp_path / '.alice_credentials.csv.foreign1'
        foreign.write_text('another user\'s file', encoding='utf-8')
        os.chown(str(foreign), 65534, 65534)
        kept['.alice_credentials.csv.foreign1'] = 'another user\'s file'

    write_credentials_csv(str(target), 'alice', LINK, password='Pw-1234567890!')

    for name, text in kept.items():
        assert (tmp_path / name).read_text(encoding='utf-8') == text
    assert os.path.islink(str(tmp_path / '.alice_credentials.csv.symlink1')) and outside.read_text(encoding='utf-8') == 'keep me'
    assert os.path.isdir(str(tmp_path / '.alice_credentials.csv.folder01'))
