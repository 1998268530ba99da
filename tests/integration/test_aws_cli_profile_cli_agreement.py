# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The real ``aws configure get`` and ``aws configure list`` of AWS CLI v1 (the venv's) and v2 (Debian's
awscli) agree with aws_cli_profile_info, on files generated from botocore's grammar and then edited by
aws_cli_profile, in throw-away HOMEs.

Each CLI runs once per file in its own Python process, and runs every command through its own
``create_clidriver().main(argv)``, as its ``aws`` script does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_settings
from tests.unit.plugins.module_utils.awscli.test_ini_grammar import PROFILES, aws_file
from tests.utils import botocore_oracle as oracle
from tests.utils.ansible_runner import run_module
from tests.utils.debian_awscli import debian_aws_cli_v2

SAMPLES = int(os.environ.get('AWS_FILES_CLI_SAMPLES', '10'))

RUNNER = r'''
import contextlib, io, json, sys
from awscli.clidriver import create_clidriver
results = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = create_clidriver().main(argv)
        except SystemExit as exc:
            rc = exc.code
    results.append([rc, out.getvalue(), err.getvalue()])
import awscli
sys.stdout.write(json.dumps({'version': awscli.__version__, 'results': results}))
'''


def cli_v1():
    return [os.path.join(os.path.dirname(sys.executable), 'python'), '-s'], None, 'AWS CLI v1 (venv)'


@pytest.fixture(scope='module')
def clis():
    """Both CLIs; v2 must be there (downloaded when it is not installed), never silently left out."""
    return [cli_v1(), debian_aws_cli_v2()]


def run_cli(cli, home, commands):
    python, pythonpath, label = cli
    env = {'HOME': str(home), 'PATH': '/usr/bin:/bin', 'LC_ALL': 'C.UTF-8'}
    if pythonpath:
        env['PYTHONPATH'] = pythonpath
    proc = subprocess.run(python + ['-c', RUNNER, json.dumps(commands)], env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, '%s: %s' % (label, proc.stderr[-3000:])
    answer = json.loads(proc.stdout)
    return answer['version'], answer['results']


def list_line(name, row):
    """The start of a row of ``aws configure list`` (its own format: '%10s %24s %16s    %s'); the location is left out:
    the CLI prints the config file variable (~/.aws/config) or nothing for the credentials file."""
    return '%10s %24s %16s' % (name, row['value'], row['type'])


@pytest.mark.parametrize('_once', [None])
def test_the_real_aws_cli_agrees_with_aws_cli_profile_info(clis, _once):
    seen = {'files': 0, 'profiles': 0, 'commands': 0}

    # No shrinking: each example runs two CLIs; a failure is reported as generated.
    @settings(derandomize=True, max_examples=SAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
    @given(aws_file(ini_settings.CREDENTIALS), aws_file(ini_settings.CONFIG), st.sampled_from(PROFILES[:3] + ['newbie']))
    def check(credentials, config, written):
        if not (oracle.readable(credentials) and oracle.readable(config)):
            return
        home = Path(tempfile.mkdtemp(prefix='awsbt-cli-'))
        try:
            aws_dir = home / '.aws'
            aws_dir.mkdir(mode=0o700)
            (aws_dir / 'credentials').write_bytes(credentials.encode('utf-8'))
            (aws_dir / 'config').write_bytes(config.encode('utf-8'))
            # The module edits the generated files as a role would, then the CLIs and the info module read them.
            result = run_module('aws_cli_profile', dict(profile=written, access_key_id='AKIAIOSFODNN7AGREE%02d' % seen['files'],
                                                        secret_access_key='agreeSecret%04d' % seen['files'], region='eu-west-1',
                                                        output='json'), home)
            assert result.get('failed') is not True, result
            info = run_module('aws_cli_profile_info', {}, home)
            assert info.get('failed') is not True, info
            profiles = {p['name']: p for p in info['profiles'] if not any(ch.isspace() for ch in p['name'])}
            names = sorted(profiles)[:4]
            commands = []
            for name in names:
                commands += [['configure', 'list', '--profile', name]] + [
                    ['configure', 'get', key, '--profile', name] for key in ('aws_access_key_id', 'region', 'output')]
            for cli in clis:
                version, results = run_cli(cli, home, commands)
                answers = iter(results)
                for name in names:
                    expected = profiles[name]
                    rc, listed, err = next(answers)
                    assert rc == 0, (cli[2], name, err)
                    for row in ('access_key', 'secret_key', 'region'):
                        # A value may span lines (a continued value): look for the row as text.
                        assert '\n' + list_line(row, expected['configure_list'][row]) in listed, (cli[2], version, name, row, listed)
                    for key, value in (('aws_access_key_id', expected['access_key_id']), ('region', expected['region']),
                                       ('output', expected['output'])):
                        rc, out, err = next(answers)
                        if value is None:
                            assert rc == 1 and out == '', (cli[2], name, key, out, err)
                        else:
                            assert rc == 0 and out == value + '\n', (cli[2], version, name, key, out, err, value)
                    seen['commands'] += 4
                seen['profiles'] += len(names)
            seen['files'] += 1
        finally:
            shutil.rmtree(home, ignore_errors=True)

    check()
    # The sample must have exercised something: files, profiles and commands of both CLIs.
    assert seen['files'] >= SAMPLES // 2 and seen['profiles'] >= seen['files'], seen
    print('CLI agreement: %(files)d files, %(profiles)d profile checks, %(commands)d CLI commands' % seen)
