# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The two files change together or not at all, and writers of one folder take turns."""

from __future__ import annotations

import os
import threading
import time

import pytest

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import files


@pytest.fixture
def pair(tmp_path):
    (tmp_path / 'credentials').write_text('old credentials')
    (tmp_path / 'config').write_text('old config')
    return [(str(tmp_path / 'credentials'), 'new credentials', 'old credentials'), (str(tmp_path / 'config'), 'new config', 'old config')]


def contents(tmp_path):
    return sorted(os.listdir(tmp_path)), (tmp_path / 'credentials').read_text(), (tmp_path / 'config').read_text()


def test_both_files_replaced(tmp_path, pair):
    files.replace_files(pair)
    assert contents(tmp_path) == (['config', 'credentials'], 'new credentials', 'new config')


def test_a_failing_second_temp_file_replaces_neither(tmp_path, pair, monkeypatch):
    real = files._write_temp

    def failing(path, text):
        if path.endswith('config'):
            raise OSError(28, 'No space left on device', path)
        return real(path, text)

    monkeypatch.setattr(files, '_write_temp', failing)
    with pytest.raises(OSError):
        files.replace_files(pair)
    assert contents(tmp_path) == (['config', 'credentials'], 'old credentials', 'old config')


def test_a_failing_second_rename_restores_the_first(tmp_path, pair, monkeypatch):
    real = os.replace

    def failing(src, dst):
        if dst.endswith('config') and 'awsbootstrap-tmp' in src and 'new' in open(src).read():
            raise OSError(30, 'Read-only file system', dst)
        return real(src, dst)

    monkeypatch.setattr(files.os, 'replace', failing)
    with pytest.raises(OSError):
        files.replace_files(pair)
    assert contents(tmp_path) == (['config', 'credentials'], 'old credentials', 'old config')


def test_the_folder_lock_serialises(tmp_path):
    events = []

    def writer(name):
        with files.FolderLock([str(tmp_path)]):
            events.append(('in', name))
            time.sleep(0.2)
            events.append(('out', name))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    # flock is per open file description: threads with their own descriptors exclude each other too.
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [kind for kind, _name in events] == ['in', 'out'] * 3


def test_the_lock_gives_up_with_a_message(tmp_path):
    with files.FolderLock([str(tmp_path)]):
        with pytest.raises(Exception) as info:
            with files.FolderLock([str(tmp_path)], timeout=0.2):
                pass
    assert 'held the lock on %s' % tmp_path in str(info.value)
