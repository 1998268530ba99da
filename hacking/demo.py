#!/usr/bin/env python
"""``make demo``: the whole guide against a local moto sandbox, in a throw-away HOME under the checkout.

Shows the guide's before/after on the workstation side: ``aws configure list`` with nothing set and
``aws sts get-caller-identity`` failing with "Unable to locate credentials"; then the real
``playbooks/bootstrap.yml`` (sign-in URL, Users and Groups tables, root-only steps); then the files
written (secrets masked), ``aws configure list`` and the caller identity of PowerUser's key.
Exits non-zero when any step did not do what it should.
"""

import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, '.collections'))

# pylint: disable=wrong-import-position
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_document import IniDocument
from tests.utils.sandbox import MotoSandbox  # noqa: E402

DEMO_HOME = os.path.join(ROOT, '.build', 'demo-home')
BIN = os.path.dirname(sys.executable)
# What the workstation's own shell would not have: the controller's (dummy) sandbox credentials.
CONTROLLER_ONLY = ('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_DEFAULT_REGION', 'AWS_REGION')


def banner(text):
    print('\n\033[1m== %s ==\033[0m' % text, flush=True)


def run(command, env, expect_ok=True, quiet=False):
    print('$ %s' % ' '.join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in command), flush=True)
    proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=quiet, text=True, check=False)
    if quiet:
        print((proc.stdout + proc.stderr).rstrip())
    if (proc.returncode == 0) != expect_ok:
        print('demo: unexpected exit code %d' % proc.returncode, file=sys.stderr)
        return False, proc
    return True, proc


def show_files():
    for name in ('config', 'credentials'):
        path = os.path.join(DEMO_HOME, '.aws', name)
        print('--- ~/.aws/%s (mode %o)%s' % (name, os.stat(path).st_mode & 0o777, ', secrets masked' if name == 'credentials' else ''))
        with open(path, encoding='utf-8') as handle:
            print(IniDocument(handle.read()).masked().rstrip())


def main():
    shutil.rmtree(DEMO_HOME, ignore_errors=True)
    os.makedirs(DEMO_HOME)
    ok = True
    with MotoSandbox() as sandbox:
        env = sandbox.environ(HOME=DEMO_HOME, PATH=BIN + os.pathsep + os.environ.get('PATH', ''),
                              ANSIBLE_CONFIG=os.path.join(ROOT, 'ansible.cfg'), ANSIBLE_NOCOLOR='1',
                              ANSIBLE_HOME=os.path.join(DEMO_HOME, '.ansible'))
        workstation_env = {k: v for k, v in env.items() if k not in CONTROLLER_ONLY}
        aws = os.path.join(BIN, 'aws')
        print('moto sandbox (IAM and STS) on %s; HOME=%s' % (sandbox.endpoint, os.path.relpath(DEMO_HOME, ROOT)))

        banner('Before: the workstation has no credentials (guide step 9)')
        ok &= run([aws, 'configure', 'list'], workstation_env)[0]
        step_ok, proc = run([aws, 's3', 'ls', '--region', 'ap-northeast-2'], workstation_env, expect_ok=False, quiet=True)
        ok &= step_ok and 'Unable to locate credentials' in proc.stderr

        banner('ansible-playbook playbooks/bootstrap.yml (guide steps 1-12)')
        ok &= run([os.path.join(BIN, 'ansible-playbook'), 'playbooks/bootstrap.yml', '-e', '@playbooks/vars/sandbox.yml'], env)[0]

        banner('The files written on the workstation (guide step 10)')
        show_files()

        banner('After: aws configure list (guide step 11)')
        step_ok, proc = run([aws, 'configure', 'list'], workstation_env, quiet=True)
        ok &= step_ok and 'shared-credentials-file' in proc.stdout and 'ap-northeast-2' in proc.stdout
        step_ok, proc = run([aws, 'sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], workstation_env, quiet=True)
        ok &= step_ok and proc.stdout.strip().endswith(':user/PowerUser')

    banner('demo %s' % ('finished' if ok else 'FAILED'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
