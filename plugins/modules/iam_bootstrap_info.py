#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_info
short_description: Report the account's IAM users, groups, password policy, summary and CIS IAM findings
version_added: 1.0.0
description:
  - A read-only report of what the IAM console's Users and Groups lists show, in one task - for each
    user its groups, console access, password last use, MFA devices and access keys (status, age,
    last use) and policies; for each group its policies and members; the password policy and the
    account summary.
  - Also one finding per control of the CIS AWS Foundations Benchmark section 1 (Identity and Access
    Management, v3.0.0 numbering), computed from the same data the benchmark's audit procedures name.
  - Makes no write call, so it runs the same in check mode. (GenerateCredentialReport makes AWS build
    a new credential report when the last one is more than four hours old; it changes no IAM resource.)
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  exceptions:
    description:
      - Known, explained exceptions, CIS control id (such as V(1.16)) to the reason.
      - A finding that does not pass keeps its status and carries the reason in RV(findings[].exception).
    type: dict
    default: {}
  known_access_keys:
    description:
      - Access keys an earlier task of the same run read, IAM user name to a list of C(access_key_id), C(status) and
        C(create_date) (ISO 8601); those users' keys are not listed again. The C(workstation) role's fleet report
        (C(workstation_fleet_report.access_keys)) has this shape.
    type: dict
    default: {}
  account_snapshot:
    description:
      - What earlier tasks of the same run read of the account (the RV(awsbootstrap.iam.iam_bootstrap_account#module:account_snapshot)
        and RV(awsbootstrap.iam.iam_bootstrap_identities#module:account_snapshot) results, merged by the
        C(awsbootstrap.iam.account_snapshot) filter); the parts it has (C(caller), C(summary), C(password_policy),
        C(details), C(access_keys)) are not read again; when it names C(new_users), the credential report is generated
        first (a report made before them would not list them).
      - Give what the filter makes of the earlier tasks' results (it keeps only what is still true after their writes).
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Only reads, so check mode changes nothing.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
notes:
  - The API calls are a constant number plus one per user - GetCallerIdentity; one paginated
    GetAccountAuthorizationDetails (users, groups, roles and the account's own managed policies, with
    memberships, attached and inline policies and tags); GetCredentialReport (console password, its last
    use, MFA active, keys' last use, the root user), and only when AWS has no report or it expired,
    GenerateCredentialReport until the report is complete; GetAccountPasswordPolicy; GetAccountSummary;
    ListVirtualMFADevices and ListServerCertificates, each only when the account summary counts any
    virtual MFA device, any server certificate; and per user ListAccessKeys (key ids and status are read
    fresh). The parts in O(account_snapshot) and the keys in O(known_access_keys) are not read again.
  - AWS builds a new credential report at most every four hours, so console access, MFA and last use
    can be up to four hours old. A user created after the report was built is not in it; for such a
    user only, GetLoginProfile is read as well (RV(credential_report.users_not_in_report)).
  - Needs C(iam:GenerateCredentialReport) and C(iam:GetCredentialReport) besides the read permissions.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_account
"""

EXAMPLES = r"""
- name: Read the account's IAM users and groups (the guide's step 12)
  awsbootstrap.iam.iam_bootstrap_info:
  register: iam_report

- name: Users without MFA
  ansible.builtin.debug:
    msg: "{{ iam_report.users | rejectattr('mfa_active') | map(attribute='user_name') | list }}"

- name: CIS controls that do not pass
  ansible.builtin.debug:
    msg: "{{ iam_report.findings | rejectattr('status', 'equalto', 'pass') | map(attribute='id') | list }}"

- name: Report with the guide's AdministratorAccess as an explained exception
  awsbootstrap.iam.iam_bootstrap_info:
    exceptions:
      "1.16": The guide gives Administrators AdministratorAccess.
"""

RETURN = r"""
account_id:
  description: The account id.
  returned: always
  type: str
  sample: "123456789012"
users:
  description: Every IAM user, by name.
  returned: always
  type: list
  elements: dict
  contains:
    user_name:
      description: Name of the user.
      type: str
      sample: Administrator
    arn:
      description: ARN of the user.
      type: str
      sample: arn:aws:iam::123456789012:user/Administrator
    path:
      description: Path of the user.
      type: str
      sample: /
    create_date:
      description: When the user was created (ISO 8601).
      type: str
      sample: "2024-01-02T03:04:05+00:00"
    groups:
      description: Names of the user's groups.
      type: list
      elements: str
      sample: [Administrators]
    console_access:
      description: Whether the user has a console password.
      type: bool
      sample: true
    password_last_used:
      description: When the password was last used to sign in (ISO 8601), V(null) if never or unknown (credential report).
      type: str
      sample: "2024-02-01T10:00:00+00:00"
    password_last_changed:
      description: When the console password was last set (ISO 8601), from the credential report; V(null) without a password.
      type: str
      sample: "2024-01-02T03:04:05+00:00"
    mfa_active:
      description: Whether the user has an active MFA device of any kind (credential report, or a virtual device assigned).
      type: bool
      sample: false
    mfa_devices:
      description:
        - The user's MFA devices - the virtual ones from ListVirtualMFADevices; a device of another kind (hardware,
          FIDO) that only the credential report shows is listed with V(null) serial number and date.
      type: list
      elements: dict
      contains:
        serial_number:
          description: Serial number (the ARN of a virtual device), V(null) for a non-virtual device.
          type: str
          sample: arn:aws:iam::123456789012:mfa/Administrator
        enable_date:
          description: When it was enabled (ISO 8601).
          type: str
          sample: "2024-01-02T03:04:05+00:00"
    access_keys:
      description: The user's access keys, oldest first.
      type: list
      elements: dict
      contains:
        access_key_id:
          description: Id of the key.
          type: str
          sample: AKIAIOSFODNN7EXAMPLE
        status:
          description: C(Active) or C(Inactive).
          type: str
          sample: Active
        create_date:
          description: When the key was created (ISO 8601).
          type: str
          sample: "2024-01-02T03:04:05+00:00"
        age_days:
          description: Whole days since the key was created.
          type: int
          sample: 12
        last_used_date:
          description:
            - When the key was last used (ISO 8601), V(null) if never - from the credential report, matched to the key
              by its creation time; V(null) for a key newer than the report.
          type: str
          sample: "2024-01-10T08:00:00+00:00"
        last_used_service:
          description: The service the key was last used with, V(null) if never or unknown.
          type: str
          sample: s3
    attached_policies:
      description: ARNs of the managed policies attached to the user directly.
      type: list
      elements: str
      sample: []
    inline_policies:
      description: Names of the user's inline policies.
      type: list
      elements: str
      sample: []
    tags:
      description: Tags of the user.
      type: dict
      sample: {}
    in_credential_report:
      description: Whether the credential report has the user (V(false) for a user created after the report was built).
      type: bool
      sample: true
groups:
  description: Every IAM group, by name.
  returned: always
  type: list
  elements: dict
  contains:
    group_name:
      description: Name of the group.
      type: str
      sample: Administrators
    arn:
      description: ARN of the group.
      type: str
      sample: arn:aws:iam::123456789012:group/Administrators
    path:
      description: Path of the group.
      type: str
      sample: /
    managed_policies:
      description: ARNs of the attached managed policies.
      type: list
      elements: str
      sample: [arn:aws:iam::aws:policy/AdministratorAccess]
    inline_policies:
      description: Names of the inline policies.
      type: list
      elements: str
      sample: []
    members:
      description: Names of the users in the group.
      type: list
      elements: str
      sample: [Administrator]
password_policy:
  description: The account password policy (as M(awsbootstrap.iam.iam_bootstrap_account) takes it), V(null) when there is none.
  returned: always
  type: dict
  sample: {minimum_password_length: 14, require_symbols: true}
account_summary:
  description: GetAccountSummary's counts and quotas in snake_case (C(account_mfa_enabled) and C(account_access_keys_present) are the root user's).
  returned: always
  type: dict
  sample: {users: 2, groups: 2, account_mfa_enabled: 0, account_access_keys_present: 0}
