# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Proof: bad input is refused with a message naming the option, before any AWS write and any file change.

One table (``MODULE_CASES`` and ``ROLE_CASES``) across aws_cli_profile, iam_bootstrap_group/user/account
and the account_admin / workstation role arguments: names, paths, ARNs, policies, tags, passwords,
profiles, regions, CSVs, files that are not INI, symbolic links to elsewhere, unreadable files (the
module then runs as a throw-away non-root OS user: root reads everything). For every case:

- the run fails, and its message names the option (and, with ``rule``, words of the rule broken,
  taken from IAM's or the AWS CLI's documented limits, not from our messages);
- the recording proxy in front of moto saw no write call (the modules reach moto only through it);
- nothing under the throw-away HOME (and the case's other files) changed: same paths, bytes, modes.

The role cases run in one playbook (one include_role per case, each in a block whose rescue records
the message), so the whole table costs two ansible-playbook runs at most.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile

import pytest

from tests.utils import proof
from tests.utils.ansible_runner import ROOT, run_module, run_playbook
from tests.utils.os_users import create_user, delete_user

KEY = dict(access_key_id='AKIAIOSFODNN7BADINPT', secret_access_key='badInputSecret0000000000000000000000000001')
DOC = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:ListBucket', 'Resource': '*'}]}
CSV_HEADER = 'User name,Password,Access key ID,Secret access key,Console login link\n'
OLD_CREDENTIALS = '# mine\n[default]\naws_access_key_id = AKIAOLDOLDOLDOLD0001\naws_secret_access_key = oldSecret\n'
OLD_CONFIG = '[default]\nregion = us-west-2\n'


def _site_packages():
    import ansible  # pylint: disable=import-outside-toplevel
    return os.path.dirname(os.path.dirname(ansible.__file__))


class Case:
    """One bad input: ``target`` is a module name or ``role:NAME``; ``args`` may use {home} and {files}."""

    def __init__(self, case_id, target, args, option, rule=(), setup=None, as_user=False):
        self.case_id = case_id
        self.target = target
        self.args = args
        self.option = option
        self.rule = (rule,) if isinstance(rule, str) else tuple(rule)
        self.setup = setup
        self.as_user = as_user

    def param(self, marks=()):
        return pytest.param(self, id=self.case_id, marks=list(marks))


# -- setups: files the case needs (in {home} and {files}, a folder beside HOME) ----------------------

def _aws(home):
    aws = os.path.join(home, '.aws')
    os.makedirs(aws, mode=0o700, exist_ok=True)
    with open(os.path.join(aws, 'credentials'), 'w', encoding='utf-8') as handle:
        handle.write(OLD_CREDENTIALS)
    with open(os.path.join(aws, 'config'), 'w', encoding='utf-8') as handle:
        handle.write(OLD_CONFIG)
    for name in ('credentials', 'config'):
        os.chmod(os.path.join(aws, name), 0o600)
    return aws


def _write(path, data, mode=0o600):
    with open(path, 'wb') as handle:
        handle.write(data if isinstance(data, bytes) else data.encode('utf-8'))
    os.chmod(path, mode)


SETUPS = {
    'files': lambda home, files: _aws(home),
    'not-ini': lambda home, files: _write(os.path.join(_aws(home), 'credentials'), 'aws_access_key_id = AKIA\nno section header here\n'),
    'not-utf8': lambda home, files: _write(os.path.join(_aws(home), 'config'), b'[default]\nregion = \xff\xfe\x00\n'),
    'credentials-link': lambda home, files: (_aws(home), _write(os.path.join(files, 'elsewhere'), OLD_CREDENTIALS),
                                             os.unlink(os.path.join(home, '.aws', 'credentials')),
                                             os.symlink(os.path.join(files, 'elsewhere'), os.path.join(home, '.aws', 'credentials'))),
    'config-link': lambda home, files: (_aws(home), _write(os.path.join(files, 'elsewhere'), OLD_CONFIG),
                                        os.unlink(os.path.join(home, '.aws', 'config')),
                                        os.symlink(os.path.join(files, 'elsewhere'), os.path.join(home, '.aws', 'config'))),
    'credentials-unreadable': lambda home, files: os.chmod(os.path.join(_aws(home), 'credentials'), 0o000),
    'config-unreadable': lambda home, files: os.chmod(os.path.join(_aws(home), 'config'), 0o000),
    'csv-not-console': lambda home, files: _write(os.path.join(files, 'creds.csv'), 'name,key\nPowerUser,AKIA\n'),
    'csv-console': lambda home, files: _write(os.path.join(files, 'creds.csv'), CSV_HEADER + 'PowerUser,,AKIAIOSFODNN7CSVCSV1,csvSecret1,https://x\n'),
    'csv-empty': lambda home, files: _write(os.path.join(files, 'creds.csv'), ''),
    'csv-unreadable': lambda home, files: _write(os.path.join(files, 'creds.csv'), CSV_HEADER + 'PowerUser,,AKIAIOSFODNN7CSVCSV1,s,x\n', 0o000),
    'csv-other-user': lambda home, files: _write(os.path.join(files, 'out.csv'), CSV_HEADER + 'Administrator,Secret-Passw0rd!,,,https://x\n'),
    'csv-ini': lambda home, files: _write(os.path.join(files, 'out.csv'), OLD_CREDENTIALS),
    'csv-link': lambda home, files: (_write(os.path.join(files, 'target.csv'), CSV_HEADER),
                                     os.symlink(os.path.join(files, 'target.csv'), os.path.join(files, 'out.csv'))),
}

MODULE_CASES = [
    # aws_cli_profile: profiles, values that would inject into the INI format, settings
    Case('profile-brackets', 'aws_cli_profile', dict(profile='dev]\n[evil', region='eu-west-1'), 'profile', ('[', 'line')),
    Case('profile-empty', 'aws_cli_profile', dict(profile='', region='eu-west-1'), 'profile', 'empty'),
    Case('profile-comment-char', 'aws_cli_profile', dict(profile='dev#1', region='eu-west-1'), 'profile', '#'),
    Case('profile-space', 'aws_cli_profile', dict(profile='my dev', region='eu-west-1'), 'profile', 'whitespace'),
    Case('region-injection', 'aws_cli_profile', dict(region='eu-west-1\n[profile evil]\ncredential_process = /bin/sh'), 'region', ()),
    Case('region-unknown-shape', 'aws_cli_profile', dict(region='Mars Base 1'), 'region', ()),
    Case('output-not-a-format', 'aws_cli_profile', dict(output='xml'), 'output', 'json'),
    Case('key-id-newline', 'aws_cli_profile', dict(KEY, access_key_id='AKIA\n[evil]'), 'access_key_id', ()),
    Case('secret-empty', 'aws_cli_profile', dict(KEY, secret_access_key=''), 'secret_access_key', 'empty'),
    Case('token-carriage-return', 'aws_cli_profile', dict(KEY, session_token='tok\r[evil]'), 'session_token', ()),
    Case('token-without-key', 'aws_cli_profile', dict(session_token='FwoGZXIvYXdzEXAMPLE'), 'session_token', 'access_key_id'),
    Case('settings-key-with-equals', 'aws_cli_profile', dict(settings={'a=b': 'x'}), 'settings', ()),
    Case('settings-two-levels', 'aws_cli_profile', dict(settings={'s3': {'deep': {'deeper': 1}}}), 'settings.s3.deep', ()),
    Case('settings-own-option', 'aws_cli_profile', dict(settings={'aws_secret_access_key': 'x'}), 'settings.aws_secret_access_key', ()),
    Case('settings-list', 'aws_cli_profile', dict(settings={'ca_bundle': ['a', 'b']}), 'settings.ca_bundle', ()),
    # aws_cli_profile: CSVs and files
    Case('csv-not-console-format', 'aws_cli_profile', dict(import_csv='{files}/creds.csv'), 'import_csv', 'Access key ID', 'csv-not-console'),
    Case('csv-user-not-in-it', 'aws_cli_profile', dict(import_csv='{files}/creds.csv', csv_user_name='Nobody'), 'csv_user_name', 'Nobody',
         'csv-console'),
    Case('csv-empty', 'aws_cli_profile', dict(import_csv='{files}/creds.csv'), 'import_csv', (), 'csv-empty'),
    Case('csv-missing', 'aws_cli_profile', dict(import_csv='{files}/absent.csv'), 'import_csv', 'exist'),
    Case('csv-unreadable', 'aws_cli_profile', dict(import_csv='{files}/creds.csv'), 'import_csv', 'ermission', 'csv-unreadable', True),
    Case('credentials-not-ini', 'aws_cli_profile', dict(KEY), 'credentials_file', 'INI', 'not-ini'),
    Case('config-not-utf8', 'aws_cli_profile', dict(region='eu-west-1'), 'config_file', 'UTF-8', 'not-utf8'),
    Case('credentials-symlink', 'aws_cli_profile', dict(KEY), 'credentials_file', 'link', 'credentials-link'),
    Case('config-symlink', 'aws_cli_profile', dict(region='eu-west-1'), 'config_file', 'link', 'config-link'),
    Case('credentials-unreadable', 'aws_cli_profile', dict(KEY), 'credentials_file', 'ermission', 'credentials-unreadable', True),
    Case('config-unreadable', 'aws_cli_profile', dict(region='eu-west-1'), 'config_file', 'ermission', 'config-unreadable', True),
    Case('credentials-is-a-folder', 'aws_cli_profile', dict(KEY, credentials_file='{files}'), 'credentials_file', 'regular file'),
    # iam_bootstrap_group: names, paths, ARNs, policies
    Case('group-name-slash', 'iam_bootstrap_group', dict(name='Admins/x'), 'name', ()),
    Case('group-name-129', 'iam_bootstrap_group', dict(name='G' * 129), 'name', '128'),
    Case('group-path-no-slashes', 'iam_bootstrap_group', dict(name='Admins', path='admins'), 'path', '/'),
    Case('group-arn-of-a-bucket', 'iam_bootstrap_group', dict(name='Admins', managed_policies=['arn:aws:s3:::my-bucket']), 'managed_policies', ()),
    Case('group-arn-truncated', 'iam_bootstrap_group', dict(name='Admins', managed_policies=['arn:aws:iam::aws:policy/']), 'managed_policies', ()),
    Case('group-inline-not-json', 'iam_bootstrap_group', dict(name='Admins', inline_policies={'p': '{"Version": '}), 'inline_policies.p', 'JSON'),
    Case('group-inline-no-statement', 'iam_bootstrap_group', dict(name='Admins', inline_policies={'p': {'Version': '2012-10-17'}}),
         'inline_policies.p', 'Statement'),
    Case('group-inline-over-5120', 'iam_bootstrap_group',
         dict(name='Admins', inline_policies={'p': dict(DOC, Statement=[dict(DOC['Statement'][0], Sid='S%d' % n) for n in range(120)])}),
         'inline_policies.p', '5120'),
    # iam_bootstrap_user: names, paths, tags, passwords, keys, CSVs
    Case('user-name-empty', 'iam_bootstrap_user', dict(name=''), 'name', 'empty'),
    Case('user-name-65', 'iam_bootstrap_user', dict(name='u' * 65), 'name', '64'),
    Case('user-path-space', 'iam_bootstrap_user', dict(name='dev', path='/my team/'), 'path', ()),
    Case('user-tag-aws-prefix', 'iam_bootstrap_user', dict(name='dev', tags={'aws:createdBy': 'me'}), 'tags', 'aws:'),
    Case('user-tags-51', 'iam_bootstrap_user', dict(name='dev', tags={'k%02d' % n: 'v' for n in range(51)}), 'tags', '50'),
    Case('user-tag-value-semicolon', 'iam_bootstrap_user', dict(name='dev', tags={'team': 'a;b'}), 'tags', ()),
    Case('user-password-129', 'iam_bootstrap_user', dict(name='dev', console_access=True, password='Aa1!' * 33), 'password', '128'),
    Case('user-password-empty', 'iam_bootstrap_user', dict(name='dev', console_access=True, password=''), 'password', 'empty'),
    Case('user-password-too-short-for-aws', 'iam_bootstrap_user', dict(name='dev', console_access=True, password='Ab1!'), 'password', '8'),
    Case('user-groups-bad-name', 'iam_bootstrap_user', dict(name='dev', groups=['Power Users']), 'groups', ()),
    Case('user-key-in-use-lowercase', 'iam_bootstrap_user', dict(name='dev', access_key_state='present', access_key_in_use='akia-not-a-key'),
         'access_key_in_use', ()),
    Case('user-key-state-choice', 'iam_bootstrap_user', dict(name='dev', access_key_state='rotated'), 'access_key_state', 'present'),
    Case('user-csv-of-another-user', 'iam_bootstrap_user', dict(name='dev', console_access=True, credentials_csv='{files}/out.csv'),
         'credentials_csv', 'Administrator', 'csv-other-user'),
    Case('user-csv-not-a-csv', 'iam_bootstrap_user', dict(name='dev', console_access=True, credentials_csv='{files}/out.csv'),
         'credentials_csv', (), 'csv-ini'),
    Case('user-csv-symlink', 'iam_bootstrap_user', dict(name='dev', console_access=True, credentials_csv='{files}/out.csv'),
         'credentials_csv', 'link', 'csv-link'),
    Case('user-csv-folder-missing', 'iam_bootstrap_user', dict(name='dev', console_access=True, credentials_csv='{files}/nowhere/out.csv'),
         'credentials_csv', 'exist'),
    Case('user-region-malformed', 'iam_bootstrap_user', dict(name='dev', region='us east 1'), 'region', ()),
    # iam_bootstrap_account: alias, password policy
    Case('alias-all-digits', 'iam_bootstrap_account', dict(alias='123456789012'), 'alias', 'digits'),
    Case('alias-uppercase', 'iam_bootstrap_account', dict(alias='MyCompany'), 'alias', 'lower'),
    Case('policy-reuse-25', 'iam_bootstrap_account', dict(password_policy={'password_reuse_prevention': 25}),
         'password_policy.password_reuse_prevention', '24'),
    Case('policy-unknown-field', 'iam_bootstrap_account', dict(password_policy={'minimum_length': 12}), 'minimum_length', ()),
]

ROLE_CASES = [
    Case('admin-users-not-a-list', 'role:account_admin', {'account_admin_users': 'Administrator'}, 'account_admin_users', 'dict'),
    Case('admin-user-without-name', 'role:account_admin', {'account_admin_users': [{'groups': ['Administrators']}]}, 'name', 'required'),
    Case('admin-user-console-maybe', 'role:account_admin', {'account_admin_users': [{'name': 'Administrator', 'console_access': 'maybe'}]},
         'console_access', 'bool'),
    Case('admin-user-password-typo', 'role:account_admin', {'account_admin_users': [{'name': 'Administrator', 'pasword': 'x'}]}, 'pasword', ()),
    Case('admin-user-key-choice', 'role:account_admin', {'account_admin_users': [{'name': 'PowerUser', 'access_key': 'yes'}]}, 'access_key',
         'present'),
    Case('admin-group-policies-dict', 'role:account_admin', {'account_admin_groups': [{'name': 'G', 'managed_policies': {'a': 1}}]},
         'managed_policies', 'list'),
    Case('admin-policy-not-a-dict', 'role:account_admin', {'account_admin_password_policy': 'strict'}, 'account_admin_password_policy', 'dict'),
    Case('admin-report-often', 'role:account_admin', {'account_admin_report': 'often'}, 'account_admin_report', 'bool'),
    Case('ws-profiles-a-string', 'role:workstation', {'workstation_profiles': 'default'}, 'workstation_profiles', 'dict'),
    Case('ws-profile-output-xml', 'role:workstation', {'workstation_profiles': [{'name': 'default', 'output': 'xml'}]}, 'output', 'json'),
    Case('ws-profile-settings-str', 'role:workstation', {'workstation_profiles': [{'name': 'default', 'settings': ['cli_pager']}]}, 'settings',
         'dict'),
    Case('ws-install-maybe', 'role:workstation', {'workstation_install_awscli': 'maybe'}, 'workstation_install_awscli', 'bool'),
    Case('ws-install-method-brew', 'role:workstation', {'workstation_awscli_install_method': 'brew'}, 'workstation_awscli_install_method', 'pip'),
]

# A string "false" for a bool argument (as `-e workstation_install_awscli=false` gives it) is valid
# input, not bad input: tests/integration/test_roles_and_playbooks.py checks that it is honoured.
ROLE_MARKS = {}


def prepare(case, home, files):
    if case.setup:
        SETUPS[case.setup](str(home), str(files))
    return json.loads(json.dumps(case.args).replace('{home}', str(home)).replace('{files}', str(files)))


def snapshot(home, files):
    state = {}
    for label, root in (('home', home), ('files', files)):
        for path, value in proof.tree(root).items():
            if not path.startswith('.ansible'):
                state[(label, path)] = value
    return state


def message_problems(case, msg):
    problems = []
    if case.option not in msg:
        problems.append('the message does not name the option %r' % case.option)
    if case.rule and not any(word in msg for word in case.rule):
        problems.append('the message shows none of %r (the rule broken)' % (case.rule,))
    if KEY['secret_access_key'] in msg or 'Secret-Passw0rd!' in msg:
        problems.append('the message shows a secret')
    return problems


@pytest.fixture
def unprivileged():
    """A throw-away non-root OS user (root reads every file, so unreadable files need another user)."""
    if os.geteuid() != 0:
        pytest.skip('needs root to create a throw-away OS user')
    homes = tempfile.mkdtemp(prefix='awsbt-badinput-')
    name, user_home = create_user(homes)
    yield name, user_home, homes
    delete_user(name)
    shutil.rmtree(homes, ignore_errors=True)


@pytest.fixture(scope='module')
def readable_path():
    """A PYTHONPATH every user can read: copies of ansible and of the collection's plugins in a fresh folder
    (0755) of the system's temp folder, so that the run does not depend on whether the checkout (or the
    .venv in it) sits under a folder other users cannot traverse (a ``mktemp -d`` clone)."""
    root = tempfile.mkdtemp(prefix='awsbt-readable-', dir='/tmp')
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc')
    shutil.copytree(os.path.join(_site_packages(), 'ansible'), os.path.join(root, 'ansible'), ignore=ignore)
    shutil.copytree(os.path.join(ROOT, 'plugins'), os.path.join(root, 'ansible_collections', 'awsbootstrap', 'iam', 'plugins'), ignore=ignore)
    for folder, dirs, files in os.walk(root):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def run_as(user, user_home, module, args, proxy_env, python_path):
    """The module, run directly as ``user`` with the system Python (readable copies of the collection and
    ansible on PYTHONPATH)."""
    payload = json.dumps({'ANSIBLE_MODULE_ARGS': dict(args, _ansible_check_mode=False, _ansible_diff=False,
                                                      _ansible_remote_tmp=os.path.join(user_home, '.ansible', 'tmp'))})
    env = ['HOME=%s' % user_home, 'PYTHONPATH=%s' % python_path, 'PATH=/usr/bin:/bin']
    env += ['%s=%s' % item for item in proxy_env.items()]
    command = 'cd %s && exec env -i %s /usr/bin/python3 -m ansible_collections.awsbootstrap.iam.plugins.modules.%s' % (
        user_home, ' '.join("'%s'" % item for item in env), module)
    proc = subprocess.run(['su', '-s', '/bin/sh', user, '-c', command], input=payload, capture_output=True, text=True, timeout=120, check=False)
    try:
        return json.loads(proc.stdout)
    except ValueError as exc:
        raise AssertionError('no JSON from %s as %s: %s %s' % (module, user, proc.stdout, proc.stderr)) from exc


@pytest.mark.parametrize('case', [case.param() for case in MODULE_CASES])
def test_module_refuses_bad_input(case, aws_proxy, home, tmp_path, request):
    files = tmp_path / 'files'
    files.mkdir()
    if case.as_user:
        name, user_home, homes = request.getfixturevalue('unprivileged')
        os.chmod(homes, 0o755)
        home, files = user_home, os.path.join(homes, 'files')
        os.mkdir(files)
        args = prepare(case, home, files)
        for folder, dirs, names in os.walk(home):
            for entry in dirs + names:
                os.lchown(os.path.join(folder, entry), *_ids(name))
        os.chmod(files, 0o755)
        for entry in os.listdir(files):
            os.lchown(os.path.join(files, entry), *_ids(name))
    else:
        args = prepare(case, home, files)
    before = snapshot(home, files)
    aws_proxy.clear()
    if case.as_user:
        result = run_as(name, home, case.target, args, aws_proxy.env, request.getfixturevalue('readable_path'))
    else:
        result = run_module(case.target, args, home, extra_env=aws_proxy.env)
    print('PROOF bad-input %s: %s' % (case.case_id, result.get('msg')))
    assert result.get('failed') is True, result
    assert message_problems(case, result.get('msg', '')) == [], result.get('msg')
    assert [call.action for call in aws_proxy.write_calls()] == []
    if case.target == 'aws_cli_profile':
        assert aws_proxy.calls == [], 'aws_cli_profile made an AWS call'
    assert snapshot(home, files) == before


def _ids(user):
    import pwd  # pylint: disable=import-outside-toplevel
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


ROLE_PLAYBOOK_HEAD = """---
- name: Bad role arguments, one include_role per case
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    proof_outcomes: {}
  tasks:
"""
ROLE_CASE_TASKS = """    - name: Case {case_id}
      block:
        - name: Include {role} with the bad arguments of {case_id}
          ansible.builtin.include_role:
            name: awsbootstrap.iam.{role}
          vars: {vars}
        - name: Record that {case_id} was accepted
          ansible.builtin.set_fact:
            proof_outcomes: "{{{{ proof_outcomes | combine({{'{case_id}': {{'accepted': true}}}}) }}}}"
      rescue:
        - name: Record the message of {case_id}
          ansible.builtin.set_fact:
            proof_outcomes: "{{{{ proof_outcomes | combine({{'{case_id}': {{'msg': ansible_failed_result.msg | default('') | string}}}}) }}}}"
"""
ROLE_PLAYBOOK_TAIL = """    - name: Write the outcomes
      ansible.builtin.copy:
        content: "{{{{ proof_outcomes | to_nice_json }}}}"
        dest: {out}
        mode: "0600"
"""


@pytest.fixture(scope='module')
def role_outcomes(moto_server, tmp_path_factory):
    """Runs every role case in one playbook; returns (outcomes by case id, AWS write calls, HOME before, HOME after)."""
    from tests.utils.aws_proxy import AwsProxy  # pylint: disable=import-outside-toplevel
    moto_server.reset()
    base = tmp_path_factory.mktemp('proof-bad-roles')
    home, files = base / 'home', base / 'files'
    home.mkdir()
    files.mkdir()
    _aws(str(home))
    out = base / 'outcomes.json'
    tasks = []
    for case in ROLE_CASES:
        role_vars = dict(case.args, account_admin_credentials_dir=str(home / 'credentials-dir')) if case.target == 'role:account_admin' \
            else dict(case.args, workstation_install_awscli=case.args.get('workstation_install_awscli', False))
        tasks.append(ROLE_CASE_TASKS.format(case_id=case.case_id, role=case.target.split(':', 1)[1], vars=json.dumps(role_vars)))
    playbook = base / 'bad_roles.yml'
    playbook.write_text(ROLE_PLAYBOOK_HEAD + ''.join(tasks) + ROLE_PLAYBOOK_TAIL.format(out=json.dumps(str(out))))
    before = snapshot(home, files)
    with AwsProxy(moto_server) as proxy:
        run_playbook(playbook, home, proxy.env)
        writes = [call.action for call in proxy.write_calls()]
    return json.loads(out.read_text()), writes, before, snapshot(home, files)


@pytest.mark.parametrize('case', [case.param(ROLE_MARKS.get(case.case_id, ())) for case in ROLE_CASES])
def test_role_refuses_bad_arguments(case, role_outcomes):
    outcomes, writes, before, after = role_outcomes
    outcome = outcomes.get(case.case_id)
    assert outcome is not None, 'case %s did not run' % case.case_id
    print('PROOF bad-input %s: %s' % (case.case_id, outcome.get('msg')))
    assert not outcome.get('accepted'), 'the role accepted %r' % (case.args,)
    assert message_problems(case, outcome['msg']) == [], outcome['msg']
    assert writes == []
    assert after == before


def test_the_table_covers_what_the_issue_asks():
    """At least 40 cases, across every module and both roles, and every kind of input the issue names."""
    cases = MODULE_CASES + ROLE_CASES
    assert len(cases) >= 40
    assert {case.target for case in cases} == {'aws_cli_profile', 'iam_bootstrap_group', 'iam_bootstrap_user', 'iam_bootstrap_account',
                                               'role:account_admin', 'role:workstation'}
    kinds = ('name', 'path', 'arn', 'inline', 'tag', 'password', 'profile', 'region', 'csv', 'not-ini', 'symlink', 'unreadable')
    assert [kind for kind in kinds if not any(kind in case.case_id for case in cases)] == []
    assert any(case.as_user for case in cases)
