# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Running the real ``ansible-playbook`` and the collection's modules from tests."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, '.collections')
BIN = os.path.dirname(sys.executable)


def base_env(home, extra=None):
    """The environment of an ansible run in a throw-away HOME, with the checkout's ansible.cfg."""
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(('AWS_', 'ANSIBLE_')):
            del env[name]
    env.update({
        'HOME': str(home),
        'ANSIBLE_CONFIG': os.path.join(ROOT, 'ansible.cfg'),
        'ANSIBLE_HOME': os.path.join(str(home), '.ansible'),
        'ANSIBLE_LOCAL_TEMP': os.path.join(str(home), '.ansible', 'tmp'),
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        # The workstation here is this machine: use this Python, not whatever pyenv's shims find.
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        'PATH': BIN + os.pathsep + env.get('PATH', ''),
    })
    env['ANSIBLE_SSH_CONTROL_PATH_DIR'] = _control_path_dir(home)
    env.update(extra or {})
    return env


def _control_path_dir(home):
    """A short folder for ssh's control sockets: a unix socket path has at most 108 bytes, and a HOME under
    pytest's per-worker temp folders (``.../popen-gw1/test_.../home/.ansible/cp/``) leaves too few of them."""
    folder = os.path.join(tempfile.gettempdir(), 'awsbt-cp', hashlib.sha1(str(home).encode()).hexdigest()[:10])
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


def run_playbook(playbook, home, extra_env=None, args=(), check=True, timeout=600):
    """``ansible-playbook`` on ``playbook``; returns the CompletedProcess (text)."""
    command = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(playbook)] + list(args)
    proc = subprocess.run(command, env=base_env(home, extra_env), capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)
    if check and proc.returncode != 0:
        raise AssertionError('ansible-playbook failed (%d)\nSTDOUT:\n%s\nSTDERR:\n%s' % (proc.returncode, proc.stdout, proc.stderr))
    return proc


def run_playbook_json(playbook, home, extra_env=None, args=(), check=True):
    """Like run_playbook with the json stdout callback; returns (parsed json, CompletedProcess)."""
    env = dict(extra_env or {}, ANSIBLE_STDOUT_CALLBACK='json')
    proc = run_playbook(playbook, home, env, args, check=check)
    return json.loads(proc.stdout), proc


def task_results(report, host='localhost'):
    """{task name: result} for every task of a json-callback report."""
    results = {}
    for play in report['plays']:
        for task in play['tasks']:
            if host in task['hosts']:
                results[task['task']['name']] = task['hosts'][host]
    return results


def run_module(module, args, home, check_mode=False, diff=False, extra_env=None):
    """Run one module of the collection directly (as Ansible would on the target); returns its JSON result."""
    payload = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff,
                   _ansible_remote_tmp=os.path.join(str(home), '.ansible', 'tmp'))
    env = base_env(home, extra_env)
    env['PYTHONPATH'] = COLLECTIONS
    proc = subprocess.run(
        [sys.executable, '-m', 'ansible_collections.awsbootstrap.iam.plugins.modules.%s' % module],
        input=json.dumps({'ANSIBLE_MODULE_ARGS': payload}), env=env, capture_output=True, text=True, timeout=300, cwd=str(home), check=False)
    try:
        return json.loads(proc.stdout)
    except ValueError as exc:
        raise AssertionError('module %s printed no JSON (rc=%d)\nSTDOUT:\n%s\nSTDERR:\n%s'
                             % (module, proc.returncode, proc.stdout, proc.stderr)) from exc


def warnings_of(result):
    """The warning texts of a module result (ansible-core 2.19 returns them as structured events)."""
    texts = []
    for warning in result.get('warnings', []):
        texts.append(warning['event']['msg'] if isinstance(warning, dict) else warning)
    return texts
