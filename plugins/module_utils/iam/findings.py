# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""CIS AWS Foundations Benchmark (v3.0.0 numbering), section 1 "Identity and Access Management":
one finding per control, computed (no I/O) from what iam/report.py read - the data the benchmark's
audit procedures name: the credential report, GetAccountSummary, the password policy, the
attached and inline policies (GetAccountAuthorizationDetails) and the access key metadata.

Status:
- ``pass``: the API data shows the control is met;
- ``fail``: the API data shows it is not met, by something that exists and should not, or a setting;
- ``manual``: no API can decide it, or what is missing is a person's own act (enrolling an MFA
  device, registering contacts); the evidence says what the API shows and the remediation what to do.
"""

from __future__ import annotations

import datetime

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import age_days
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.policies import decode_policy_document
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.report import parse_report_date

UNUSED_DAYS = 45
ROTATION_DAYS = 90
MIN_PASSWORD_LENGTH = 14
PASSWORD_REUSE = 24
ADMINISTRATOR_ACCESS = 'AdministratorAccess'
SUPPORT_ACCESS = 'AWSSupportAccess'
CLOUDSHELL_FULL_ACCESS = 'AWSCloudShellFullAccess'

TITLES = {
    '1.1': 'Maintain current contact details',
    '1.2': 'Ensure security contact information is registered',
    '1.3': 'Ensure security questions are registered in the AWS account',
    '1.4': "Ensure no 'root' user account access key exists",
    '1.5': "Ensure MFA is enabled for the 'root' user account",
    '1.6': "Ensure hardware MFA is enabled for the 'root' user account",
    '1.7': "Eliminate use of the 'root' user for administrative and daily tasks",
    '1.8': 'Ensure IAM password policy requires minimum length of 14 or greater',
    '1.9': 'Ensure IAM password policy prevents password reuse',
    '1.10': 'Ensure MFA is enabled for all IAM users that have a console password',
    '1.11': 'Do not setup access keys during initial user setup for all IAM users that have a console password',
    '1.12': 'Ensure credentials unused for 45 days or greater are disabled',
    '1.13': 'Ensure there is only one active access key available for any single IAM user',
    '1.14': 'Ensure access keys are rotated every 90 days or less',
    '1.15': 'Ensure IAM Users Receive Permissions Only Through Groups',
    '1.16': 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached',
    '1.17': 'Ensure a support role has been created to manage incidents with AWS Support',
    '1.18': 'Ensure IAM instance roles are used for AWS resource access from instances',
    '1.19': 'Ensure that all the expired SSL/TLS certificates stored in AWS IAM are removed',
    '1.20': 'Ensure that IAM Access analyzer is enabled for all regions',
    '1.21': 'Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments',
    '1.22': 'Ensure access to AWSCloudShellFullAccess is restricted',
}


def finding(control, status, evidence, remediation=None, resources=None, exception=None):
    return {
        'id': control,
        'title': TITLES[control],
        'status': status,
        'evidence': evidence,
        'remediation': None if status == 'pass' else remediation,
        'resources': sorted(resources or []),
        'exception': exception if status != 'pass' else None,
    }


def policy_document(value):
    """A policy document as IAM returns it (dict, JSON text or URL-encoded JSON text) -> dict."""
    return decode_policy_document(value or '{}')


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _statements(document):
    return _as_list(policy_document(document).get('Statement'))


def allows_full_admin(document):
    """True when a statement allows Action "*" on Resource "*" (the benchmark's "*:*")."""
    for statement in _statements(document):
        if statement.get('Effect') == 'Allow' and '*' in _as_list(statement.get('Action')) and '*' in _as_list(statement.get('Resource')):
            return True
    return False


def denies_without_mfa(document):
    """True when a statement denies (all but a few actions) unless signed in with MFA, as the AWS-documented policy does."""
    for statement in _statements(document):
        if statement.get('Effect') != 'Deny' or '*' not in _as_list(statement.get('Resource')):
            continue
        if not (statement.get('NotAction') or '*' in _as_list(statement.get('Action'))):
            continue
        condition = statement.get('Condition') or {}
        for operator in ('BoolIfExists', 'Bool'):
            values = {key.lower(): value for key, value in (condition.get(operator) or {}).items()}
            if str(values.get('aws:multifactorauthpresent', '')).lower() == 'false':
                return True
    return False


def _aws_policy(arn, name):
    return arn.endswith(':iam::aws:policy/' + name)


def _default_document(policy):
    for version in policy.get('PolicyVersionList') or []:
        if version.get('IsDefaultVersion'):
            return version.get('Document')
    return None


def _entities(details):
    """(kind, name, attached ARNs, inline documents) of every user, group and role."""
    for kind, listing, name_key, inline_key in (('user', 'UserDetailList', 'UserName', 'UserPolicyList'),
                                                ('group', 'GroupDetailList', 'GroupName', 'GroupPolicyList'),
                                                ('role', 'RoleDetailList', 'RoleName', 'RolePolicyList')):
        for entity in details.get(listing) or []:
            attached = [policy['PolicyArn'] for policy in entity.get('AttachedManagedPolicies') or []]
            inline = [(policy['PolicyName'], policy.get('PolicyDocument')) for policy in entity.get(inline_key) or []]
            yield kind, entity[name_key], attached, inline


def _aware(value):
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def _days_since(value, now):
    parsed = parse_report_date(value) if isinstance(value, str) else value
    return age_days(parsed, now) if parsed is not None else None


def compute_findings(report, raw, now, exceptions=None):
    """(report and raw data of report.read_report, now, {control id: reason}) -> one finding per control."""
    exceptions = exceptions or {}
    details = raw.get('details') or {}
    users = report['users']
    summary = report.get('account_summary') or {}
    root_row = raw.get('root_row')
    local_policies = {policy['Arn']: policy for policy in details.get('Policies') or []}
    rows = [
        finding('1.1', 'manual', 'Contact details have no IAM API.', 'Account (top right menu) > Contact information: keep them current.'),
        finding('1.2', 'manual', 'Alternate contacts are not read by this report (Account Management API, not IAM).',
                'Account > Alternate contacts > Security: register a security contact.'),
        finding('1.3', 'manual', 'Security questions have no public API.', 'As root: Account > Configure security challenge questions.'),
    ]
    rows += _root(summary, root_row, raw)
    rows += _password_policy(report.get('password_policy'))
    rows += _users(users, details, now)
    rows += _policies(details, local_policies)
    rows += [
        finding('1.18', 'manual', 'EC2 instances are not read by this report (EC2 API).',
                'Give instances an instance profile (IAM role) instead of access keys.'),
        _certificates(raw.get('server_certificates') or [], now),
        finding('1.20', 'manual', 'IAM Access Analyzer is a regional service and is not read by this report.',
                'Create an account analyzer in every region in use (IAM > Access analyzer).'),
        finding('1.21', 'manual', 'Identity federation and AWS Organizations are not read by this report.',
                'For several accounts, manage people centrally (IAM Identity Center or another identity provider).'),
    ]
    rows.append(_attached_anywhere(details, '1.22', CLOUDSHELL_FULL_ACCESS,
                                   'Detach AWSCloudShellFullAccess; grant AWSCloudShellPowerUserAccess only where needed.'))
    for row in rows:
        if row['status'] != 'pass' and row['id'] in exceptions:
            row['exception'] = exceptions[row['id']]
    return sorted(rows, key=lambda row: [int(part) for part in row['id'].split('.')])


def _root(summary, root_row, raw):
    rows = []
    keys_present = bool(summary.get('account_access_keys_present'))
    if root_row:
        keys_present = keys_present or any(str(root_row.get('access_key_%s_active' % slot)).lower() == 'true' for slot in '12')
    if keys_present:
        rows.append(finding('1.4', 'fail', 'GetAccountSummary AccountAccessKeysPresent = 1: the root user has access keys.',
                            'As root: Security credentials > Access keys > delete every root access key.', ['root']))
    else:
        rows.append(finding('1.4', 'pass', 'GetAccountSummary AccountAccessKeysPresent = 0.'))
    mfa = bool(summary.get('account_mfa_enabled')) or (root_row is not None and str(root_row.get('mfa_active')).lower() == 'true')
    assign = 'As root: Security credentials > Multi-factor authentication (MFA) > Assign MFA device.'
    if mfa:
        rows.append(finding('1.5', 'pass', 'GetAccountSummary AccountMFAEnabled = 1.'))
        virtual = raw.get('root_virtual_mfa') or []
        if virtual:
            rows.append(finding('1.6', 'fail', 'The root user\'s MFA device is virtual: %s.' % ', '.join(virtual),
                                'As root: replace the virtual device with a hardware MFA device.', ['root']))
        else:
            rows.append(finding('1.6', 'pass', 'Root MFA is enabled and ListVirtualMFADevices lists no virtual device of root.'))
    else:
        rows.append(finding('1.5', 'manual', 'GetAccountSummary AccountMFAEnabled = 0: the root user has no MFA device; only root can enrol one.',
                            assign, ['root']))
        rows.append(finding('1.6', 'manual', 'The root user has no MFA device (see 1.5); only root can enrol a hardware one.',
                            assign + ' Choose a hardware device.', ['root']))
    caller = raw.get('caller_arn') or ''
    if caller.endswith(':root'):
        rows.append(finding('1.7', 'fail', 'This report was read with the root user\'s credentials (%s).' % caller,
                            'Sign in as an IAM user (Administrator) from now on; delete the root access keys used here.', ['root']))
    elif root_row:
        used = ['password last used %s' % (root_row.get('password_last_used') or 'N/A')]
        used += ['access key %s last used %s' % (slot, root_row.get('access_key_%s_last_used_date' % slot) or 'N/A') for slot in '12']
        rows.append(finding('1.7', 'manual', 'Credential report, root: %s.' % '; '.join(used),
                            'Review why root was used; keep root for the tasks only it can do.', ['root']))
    else:
        rows.append(finding('1.7', 'manual', 'The credential report has no root row, so root\'s last use is unknown.',
                            'Review the root user\'s last sign-in (IAM > Credential report) and keep root for the tasks only it can do.', ['root']))
    return rows


def _password_policy(policy):
    if policy is None:
        remediation = 'Set an account password policy (account_admin_password_policy).'
        return [finding('1.8', 'fail', 'The account has no password policy (AWS default: minimum 8).', remediation, ['password policy']),
                finding('1.9', 'fail', 'The account has no password policy (no reuse prevention).', remediation, ['password policy'])]
    length = policy.get('minimum_password_length') or 0
    reuse = policy.get('password_reuse_prevention') or 0
    rows = []
    if length >= MIN_PASSWORD_LENGTH:
        rows.append(finding('1.8', 'pass', 'MinimumPasswordLength = %d.' % length))
    else:
        rows.append(finding('1.8', 'fail', 'MinimumPasswordLength = %d (at least %d needed).' % (length, MIN_PASSWORD_LENGTH),
                            'Set minimum_password_length: %d or more.' % MIN_PASSWORD_LENGTH, ['password policy']))
    if reuse >= PASSWORD_REUSE:
        rows.append(finding('1.9', 'pass', 'PasswordReusePrevention = %d.' % reuse))
    else:
        rows.append(finding('1.9', 'fail', 'PasswordReusePrevention = %s (%d needed).' % (reuse or 'not set', PASSWORD_REUSE),
                            'Set password_reuse_prevention: %d.' % PASSWORD_REUSE, ['password policy']))
    return rows


def _mfa_enforced_groups(details, local_policies):
    enforced = set()
    for group in details.get('GroupDetailList') or []:
        documents = [policy.get('PolicyDocument') for policy in group.get('GroupPolicyList') or []]
        documents += [_default_document(local_policies[policy['PolicyArn']]) for policy in group.get('AttachedManagedPolicies') or []
                      if policy['PolicyArn'] in local_policies]
        if any(document is not None and denies_without_mfa(document) for document in documents):
            enforced.add(group['GroupName'])
    return enforced


def _users(users, details, now):
    """The controls about users' credentials and policies: 1.10 to 1.15."""
    console = [user for user in users if user['console_access']]
    return [_console_mfa(console, details), _setup_keys(console), _stale_credentials(users, console, now),
            _several_keys(users), _old_keys(users), _direct_policies(users)]


def _console_mfa(console, details):
    without_mfa = [user for user in console if not user['mfa_active']]
    enforced = _mfa_enforced_groups(details, {policy['Arn']: policy for policy in details.get('Policies') or []})
    uncovered = sorted(user['user_name'] for user in without_mfa if not enforced & set(user['groups']))
    waiting = sorted(user['user_name'] for user in without_mfa if enforced & set(user['groups']))
    if uncovered:
        return finding('1.10', 'fail', 'Console users without MFA and without an MFA-enforcing group policy: %s.' % ', '.join(uncovered),
                       'Put the self-managed-MFA policy on their groups (account_admin does by default) and have each person enrol a device.',
                       uncovered)
    if waiting:
        return finding('1.10', 'manual', 'Console users without an MFA device yet: %s; their groups deny everything but enrolling MFA and '
                       'changing the password until they sign in with MFA.' % ', '.join(waiting),
                       'Each person: sign in, change the password, Security credentials > Assign MFA device.', waiting)
    return finding('1.10', 'pass', 'Every console user (%d) has an active MFA device.' % len(console))


def _setup_keys(console):
    setup_keys = sorted(user['user_name'] for user in console
                        if any(key['status'] == 'Active' and not key['last_used_date'] for key in user['access_keys']))
    if setup_keys:
        return finding('1.11', 'fail', 'Console users with an active access key that was never used: %s.' % ', '.join(setup_keys),
                       'Delete keys made at setup; a console user who needs one creates it when needed.', setup_keys)
    return finding('1.11', 'pass', 'No console user has an active, never-used access key.')


def _stale_credentials(users, console, now):
    stale = []
    for user in console:
        last = user.get('password_last_used') or user.get('password_last_changed') or user.get('create_date')
        days = _days_since(last, now)
        if days is not None and days >= UNUSED_DAYS:
            stale.append('%s password (%d days)' % (user['user_name'], days))
    for user in users:
        for key in user['access_keys']:
            if key['status'] != 'Active':
                continue
            days = _days_since(key['last_used_date'] or key['create_date'], now)
            if days is not None and days >= UNUSED_DAYS:
                stale.append('%s key %s (%d days)' % (user['user_name'], key['access_key_id'][-4:], days))
    if stale:
        return finding('1.12', 'fail', 'Credentials unused for %d days or more: %s.' % (UNUSED_DAYS, '; '.join(sorted(stale))),
                       'Deactivate the keys and remove the passwords that are not used.', sorted({item.split(' ')[0] for item in stale}))
    return finding('1.12', 'pass', 'No password or active key unused for %d days or more.' % UNUSED_DAYS)


def _several_keys(users):
    several = sorted('%s (%d)' % (user['user_name'], count) for user, count in
                     ((user, len([key for key in user['access_keys'] if key['status'] == 'Active'])) for user in users) if count > 1)
    if several:
        return finding('1.13', 'fail', 'Users with more than one active access key: %s.' % ', '.join(several),
                       'Keep one active key per user (deactivate then delete the other).', [item.split(' ')[0] for item in several])
    return finding('1.13', 'pass', 'No user has more than one active access key.')


def _old_keys(users):
    old = sorted('%s key %s (%d days)' % (user['user_name'], key['access_key_id'][-4:], key['age_days'])
                 for user in users for key in user['access_keys']
                 if key['status'] == 'Active' and key['age_days'] is not None and key['age_days'] > ROTATION_DAYS)
    if old:
        return finding('1.14', 'fail', 'Active access keys older than %d days: %s.' % (ROTATION_DAYS, ', '.join(old)),
                       'Rotate them (playbooks/rotate_keys.yml).', sorted({item.split(' ')[0] for item in old}))
    return finding('1.14', 'pass', 'Every active access key is at most %d days old.' % ROTATION_DAYS)


def _direct_policies(users):
    direct = sorted('%s (%s)' % (user['user_name'], ', '.join(_own_policies(user)))
                    for user in users if user['attached_policies'] or user['inline_policies'])
    if direct:
        return finding('1.15', 'fail', 'Users with policies of their own: %s.' % '; '.join(direct),
                       'Move the permissions to a group and detach / delete the user\'s policies.', [item.split(' ')[0] for item in direct])
    return finding('1.15', 'pass', 'No user has an attached or inline policy; permissions come through groups.')


def _own_policies(user):
    return [arn_name(arn) for arn in user['attached_policies']] + ['inline ' + name for name in user['inline_policies']]


def _policies(details, local_policies):
    full = []
    for kind, name, attached, inline in _entities(details):
        for arn in attached:
            if _aws_policy(arn, ADMINISTRATOR_ACCESS):
                full.append(('%s %s' % (kind, name), ADMINISTRATOR_ACCESS))
            elif arn in local_policies and allows_full_admin(_default_document(local_policies[arn]) or {}):
                full.append(('%s %s' % (kind, name), arn_name(arn)))
        for policy_name, document in inline:
            if document is not None and allows_full_admin(document):
                full.append(('%s %s' % (kind, name), 'inline ' + policy_name))
    rows = []
    if full:
        rows.append(finding('1.16', 'fail', 'Policies allowing "*:*" are attached: %s.' % '; '.join('%s: %s' % item for item in sorted(full)),
                            'Attach scoped policies instead (account_admin_administrators_access: scoped).',
                            sorted({item[0] for item in full})))
    else:
        rows.append(finding('1.16', 'pass', 'No user, group or role has a policy allowing "*:*".'))
    support = sorted('role %s' % name for kind, name, attached, _inline in _entities(details)
                     if kind == 'role' and any(_aws_policy(arn, SUPPORT_ACCESS) for arn in attached))
    if support:
        rows.append(finding('1.17', 'pass', 'AWSSupportAccess is attached to %s.' % ', '.join(support), resources=support))
    else:
        rows.append(finding('1.17', 'fail', 'No role has AWSSupportAccess attached.',
                            'Create a support role with AWSSupportAccess (account_admin_support_role).', ['AWSSupportAccess']))
    return rows


def _attached_anywhere(details, control, policy, remediation):
    holders = sorted('%s %s' % (kind, name) for kind, name, attached, _inline in _entities(details)
                     if any(_aws_policy(arn, policy) for arn in attached))
    if holders:
        return finding(control, 'fail', '%s is attached to %s.' % (policy, ', '.join(holders)), remediation, holders)
    return finding(control, 'pass', '%s is attached to no user, group or role.' % policy)


def _certificates(certificates, now):
    expired = sorted(cert['ServerCertificateName'] for cert in certificates
                     if isinstance(cert.get('Expiration'), datetime.datetime) and _aware(cert['Expiration']) < now)
    if expired:
        return finding('1.19', 'fail', 'Expired server certificates: %s.' % ', '.join(expired),
                       'Delete them (aws iam delete-server-certificate).', expired)
    return finding('1.19', 'pass', 'ListServerCertificates lists %d certificate(s), none expired.' % len(certificates))