credential_report:
  description: About the credential report the user data comes from.
  returned: always
  type: dict
  contains:
    generated_time:
      description: When AWS built the report (ISO 8601).
      type: str
      sample: "2024-01-02T03:04:05+00:00"
    users_not_in_report:
      description: Users created after the report was built (read with GetLoginProfile instead).
      type: list
      elements: str
      sample: []
findings:
  description:
    - One row per control of the CIS AWS Foundations Benchmark section 1 (v3.0.0 numbering, C(1.1) to C(1.22)), in order.
    - C(pass) - the API data shows the control is met; C(fail) - it shows it is not; C(manual) - no API can decide it,
      or what is missing is a person's own act (enrolling an MFA device, registering contacts).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The CIS control id.
      type: str
      sample: "1.8"
    title:
      description: The control's title.
      type: str
      sample: Ensure IAM password policy requires minimum length of 14 or greater
    status:
      description: C(pass), C(fail) or C(manual).
      type: str
      sample: pass
    evidence:
      description: What the API data shows (names and values, never a secret; keys by their last 4 characters).
      type: str
      sample: MinimumPasswordLength = 14.
    remediation:
      description: What to do, V(null) when the control passes.
      type: str
      sample: null
    resources:
      description: The users, groups, roles or settings the finding is about.
      type: list
      elements: str
      sample: []
    exception:
      description: The reason given in O(exceptions) for a control that does not pass, otherwise V(null).
      type: str
      sample: null
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import sts_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import utcnow
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.findings import compute_findings
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.findings import TITLES
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.report import read_report
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import SNAPSHOT_OPTION
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import checked_snapshot
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

ARGUMENT_SPEC = dict(
    exceptions=dict(type='dict', default={}),
    known_access_keys=dict(type='dict', default={}, no_log=False),
    account_snapshot=SNAPSHOT_OPTION,
)


def run(module):
    exceptions = {str(control): str(reason) for control, reason in (module.params['exceptions'] or {}).items()}
    unknown = sorted(set(exceptions) - set(TITLES))
    if unknown:
        raise OptionError('exceptions', 'unknown CIS control id(s) %s (known: 1.1 to 1.22)' % ', '.join(unknown))
    snapshot = checked_snapshot(module.params['account_snapshot'])
    now = utcnow()
    report, raw = read_report(iam_client(module), sts_client(module), now=now, known_keys=module.params['known_access_keys'],
                              snapshot=snapshot)
    return dict(changed=False, findings=compute_findings(report, raw, now, exceptions), **report)


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
