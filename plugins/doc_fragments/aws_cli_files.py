# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Where the AWS CLI's two files are, shared by aws_cli_profile and aws_cli_profile_info."""

    DOCUMENTATION = r"""
options:
  credentials_file:
    description:
      - Path of the shared credentials file.
      - Defaults to E(AWS_SHARED_CREDENTIALS_FILE) when set, else C(~/.aws/credentials) of the user
        the module runs as (so with C(become_user) it is that user's file).
    type: path
  config_file:
    description:
      - Path of the config file.
      - Defaults to E(AWS_CONFIG_FILE) when set, else C(~/.aws/config) of the user the module runs as.
    type: path
notes:
  - C(~) is the home of the user the module runs as - C($HOME) when that folder belongs to the user
    (without C(become) that is the connecting user's, so C(HOME=/tmp/x) keeps a run away from the real
    C(~/.aws)), else the home in the password database.
"""
