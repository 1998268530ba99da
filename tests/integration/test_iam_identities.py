# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""iam_bootstrap_identities (groups and users in one task) run by ansible-playbook against moto,
through the recording proxy.

What is checked, and where each fact comes from (never from the module's own code or return values
alone):

- the account: read back with boto3 straight from moto, not through the (possibly faulty) proxy
  (``assert_guide_state`` of test_iam_guide.py, ``proof.account_state``);
- the API calls: the requests the proxy recorded (action, parameters, order), e.g. that a re-run
  reads the account once, that a bad input makes no write call, that users go before their group;
- the new key: its secret is tried against moto's STS; the sign-in URL against the account id of
  moto's GetCallerIdentity;
- the secrets: collected from moto's own data dump (``proof.moto_secrets``) and searched, in every
  form they could leak in (raw, escaped, any 12-character piece), in stdout, stderr and the diff.

Tests:
 1. the guide in one task: end state, the requests sent, the sign-in URL, the key works, a re-run
    reads only, and the call counts (at most half of the amazon.aws playbook's 33 / 19);
 2. check mode on an empty account: every change reported, no write, a diff without the password;
 3. secret hygiene at -vvvv --diff;
 4. bad inputs of the batch: failed, named by entry and option, zero write calls, moto and files
    unchanged;
 5. removing a fully equipped user and its group in one task;
 6. throttling and 5xx (also after the write took effect) converge in one run;
 7. an existing group updated while a new user joins it (a user joining a group the same task
    creates is test 1).

"""

from __future__ import annotations

import datetime
import json
import os

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.integration.test_iam_guide import assert_guide_state, moto_client
from tests.utils import proof
from tests.utils.ansible_runner import run_playbook, run_playbook_json, task_results
from tests.utils.aws_proxy import Faults

PLAYBOOKS = os.path.join(os.path.dirname(__file__), 'playbooks')
GUIDE_PLAYBOOK = os.path.join(PLAYBOOKS, 'iam_identities_guide.yml')
GUIDE_TASK = 'Groups with their policy, and the users in them'
TASK_PLAYBOOK = os.path.join(PLAYBOOKS, 'iam_identities_task.yml')
TASK = 'Groups and users'

PASSWORD = 'Gu1de-Admin-Passw0rd!'
GUIDE_GROUPS = ['Administrators', 'PowerUsers']
GUIDE_USERS = ['Administrator', 'PowerUser']
# Half of what the amazon.aws playbook makes for the same guide (benchmarks/compare.py: 33 first, 19 re-run).
FIRST_RUN_BUDGET = 16
RERUN_BUDGET = 9
# Actions that change IAM by name; the proxy's own notion (anything but Get/List/Describe/...) counts as well.
WRITE_PREFIXES = ('Create', 'Attach', 'Add', 'Put', 'Delete', 'Update', 'Tag', 'Untag', 'Remove', 'Detach')
POLICY = 'arn:aws:iam::aws:policy/%s'
DOCUMENT = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]}


# -- running the module ----------------------------------------------------------------------------


def guide_env(proxy):
    return dict(proxy.env, IAM_GUIDE_ADMIN_PASSWORD=PASSWORD)


def no_log_off():
    return ['-e', json.dumps({'iam_identities_no_log': False})]


def run_guide(home, proxy, args=(), no_log=True, check=True):
    """The guide's playbook; (the task's result as the json callback shows it, CompletedProcess)."""
    extra = list(args) + ([] if no_log else no_log_off())
    report, proc = run_playbook_json(GUIDE_PLAYBOOK, home, guide_env(proxy), args=extra, check=check)
    return task_results(report)[GUIDE_TASK], proc


def write_vars(folder, groups=(), users=(), no_log=True):
    """The extra-vars file of the task playbook (outside the folders a test compares before and after)."""
    folder.mkdir(exist_ok=True)
    path = folder / ('vars-%d.json' % len(os.listdir(folder)))
    path.write_text(json.dumps({'iam_identities_groups': list(groups), 'iam_identities_users': list(users), 'iam_identities_no_log': no_log}))
    return path


def run_task(home, proxy, tmp_path, groups=(), users=(), no_log=True, args=(), check=True):
    """The task playbook with these entries; (the task's result, CompletedProcess)."""
    path = write_vars(tmp_path / 'vars', groups, users, no_log)
    report, proc = run_playbook_json(TASK_PLAYBOOK, home, proxy.env, args=['-e', '@%s' % path] + list(args), check=check)
    return task_results(report)[TASK], proc


def write_actions(proxy):
    """The recorded calls that could change IAM, by name."""
    return [call.action for call in proxy.calls if call.is_write or (call.action or '').startswith(WRITE_PREFIXES)]


def index_of(proxy, action, **params):
    """Position of the first recorded call of ``action`` whose parameters include ``params``."""
    for position, call in enumerate(proxy.calls):
        if call.action == action and all(call.params.get(name) == value for name, value in params.items()):
            return position
    raise AssertionError('no %s %r among the recorded calls %r' % (action, params, proxy.actions()))


def account_id_of(sandbox):
    return moto_client(sandbox, 'sts').get_caller_identity()['Account']


def moto_state(sandbox):
    """Everything a bad input could change: users, groups, policies, memberships, key ids, password policy."""
    state = proof.account_state(sandbox.endpoint)
    state['key_ids'] = {name: proof.access_keys(sandbox.endpoint, name) for name in state['users']}
    iam = moto_client(sandbox)
    try:
        state['password_policy'] = iam.get_account_password_policy()['PasswordPolicy']
    except iam.exceptions.NoSuchEntityException:
        state['password_policy'] = None
    return state


def files(*roots):
    """Every file under ``roots`` (path, mode, content), Ansible's own temp folder left out."""
    found = {}
    for root in roots:
        for path, value in proof.tree(root).items():
            if '.ansible' not in path.split(os.sep):
                found[(str(root), path)] = value
    return found


def assert_exactly_the_guide(sandbox):
    """The guide's account and nothing more (assert_guide_state, plus no path, tag or policy beyond it); PowerUser's key id."""
    key_id = assert_guide_state(sandbox)
    state = proof.account_state(sandbox.endpoint)
    for user in state['users'].values():
        assert (user['path'], user['tags'], user['attached'], user['inline']) == ('/', {}, [], []), state
    for group in state['groups'].values():
        assert (group['path'], group['inline']) == ('/', []), state
    return key_id


def used_access_key(sandbox, user_name):
    """A new key of the user, used once (moto records the last use of a key that signs a request)."""
    key = moto_client(sandbox).create_access_key(UserName=user_name)['AccessKey']
    moto_client(sandbox, 'sts', aws_access_key_id=key['AccessKeyId'], aws_secret_access_key=key['SecretAccessKey']).get_caller_identity()
    return key['AccessKeyId']


# -- 1. the guide in one task ----------------------------------------------------------------------


def test_guide_in_one_task_first_run_rerun_and_call_budget(aws_proxy, sandbox, home, capsys):
    # no_log off: the test reads the new key's secret from the result.
    result, _proc = run_guide(home, aws_proxy, no_log=False)
    first = aws_proxy.counts()
    calls = aws_proxy.calls
    assert result['changed'] is True
    assert [(g['name'], g['state'], g['changed']) for g in result['groups']] == [(n, 'present', True) for n in GUIDE_GROUPS]
    assert [(u['name'], u['state'], u['changed']) for u in result['users']] == [(n, 'present', True) for n in GUIDE_USERS]
    key_id = assert_exactly_the_guide(sandbox)

    # The login profile was asked for with a new password required at first sign-in (moto does not keep the flag).
    [profile_call] = [c for c in calls if c.action == 'CreateLoginProfile']
    assert profile_call.params['UserName'] == 'Administrator' and profile_call.params['Password'] == PASSWORD
    assert profile_call.params['PasswordResetRequired'] == 'true'

    # One read of the account; every check that needs IAM before the first write; groups before their members.
    assert first['GetAccountAuthorizationDetails'] == 1
    first_write = min(position for position, call in enumerate(calls) if call.is_write)
    checks = [position for position, call in enumerate(calls) if call.action in ('GetPolicy', 'GetAccountPasswordPolicy')]
    assert checks and max(checks) < first_write, [c.action for c in calls]
    for group, user in (('Administrators', 'Administrator'), ('PowerUsers', 'PowerUser')):
        assert index_of(aws_proxy, 'CreateGroup', GroupName=group) < index_of(aws_proxy, 'AddUserToGroup', GroupName=group, UserName=user)

    # The account and its sign-in URL are moto's; the returned key is the one in moto, and its secret works.
    account_id = account_id_of(sandbox)
    assert result['account_id'] == account_id
    assert result['sign_in_url'] == 'https://%s.signin.aws.amazon.com/console' % account_id
    power_user = result['users'][1]
    assert power_user['access_key_id'] == key_id
    sts = moto_client(sandbox, 'sts', aws_access_key_id=key_id, aws_secret_access_key=power_user['secret_access_key'])
    assert sts.get_caller_identity()['Arn'] == moto_client(sandbox).get_user(UserName='PowerUser')['User']['Arn']

    # Re-run (no_log on, as a user would): nothing to do, and only reads - one of the account, no per-entity GetUser/GetGroup.
    aws_proxy.clear()
    result, _proc = run_guide(home, aws_proxy)
    rerun = aws_proxy.counts()
    assert result['changed'] is False
    assert write_actions(aws_proxy) == []
    assert rerun['GetAccountAuthorizationDetails'] == 1
    assert rerun['GetUser'] == 0 and rerun['GetGroup'] == 0
    assert assert_guide_state(sandbox) == key_id

    with capsys.disabled():
        print('\nAPI calls of the guide in one iam_bootstrap_identities task, by action:')
        for action in sorted(set(first) | set(rerun)):
            print('  %-32s first %2d  re-run %2d' % (action, first[action], rerun[action]))
        print('  %-32s first %2d  re-run %2d' % ('TOTAL', sum(first.values()), sum(rerun.values())))
    assert sum(first.values()) <= FIRST_RUN_BUDGET, first
    assert sum(rerun.values()) <= RERUN_BUDGET, rerun


# -- 2. check mode ---------------------------------------------------------------------------------


def test_check_mode_on_an_empty_account_reports_every_change_and_writes_nothing(aws_proxy, sandbox, home):
    empty = proof.account_state(sandbox.endpoint)
    assert empty == {'users': {}, 'groups': {}}
    # no_log off: the test reads the diff.
    result, proc = run_guide(home, aws_proxy, args=['--check', '--diff'], no_log=False)
    assert result['changed'] is True
    assert all(entry['changed'] for entry in result['groups'] + result['users']), result
    assert write_actions(aws_proxy) == [] and aws_proxy.write_calls() == []
    assert proof.account_state(sandbox.endpoint) == empty
    assert result['sign_in_url'] == 'https://%s.signin.aws.amazon.com/console' % account_id_of(sandbox)

    diff = result['diff']
    assert sorted(diff['after']['groups']) == sorted(GUIDE_GROUPS) and sorted(diff['after']['users']) == sorted(GUIDE_USERS)
    assert all(view == {} for view in list(diff['before']['groups'].values()) + list(diff['before']['users'].values())), diff['before']
    assert diff['after']['users']['Administrator']['groups'] == ['Administrators']
    assert diff['after']['users']['Administrator']['console_access'] is True
    assert diff['after']['users']['PowerUser']['groups'] == ['PowerUsers']
    assert len(diff['after']['users']['PowerUser']['access_keys']) == 1
    assert diff['after']['groups']['PowerUsers']['managed_policies'] == [POLICY % 'PowerUserAccess']
    # Neither the password nor any 12-character piece of it, in the diff or anywhere in the output.
    assert proof.find_leaks(json.dumps(diff), {'password': PASSWORD}) == []
    assert proof.find_leaks(proc.stdout + proc.stderr, {'password': PASSWORD}) == []
    assert 'password' not in result['users'][0] and 'secret_access_key' not in result['users'][1]


# -- 3. secret hygiene -----------------------------------------------------------------------------


def test_no_secret_in_the_output_at_the_highest_verbosity(aws_proxy, sandbox, home, tmp_path):
    users = [
        {'name': 'Administrator', 'groups': ['Administrators'], 'console_access': True, 'password': PASSWORD},
        {'name': 'PowerUser', 'groups': ['PowerUsers'], 'access_key_state': 'present'},
        # A generated password and a second key: secrets the test never gave the module.
        {'name': 'Operator', 'groups': ['PowerUsers'], 'console_access': True, 'access_key_state': 'present'},
    ]
    groups = [{'name': 'Administrators', 'managed_policies': ['AdministratorAccess']},
              {'name': 'PowerUsers', 'managed_policies': ['PowerUserAccess']}]
    # no_log on, as users would: nothing of a secret reaches the output, at -vvvv with --diff.
    path = write_vars(tmp_path / 'vars', groups, users)
    proc = run_playbook(TASK_PLAYBOOK, home, aws_proxy.env, args=['-e', '@%s' % path, '-vvvv', '--diff'])
    secrets = proof.moto_secrets(sandbox.endpoint)
    assert sorted(secrets) == sorted(['console password of Administrator', 'console password of Operator'] + [
        'secret access key of %s (%s)' % (name, key_id) for name in ('PowerUser', 'Operator')
        for key_id, _status in proof.access_keys(sandbox.endpoint, name)])
    assert secrets['console password of Administrator'] == PASSWORD
    assert proof.find_leaks(proc.stdout + proc.stderr, secrets) == []

    # no_log off only to read the diff: it shows the new user, and no secret (old or new); the result
    # itself does hold the new secrets, which is why the task needs no_log.
    users.append({'name': 'Auditor', 'console_access': True, 'access_key_state': 'present', 'tags': {'team': 'audit'}})
    result, _proc = run_task(home, aws_proxy, tmp_path, groups, users, no_log=False, args=['--diff'])
    secrets = proof.moto_secrets(sandbox.endpoint)
    new = {name: secret for name, secret in secrets.items() if 'Auditor' in name}
    assert len(new) == 2, sorted(secrets)
    assert list(result['diff']['after']['users']) == ['Auditor'] and result['diff']['after']['users']['Auditor']['tags'] == {'team': 'audit'}
    assert proof.find_leaks(json.dumps(result['diff']), secrets) == []
    assert len(proof.find_leaks(json.dumps(result['users'][3]), new)) == 2


# -- 4. bad inputs ---------------------------------------------------------------------------------


def set_strict_password_policy(sandbox, _files):
    moto_client(sandbox).update_account_password_policy(MinimumPasswordLength=20, RequireSymbols=True)


def make_group_old(sandbox, _files):
    iam = moto_client(sandbox)
    iam.create_group(GroupName='Old')
    iam.attach_group_policy(GroupName='Old', PolicyArn=POLICY % 'ReadOnlyAccess')


def make_key_holder_with_two_used_keys(sandbox, _files):
    moto_client(sandbox).create_user(UserName='KeyHolder')
    used_access_key(sandbox, 'KeyHolder')
    used_access_key(sandbox, 'KeyHolder')


ADMINS = {'name': 'Admins', 'managed_policies': ['AdministratorAccess']}
VALID_USER = {'name': 'First', 'console_access': True, 'password': 'Long-Enough-Passw0rd-24!', 'groups': ['Admins']}
BAD_INPUTS = [
    # (id, setup, groups, users, the message starts with, and contains)
    ('duplicate-group', None, [ADMINS, {'name': 'Admins'}], [], 'groups[Admins]', 'twice'),
    # IAM names are unique regardless of case.
    ('duplicate-group-other-case', None, [ADMINS, {'name': 'admins'}], [], 'groups[admins]', 'twice'),
    ('duplicate-user', None, [ADMINS], [{'name': 'dev', 'groups': ['Admins']}, {'name': 'dev'}], 'users[dev]', 'twice'),
    ('join-unknown-group', None, [ADMINS], [{'name': 'dev', 'groups': ['Admins', 'Ghosts']}], 'users[dev].groups', "'Ghosts'"),
    ('join-removed-group', make_group_old, [ADMINS, {'name': 'Old', 'state': 'absent'}], [{'name': 'dev', 'groups': ['Old']}],
     'users[dev].groups', "'Old'"),
    ('unknown-policy-second-group', None, [ADMINS, {'name': 'Readers', 'managed_policies': ['ReadOnlyAccess', 'NoSuchPolicyAtAll']}],
     [VALID_USER], 'groups[Readers].managed_policies', 'NoSuchPolicyAtAll'),
    ('inline-policy-second-group', None, [ADMINS, {'name': 'Readers', 'inline_policies': {'p': {'Statement': [{'Action': '*'}]}}}],
     [], 'groups[Readers].inline_policies.p', 'Effect'),
    ('password-policy-second-user', set_strict_password_policy, [ADMINS],
     [VALID_USER, {'name': 'Second', 'console_access': True, 'password': 'Short-Passw0rd!'}], 'users[Second].password', '20'),
    ('group-name-invalid', None, [ADMINS, {'name': 'bad group'}], [], 'groups[1].name', 'may only contain'),
    ('user-name-invalid', None, [ADMINS], [{'name': 'a'}, {'name': 'b'}, {'name': 'c'}, {'name': 'Power User'}],
     'users[3].name', 'may only contain'),
    # Too long for a user (64), though not for a group: still labelled by its index.
    ('user-name-too-long', None, [], [{'name': 'ok'}, {'name': 'u' * 65}], 'users[1].name', 'at most 64'),
    ('user-path-invalid', None, [ADMINS], [VALID_USER, {'name': 'dev', 'path': '/devs'}], 'users[dev].path', 'begin and end'),
    ('aws-tag-key', None, [ADMINS], [VALID_USER, {'name': 'dev', 'tags': {'aws:owner': 'me'}}], 'users[dev].tags', 'reserved'),
    ('password-without-console', None, [ADMINS], [{'name': 'dev', 'password': 'Abcdefgh12!x'}], 'users[dev].password', 'console_access'),
    ('update-always-generated', None, [ADMINS], [VALID_USER, {'name': 'dev', 'console_access': True, 'update_password': 'always'}],
     'users[dev].update_password', 'needs password'),
    ('retire-without-in-use', None, [], [{'name': 'dev', 'access_key_state': 'present', 'retire_other_access_keys': True}],
     'users[dev].retire_other_access_keys', 'access_key_in_use'),
    # The CSV of a valid first user must not be written when a later entry is refused.
    ('csv-not-written', None, [ADMINS], [dict(VALID_USER, credentials_csv='{files}/First.csv'), {'name': 'dev', 'path': 'nope'}],
     'users[dev].path', 'begin and end'),
    # Two active keys, both used, and the holder's is neither: no room for the new key. (The message names the
    # entry, then the option; test_two_key_limit_is_named_by_the_entry_qualified_option asks for the dotted form.)
    ('two-keys-neither-in-use', make_key_holder_with_two_used_keys, [],
     [{'name': 'KeyHolder', 'access_key_state': 'present', 'access_key_in_use': 'AKIAIOSFODNN7NOTHERE'}],
     'users[KeyHolder]', 'access_key_state'),
]


def run_bad_input(sandbox, proxy, home, tmp_path, setup, groups, users):
    """Set up, run the task, and return (result, moto before, moto after, files before, files after, write actions)."""
    folder = tmp_path / 'files'
    folder.mkdir()
    if setup:
        setup(sandbox, folder)
    users = json.loads(json.dumps(users).replace('{files}', str(folder)))
    before, files_before = moto_state(sandbox), files(home, folder)
    proxy.clear()
    # no_log off: a failed task's message is hidden otherwise.
    result, proc = run_task(home, proxy, tmp_path, groups, users, no_log=False, check=False)
    assert proc.returncode != 0
    return result, before, moto_state(sandbox), files_before, files(home, folder), write_actions(proxy)


@pytest.mark.parametrize('case_id, setup, groups, users, prefix, words', BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_names_the_entry_and_option_and_changes_nothing(case_id, setup, groups, users, prefix, words,
                                                                  aws_proxy, sandbox, home, tmp_path):
    result, before, after, files_before, files_after, writes = run_bad_input(sandbox, aws_proxy, home, tmp_path, setup, groups, users)
    assert result.get('failed') is True, result
    assert result['msg'].startswith(prefix), result['msg']
    assert words in result['msg'], result['msg']
    assert writes == [], writes
    assert after == before
    assert files_after == files_before
    for user in users:
        if user.get('password'):
            assert proof.find_leaks(json.dumps(result), {'password': user['password']}) == []


def test_at_least_ten_bad_inputs():
    assert len(BAD_INPUTS) >= 10


def test_two_key_limit_is_named_by_the_entry_qualified_option(aws_proxy, sandbox, home, tmp_path):
    users = [{'name': 'KeyHolder', 'access_key_state': 'present', 'access_key_in_use': 'AKIAIOSFODNN7NOTHERE'}]
    result, _before, _after, _fb, _fa, writes = run_bad_input(sandbox, aws_proxy, home, tmp_path, make_key_holder_with_two_used_keys, [], users)
    assert writes == []
    assert result['msg'].startswith('users[KeyHolder].access_key_state: '), result['msg']


# -- 5. removal in one task ------------------------------------------------------------------------


def certificate_and_ssh_key(common_name):
    """A self-signed X.509 certificate (PEM) and an OpenSSH public key, as IAM takes them."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                   .sign(key, hashes.SHA256()))
    ssh = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), ssh


def build_leaver_and_contractors(sandbox):
    """User ``leaver`` with every kind of attachment IAM refuses to delete a user with, in group
    ``Contractors`` (an attached and an inline policy) together with ``stayer``, who is kept."""
    iam = moto_client(sandbox)
    iam.create_group(GroupName='Contractors')
    iam.attach_group_policy(GroupName='Contractors', PolicyArn=POLICY % 'ReadOnlyAccess')
    iam.put_group_policy(GroupName='Contractors', PolicyName='read-s3', PolicyDocument=json.dumps(DOCUMENT))
    for name in ('leaver', 'stayer'):
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName='Contractors', UserName=name)
    iam.create_login_profile(UserName='leaver', Password='Pa55word!Pa55word!')
    iam.create_access_key(UserName='leaver')
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName='leaver')['VirtualMFADevice']['SerialNumber']
    iam.enable_mfa_device(UserName='leaver', SerialNumber=device, AuthenticationCode1='123456', AuthenticationCode2='654321')
    certificate, ssh = certificate_and_ssh_key('leaver')
    iam.upload_ssh_public_key(UserName='leaver', SSHPublicKeyBody=ssh)
    iam.upload_signing_certificate(UserName='leaver', CertificateBody=certificate)
    iam.attach_user_policy(UserName='leaver', PolicyArn=POLICY % 'IAMUserChangePassword')
    iam.put_user_policy(UserName='leaver', PolicyName='own', PolicyDocument=json.dumps(DOCUMENT))
    assert [d['User']['UserName'] for d in iam.list_virtual_mfa_devices(AssignmentStatus='Assigned')['VirtualMFADevices']] == ['leaver']
    return device


def test_removal_of_a_user_and_its_group_in_one_task(aws_proxy, sandbox, home, tmp_path):
    device = build_leaver_and_contractors(sandbox)
    aws_proxy.clear()
    result, _proc = run_task(home, aws_proxy, tmp_path, groups=[{'name': 'Contractors', 'state': 'absent'}],
                             users=[{'name': 'leaver', 'state': 'absent'}])
    assert result['changed'] is True

    # Every removal was asked for, and answered.
    succeeded = [(call.action, call.params) for call in aws_proxy.calls if call.status is not None and call.status < 300]
    for action, params in [
            ('DeleteLoginProfile', {'UserName': 'leaver'}), ('DeleteAccessKey', {'UserName': 'leaver'}),
            ('DeactivateMFADevice', {'UserName': 'leaver', 'SerialNumber': device}), ('DeleteVirtualMFADevice', {'SerialNumber': device}),
            ('DeleteSSHPublicKey', {'UserName': 'leaver'}), ('DeleteSigningCertificate', {'UserName': 'leaver'}),
            ('RemoveUserFromGroup', {'UserName': 'leaver', 'GroupName': 'Contractors'}),
            ('DetachUserPolicy', {'UserName': 'leaver', 'PolicyArn': POLICY % 'IAMUserChangePassword'}),
            ('DeleteUserPolicy', {'UserName': 'leaver', 'PolicyName': 'own'}), ('DeleteUser', {'UserName': 'leaver'}),
            ('DetachGroupPolicy', {'GroupName': 'Contractors', 'PolicyArn': POLICY % 'ReadOnlyAccess'}),
            ('DeleteGroupPolicy', {'GroupName': 'Contractors', 'PolicyName': 'read-s3'}),
            ('RemoveUserFromGroup', {'UserName': 'stayer', 'GroupName': 'Contractors'}),
            ('DeleteGroup', {'GroupName': 'Contractors'})]:
        assert any(a == action and all(p.get(k) == v for k, v in params.items()) for a, p in succeeded), (action, params, aws_proxy.actions())

    # The user went first: locked out (credentials), then its permissions, then deleted - all before the group.
    locked_out = max(index_of(aws_proxy, action) for action in ('DeleteLoginProfile', 'DeleteAccessKey', 'DeactivateMFADevice'))
    permissions = min(index_of(aws_proxy, action, UserName='leaver') for action in ('RemoveUserFromGroup', 'DetachUserPolicy', 'DeleteUserPolicy'))
    user_deleted = index_of(aws_proxy, 'DeleteUser', UserName='leaver')
    group_work = [index_of(aws_proxy, action, GroupName='Contractors') for action in ('DetachGroupPolicy', 'DeleteGroupPolicy', 'DeleteGroup')]
    assert locked_out < permissions < user_deleted < min(group_work), aws_proxy.actions()
    assert index_of(aws_proxy, 'DeleteGroup') == max(group_work)

    # moto: no leaver, no group, no MFA device; stayer kept, in no group.
    state = proof.account_state(sandbox.endpoint)
    assert state['groups'] == {} and sorted(state['users']) == ['stayer'] and state['users']['stayer']['groups'] == []
    iam = moto_client(sandbox)
    assert iam.list_virtual_mfa_devices()['VirtualMFADevices'] == []
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName='leaver')

    aws_proxy.clear()
    result, _proc = run_task(home, aws_proxy, tmp_path, groups=[{'name': 'Contractors', 'state': 'absent'}],
                             users=[{'name': 'leaver', 'state': 'absent'}])
    assert result['changed'] is False
    assert write_actions(aws_proxy) == []


# -- 6. faults -------------------------------------------------------------------------------------


def test_guide_in_one_task_converges_under_throttling_and_server_errors(make_aws_proxy, sandbox, home):
    proxy = make_aws_proxy(Faults(throttle=0.2, server_error=0.2, error_after_write=0.35, seed=11))
    # no_log off: the test checks that the key returned is the one left in moto, and that it works.
    result, _proc = run_guide(home, proxy, no_log=False)
    for fault in ('throttle', 'server_error', 'error_after_write'):
        assert proxy.faulted(fault), 'seed 11 no longer injects %s' % fault
    assert result['changed'] is True
    key_id = assert_exactly_the_guide(sandbox)  # exactly the guide: one key, even if CreateAccessKey took effect twice
    power_user = result['users'][1]
    assert power_user['access_key_id'] == key_id
    sts = moto_client(sandbox, 'sts', aws_access_key_id=key_id, aws_secret_access_key=power_user['secret_access_key'])
    assert sts.get_caller_identity()['Arn'].endswith(':user/PowerUser')

    proxy.faults = None
    proxy.clear()
    result, _proc = run_guide(home, proxy)
    assert result['changed'] is False
    assert write_actions(proxy) == []
    assert assert_exactly_the_guide(sandbox) == key_id


# -- 7. groups and users that depend on each other -------------------------------------------------


def test_existing_group_gets_a_policy_while_a_new_user_joins_it(aws_proxy, sandbox, home, tmp_path):
    iam = moto_client(sandbox)
    group_id = iam.create_group(GroupName='Developers')['Group']['GroupId']
    iam.attach_group_policy(GroupName='Developers', PolicyArn=POLICY % 'ReadOnlyAccess')
    groups = [{'name': 'Developers', 'managed_policies': ['ReadOnlyAccess', 'IAMUserChangePassword']}]
    users = [{'name': 'newdev', 'groups': ['Developers'], 'tags': {'team': 'core'}}]
    aws_proxy.clear()
    result, _proc = run_task(home, aws_proxy, tmp_path, groups, users)
    assert result['changed'] is True

    # Only what was missing was looked up and written.
    writes = [(c.action, dict((k, v) for k, v in c.params.items() if k in ('GroupName', 'UserName', 'PolicyArn'))) for c in aws_proxy.write_calls()]
    assert writes == [('AttachGroupPolicy', {'GroupName': 'Developers', 'PolicyArn': POLICY % 'IAMUserChangePassword'}),
                      ('CreateUser', {'UserName': 'newdev'}),
                      ('AddUserToGroup', {'GroupName': 'Developers', 'UserName': 'newdev'})], writes
    assert [c.params['PolicyArn'] for c in aws_proxy.calls if c.action == 'GetPolicy'] == [POLICY % 'IAMUserChangePassword']

    state = proof.account_state(sandbox.endpoint)
    assert state['groups']['Developers']['attached'] == sorted([POLICY % 'ReadOnlyAccess', POLICY % 'IAMUserChangePassword'])
    assert state['groups']['Developers']['members'] == ['newdev']
    assert state['users']['newdev']['groups'] == ['Developers'] and state['users']['newdev']['tags'] == {'team': 'core'}
    assert iam.get_group(GroupName='Developers')['Group']['GroupId'] == group_id

    aws_proxy.clear()
    result, _proc = run_task(home, aws_proxy, tmp_path, groups, users)
    assert result['changed'] is False and write_actions(aws_proxy) == []


def test_returned_group_lists_the_members_the_same_task_added(aws_proxy, sandbox, home):
    result, _proc = run_guide(home, aws_proxy, args=['--diff'], no_log=False)
    iam = moto_client(sandbox)
    members = {g: sorted(u['UserName'] for u in iam.get_group(GroupName=g)['Users']) for g in GUIDE_GROUPS}
    assert members == {'Administrators': ['Administrator'], 'PowerUsers': ['PowerUser']}
    assert {g['name']: g['group']['members'] for g in result['groups']} == members
    assert {name: view['members'] for name, view in result['diff']['after']['groups'].items()} == members
