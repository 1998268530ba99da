# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 12, 10: concurrent aws_cli_profile runs writing different profiles of one ~/.aws lose nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.utils import botocore_oracle as oracle
from tests.utils.ansible_runner import COLLECTIONS, base_env

WRITERS = 6
ROUNDS = int(os.environ.get('AWS_FILES_ROUNDS', '20'))


def start_module(args, home):
    env = base_env(home)
    env['PYTHONPATH'] = COLLECTIONS
    proc = subprocess.Popen([sys.executable, '-m', 'ansible_collections.awsbootstrap.iam.plugins.modules.aws_cli_profile'],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=str(home), text=True)
    proc.stdin.write(json.dumps({'ANSIBLE_MODULE_ARGS': dict(args, _ansible_remote_tmp=str(home / '.ansible' / 'tmp'))}))
    proc.stdin.close()
    return proc


def test_concurrent_writers_of_one_folder_lose_no_profile(home):
    aws_dir = home / '.aws'
    for round_number in range(ROUNDS):
        if aws_dir.exists():
            for name in os.listdir(aws_dir):
                os.unlink(aws_dir / name)
            os.rmdir(aws_dir)
        if round_number % 2:
            # Every other round starts from existing files (with a profile nobody touches), else from nothing.
            aws_dir.mkdir(mode=0o700)
            (aws_dir / 'credentials').write_text('# kept\n[keep]\naws_access_key_id = AKIAKEEP\naws_secret_access_key = k\n')
            (aws_dir / 'config').write_text('[profile keep]\nregion = us-east-1\n')
        procs = []
        for writer in range(WRITERS):
            args = dict(profile='p%d' % writer, access_key_id='AKIAWRITER%04d%06d' % (writer, round_number),
                        secret_access_key='secret%d' % writer, region='eu-west-1', output='json')
            procs.append(start_module(args, home))
        results = []
        for proc in procs:
            stdout = proc.stdout.read()
            proc.wait(timeout=300)
            results.append(json.loads(stdout))
        assert all(r.get('failed') is not True and r['changed'] is True for r in results), (round_number, results)
        credentials = oracle.raw((aws_dir / 'credentials').read_text())
        config = oracle.config_profiles((aws_dir / 'config').read_text())
        for writer in range(WRITERS):
            assert credentials['p%d' % writer]['aws_access_key_id'] == 'AKIAWRITER%04d%06d' % (writer, round_number), round_number
            assert config['p%d' % writer] == {'region': 'eu-west-1', 'output': 'json'}, round_number
        if round_number % 2:
            assert credentials['keep'] == {'aws_access_key_id': 'AKIAKEEP', 'aws_secret_access_key': 'k'}
            assert config['keep'] == {'region': 'us-east-1'}
        assert sorted(os.listdir(aws_dir)) == ['config', 'credentials'], round_number  # no temp file left
