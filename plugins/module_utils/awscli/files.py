# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding, reading and atomically writing the AWS CLI's files on a workstation (standard library only).

Writers of one folder are serialised with an advisory lock (``flock`` on the folder itself, so no
lock file is left behind), held from reading the files to replacing them. Both files are first
written to temp files beside them (named after the writer's pid); only when both are on disk are
they renamed over the old ones, so the two files change together or not at all.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import os
import pwd
import stat
import tempfile
import time

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import ValidationError

FILE_MODE = 0o600
DIR_MODE = 0o700
_TEMP_SUFFIX = '.awsbootstrap-tmp'
# tempfile.mkstemp's random part: the temp files of the credentials CSV's earlier writer, ``.NAME.XXXXXXXX``.
_LEGACY_RANDOM_LENGTH = 8
LOCK_TIMEOUT = 120


def user_home():
    """The home of the user this process runs as.

    ``$HOME`` when it is a folder owned by that user (so ``HOME=/tmp/x`` is honoured), else the
    home in the password database (``become`` methods that keep the caller's HOME).
    """
    uid = os.geteuid()
    home = os.environ.get('HOME')
    if home and os.path.isdir(home) and os.stat(home).st_uid == uid:
        return home
    try:
        return pwd.getpwuid(uid).pw_dir
    except KeyError:
        return os.path.expanduser('~')


def default_paths():
    """The files the AWS CLI would use: its environment variables, else ``~/.aws/{credentials,config}``."""
    aws_dir = os.path.join(user_home(), '.aws')
    credentials = os.environ.get('AWS_SHARED_CREDENTIALS_FILE') or os.path.join(aws_dir, 'credentials')
    config = os.environ.get('AWS_CONFIG_FILE') or os.path.join(aws_dir, 'config')
    return os.path.expanduser(credentials), os.path.expanduser(config), aws_dir


def read_text(option, path, follow_links=False):
    """The text of ``path`` ('' when it does not exist); refuses links (unless followed), folders and unreadable files."""
    if os.path.islink(path) and not follow_links:
        target = os.path.realpath(path)
        raise ValidationError(option, '%s is a symbolic link (to %s); refusing to replace a link with a file: set the %s option '
                                      'to the real file (%s)' % (path, os.readlink(path), option, target))
    if not os.path.lexists(path):
        return ''
    if not os.path.isfile(path):
        raise ValidationError(option, '%s exists but is not a regular file' % path)
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except OSError as exc:
        raise ValidationError(option, 'cannot read %s: %s' % (path, exc.strerror)) from None
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        raise ValidationError(option, '%s is not UTF-8 text, so not a file the AWS CLI can read' % path) from None


def loose_mode(path, wanted):
    """The current permission bits of ``path`` when they allow more than ``wanted``, else None."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None
    return mode if mode & ~wanted else None


def mode_to_write(path):
    """The mode of the new file: 0600, or the old file's mode when it is stricter (0400 stays 0400)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return FILE_MODE
    return mode if not mode & ~FILE_MODE else FILE_MODE


def owner_to_write(path):
    """(uid, gid) the new file gets when running as root: the owner of its folder (the user whose ~/.aws it is); else None."""
    if os.geteuid() != 0:
        return None
    info = os.stat(os.path.dirname(path))
    return info.st_uid, info.st_gid


def ensure_directory(path):
    """Create ``path`` (and missing parents) as 0700; as root, owned by the owner of the folder above."""
    missing = []
    current = path
    while current and not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, DIR_MODE)
        except FileExistsError:
            continue  # made by a concurrent run
        os.chmod(folder, DIR_MODE)
        if os.geteuid() == 0:
            parent = os.stat(os.path.dirname(folder))
            os.chown(folder, parent.st_uid, parent.st_gid)


class FolderLock:
    """An exclusive ``flock`` on each folder (sorted, so two writers never wait on each other in a circle)."""

    def __init__(self, folders, timeout=LOCK_TIMEOUT):
        self.folders = sorted(set(folders))
        self.timeout = timeout
        self.fds = []

    def __enter__(self):
        try:
            for folder in self.folders:
                fd = os.open(folder, os.O_RDONLY | getattr(os, 'O_DIRECTORY', 0))
                self.fds.append(fd)
                deadline = time.monotonic() + self.timeout
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except OSError as exc:
                        if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                            raise
                        if time.monotonic() > deadline:
                            raise ValidationError('credentials_file', 'another writer has held the lock on %s for more than %d s; '
                                                                      'nothing was written' % (folder, self.timeout)) from None
                        time.sleep(0.05)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info):
        while self.fds:
            fd = self.fds.pop()
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)


