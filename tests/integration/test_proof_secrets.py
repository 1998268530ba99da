# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Proof: no secret leaks, at any verbosity, in any mode.

The playbooks (bootstrap.yml, report.yml, the Molecule converges) run at ``-vvvv``, with ``--diff``,
in check mode and for real, with ``ANSIBLE_LOG_PATH`` set, a fact cache, and a test callback
(tests/utils/callback_plugins/proof_dump.py) that dumps every task result the way any third-party
callback receives it. Afterwards the real secrets are collected independently: every console
password and secret access key moto holds (its own data dump), the STS session credentials the test
asked moto for and installed through the workstation role, and the keys in the credentials files.
None of them may appear, raw, escaped or as any 12-character piece, in stdout, stderr, the log or
the dump of any run; and the only files under the throw-away HOMEs and the controller's temp dirs
that hold one are the credentials files and the CSVs asked for, each 0600.

``RUNS`` lists the guide's playbook runs, ``FLEET_RUNS`` the fleet's (bootstrap and rotate_keys.yml for
three workstations, each a throw-away OS user; run as root, as CI does).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile

import boto3
import pytest

from tests.utils import proof
from tests.utils.ansible_runner import BIN, ROOT, base_env
from tests.utils.aws_proxy import AwsProxy
from tests.utils.fleet import Fleet
from tests.utils.os_users import create_user, delete_user, python_for

VERBOSE = ('-vvvv', '--diff')
SANDBOX = ('-e', proof.SANDBOX_VARS)
MOLECULE = os.path.join(ROOT, 'extensions', 'molecule')
# (run id, playbook, extra arguments). '{extra}' is the extra-vars file with the session-token profile.
RUNS = [
    ('bootstrap', proof.BOOTSTRAP, VERBOSE + SANDBOX),
    ('bootstrap-check-token-profile', proof.BOOTSTRAP, VERBOSE + SANDBOX + ('--check', '-e', '@{extra}')),
    ('bootstrap-token-profile', proof.BOOTSTRAP, VERBOSE + SANDBOX + ('-e', '@{extra}')),
    ('report', proof.REPORT, VERBOSE + SANDBOX),
    ('report-check', proof.REPORT, VERBOSE + SANDBOX + ('--check',)),
]
# Molecule converges, run with ansible-playbook as Molecule would (a fresh account each).
CONVERGES = [
    ('molecule-account_admin', os.path.join(MOLECULE, 'account_admin', 'converge.yml')),
    ('molecule-workstation', os.path.join(MOLECULE, 'workstation', 'converge.yml')),
]
ROTATE = os.path.join(ROOT, 'playbooks', 'rotate_keys.yml')
FLEET_RUNS = [
    ('fleet-bootstrap', proof.BOOTSTRAP, VERBOSE + SANDBOX),
    ('fleet-rotate-check', ROTATE, VERBOSE + SANDBOX + ('--check', '-e', 'rotate_keys_force=true')),
    ('fleet-rotate', ROTATE, VERBOSE + SANDBOX + ('-e', 'rotate_keys_force=true')),
]
STREAMS = ('stdout', 'stderr', 'log', 'dump')
RUN_IDS = [run[0] for run in RUNS] + [run[0] for run in CONVERGES] + [run[0] for run in FLEET_RUNS]

# The runs that pass a secret in workstation_profiles (the token profile, the workstation converge) are
# the ones that would show a secret handed to callbacks through a loop variable.
OUTPUT_CASES = [pytest.param(run_id, stream, id='%s-%s' % (run_id, stream)) for run_id in RUN_IDS for stream in STREAMS]


