# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM Identity Center, role and credential_process profiles written by the modules, read back by botocore's loader
and by the real AWS CLI v1 (the venv's) and v2 (Debian's), then used end to end: the CLIs resolve credentials through
an SSO portal stand-in (a cached token as ``aws sso login`` leaves it), moto's STS AssumeRole and a credential process,
and ``sts get-caller-identity`` on moto answers as the IAM identity behind them. Throw-away HOMEs only.

CLI v1 (botocore 1.44) reaches the stand-ins through ``AWS_ENDPOINT_URL_SSO`` and ``AWS_ENDPOINT_URL``. Debian 12's
CLI v2 (2.9.19) predates those variables (2.13); it gets the same endpoints through botocore's data path
(``AWS_DATA_PATH``): an endpoint rule set for ``sso`` and ``sts`` that returns the stand-in's URL.
"""

from __future__ import annotations

import json
import stat
import subprocess

import boto3
import pytest
from botocore import configloader

from tests.integration.test_aws_cli_profile_cli_agreement import RUNNER, cli_v1
from tests.utils.ansible_runner import run_module, warnings_of
from tests.utils.debian_awscli import debian_aws_cli_v2
from tests.utils.sso_portal import SsoPortal, token_cache_file

ACCOUNT = '123456789012'  # moto's account
START_URL = 'https://my-sso-portal.awsapps.com/start'
TOKEN = 'cached-sso-access-token-0001'
ROLE_ARN = 'arn:aws:iam::%s:role/Admin' % ACCOUNT
PRESENT = ('# written by hand\n'
           '[default]\n'
           'region = ap-northeast-2\n'
           'output = json\n'
           '\n'
           '[profile other]\n'
           's3 =\n'
           '  max_concurrent_requests = 20\n')


@pytest.fixture(scope='module')
def clis():
    return [cli_v1(), debian_aws_cli_v2()]


def run_cli(cli, home, commands, env):
    python, pythonpath, label = cli
    full = {'HOME': str(home), 'PATH': '/usr/bin:/bin', 'LC_ALL': 'C.UTF-8', 'AWS_EC2_METADATA_DISABLED': 'true'}
    full.update(env)
    if pythonpath:
        full['PYTHONPATH'] = pythonpath
    proc = subprocess.run(python + ['-c', RUNNER, json.dumps(commands)], env=full, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, '%s: %s' % (label, proc.stderr[-3000:])
    return json.loads(proc.stdout)['results']


def ok(module, args, home, **kwargs):
    result = run_module(module, args, home, **kwargs)
    assert result.get('failed') is not True, result
    return result


def write_profiles(home, key_id, secret, tools):
    """The files as a workstation run would leave them: an sso-session, SSO / role / process profiles and a key."""
    aws = home / '.aws'
    aws.mkdir(mode=0o700, exist_ok=True)
    (aws / 'config').write_text(PRESENT)
    ok('aws_cli_sso_session', dict(name='my-sso', start_url=START_URL, region='us-east-1', registration_scopes=['sso:account:access']),
       home)
    ok('aws_cli_profile', dict(profile='dev', sso_session='my-sso', sso_account_id=ACCOUNT, sso_role_name='PowerUserAccess',
                               region='us-east-1', output='json'), home)
    ok('aws_cli_profile', dict(profile='unassigned', sso_session='my-sso', sso_account_id=ACCOUNT, sso_role_name='NotMine',
                               region='us-east-1'), home)
    ok('aws_cli_profile', dict(profile='base', access_key_id=key_id, secret_access_key=secret, region='us-east-1'), home)
    ok('aws_cli_profile', dict(profile='admin', role_arn=ROLE_ARN, source_profile='base', role_session_name='dev-session',
                               duration_seconds=3600, region='us-east-1'), home)
    ok('aws_cli_profile', dict(profile='ec2', role_arn=ROLE_ARN, credential_source='Ec2InstanceMetadata', duration_seconds=900,
                               mfa_serial='arn:aws:iam::%s:mfa/dev' % ACCOUNT, external_id='ext-1234', region='us-east-1'), home)
    ok('aws_cli_profile', dict(profile='tool', credential_process=[str(tools / 'creds'), '--user', 'dev'], region='us-east-1'), home)
    return aws


EXPECTED = {
    'dev': {'sso_session': 'my-sso', 'sso_account_id': ACCOUNT, 'sso_role_name': 'PowerUserAccess', 'region': 'us-east-1',
            'output': 'json'},
    'admin': {'role_arn': ROLE_ARN, 'source_profile': 'base', 'role_session_name': 'dev-session', 'duration_seconds': '3600',
              'region': 'us-east-1'},
    'ec2': {'role_arn': ROLE_ARN, 'credential_source': 'Ec2InstanceMetadata', 'duration_seconds': '900',
            'mfa_serial': 'arn:aws:iam::%s:mfa/dev' % ACCOUNT, 'external_id': 'ext-1234', 'region': 'us-east-1'},
}


def credential_script(folder, key_id, secret):
    """A credential process in a folder whose name has a space, printing the IAM user's key as the CLI expects."""
    folder.mkdir()
    script = folder / 'creds'
    script.write_text('#!/bin/sh\n[ "$1 $2" = "--user dev" ] || exit 3\n'
                      'printf \'{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}\'\n' % (key_id, secret))
    script.chmod(stat.S_IRWXU)
    return folder


