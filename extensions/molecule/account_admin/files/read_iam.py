#!/usr/bin/env python
"""Print the IAM state the guide cares about, read with boto3 (endpoint from AWS_ENDPOINT_URL)."""

import json

import boto3

iam = boto3.client('iam')
users = [u['UserName'] for u in iam.list_users()['Users']]
groups = {g['GroupName']: sorted(p['PolicyArn'] for p in iam.list_attached_group_policies(GroupName=g['GroupName'])['AttachedPolicies'])
          for g in iam.list_groups()['Groups']}
members = {name: sorted(u['UserName'] for u in iam.get_group(GroupName=name)['Users']) for name in groups}
login_profiles = []
for user in users:
    try:
        iam.get_login_profile(UserName=user)
        login_profiles.append(user)
    except iam.exceptions.NoSuchEntityException:
        pass
active_keys = {user: len([k for k in iam.list_access_keys(UserName=user)['AccessKeyMetadata'] if k['Status'] == 'Active']) for user in users}
user_policies = {user: iam.list_attached_user_policies(UserName=user)['AttachedPolicies'] for user in users}
group_inline = {name: sorted(iam.list_group_policies(GroupName=name)['PolicyNames']) for name in groups}
password_policy = iam.get_account_password_policy()['PasswordPolicy']
roles = {r['RoleName']: sorted(p['PolicyArn'] for p in iam.list_attached_role_policies(RoleName=r['RoleName'])['AttachedPolicies'])
         for r in iam.list_roles()['Roles']}
print(json.dumps({'groups': groups, 'members': members, 'login_profiles': sorted(login_profiles),
                  'active_keys': active_keys, 'user_policies': user_policies, 'group_inline': group_inline,
                  'password_policy': {'length': password_policy['MinimumPasswordLength'],
                                      'reuse': password_policy.get('PasswordReusePrevention', 0)},
                  'roles': roles}))