class Collector:
    """Runs playbooks with every output channel captured; remembers them by run id."""

    def __init__(self, outdir, proxy):
        self.outdir = outdir
        self.proxy = proxy
        self.tmpdir = outdir / 'controller-tmp'
        self.tmpdir.mkdir()
        self.outputs = {}
        self.homes = []

    def run(self, run_id, playbook, home, args=(), extra_env=None, inventory=('-i', 'localhost,', '-c', 'local')):
        log = self.outdir / ('%s.log' % run_id)
        dump = self.outdir / ('%s.jsonl' % run_id)
        env = dict(self.proxy.env)
        env.update({
            'ANSIBLE_LOG_PATH': str(log),
            'ANSIBLE_CALLBACK_PLUGINS': proof.CALLBACK_PLUGINS,
            'ANSIBLE_CALLBACKS_ENABLED': 'proof_dump',
            'PROOF_DUMP_PATH': str(dump),
            'ANSIBLE_HOST_KEY_CHECKING': 'false',
            'ANSIBLE_CACHE_PLUGIN': 'jsonfile',
            'ANSIBLE_CACHE_PLUGIN_CONNECTION': str(home / '.ansible' / 'facts'),
            'TMPDIR': str(self.tmpdir),
        })
        env.update(extra_env or {})
        command = [os.path.join(BIN, 'ansible-playbook')] + list(inventory) + [str(playbook)] + list(args)
        proc = subprocess.run(command, env=base_env(home, env), capture_output=True, text=True, timeout=600, cwd=ROOT, check=False)
        assert proc.returncode == 0, '%s failed (%d)\n%s\n%s' % (run_id, proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:])
        self.outputs[run_id] = {
            'stdout': proc.stdout.encode(),
            'stderr': proc.stderr.encode(),
            'log': log.read_bytes(),
            'dump': dump.read_bytes(),
        }
        if home not in self.homes:
            self.homes.append(home)
        return proc


def credentials_file_secrets(path):
    """{description: secret} of the secret keys and tokens in a credentials file, read with botocore."""
    found = {}
    if os.path.exists(path):
        for profile, values in proof.load_ini(path).items():
            for key in ('aws_secret_access_key', 'aws_session_token'):
                if values.get(key):
                    found['%s of profile %s in %s' % (key, profile, path)] = values[key]
    return found


def csv_secrets(folder):
    """{description: secret} of the passwords and secret keys in the console-format CSVs of a folder."""
    import csv  # pylint: disable=import-outside-toplevel
    found = {}
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        with open(os.path.join(folder, name), encoding='utf-8-sig', newline='') as handle:
            for row in csv.DictReader(handle):
                for column in ('Password', 'Secret access key'):
                    if row.get(column):
                        found['%s of %s in %s' % (column, row.get('User name'), name)] = row[column]
    return found


def token_profile_vars(outdir, endpoint):
    """An extra-vars file (outside every HOME) adding a profile with real STS session credentials from moto."""
    power_user_key = proof.access_keys(endpoint, 'PowerUser')[0][0]
    secret = proof.moto_secrets(endpoint)['secret access key of PowerUser (%s)' % power_user_key]
    sts = boto3.client('sts', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=power_user_key, aws_secret_access_key=secret)
    session = sts.get_session_token(DurationSeconds=900)['Credentials']
    path = outdir / 'token-profile.json'
    path.write_text(json.dumps({'workstation_profiles': [
        {'name': 'default', 'region': 'ap-northeast-2', 'output': 'json', 'iam_user': 'PowerUser'},
        {'name': 'temp', 'region': 'eu-west-1', 'access_key_id': session['AccessKeyId'],
         'secret_access_key': session['SecretAccessKey'], 'session_token': session['SessionToken']},
    ]}))
    return path, {'sts secret access key %s' % session['AccessKeyId']: session['SecretAccessKey'],
                  'sts session token %s' % session['AccessKeyId']: session['SessionToken']}


def molecule_workstation(collector, outdir):
    """The workstation converge for a throw-away OS user (root only); None when not root."""
    if os.geteuid() != 0:
        return None
    homes = tempfile.mkdtemp(prefix='awsbt-proof-homes-')
    user, user_home = create_user(homes)
    inventory = outdir / 'workstation-inventory.json'
    inventory.write_text(json.dumps({'all': {'hosts': {'workstation': {
        'ansible_connection': 'local', 'ansible_python_interpreter': python_for(user), 'ansible_become_method': 'ansible.builtin.su',
        'molecule_workstation_user': user, 'molecule_workstation_home': user_home}}}}))
    controller_home = outdir / 'molecule-workstation-home'
    controller_home.mkdir()
    # No AWS CLI install (no network in CI) and no check with it: the files are what is examined here.
    collector.run('molecule-workstation', CONVERGES[1][1], controller_home,
                  VERBOSE + ('-e', json.dumps({'workstation_install_awscli': False, 'workstation_verify': False})), inventory=('-i', str(inventory)))
    return user, homes, user_home


