# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""botocore's own reading of AWS CLI files: the oracle the workstation editor is checked against."""

from __future__ import annotations

import os
import tempfile

from botocore import configloader
from botocore.exceptions import ConfigParseError


class Unreadable(Exception):
    """botocore raised ConfigParseError."""


def _with_file(text, reader):
    fd, path = tempfile.mkstemp(prefix='oracle-')
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(text.encode('utf-8'))
        try:
            return reader(path)
        except ConfigParseError as exc:
            raise Unreadable(str(exc)) from None
    finally:
        os.unlink(path)


def raw(text):
    """``configloader.raw_config_parse`` of ``text`` written to a real file (text mode, universal newlines)."""
    return _with_file(text, configloader.raw_config_parse)


def config_profiles(text):
    """The profiles botocore finds in a config file (``load_config``: quoted names, last section wins)."""
    return _with_file(text, configloader.load_config)['profiles']


def readable(text):
    try:
        raw(text)
    except Unreadable:
        return False
    return True


def readable_bytes(data):
    """Whether botocore reads a file of these bytes (it decodes them as UTF-8 here)."""
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        return False
    return readable(text)
