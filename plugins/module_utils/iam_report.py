# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The read-only report of the account's users and groups (what the IAM console's lists show).

GetAccountAuthorizationDetails gives users (with groups and policies) and groups (with policies)
in one paginated call; members come from the users' group lists. Per user, only what that call
lacks is read: login profile, MFA devices, access keys and each key's last use.
"""

from __future__ import annotations

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import age_days
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import iso
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam import utcnow
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam_account import policy_to_options


def read_report(iam, sts, now=None):
    now = now or utcnow()
    caller = read(sts, 'GetCallerIdentity')
    details = read_pages(iam, 'GetAccountAuthorizationDetails', Filter=['User', 'Group']) or {}
    password_last_used = {user['UserName']: user.get('PasswordLastUsed') for user in read_pages(iam, 'ListUsers', 'Users') or []}
    users = [_user(iam, user, password_last_used.get(user['UserName']), now)
             for user in sorted(details.get('UserDetailList', []), key=lambda user: user['UserName'])]
    members = {}
    for user in users:
        for group in user['groups']:
            members.setdefault(group, []).append(user['user_name'])
    groups = [{
        'group_name': group['GroupName'],
        'arn': group['Arn'],
        'path': group['Path'],
        'managed_policies': sorted(policy['PolicyArn'] for policy in group.get('AttachedManagedPolicies', [])),
        'inline_policies': sorted(policy['PolicyName'] for policy in group.get('GroupPolicyList', [])),
        'members': sorted(members.get(group['GroupName'], [])),
    } for group in sorted(details.get('GroupDetailList', []), key=lambda group: group['GroupName'])]
    policy = read(iam, 'GetAccountPasswordPolicy')
    summary = (read(iam, 'GetAccountSummary') or {}).get('SummaryMap') or {}
    return {
        'account_id': caller['Account'],
        'users': users,
        'groups': groups,
        'password_policy': policy_to_options(policy['PasswordPolicy']) if policy else None,
        'account_summary': camel_dict_to_snake_dict(summary),
    }


def _user(iam, user, password_last_used, now):
    name = user['UserName']
    keys = []
    for key in read_pages(iam, 'ListAccessKeys', 'AccessKeyMetadata', UserName=name) or []:
        last = (read(iam, 'GetAccessKeyLastUsed', AccessKeyId=key['AccessKeyId']) or {}).get('AccessKeyLastUsed') or {}
        keys.append({
            'access_key_id': key['AccessKeyId'], 'status': key['Status'], 'create_date': iso(key.get('CreateDate')),
            'age_days': age_days(key.get('CreateDate'), now), 'last_used_date': iso(last.get('LastUsedDate')),
            'last_used_service': last.get('ServiceName') if last.get('LastUsedDate') else None,
        })
    mfa = read_pages(iam, 'ListMFADevices', 'MFADevices', UserName=name) or []
    return {
        'user_name': name,
        'arn': user['Arn'],
        'path': user['Path'],
        'create_date': iso(user.get('CreateDate')),
        'groups': sorted(user.get('GroupList', [])),
        'console_access': read(iam, 'GetLoginProfile', UserName=name) is not None,
        'password_last_used': iso(password_last_used),
        'mfa_devices': [{'serial_number': device['SerialNumber'], 'enable_date': iso(device.get('EnableDate'))} for device in mfa],
        'access_keys': sorted(keys, key=lambda key: key['create_date'] or ''),
        'attached_policies': sorted(policy['PolicyArn'] for policy in user.get('AttachedManagedPolicies', [])),
        'inline_policies': sorted(policy['PolicyName'] for policy in user.get('UserPolicyList', [])),
        'tags': {tag['Key']: tag['Value'] for tag in user.get('Tags', [])},
    }
