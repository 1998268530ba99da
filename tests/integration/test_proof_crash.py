# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Proof: ``aws_cli_profile`` killed during its writes never leaves a broken file.

The module runs as Ansible runs it on a workstation (``python -m ...`` with its JSON arguments) on
large existing files, and is SIGKILLed (KILLS kills that land while it runs): some at a random moment of the whole run, most
at a random moment after its first temp file appeared (the write window: temp files, fsync, renames,
modes). After every kill each file is, byte for byte, either the old or the new version, and
botocore's own loader parses both. The kills must land in every phase (before, between and after
the two renames, and with a temp file left behind), or the test proves nothing and fails.
"""

from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import time

import pytest

from tests.utils import proof
from tests.utils.ansible_runner import COLLECTIONS, base_env

FIXTURES = os.path.join(proof.ROOT, 'tests', 'fixtures', 'proof')
KILLS = 200  # kills that land while the module runs (runs that ended first are not counted)
PROFILES = 500  # ~90 kB of config and ~45 kB of credentials
NEW_KEY_ID = 'AKIAPROOFNEWDEFAULT1'
NEW_SECRET = 'proofNewDefaultSecret/+00000000000000000002'
ARGS = {'profile': 'default', 'access_key_id': NEW_KEY_ID, 'secret_access_key': NEW_SECRET, 'region': 'ap-northeast-2', 'output': 'json'}


def fixture_text(kind):
    with open(os.path.join(FIXTURES, kind + '.head'), encoding='utf-8') as handle:
        head = handle.read()
    with open(os.path.join(FIXTURES, kind + '.block'), encoding='utf-8') as handle:
        block = handle.read()
    return (head + ''.join(block.format(n=n) for n in range(PROFILES))).encode('utf-8')


class Workstation:
    """A throw-away HOME with the two files, and the module run on them as a separate process."""

    def __init__(self, home):
        self.home = home
        self.aws = home / '.aws'
        self.paths = {'credentials': self.aws / 'credentials', 'config': self.aws / 'config'}
        self.env = base_env(home, {'PYTHONPATH': COLLECTIONS})
        payload = dict(ARGS, _ansible_check_mode=False, _ansible_diff=False, _ansible_remote_tmp=str(home / '.ansible' / 'tmp'))
        self.stdin = json.dumps({'ANSIBLE_MODULE_ARGS': payload}).encode()

    def put(self, texts):
        """Install ``texts`` ({kind: bytes}) as the files, the way an earlier run would have left them."""
        self.aws.mkdir(mode=0o700, exist_ok=True)
        for kind, data in texts.items():
            temp = self.paths[kind].with_name('proof-restore.tmp')
            temp.write_bytes(data)
            os.chmod(temp, 0o600)
            os.replace(temp, self.paths[kind])

    def read(self):
        return {kind: path.read_bytes() if path.exists() else None for kind, path in self.paths.items()}

    def temp_files(self):
        return sorted(name for name in os.listdir(self.aws) if name.endswith(proof.TEMP_SUFFIX))

    def start(self):
        proc = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, '-m', 'ansible_collections.awsbootstrap.iam.plugins.modules.aws_cli_profile'],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, cwd=str(self.home))
        proc.stdin.write(self.stdin)
        proc.stdin.close()
        proc.stdin = None  # so that communicate() does not flush it again
        return proc

    def run(self):
        proc = subprocess.run(
            [sys.executable, '-m', 'ansible_collections.awsbootstrap.iam.plugins.modules.aws_cli_profile'],
            input=self.stdin, capture_output=True, env=self.env, cwd=str(self.home), timeout=120, check=False)
        assert proc.returncode == 0, (proc.stdout, proc.stderr)
        return json.loads(proc.stdout)


def parsed(workstation):
    """Both files through botocore (load_config for config, raw_config_parse for credentials); raises when either fails."""
    return proof.load_config(workstation.paths['config'], workstation.paths['credentials'])


def wait_for_temp(workstation, proc, deadline):
    """Spin until the module's first temp file appears (True) or it ends (False)."""
    while time.monotonic() < deadline:
        if workstation.temp_files():
            return True
        if proc.poll() is not None:
            return False
    return False


