#!/usr/bin/env python
"""Run ``ansible-test sanity`` on this checkout without containers and without reaching the internet.

ansible-test wants the collection at ``.../ansible_collections/awsbootstrap/iam`` and, for every
sanity virtualenv it makes, bootstraps pip with a script it downloads from a host this kind of
machine cannot reach. So this script:

1. copies the files git knows about (tracked and untracked-but-not-ignored) into
   ``.build/sanity/ansible_collections/awsbootstrap/iam`` (a git repository of its own, since
   ansible-test lists files with git), with amazon.aws linked beside it;
2. runs ansible-test with a private HOME (``.build/sanity-home``) whose pip bootstrap cache holds a
   small replacement that uses the standard library's ``ensurepip`` and then PyPI through pip;
3. runs ``ansible-test sanity --venv`` for the Python of this virtualenv and exits with its code.
"""

import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get('SANITY_WORKDIR') or os.path.join(ROOT, '.build')
COLLECTION = os.path.join(BUILD, 'sanity', 'ansible_collections', 'awsbootstrap', 'iam')
HOME = os.path.join(BUILD, 'sanity-home')

# Run by ansible-test as ``python get_pip_X.py <pip options> pip==X setuptools==Y ...``.
GET_PIP_REPLACEMENT = '''\
import ensurepip
import os
import subprocess
import sys

ensurepip.bootstrap(upgrade=True)
# ensurepip leaves PIP_CONFIG_FILE=/dev/null behind, which would hide the machine's pip.conf.
os.environ.pop("PIP_CONFIG_FILE", None)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
'''


def tracked_files():
    out = subprocess.run(
        ['git', 'ls-files', '--cached', '--others', '--exclude-standard', '-z'],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode()
    return [path for path in out.split('\0') if path and not path.startswith('.collections/')]


def copy_tree():
    shutil.rmtree(COLLECTION, ignore_errors=True)
    for rel in tracked_files():
        src = os.path.join(ROOT, rel)
        if not os.path.lexists(src):
            continue  # deleted in the work tree but not yet in git
        dst = os.path.join(COLLECTION, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst, follow_symlinks=False)
    # ansible-test lists files with git; without a repository of its own here it would find the
    # checkout's, where .build/ is ignored, and skip every target.
    git = ['git', '-c', 'user.name=sanity', '-c', 'user.email=sanity@localhost']
    subprocess.run(git + ['init', '-q'], cwd=COLLECTION, check=True)
    subprocess.run(git + ['add', '-A'], cwd=COLLECTION, check=True)


def pip_version_wanted():
    """The pip version ansible-test bootstraps into its virtualenvs (same for every Python today)."""
    # pylint: disable-next=import-outside-toplevel
    from ansible_test._internal.python_requirements import get_venv_packages

    class _Python:  # get_venv_packages only reads .version
        version = '%d.%d' % sys.version_info[:2]

    return get_venv_packages(_Python())['pip']


def write_pip_bootstrap_cache():
    cache = os.path.join(HOME, '.ansible', 'test', 'cache')
    os.makedirs(cache, exist_ok=True)
    version = pip_version_wanted()
    with open(os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_')), 'w', encoding='utf-8') as handle:
        handle.write(GET_PIP_REPLACEMENT)


def link_dependencies():
    """Put the collections we depend on (amazon.aws, from the ``ansible`` package) beside ours."""
    import ansible_collections.amazon.aws  # pylint: disable=import-outside-toplevel
    source = os.path.dirname(os.path.abspath(list(ansible_collections.amazon.aws.__path__)[0]))
    target = os.path.join(BUILD, 'sanity', 'ansible_collections', 'amazon')
    if os.path.lexists(target):
        os.unlink(target)
    os.symlink(source, target)


def main():
    copy_tree()
    link_dependencies()
    write_pip_bootstrap_cache()
    env = dict(os.environ, HOME=HOME)
    python = '%d.%d' % sys.version_info[:2]
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-test'), 'sanity', '--venv',
               '--python', python, '--color', 'no'] + sys.argv[1:]
    print('+ (cd %s && %s)' % (COLLECTION, ' '.join(command)), flush=True)
    return subprocess.call(command, cwd=COLLECTION, env=env)


if __name__ == '__main__':
    sys.exit(main())