@pytest.fixture(scope='module')
def leak_check(moto_server, tmp_path_factory):
    """Runs everything once; returns the outputs, the secrets, and the places files were looked for."""
    moto_server.enforce_auth(False)
    moto_server.reset()
    outdir = tmp_path_factory.mktemp('proof-secrets')
    guide_home = outdir / 'home'
    guide_home.mkdir()
    workstation_user = None
    fleet = None
    with AwsProxy(moto_server) as proxy:
        collector = Collector(outdir, proxy)
        secrets = {}
        try:
            collector.run(*RUNS[0][:2], guide_home, RUNS[0][2])
            extra, session_secrets = token_profile_vars(outdir, moto_server.endpoint)
            secrets.update(session_secrets)
            for run_id, playbook, args in RUNS[1:]:
                collector.run(run_id, playbook, guide_home, tuple(arg.replace('{extra}', str(extra)) for arg in args))
            secrets.update(proof.moto_secrets(moto_server.endpoint))
            secrets.update(credentials_file_secrets(guide_home / '.aws' / 'credentials'))
            secrets.update(csv_secrets(guide_home / 'aws-bootstrap-credentials'))

            moto_server.reset()
            molecule_dir = outdir / 'molecule-account_admin'
            molecule_dir.mkdir()
            (molecule_dir / 'sandbox.json').write_text(json.dumps({'env': proxy.env}))
            molecule_home = outdir / 'molecule-home'
            molecule_home.mkdir()
            inventory = outdir / 'controller-inventory.json'
            inventory.write_text(json.dumps({'all': {'hosts': {'controller': {
                'ansible_connection': 'local', 'ansible_python_interpreter': proof.sys_executable()}}}}))
            collector.run(CONVERGES[0][0], CONVERGES[0][1], molecule_home, VERBOSE, inventory=('-i', str(inventory)),
                          extra_env={'MOLECULE_EPHEMERAL_DIRECTORY': str(molecule_dir), 'MOLECULE_PROJECT_DIRECTORY': ROOT})
            secrets.update({'molecule account: %s' % description: secret
                            for description, secret in proof.moto_secrets(moto_server.endpoint).items()})

            workstation_user = molecule_workstation(collector, outdir)
            if workstation_user:
                secrets.update(credentials_file_secrets(os.path.join(workstation_user[2], '.aws', 'credentials')))
                collector.homes.append(workstation_user[2])
            fleet_home = None
            if os.geteuid() == 0:
                fleet = Fleet(3, developer_prefix='leak').__enter__()
                moto_server.reset()
                fleet_home = outdir / 'fleet-home'
                fleet_home.mkdir()
                inventory = fleet.inventory(str(outdir / 'fleet-inventory.yml'))
                for run_id, playbook, args in FLEET_RUNS:
                    collector.run(run_id, playbook, fleet_home, args, extra_env={'PATH': fleet.path_env()}, inventory=('-i', inventory))
                    # After each run: a rotation deletes the keys the run before it made.
                    secrets.update({'fleet: %s' % description: secret
                                    for description, secret in proof.moto_secrets(moto_server.endpoint).items()})
                for host in fleet.hosts.values():
                    secrets.update(credentials_file_secrets(os.path.join(host['home'], '.aws', 'credentials')))
                    collector.homes.append(host['home'])
            yield {'outputs': collector.outputs, 'secrets': secrets, 'guide_home': guide_home, 'homes': collector.homes,
                   'tmpdir': collector.tmpdir, 'workstation_home': workstation_user[2] if workstation_user else None,
                   'fleet_home': fleet_home, 'fleet': fleet}
        finally:
            if fleet is not None:
                fleet.__exit__(None, None, None)
            if workstation_user:
                delete_user(workstation_user[0])
                shutil.rmtree(workstation_user[1], ignore_errors=True)
            moto_server.reset()


