# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Removing an IAM user: everything IAM refuses to delete a user with, read, then removed in a safe order.

The order locks the user out first (password, keys, MFA, other credentials), then takes away
permissions (groups, policies), then deletes the user, so that a run that stops half way leaves a
user that can do less, never more.
"""

from __future__ import annotations

try:
    from botocore.parsers import ResponseParserError
except ImportError:
    ResponseParserError = Exception

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages


def read_user_for_removal(client, name, warn):
    """The user and everything attached to it, or None when there is no such user."""
    response = read(client, 'GetUser', UserName=name)
    if response is None:
        return None
    user = response['User']
    return {
        'user_name': user['UserName'], 'arn': user['Arn'], 'path': user['Path'],
        'login_profile': read(client, 'GetLoginProfile', UserName=name) is not None,
        'access_keys': [key['AccessKeyId'] for key in read_pages(client, 'ListAccessKeys', 'AccessKeyMetadata', UserName=name) or []],
        'mfa_devices': [device['SerialNumber'] for device in read_pages(client, 'ListMFADevices', 'MFADevices', UserName=name) or []],
        'ssh_public_keys': [key['SSHPublicKeyId'] for key in read_pages(client, 'ListSSHPublicKeys', 'SSHPublicKeys', UserName=name) or []],
        'service_specific_credentials': _service_specific_credentials(client, name, warn),
        'signing_certificates': [cert['CertificateId'] for cert in read_pages(client, 'ListSigningCertificates', 'Certificates', UserName=name) or []],
        'groups': sorted(group['GroupName'] for group in read_pages(client, 'ListGroupsForUser', 'Groups', UserName=name) or []),
        'attached_policies': [policy['PolicyArn'] for policy in read_pages(client, 'ListAttachedUserPolicies', 'AttachedPolicies', UserName=name) or []],
        'inline_policies': sorted(read_pages(client, 'ListUserPolicies', 'PolicyNames', UserName=name) or []),
    }


def _service_specific_credentials(client, name, warn):
    try:
        response = read(client, 'ListServiceSpecificCredentials', UserName=name) or {}
    except IAMFailure as failure:
        # Some IAM stand-ins (moto) do not implement this action and answer with a page that is not XML.
        if not isinstance(failure.exception, ResponseParserError):
            raise
        warn('ListServiceSpecificCredentials is not answered by this IAM endpoint; no service-specific credential was removed')
        return []
    return [cred['ServiceSpecificCredentialId'] for cred in response.get('ServiceSpecificCredentials', [])]


def is_virtual_mfa(serial_number):
    return serial_number.startswith('arn:') and ':mfa/' in serial_number


def plan_user_removal(current):
    """(user and attachments or None) -> Plan that removes them all, in the order the module documents."""
    if current is None:
        return Plan()
    name = current['user_name']
    actions = []
    if current['login_profile']:
        actions.append(Action('DeleteLoginProfile', UserName=name))
    actions += [Action('DeleteAccessKey', UserName=name, AccessKeyId=key) for key in current['access_keys']]
    for serial in current['mfa_devices']:
        actions.append(Action('DeactivateMFADevice', UserName=name, SerialNumber=serial))
        if is_virtual_mfa(serial):
            actions.append(Action('DeleteVirtualMFADevice', SerialNumber=serial))
    actions += [Action('DeleteSSHPublicKey', UserName=name, SSHPublicKeyId=key) for key in current['ssh_public_keys']]
    actions += [Action('DeleteServiceSpecificCredential', UserName=name, ServiceSpecificCredentialId=cred)
                for cred in current['service_specific_credentials']]
    actions += [Action('DeleteSigningCertificate', UserName=name, CertificateId=cert) for cert in current['signing_certificates']]
    actions += [Action('RemoveUserFromGroup', GroupName=group, UserName=name) for group in current['groups']]
    actions += [Action('DetachUserPolicy', UserName=name, PolicyArn=arn) for arn in current['attached_policies']]
    actions += [Action('DeleteUserPolicy', UserName=name, PolicyName=policy) for policy in current['inline_policies']]
    actions.append(Action('DeleteUser', UserName=name))
    before = {key: value for key, value in current.items() if key != 'arn'}
    return Plan(actions, before=before, after={})
