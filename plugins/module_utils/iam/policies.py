# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Policy documents as IAM answers with them."""

from __future__ import annotations

import json
import urllib.parse


def decode_policy_document(value):
    """A policy document as IAM returns it -> dict. botocore decodes documents to dicts; a stand-in may answer
    with the JSON text, and IAM's raw answer is URL-encoded JSON text. A value that is not text (a dict,
    None) is returned as it is."""
    if not isinstance(value, str):
        return value
    text = value
    if text.lstrip().startswith('%7B') or '%22' in text:
        text = urllib.parse.unquote(text)
    return json.loads(text)
