# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared helpers of the proof suites (tests/integration/test_proof_*.py).

Everything here reads *independent* facts: the account as moto holds it (boto3, and moto's own
data dump for the secrets it keeps), the files as botocore's parser reads them, the real aws CLI.
Nothing is copied from the code under test.

The playbooks the suites run are listed in ``GUIDE_PLAYBOOKS`` (and the suites' own lists built from
it): the fleet flow and ``rotate_keys.yml`` are added there when they land.
"""

from __future__ import annotations

import html
import json
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import boto3
import botocore.configloader

from tests.utils.ansible_runner import BIN, ROOT, base_env

PLAYBOOKS = os.path.join(ROOT, 'playbooks')
BOOTSTRAP = os.path.join(PLAYBOOKS, 'bootstrap.yml')
REPORT = os.path.join(PLAYBOOKS, 'report.yml')
SANDBOX_VARS = '@' + os.path.join(PLAYBOOKS, 'vars', 'sandbox.yml')
CALLBACK_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'callback_plugins')
# The workstation is not the controller: its aws CLI gets only the endpoint, never the controller's keys.
CONTROLLER_ONLY = ('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_REGION', 'AWS_REGION')
TEMP_SUFFIX = '.awsbootstrap-tmp'

# Playbooks that build the guide's account and workstation from scratch (fleet flow: add here).
GUIDE_PLAYBOOKS = [BOOTSTRAP]


def iam(endpoint):
    """A boto3 IAM client straight at moto (never through a fault-injecting proxy)."""
    return boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1',
                        aws_access_key_id='AKIAIOSFODNN7SANDBOX', aws_secret_access_key='proof-reader')


def account_state(endpoint):
    """The account as IAM lists it, without generated ids: what two equivalent runs must both leave.

    {'users': {name: {path, groups, tags, login_profile, password_reset_required, keys: [status...],
    attached, inline}}, 'groups': {name: {path, attached, inline, members}}}
    """
    client = iam(endpoint)
    state = {'users': {}, 'groups': {}}
    for group in client.get_paginator('list_groups').paginate().build_full_result()['Groups']:
        name = group['GroupName']
        attached = client.list_attached_group_policies(GroupName=name)['AttachedPolicies']
        state['groups'][name] = {
            'path': group['Path'],
            'attached': sorted(policy['PolicyArn'] for policy in attached),
            'inline': sorted(client.list_group_policies(GroupName=name)['PolicyNames']),
            'members': sorted(user['UserName'] for user in client.get_group(GroupName=name)['Users']),
        }
    for user in client.get_paginator('list_users').paginate().build_full_result()['Users']:
        name = user['UserName']
        try:
            profile = client.get_login_profile(UserName=name)['LoginProfile']
        except client.exceptions.NoSuchEntityException:
            profile = None
        keys = client.list_access_keys(UserName=name)['AccessKeyMetadata']
        state['users'][name] = {
            'path': user['Path'],
            'groups': sorted(group['GroupName'] for group in client.list_groups_for_user(UserName=name)['Groups']),
            'tags': {tag['Key']: tag['Value'] for tag in client.list_user_tags(UserName=name)['Tags']},
            'login_profile': profile is not None,
            'password_reset_required': bool(profile and profile.get('PasswordResetRequired')),
            'keys': sorted(key['Status'] for key in keys),
            'attached': sorted(policy['PolicyArn'] for policy in client.list_attached_user_policies(UserName=name)['AttachedPolicies']),
            'inline': sorted(client.list_user_policies(UserName=name)['PolicyNames']),
        }
    return state


def access_keys(endpoint, user_name):
    """[(access key id, status)] of the user, as IAM lists them."""
    keys = iam(endpoint).list_access_keys(UserName=user_name)['AccessKeyMetadata']
    return sorted((key['AccessKeyId'], key['Status']) for key in keys)


def moto_dump(endpoint):
    """moto's own dump of its models (it keeps every password and secret key it ever handed out)."""
    with urllib.request.urlopen(endpoint + '/moto-api/data.json', timeout=60) as response:
        return json.loads(response.read().decode('utf-8'))


def moto_secrets(endpoint):
    """{description: secret} of every console password, secret access key and session token moto holds."""
    data = moto_dump(endpoint)
    found = {}
    for user in data.get('iam', {}).get('User', []):
        if user.get('password'):
            found['console password of %s' % user['name']] = user['password']
    for key in data.get('iam', {}).get('AccessKey', []):
        if key.get('secret_access_key'):
            found['secret access key of %s (%s)' % (key.get('user_name'), key['access_key_id'])] = key['secret_access_key']
    for token in data.get('sts', {}).get('Token', []):
        for field in ('secret_access_key', 'session_token'):
            if token.get(field):
                found['sts %s %s' % (field, token.get('access_key_id'))] = token[field]
    return found


def _windows(secret, width=12):
    if len(secret) <= width:
        return [secret]
    return [secret[start:start + width] for start in range(len(secret) - width + 1)]


def leak_forms(secret):
    """The secret as it could show up in text: raw, JSON / URL / XML / repr escaped, and every 12-character piece of it."""
    forms = {secret, json.dumps(secret)[1:-1], urllib.parse.quote(secret, safe=''), urllib.parse.quote_plus(secret),
             html.escape(secret), repr(secret)[1:-1]}
    forms.update(_windows(secret))
    return sorted(form for form in forms if form)


def masked(secret):
    """How a failure message names a secret without showing it (the AWS CLI's own masking)."""
    return '*' * 16 + secret[-4:]