def test_the_secrets_are_real_and_where_they_belong(leak_check):
    """The positive control: the scan finds each kind of secret where it must be, so it would find a leak."""
    secrets = leak_check['secrets']
    kinds = {'console password of Administrator', 'secret access key of PowerUser', 'sts session token', 'sts secret access key'}
    assert {kind for kind in kinds if any(description.startswith(kind) for description in secrets)} == kinds, sorted(secrets)
    home = leak_check['guide_home']
    credentials = (home / '.aws' / 'credentials').read_bytes()
    assert any(hit.startswith('secret access key of PowerUser') for hit in proof.find_leaks(credentials, secrets))
    assert any(hit.startswith('sts session token') for hit in proof.find_leaks(credentials, secrets))
    csv = (home / 'aws-bootstrap-credentials' / 'Administrator_credentials.csv').read_bytes()
    assert any(hit.startswith('console password of Administrator') for hit in proof.find_leaks(csv, secrets))


@pytest.mark.parametrize('run_id', RUN_IDS)
def test_the_callback_saw_every_result_and_the_log_is_verbose(leak_check, run_id):
    """The channels are real: the dump holds task results, the log has -vvvv detail (else 'no leak' means nothing)."""
    outputs = leak_check['outputs'].get(run_id)
    if outputs is None:
        pytest.skip('%s needs root (a throw-away OS user)' % run_id)
    records = [json.loads(line) for line in outputs['dump'].decode().splitlines()]
    assert len(records) >= 3 and all('result' in record for record in records)
    assert b'EXEC' in outputs['log'] or b'ESTABLISH' in outputs['log'], 'the log has no -vvvv connection detail'
    if run_id == 'bootstrap':
        users = [record for record in records if record['register'] == 'account_admin__users']
        assert users and all(record['no_log'] for record in users)
        profiles = [record for record in records if record['register'] == 'workstation__delivered']
        assert profiles and any(result.get('access_key_id') for record in profiles for result in record['result'].get('results', [])), profiles


@pytest.mark.parametrize('run_id, stream', OUTPUT_CASES)
def test_no_secret_in_any_output(leak_check, run_id, stream):
    outputs = leak_check['outputs'].get(run_id)
    if outputs is None:
        pytest.skip('%s needs root (a throw-away OS user)' % run_id)
    assert proof.find_leaks(outputs[stream], leak_check['secrets']) == []


def test_only_the_credentials_files_and_csvs_hold_secrets_each_0600(leak_check):
    roots = list(leak_check['homes']) + [leak_check['tmpdir']]
    holding = proof.files_holding_secrets(roots, leak_check['secrets'])
    home = leak_check['guide_home']
    allowed = {str(home / '.aws' / 'credentials'),
               str(home / 'aws-bootstrap-credentials' / 'Administrator_credentials.csv'),
               str(home / 'aws-bootstrap-credentials' / 'PowerUser_credentials.csv')}
    if leak_check['workstation_home']:
        allowed.add(os.path.join(leak_check['workstation_home'], '.aws', 'credentials'))
    if leak_check['fleet_home']:
        allowed.update(str(leak_check['fleet_home'] / 'aws-bootstrap-credentials' / name)
                       for name in ('Administrator_credentials.csv', 'PowerUser_credentials.csv'))
        allowed.update(os.path.join(host['home'], '.aws', 'credentials') for host in leak_check['fleet'].hosts.values())
    assert sorted(set(holding) - allowed) == [], {path: holding[path] for path in set(holding) - allowed}
    assert sorted(allowed - set(holding)) == [], 'these should hold a secret and do not (is the scan blind?)'
    assert {path: mode for path, (mode, _hits) in holding.items()} == {path: 0o600 for path in allowed}
    # No module payload (which carries the task's arguments) was left in a temp dir.
    leftovers = [os.path.join(folder, name) for root in roots for folder, _dirs, names in os.walk(str(root))
                 for name in names if name.startswith('AnsiballZ')]
    assert leftovers == []
    assert stat.S_IMODE(os.stat(home / 'aws-bootstrap-credentials').st_mode) == 0o700