def test_files_read_back_by_botocore_and_both_clis(home, tmp_path, clis):
    tools = credential_script(tmp_path / 'my tools', 'AKIAPROCESS000000001', 'processSecret0001')
    aws = write_profiles(home, 'AKIABASE000000000001', 'baseSecret00000001', tools)
    config = (aws / 'config').read_text()
    assert config.startswith(PRESENT)  # every byte written by hand stays
    assert 'Secret' not in config and TOKEN not in config
    # botocore's own loader reads exactly what was asked
    loaded = configloader.load_config(str(aws / 'config'))
    assert loaded['sso_sessions'] == {'my-sso': {'sso_start_url': START_URL, 'sso_region': 'us-east-1',
                                                 'sso_registration_scopes': 'sso:account:access'}}
    for name, values in EXPECTED.items():
        assert loaded['profiles'][name] == values, name
    assert loaded['profiles']['tool'] == {'credential_process': '"%s/creds" --user dev' % tools, 'region': 'us-east-1'}
    assert loaded['profiles']['other'] == {'s3': {'max_concurrent_requests': '20'}}
    assert set(configloader.raw_config_parse(str(aws / 'credentials'))) == {'base'}

    info = ok('aws_cli_profile_info', {}, home)
    kinds = {p['name']: p['kind'] for p in info['profiles']}
    assert kinds == {'default': 'none', 'other': 'none', 'dev': 'sso', 'unassigned': 'sso', 'admin': 'role', 'ec2': 'role',
                     'tool': 'process', 'base': 'static'}
    assert info['sso_sessions'] == [{'name': 'my-sso', 'sso_start_url': START_URL, 'sso_region': 'us-east-1',
                                     'sso_registration_scopes': ['sso:account:access'], 'profiles': ['dev', 'unassigned'],
                                     'login': {'live': False, 'expires_at': None}}]
    assert 'baseSecret00000001' not in json.dumps(info) and 'ext-1234' not in json.dumps(info)
    assert 'credential_process' not in json.dumps([p['identifiers'] for p in info['profiles']])

    commands, answers = [], []
    for name, values in sorted(EXPECTED.items()):
        for key, value in sorted(values.items()):
            commands.append(['configure', 'get', key, '--profile', name])
            answers.append(value)
    commands += [['configure', 'get', 'credential_process', '--profile', 'tool'], ['configure', 'list', '--profile', 'tool']]
    for cli in clis:
        results = run_cli(cli, home, commands, {})
        for command, expected, (rc, out, err) in zip(commands, answers, results):
            assert (rc, out) == (0, expected + '\n'), (cli[2], command, out, err)
        rc, out, err = results[-2]
        assert (rc, out) == (0, '"%s/creds" --user dev\n' % tools), (cli[2], out, err)
        rc, listed, err = results[-1]  # the CLI runs the process to show its key, from a path with a space
        assert rc == 0 and '****************0001 custom-process' in ' '.join(listed.split()), (cli[2], listed, err)
        assert 'region us-east-1 config-file' in ' '.join(listed.split()), (cli[2], listed)


