# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding, reading and atomically writing the AWS CLI's files on a workstation (standard library only)."""

from __future__ import annotations

import errno
import os
import pwd
import stat
import tempfile

from ansible_collections.awsbootstrap.iam.plugins.module_utils.aws_files import ValidationError

FILE_MODE = 0o600
DIR_MODE = 0o700
_TEMP_SUFFIX = '.awsbootstrap-tmp'


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
        raise ValidationError(option, '%s is a symbolic link (to %s); refusing to replace a link, '
                                      'point %s at the real file' % (path, os.readlink(path), option))
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


def ensure_directory(path):
    """Create ``path`` (and missing parents) as 0700 when it does not exist."""
    if not os.path.isdir(path):
        os.makedirs(path, mode=DIR_MODE)
        os.chmod(path, DIR_MODE)


def remove_stale_temp_files(path):
    """Drop temp files an earlier, killed run of ours left beside ``path`` (they may hold secrets)."""
    directory, name = os.path.split(path)
    prefix = '.%s.' % name
    try:
        entries = os.listdir(directory)
    except OSError:
        return
    for entry in entries:
        if entry.startswith(prefix) and entry.endswith(_TEMP_SUFFIX):
            try:
                os.unlink(os.path.join(directory, entry))
            except OSError as exc:
                if exc.errno != errno.ENOENT:
                    raise


def write_atomically(module, path, text):
    """Write ``text`` to ``path`` as 0600: a temp file in the same folder, fsync, then atomic rename."""
    directory = os.path.dirname(path)
    remove_stale_temp_files(path)
    if loose_mode(path, FILE_MODE) is not None:
        os.chmod(path, FILE_MODE)  # atomic_move copies the old file's mode onto the new one
    fd, temp = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(path), suffix=_TEMP_SUFFIX)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, 'w', encoding='utf-8', newline='') as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # atomic_move gives a new file 0666 & ~umask; keep it private from the first moment.
        old_umask = os.umask(0o077)
        try:
            module.atomic_move(temp, path)
        finally:
            os.umask(old_umask)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    os.chmod(path, FILE_MODE)
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
