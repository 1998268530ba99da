# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A private OpenSSH daemon on 127.0.0.1 for the fleet tests; root only.

``with PrivateSshd(login_users=[...]) as sshd:`` starts Debian's ``/usr/sbin/sshd -D -e`` on a free
port with its own host key, a client key pair and an sshd_config of its own, all in a temp dir, and
stops it (with every session it forked) and removes the dir on exit. Only public-key logins are
accepted; ``sshd.log_since_ready()`` is the daemon's log (``-e``: stderr) since it became ready.
``make integration`` installs openssh-server (as root) when it is missing.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from tests.utils.os_users import run_account_command
from tests.utils.sandbox import free_port

SSHD = '/usr/sbin/sshd'
PRIVSEP_DIR = '/run/sshd'
CLIENT_OPTIONS = ('-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'IdentitiesOnly=yes',
                  '-o', 'LogLevel=ERROR')

CONFIG = """\
ListenAddress 127.0.0.1
Port {port}
HostKey {tmp}/ssh_host_ed25519_key
PidFile {tmp}/sshd.pid
AuthorizedKeysFile {tmp}/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
UseDNS no
PrintMotd no
LogLevel INFO
MaxStartups 50:30:100
Subsystem sftp internal-sftp
"""


def allow_key_login(user):
    """Without PAM, sshd refuses accounts whose password is locked ("!", as useradd leaves it); "*" is no password, not locked."""
    proc = subprocess.run(['getent', 'shadow', user], capture_output=True, text=True, check=True)
    if proc.stdout.split(':')[1].startswith('!'):
        run_account_command(['usermod', '--password', '*', user], check=True)


def _children():
    """{ppid: [pid, ...]} of every process alive now."""
    children = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry, encoding='utf-8') as handle:
                    fields = handle.read().rsplit(')', 1)[1].split()
            except OSError:
                continue
            if fields[0] != 'Z':
                children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def _kill_tree(pid):
    """SIGTERM (then SIGKILL) ``pid``'s descendants deepest first, so each parent is still there to reap its children."""
    levels, todo = [], [pid]
    children = _children()
    while todo:
        todo = [child for parent in todo for child in children.get(parent, [])]
        if todo:
            levels.append(todo)
    for level in reversed(levels):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for child in level:
                try:
                    os.kill(child, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and any(os.path.exists('/proc/%d' % child) for child in level):
                time.sleep(0.02)
            if not any(os.path.exists('/proc/%d' % child) for child in level):
                break


class PrivateSshd:
    """sshd on 127.0.0.1:``port`` accepting ``client_key`` for every user it lets in (``login_users`` and root).

    ``set_env``: environment every session gets (sshd's ``SetEnv``, which wins over its default PATH).
    Ready once ``ssh -i client_key -p port <check user>@127.0.0.1 true`` works (the first of
    ``login_users``, else the user running the tests).
    """

    def __init__(self, login_users=(), set_env=None, timeout=20):
        self.login_users = list(login_users)
        self.set_env = dict(set_env or {})
        self.timeout = timeout
        self.tmp = None
        self.port = None
        self.process = None
        self.log_path = None
        self._log = None
        self._ready_offset = 0

    @property
    def client_key(self):
        return os.path.join(self.tmp, 'client_ed25519')

    @property
    def ssh_args(self):
        """Client options for this daemon (a fresh host key every time: nothing to remember)."""
        return ' '.join(CLIENT_OPTIONS)

    def ssh(self, user, *command):
        return subprocess.run(['ssh', '-i', self.client_key, '-p', str(self.port), '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5']
                              + list(CLIENT_OPTIONS) + ['%s@127.0.0.1' % user] + list(command),
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30, check=False)

    def log(self):
        with open(self.log_path, encoding='utf-8', errors='replace') as handle:
            return handle.read()

    def log_since_ready(self):
        return self.log()[self._ready_offset:]

    def __enter__(self):
        if not os.path.exists(SSHD):
            raise RuntimeError('%s is missing: install openssh-server (make integration does it as root: '
                               'apt-get install --no-install-recommends openssh-server)' % SSHD)
        if os.geteuid() != 0:
            raise RuntimeError('PrivateSshd runs sshd as root, to log in as other users')
        self.tmp = tempfile.mkdtemp(prefix='awsbt-sshd-')
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self):
        # Every user logging in reads authorized_keys (sshd opens it as that user).
        os.chmod(self.tmp, 0o755)
        for key, comment in (('ssh_host_ed25519_key', 'host'), ('client_ed25519', 'client')):
            subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'awsbt-%s' % comment, '-f', os.path.join(self.tmp, key)],
                           check=True, capture_output=True)
        shutil.copyfile(self.client_key + '.pub', os.path.join(self.tmp, 'authorized_keys'))
        os.chmod(os.path.join(self.tmp, 'authorized_keys'), 0o644)
        for user in self.login_users:
            allow_key_login(user)
        # Debian's sshd wants its privilege separation dir, which the package leaves to the init system
        # (kept afterwards: another PrivateSshd may be using it, and the system's sshd would make it anyway).
        os.makedirs(PRIVSEP_DIR, mode=0o755, exist_ok=True)
        check_user = self.login_users[0] if self.login_users else getpass.getuser()
        self.log_path = os.path.join(self.tmp, 'sshd.log')
        for _attempt in range(5):  # another process may grab the free port before sshd binds it
            self.port = free_port()
            config = CONFIG.format(port=self.port, tmp=self.tmp)
            config += ''.join('SetEnv %s="%s"\n' % item for item in self.set_env.items())
            with open(os.path.join(self.tmp, 'sshd_config'), 'w', encoding='utf-8') as handle:
                handle.write(config)
            subprocess.run([SSHD, '-t', '-f', os.path.join(self.tmp, 'sshd_config')], check=True, capture_output=True)
            self._log = open(self.log_path, 'ab')  # pylint: disable=consider-using-with
            self.process = subprocess.Popen([SSHD, '-D', '-e', '-f', os.path.join(self.tmp, 'sshd_config')],
                                            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                            env={'PATH': '/usr/sbin:/usr/bin:/sbin:/bin', 'LANG': 'C'})
            if self._wait_for_port():
                break
            self._stop()
        else:
            raise RuntimeError('sshd did not listen on 127.0.0.1; its log:\n%s' % self.log())
        deadline = time.monotonic() + self.timeout
        while True:
            proc = self.ssh(check_user, 'true')
            if proc.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError('ssh %s@127.0.0.1 -p %d true failed: %s\nsshd log:\n%s' % (check_user, self.port, proc.stderr, self.log()))
            time.sleep(0.2)
        self._ready_offset = len(self.log())

    def _wait_for_port(self):
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(('127.0.0.1', self.port), timeout=1):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def _stop(self):
        """The listener and every connection and session it forked (they would outlive the listener)."""
        if self.process is None:
            return
        _kill_tree(self.process.pid)
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        if self._log:
            self._log.close()
            self._log = None

    def __exit__(self, *exc_info):
        try:
            self._stop()
        finally:
            if self.tmp:
                shutil.rmtree(self.tmp, ignore_errors=True)