def endpoint_rule_sets(folder, sso, sts):
    """AWS_DATA_PATH for CLI v2 2.9: the sso and sts endpoint rule sets return the stand-ins."""
    for service, version, url in (('sso', '2019-06-10', sso), ('sts', '2011-06-15', sts)):
        target = folder / service / version
        target.mkdir(parents=True)
        (target / 'endpoint-rule-set-1.json').write_text(json.dumps({
            'version': '1.0',
            'parameters': {'Region': {'builtIn': 'AWS::Region', 'required': False, 'documentation': 'region', 'type': 'String'},
                           'UseDualStack': {'builtIn': 'AWS::UseDualStack', 'required': True, 'default': False,
                                            'documentation': 'dual stack', 'type': 'Boolean'},
                           'UseFIPS': {'builtIn': 'AWS::UseFIPS', 'required': True, 'default': False, 'documentation': 'fips',
                                       'type': 'Boolean'},
                           'Endpoint': {'builtIn': 'SDK::Endpoint', 'required': False, 'documentation': 'endpoint', 'type': 'String'}},
            'rules': [{'conditions': [], 'endpoint': {'url': url, 'properties': {}, 'headers': {}}, 'type': 'endpoint'}]}))
    return folder


def test_the_real_clis_get_credentials_through_sso_role_and_process_profiles(home, tmp_path, sandbox, clis):
    iam = boto3.client('iam', endpoint_url=sandbox.endpoint, region_name='us-east-1', aws_access_key_id='AKIAIOSFODNN7SANDBOX',
                       aws_secret_access_key='sandbox-secret-not-a-real-key')
    iam.create_user(UserName='dev')
    key = iam.create_access_key(UserName='dev')['AccessKey']
    iam.create_user(UserName='tool-user')
    tool_key = iam.create_access_key(UserName='tool-user')['AccessKey']
    iam.create_role(RoleName='Admin', AssumeRolePolicyDocument=json.dumps({
        'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::%s:root' % ACCOUNT},
                                                'Action': 'sts:AssumeRole'}]}))
    tools = credential_script(tmp_path / 'my tools', tool_key['AccessKeyId'], tool_key['SecretAccessKey'])
    write_profiles(home, key['AccessKeyId'], key['SecretAccessKey'], tools)
    token_cache_file(home, 'my-sso', START_URL, 'us-east-1', TOKEN)

    with SsoPortal() as portal:
        portal.assign(TOKEN, ACCOUNT, 'PowerUserAccess', key['AccessKeyId'], key['SecretAccessKey'])
        environments = {
            'AWS CLI v1 (venv)': {'AWS_ENDPOINT_URL': sandbox.endpoint, 'AWS_ENDPOINT_URL_SSO': portal.endpoint},
            # No AWS_ENDPOINT_URL* in 2.9: the endpoints come from the data path.
            None: {'AWS_DATA_PATH': str(endpoint_rule_sets(tmp_path / 'data', portal.endpoint, sandbox.endpoint))},
        }
        commands = [['sts', 'get-caller-identity', '--profile', name, '--output', 'json'] for name in ('dev', 'admin', 'tool', 'unassigned')]
        commands.append(['configure', 'list', '--profile', 'dev'])
        for cli in clis:
            before = len(portal.requests)
            env = environments.get(cli[2], environments[None])
            results = run_cli(cli, home, commands, env)
            identities = []
            for command, (rc, out, err) in zip(commands[:3], results):
                assert rc == 0, (cli[2], command, out, err)
                identities.append(json.loads(out)['Arn'])
            assert identities == ['arn:aws:iam::%s:user/dev' % ACCOUNT, 'arn:aws:sts::%s:assumed-role/Admin/dev-session' % ACCOUNT,
                                  'arn:aws:iam::%s:user/tool-user' % ACCOUNT], cli[2]
            rc, out, err = results[3]  # a role the portal does not assign to this token
            assert rc != 0 and 'SSO session associated with this profile has expired or is otherwise invalid' in err and out == '', (
                cli[2], out, err)
            rc, listed, err = results[4]
            assert rc == 0 and '****************%s sso' % key['AccessKeyId'][-4:] in ' '.join(listed.split()), (cli[2], listed, err)
            asked = portal.requests[before:]
            assert {(r['query']['account_id'], r['query']['role_name'], r['token']) for r in asked} == {
                (ACCOUNT, 'PowerUserAccess', TOKEN), (ACCOUNT, 'NotMine', TOKEN)}, (cli[2], asked)
    assert TOKEN not in (home / '.aws' / 'config').read_text() + (home / '.aws' / 'credentials').read_text()


