# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options every IAM Identity Center module has (``identity_center.INSTANCE_OPTIONS``)."""

from __future__ import annotations


class ModuleDocFragment:
    """instance_arn and identity_center_snapshot, as the four Identity Center modules take them."""

    DOCUMENTATION = r"""
options:
  instance_arn:
    description:
      - ARN of the IAM Identity Center instance. Needed only when the account sees more than one.
    type: str
  identity_center_snapshot:
    description:
      - The RV(identity_center_snapshot) an earlier Identity Center task of the same run returned. Its instance is
        taken instead of calling C(ListInstances) again.
      - M(awsbootstrap.iam.iam_bootstrap_sso_info) also takes what the snapshot's C(read) holds (what earlier tasks read
        and did not change) instead of reading it again.
    type: dict
"""