def calibrate(workstation, old, runs=3):
    """(whole run, write window) of a few unkilled runs (medians).

    The write window runs from the first temp file to the rename of the second file (its inode changes).
    """
    wholes, windows = [], []
    for _run in range(runs):
        workstation.put(old)
        inode = os.stat(workstation.paths['config']).st_ino
        started = time.monotonic()
        proc = workstation.start()
        assert wait_for_temp(workstation, proc, started + 60), 'the module wrote no temp file'
        seen = time.monotonic()
        while os.stat(workstation.paths['config']).st_ino == inode and proc.poll() is None:
            pass
        renamed = time.monotonic()
        _out, err = proc.communicate(timeout=60)
        ended = time.monotonic()
        assert proc.returncode == 0, err
        wholes.append(ended - started)
        windows.append(renamed - seen)
    return sorted(wholes)[runs // 2], sorted(windows)[runs // 2]


# Alone (after make integration's parallel part): the kills must land between the two renames, a window of
# microseconds, and another worker's load changes the timing the kills are aimed with.
@pytest.mark.serial
def test_killed_module_leaves_old_or_new_files_that_botocore_parses(home):
    workstation = Workstation(home)
    old = {'credentials': fixture_text('credentials'), 'config': fixture_text('config')}
    workstation.put(old)
    # Independent facts about the two versions: botocore reads the old key and region from the old files ...
    config, credentials = parsed(workstation)
    assert credentials['default']['aws_access_key_id'] == 'AKIAPROOFOLDDEFAULT1'
    assert config['profiles']['default']['region'] == 'us-west-2'
    assert len(config['profiles']) == PROFILES + 1 and len(credentials) == PROFILES + 1

    # ... and the new ones from what one unkilled run writes.
    workstation.run()
    new = workstation.read()
    config, credentials = parsed(workstation)
    assert credentials['default'] == {'aws_access_key_id': NEW_KEY_ID, 'aws_secret_access_key': NEW_SECRET}
    assert config['profiles']['default']['region'] == 'ap-northeast-2'
    assert config['profiles']['default']['s3'] == {'max_concurrent_requests': '20', 'multipart_threshold': '64MB'}
    assert len(config['profiles']) == PROFILES + 1 and len(credentials) == PROFILES + 1
    assert new['credentials'] != old['credentials'] and new['config'] != old['config']

    whole, window = calibrate(workstation, old)
    rng = random.Random(6)
    outcomes = {}
    started = time.monotonic()
    kill = killed_count = 0
    while killed_count < KILLS and kill < KILLS * 2:
        kill += 1
        if workstation.read() != old:
            workstation.put(old)
        proc = workstation.start()
        begun = time.monotonic()
        if kill % 5 == 0:
            # Anywhere in the run (argument parsing, reading, planning, writing, reporting).
            time.sleep(rng.uniform(0, whole))
        elif wait_for_temp(workstation, proc, begun + 60):
            # In the write window (and a little after it): temp files, fsync, renames, modes.
            time.sleep(rng.uniform(0, window * 1.3))
        if proc.poll() is None:  # poll() may already have reaped a run that ended first
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()

        after = workstation.read()
        state = tuple('old' if after[kind] == old[kind] else 'new' if after[kind] == new[kind] else 'BROKEN'
                      for kind in ('credentials', 'config'))
        assert 'BROKEN' not in state, 'kill %d: a file is neither the old nor the new version: %r' % (kill, state)
        for kind, path in workstation.paths.items():
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, 'kill %d: %s is not 0600' % (kill, kind)
        try:
            parsed(workstation)
        except Exception as exc:  # pylint: disable=broad-except
            pytest.fail('kill %d: botocore cannot read the files (%r): %r' % (kill, state, exc))
        left = workstation.temp_files()
        key = state + (('temp file left' if left else 'no temp file'), 'exited' if proc.returncode == 0 else 'killed')
        outcomes[key] = outcomes.get(key, 0) + 1
        killed_count += proc.returncode != 0
        if left and killed_count < KILLS:
            # Cleared here so that the next kill sees its own temp file; the last one is left for the module to clear.
            for name in left:
                os.unlink(workstation.aws / name)
    seconds = time.monotonic() - started
    print('PROOF crash: %d runs, %d killed, in %.1fs (run %.3fs, write window %.3fs): %r' % (kill, killed_count, seconds, whole, window, outcomes))

    killed = {key: count for key, count in outcomes.items() if key[3] == 'killed'}
    assert sum(killed.values()) >= 200, 'fewer than 200 kills landed while the module ran: %r' % outcomes
    # The kills reached every phase: before any rename, between the two renames, after both, and mid temp file.
    phases = {key[:2] for key in killed}
    assert {('old', 'old'), ('new', 'old'), ('new', 'new')} <= phases, outcomes
    assert any(key[2] == 'temp file left' for key in killed), outcomes

    # The run after a kill removes the temp files killed writes left behind, and ends on the new version.
    # (A temp file is only ever left for a file that still holds the old version, which that run rewrites.)
    workstation.put(old)
    for kind in ('credentials', 'config'):
        (workstation.aws / ('.%s.proof%s' % (kind, proof.TEMP_SUFFIX))).write_bytes(b'[default]\naws_access_key_id = AKIAHALFWRIT')
    workstation.run()
    assert workstation.read() == new
    assert workstation.temp_files() == []