def test_check_mode_warns_about_a_session_an_earlier_task_would_write(home):
    result = run_module('aws_cli_profile', dict(profile='dev', sso_session='later', sso_account_id=ACCOUNT, sso_role_name='R'), home,
                        check_mode=True)
    assert result['changed'] is True and any('sso_session' in w and 'later' in w for w in warnings_of(result))
    assert not (home / '.aws').exists()
    result = run_module('aws_cli_profile', dict(profile='dev', sso_session='later', sso_account_id=ACCOUNT, sso_role_name='R'), home)
    assert result['failed'] is True and result['msg'].startswith('sso_session:') and not (home / '.aws' / 'config').exists()


def test_moving_a_key_profile_to_sso_needs_replace_credentials_and_keeps_other_bytes(home):
    ok('aws_cli_sso_session', dict(name='my-sso', start_url=START_URL, region='us-east-1'), home)
    ok('aws_cli_profile', dict(profile='dev', access_key_id='AKIADEV0000000000001', secret_access_key='devSecret000001',
                               region='eu-west-1'), home)
    ok('aws_cli_profile', dict(profile='keep', access_key_id='AKIAKEEP000000000001', secret_access_key='keepSecret00001'), home)
    files = {name: (home / '.aws' / name).read_bytes() for name in ('config', 'credentials')}
    sso = dict(profile='dev', sso_session='my-sso', sso_account_id=ACCOUNT, sso_role_name='PowerUserAccess')
    refused = run_module('aws_cli_profile', sso, home, diff=True)
    assert refused['failed'] is True and refused['msg'].startswith('sso_session:') and 'replace_credentials' in refused['msg']
    assert 'devSecret000001' not in json.dumps(refused)
    assert files == {name: (home / '.aws' / name).read_bytes() for name in files}
    moved = ok('aws_cli_profile', dict(sso, replace_credentials=True), home, diff=True)
    assert moved['changed'] is True and moved['kind'] == 'sso' and 'devSecret000001' not in json.dumps(moved)
    credentials = configloader.raw_config_parse(str(home / '.aws' / 'credentials'))
    # The key is gone; the emptied [dev] header stays (the editor removes keys, not sections, unless state=absent).
    assert credentials == {'dev': {}, 'keep': {'aws_access_key_id': 'AKIAKEEP000000000001', 'aws_secret_access_key': 'keepSecret00001'}}
    assert configloader.load_config(str(home / '.aws' / 'config'))['profiles']['dev'] == {
        'region': 'eu-west-1', 'sso_session': 'my-sso', 'sso_account_id': ACCOUNT, 'sso_role_name': 'PowerUserAccess'}
    again = ok('aws_cli_profile', dict(sso, replace_credentials=True), home)
    assert again['changed'] is False
    removed = run_module('aws_cli_sso_session', dict(name='my-sso', state='absent'), home)
    assert removed['failed'] is True and 'dev' in removed['msg']
    ok('aws_cli_profile', dict(profile='dev', state='absent'), home)
    assert ok('aws_cli_sso_session', dict(name='my-sso', state='absent'), home)['changed'] is True
    assert configloader.load_config(str(home / '.aws' / 'config'))['sso_sessions'] == {}


@pytest.mark.parametrize('start_url, expires_in, live', [
    (START_URL, 3600, True), (START_URL, -60, False), ('https://another-portal.awsapps.com/start', 3600, False),
], ids=['live', 'expired', 'other-start-url'])
def test_info_says_whether_an_sso_login_is_live_and_never_returns_the_token(home, start_url, expires_in, live):
    ok('aws_cli_sso_session', dict(name='my-sso', start_url=START_URL, region='us-east-1'), home)
    path = token_cache_file(home, 'my-sso', start_url, 'us-east-1', 'the-access-token-0001', expires_in=expires_in)
    with open(path, encoding='utf-8') as handle:
        expires_at = json.load(handle)['expiresAt']
    info = ok('aws_cli_profile_info', {}, home)
    assert info['sso_sessions'][0]['login'] == {'live': live, 'expires_at': expires_at if start_url == START_URL else None}
    for secret in ('the-access-token-0001', 'test-refresh-token', 'test-client-secret'):
        assert secret not in json.dumps(info)
