# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The read-only report of the account's users and groups (what the IAM console's lists show).

The reads cost a constant number of calls plus one per user:

- GetAccountAuthorizationDetails (Filter User, Group, Role, LocalManagedPolicy; paginated) gives users
  with their groups, attached and inline policies (with documents) and tags, groups with their
  policies, roles with theirs, and the account's own managed policies with their versions;
- the credential report (GetCredentialReport; when AWS has none, or users were created in this run,
  GenerateCredentialReport once and GetCredentialReport until it is ready) gives per
  user: password enabled and last used, MFA active, keys 1 and 2 active / last rotated / last used,
  and the root user's row (AWS has one, moto does not);
- ListVirtualMFADevices (assigned) gives the serial numbers and enable dates of virtual MFA devices;
- GetCallerIdentity, GetAccountPasswordPolicy, GetAccountSummary and ListServerCertificates (this one and
  ListVirtualMFADevices only when the summary counts any server certificate, any virtual MFA device);
- none of the account-wide reads an earlier task of the run handed on in its snapshot (iam/snapshot.py);
- per user, ListAccessKeys (the key ids: the credential report has none).

AWS makes a new credential report at most every four hours; a user created since the report was made
is not in it, and for such a user (only) GetLoginProfile is read as well. The report is generated only when
AWS has none (or it expired).
"""

from __future__ import annotations

import csv
import datetime
import io
import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.module_utils.common.text.converters import to_text

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.dates import parse_iso_time
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import age_days
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iso
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import utcnow
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import listed_from_views
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.account import policy_to_options
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import read_account_password_policy
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import DETAILS_FILTER

ROOT_ROW = '<root_account>'
# Values of the credential report that mean "no date".
NO_DATE = frozenset(('', 'N/A', 'no_information', 'not_supported'))
# Seconds to wait between GetCredentialReport calls while AWS makes the report (about a minute at most).
REPORT_POLL_DELAYS = (0.2, 0.5, 1, 2, 2, 3, 3, 5, 5, 5, 5, 10, 10, 10)
# GetCredentialReport's errors that mean "generate one first".
REPORT_NOT_READY = frozenset(('ReportNotPresent', 'ReportExpired', 'ReportInProgress'))


def parse_report_date(value):
    """A credential report date (``2024-01-02T03:04:05+00:00``) as an aware datetime; None for N/A & co."""
    if value is None or value in NO_DATE:
        return None
    return parse_iso_time(value)


def parse_credential_report(content):
    """The CSV of GetCredentialReport -> {user name: row} (the root user's row under ``<root_account>``)."""
    text = to_text(content or b'', errors='surrogate_or_strict')
    return {row['user']: row for row in csv.DictReader(io.StringIO(text)) if row.get('user')}


def read_credential_report(iam, sleep=time.sleep, generate_first=False):
    """The credential report -> (rows by user, generated time). GetCredentialReport first: AWS keeps a report four
    hours, exactly as long as GenerateCredentialReport would hand back the same one instead of making a new one; only
    when there is none (or it expired) is it generated, then read when ready. ``generate_first``: users were created
    in this run (on a new account there is no report yet), so it is generated without asking for one first."""
    response = None if generate_first else read(iam, 'GetCredentialReport', missing_codes=REPORT_NOT_READY)
    if response is None:
        response = _generate_credential_report(iam, sleep)
    return parse_credential_report(response.get('Content')), response.get('GeneratedTime')


def _generate_credential_report(iam, sleep):
    """GenerateCredentialReport once, then GetCredentialReport until AWS has made it."""
    read(iam, 'GenerateCredentialReport')
    for delay in REPORT_POLL_DELAYS + (None,):
        response = read(iam, 'GetCredentialReport', missing_codes=REPORT_NOT_READY)
        if response is not None:
            return response
        if delay is None:
            raise IAMFailure('the credential report was not ready after %d tries' % (len(REPORT_POLL_DELAYS) + 1))
        sleep(delay)
    return None


def _is_true(value):
    return str(value).lower() == 'true'


def _account_reads(iam, sts, snapshot):
    """(caller, details, password policy, summary): each from the snapshot when an earlier task handed it on."""
    caller = snapshot['caller'] if 'caller' in snapshot else read(sts, 'GetCallerIdentity')
    details = snapshot['details'] if 'details' in snapshot else (
        read_pages(iam, 'GetAccountAuthorizationDetails', Filter=DETAILS_FILTER) or {})
    policy = snapshot['password_policy'] if 'password_policy' in snapshot else read_account_password_policy(iam)
    summary = snapshot['summary'] if 'summary' in snapshot else ((read(iam, 'GetAccountSummary') or {}).get('SummaryMap') or {})
    return caller, details, policy, summary


def _virtual_devices(iam, summary):
    """The assigned virtual MFA devices; none listed when the summary counts none."""
    if not summary.get('MFADevices', 1):
        return []
    return read_pages(iam, 'ListVirtualMFADevices', 'VirtualMFADevices', AssignmentStatus='Assigned') or []


def _groups(details, users):
    members = {}
    for user in users:
        for group in user['groups']:
            members.setdefault(group, []).append(user['user_name'])
    return [{
        'group_name': group['GroupName'],
        'arn': group['Arn'],
        'path': group['Path'],
        'managed_policies': sorted(policy['PolicyArn'] for policy in group.get('AttachedManagedPolicies', [])),
        'inline_policies': sorted(policy['PolicyName'] for policy in group.get('GroupPolicyList', [])),
        'members': sorted(members.get(group['GroupName'], [])),
    } for group in sorted(details.get('GroupDetailList', []), key=lambda group: group['GroupName'])]


def read_report(iam, sts, now=None, sleep=time.sleep, known_keys=None, snapshot=None):
    """The whole report: users, groups, password policy, account summary and the raw data findings need.
    ``known_keys``: {user name: [{access_key_id, status, create_date}]} read by an earlier task of the same
    run (the fleet's plan), listed again for no user; ``snapshot``: the decoded parts of the account an earlier
    task read (iam/snapshot.py), read again for none of them."""
    now = now or utcnow()
    snapshot = snapshot or {}
    known_keys = dict(snapshot.get('access_keys') or {}, **(known_keys or {}))
    caller, details, policy, summary = _account_reads(iam, sts, snapshot)
    rows, generated = read_credential_report(iam, sleep, generate_first=bool(snapshot.get('new_users')))
    devices = _virtual_devices(iam, summary)
    virtual = {}
    for device in devices:
        owner = (device.get('User') or {}).get('Arn')
        if owner:
            virtual.setdefault(owner, []).append({'serial_number': device['SerialNumber'], 'enable_date': iso(device.get('EnableDate'))})
    users = [_user(iam, user, rows.get(user['UserName']), virtual.get(user['Arn'], []), now, known_keys.get(user['UserName']))
             for user in sorted(details.get('UserDetailList', []), key=lambda user: user['UserName'])]
    certificates = []
    if summary.get('ServerCertificates', 1):
        certificates = read_pages(iam, 'ListServerCertificates', 'ServerCertificateMetadataList') or []
    root_arn = 'arn:%s:iam::%s:root' % (caller['Arn'].split(':')[1], caller['Account'])
    report = {
        'account_id': caller['Account'],
        'users': users,
        'groups': _groups(details, users),
        'password_policy': policy_to_options(policy),
        'account_summary': camel_dict_to_snake_dict(summary),
        'credential_report': {
            'generated_time': iso(generated),
            'users_not_in_report': [user['user_name'] for user in users if not user['in_credential_report']],
        },
    }
    raw = {
        'details': details,
        'root_row': rows.get(ROOT_ROW),
        'root_virtual_mfa': sorted(device['SerialNumber'] for device in devices if (device.get('User') or {}).get('Arn') == root_arn
                                   or device['SerialNumber'].endswith(':mfa/root-account-mfa-device')),
        'server_certificates': certificates,
        'caller_arn': caller['Arn'],
    }
    return report, raw


def report_key_slots(row, keys):
    """{access key id: the credential report's slot ('1' or '2')}: the report names keys by slot, not id, so each key
    (oldest first) takes the first free slot whose last_rotated is its create date (to the second)."""
    slots = {}
    if not row:
        return slots
    free = ['1', '2']
    for key in sorted(keys, key=lambda key: key.get('CreateDate') or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)):
        created = key.get('CreateDate')
        if not isinstance(created, datetime.datetime):
            continue
        for slot in list(free):
            rotated = parse_report_date(row.get('access_key_%s_last_rotated' % slot))
            if rotated is not None and abs((rotated - _aware(created)).total_seconds()) < 1.5:
                slots[key['AccessKeyId']] = slot
                free.remove(slot)
                break
    return slots