def find_leaks(data, secrets):
    """[description] of the secrets found in ``data`` (bytes or str) in any of their leak forms."""
    if isinstance(data, str):
        data = data.encode('utf-8', 'surrogateescape')
    hits = []
    for description, secret in sorted(secrets.items()):
        if any(form.encode('utf-8') in data for form in leak_forms(secret)):
            hits.append('%s [%s]' % (description, masked(secret)))
    return hits


def files_holding_secrets(roots, secrets):
    """{path: (mode, [descriptions])} of the regular files under ``roots`` that hold any of ``secrets``."""
    holding = {}
    for root in roots:
        for folder, _dirs, files in os.walk(str(root)):
            for name in files:
                path = os.path.join(folder, name)
                info = os.lstat(path)
                if not stat.S_ISREG(info.st_mode):
                    continue
                with open(path, 'rb') as handle:
                    hits = find_leaks(handle.read(), secrets)
                if hits:
                    holding[path] = (stat.S_IMODE(info.st_mode), hits)
    return holding


def load_ini(path):
    """The file as botocore's own loader reads it ({section: {key: value}}); raises when it cannot."""
    return botocore.configloader.raw_config_parse(str(path))


def load_config(config_path, credentials_path):
    """botocore.configloader.load_config of the config file, and raw_config_parse of the credentials file."""
    return botocore.configloader.load_config(str(config_path)), botocore.configloader.raw_config_parse(str(credentials_path))


def workstation_env(endpoint_env, home):
    """The workstation's aws CLI environment: its HOME and the sandbox endpoint, none of the controller's keys."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(('AWS_', 'ANSIBLE_'))}
    env.update({key: value for key, value in endpoint_env.items() if key not in CONTROLLER_ONLY})
    env.update({'HOME': str(home), 'PATH': BIN + os.pathsep + env.get('PATH', '')})
    return env


def workstation_cli(endpoint_env, home, *args):
    """The real aws CLI as the workstation's user reads its files."""
    return subprocess.run([os.path.join(BIN, 'aws')] + list(args), env=workstation_env(endpoint_env, home),
                          capture_output=True, text=True, check=False, timeout=120)


def caller_arn(endpoint_env, home, profile='default'):
    """The ARN ``aws sts get-caller-identity`` answers for the workstation's key, or None when it fails."""
    proc = workstation_cli(endpoint_env, home, 'sts', 'get-caller-identity', '--profile', profile, '--query', 'Arn', '--output', 'text')
    return proc.stdout.strip() if proc.returncode == 0 else None


def sys_executable():
    """The Python of the tests (and of the controller's modules)."""
    return sys.executable


def bootstrap_command(playbook=BOOTSTRAP, args=()):
    return [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(playbook), '-e', SANDBOX_VARS] + list(args)


def start_playbook(home, endpoint_env, playbook=BOOTSTRAP, args=(), extra_env=None):
    """Start a playbook in its own session (so the whole process tree can be killed); returns the Popen."""
    env = base_env(home, dict(endpoint_env, **(extra_env or {})))
    return subprocess.Popen(bootstrap_command(playbook, args), env=env, cwd=ROOT, start_new_session=True,  # pylint: disable=consider-using-with
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _processes():
    """{pid: (ppid, pgid, sid)} of every process, from /proc."""
    found = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry, encoding='utf-8', errors='replace') as handle:
                fields = handle.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        found[int(entry)] = (int(fields[1]), int(fields[2]), int(fields[3]))
    return found


def process_tree(root):
    """``root`` and every process descending from it, or in a session or group one of them leads.

    Ansible's workers call setsid(), so a process group kill would miss them and the modules they run.
    """
    tree = {root}
    while True:
        grown = set(tree)
        for pid, (ppid, pgid, sid) in _processes().items():
            if ppid in tree or pgid in tree or sid in tree:
                grown.add(pid)
        if grown == tree:
            return tree
        tree = grown


def kill_tree(proc):
    """SIGKILL the playbook and everything it started (workers, modules, the aws CLI): a controller that dies.

    The tree is frozen first (SIGSTOP until no new process shows up), so nothing forks or exits while
    it is being killed, then every process of it gets SIGKILL at once.
    """
    stopped = set()
    while True:
        new = process_tree(proc.pid) - stopped
        if not new:
            break
        for pid in new:
            try:
                os.kill(pid, signal.SIGSTOP)
            except ProcessLookupError:
                pass
            stopped.add(pid)
    for pid in stopped:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.communicate(timeout=60)


def wait_until(predicate, timeout, proc=None, interval=0.005):
    """Poll ``predicate`` until true (True), the timeout or the end of ``proc`` (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc is not None and proc.poll() is not None:
            return predicate()
        time.sleep(interval)
    return False


def recap(stdout):
    """{host: {ok, changed, failed, ...}} of the PLAY RECAP lines."""
    found = {}
    for line in stdout.splitlines():
        if ' : ok=' in line:
            host, _sep, counts = line.partition(' : ')
            found[host.strip()] = {name: int(value) for name, value in (part.split('=') for part in counts.split())}
    return found


def tree(root):
    """{relative path: (mode, bytes or None)} of everything under ``root`` (links as their target text)."""
    state = {}
    for folder, dirs, files in os.walk(str(root)):
        for name in sorted(dirs + files):
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                content = ('link', os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                try:
                    with open(path, 'rb') as handle:
                        content = handle.read()
                except PermissionError:
                    content = 'unreadable'
            else:
                content = None
            state[os.path.relpath(path, str(root))] = (stat.S_IMODE(info.st_mode), info.st_uid, content)
    return state
