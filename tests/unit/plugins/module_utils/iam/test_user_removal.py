# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The pure plan of a user's removal (iam/user_removal.py)."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_removal import plan_user_removal


ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess'


def test_removal_order_and_every_attachment():
    current = {'user_name': 'alice', 'arn': 'arn:aws:iam::123456789012:user/alice', 'path': '/', 'login_profile': True,
               'access_keys': ['AKIA1'], 'mfa_devices': ['arn:aws:iam::123456789012:mfa/alice', 'GAHT12345678'],
               'ssh_public_keys': ['APKA1'], 'service_specific_credentials': ['ACCA1'], 'signing_certificates': ['CERT1'],
               'groups': ['Admins'], 'attached_policies': [ADMIN_ARN], 'inline_policies': ['mine']}
    plan = plan_user_removal(current)
    assert plan.operations == [
        'DeleteLoginProfile', 'DeleteAccessKey', 'DeactivateMFADevice', 'DeleteVirtualMFADevice', 'DeactivateMFADevice',
        'DeleteSSHPublicKey', 'DeleteServiceSpecificCredential', 'DeleteSigningCertificate', 'RemoveUserFromGroup',
        'DetachUserPolicy', 'DeleteUserPolicy', 'DeleteUser']
    assert plan.after == {}
    assert plan_user_removal(None).actions == []