def _aware(value):
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def _user(iam, user, row, virtual_devices, now, known_keys=None):
    name = user['UserName']
    keys = []
    if known_keys is not None:
        listed = listed_from_views(known_keys)
    else:
        listed = read_pages(iam, 'ListAccessKeys', 'AccessKeyMetadata', UserName=name) or []
    slots = report_key_slots(row, listed)
    for key in listed:
        slot = slots.get(key['AccessKeyId'])
        last_used = parse_report_date(row.get('access_key_%s_last_used_date' % slot)) if slot else None
        service = row.get('access_key_%s_last_used_service' % slot) if slot else None
        keys.append({
            'access_key_id': key['AccessKeyId'], 'status': key['Status'], 'create_date': iso(key.get('CreateDate')),
            'age_days': age_days(key.get('CreateDate'), now), 'last_used_date': iso(last_used),
            'last_used_service': service if last_used and service not in NO_DATE else None,
        })
    if row is not None:
        console = _is_true(row.get('password_enabled'))
        mfa_active = _is_true(row.get('mfa_active')) or bool(virtual_devices)
    else:
        # Created after the credential report was made: read the login profile itself.
        console = read(iam, 'GetLoginProfile', UserName=name) is not None
        mfa_active = bool(virtual_devices)
    mfa = list(virtual_devices)
    if mfa_active and not mfa:
        # A hardware, FIDO or other non-virtual device: the credential report says one is active.
        mfa = [{'serial_number': None, 'enable_date': None}]
    return {
        'user_name': name,
        'arn': user['Arn'],
        'path': user['Path'],
        'create_date': iso(user.get('CreateDate')),
        'groups': sorted(user.get('GroupList', [])),
        'console_access': console,
        'password_last_used': iso(parse_report_date((row or {}).get('password_last_used'))),
        'password_last_changed': iso(parse_report_date((row or {}).get('password_last_changed'))) if console else None,
        'mfa_active': mfa_active,
        'mfa_devices': mfa,
        'access_keys': sorted(keys, key=lambda key: key['create_date'] or ''),
        'attached_policies': sorted(policy['PolicyArn'] for policy in user.get('AttachedManagedPolicies', [])),
        'inline_policies': sorted(policy['PolicyName'] for policy in user.get('UserPolicyList', [])),
        'tags': {tag['Key']: tag['Value'] for tag in user.get('Tags', [])},
        'in_credential_report': row is not None,
    }