def _temp_prefix(path):
    return '.%s.' % os.path.basename(path)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale_name(entry, prefix, legacy_mkstemp):
    """True for the name of a temp file of ``prefix``'s file whose writer is gone."""
    if not entry.startswith(prefix):
        return False
    rest = entry[len(prefix):]
    if entry.endswith(_TEMP_SUFFIX):
        pid = rest.split('.', 1)[0]
        return not (pid.isdigit() and (int(pid) == os.getpid() or _pid_alive(int(pid))))
    return legacy_mkstemp and len(rest) == _LEGACY_RANDOM_LENGTH


def _owned_regular_file(candidate, folder_uid):
    """Only a regular file (no link, no folder) of this OS user, or as root of the folder's owner (whom our
    writer gives the file), is ever removed."""
    info = os.lstat(candidate)
    if not stat.S_ISREG(info.st_mode):
        return False
    return info.st_uid == os.geteuid() or (os.geteuid() == 0 and info.st_uid == folder_uid)


def remove_stale_temp_files(path, legacy_mkstemp=False):
    """Drop temp files that killed writers left beside ``path`` (they may hold secrets).

    Called with the folder's lock held (when there is one); a temp file is named
    ``.NAME.PID.RANDOM.awsbootstrap-tmp`` and is removed only when process PID is gone (or the name
    carries no pid: an older writer); with ``legacy_mkstemp`` also ``.NAME.XXXXXXXX`` (the credentials
    CSV's earlier writer). Only regular files of ours are touched.
    """
    directory = os.path.dirname(os.path.abspath(path))
    prefix = _temp_prefix(path)
    try:
        entries = os.listdir(directory)
        folder_uid = os.stat(directory).st_uid
    except OSError:
        return
    for entry in entries:
        if not _stale_name(entry, prefix, legacy_mkstemp):
            continue
        candidate = os.path.join(directory, entry)
        try:
            if _owned_regular_file(candidate, folder_uid):
                os.unlink(candidate)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise


def _write_temp(path, text, folder_owner=True):
    """A temp file beside ``path`` holding ``text``, synced, with the mode (and, as root, owner) the file will have."""
    fd, temp = tempfile.mkstemp(dir=os.path.dirname(path), prefix='%s%d.' % (_temp_prefix(path), os.getpid()), suffix=_TEMP_SUFFIX)
    try:
        os.fchmod(fd, FILE_MODE)
        owner = owner_to_write(path) if folder_owner else None
        if owner is not None:
            os.fchown(fd, *owner)
        with os.fdopen(fd, 'w', encoding='utf-8', newline='') as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode_to_write(path))
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return temp


def _fsync_folder(directory):
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def replace_files(writes, folder_owner=True, legacy_mkstemp=False):
    """Replace every file of ``writes`` ([(path, new text, old text)]) or none of them.

    All temp files are written first (a full disk, a read-only folder or a quota fails here, before
    any file is replaced); then they are renamed over the old files. Should a rename still fail,
    the files already replaced get their old text back; the folders are synced at the end. Call
    with the folders' lock held. As root a new file belongs to its folder's owner, unless
    ``folder_owner`` is False (then to this OS user).
    """
    writes = [(os.path.abspath(path), new_text, old_text) for path, new_text, old_text in writes]
    write_temp = _write_temp if folder_owner else functools.partial(_write_temp, folder_owner=False)
    for path, _new, _old in writes:
        remove_stale_temp_files(path, legacy_mkstemp)
    temps = []
    try:
        for path, new_text, _old in writes:
            temps.append((write_temp(path, new_text), path))
    except BaseException:
        for temp, _path in temps:
            os.unlink(temp)
        raise
    replaced = []
    try:
        for temp, path in temps:
            os.replace(temp, path)
            replaced.append(path)
    except BaseException:
        for temp, path in temps:
            if path not in replaced and os.path.exists(temp):
                os.unlink(temp)
        for path, _new, old_text in writes:
            if path in replaced:
                if old_text is None:
                    os.unlink(path)
                else:
                    os.replace(write_temp(path, old_text), path)
        raise
    for directory in sorted({os.path.dirname(path) for path in replaced}):
        _fsync_folder(directory)
