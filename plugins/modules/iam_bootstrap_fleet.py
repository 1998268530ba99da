#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: iam_bootstrap_fleet
short_description: Plan the access keys of a whole fleet of workstations once, on the controller
version_added: 1.1.0
description:
  - The controller side of the M(awsbootstrap.iam.aws_cli_profile) fleet flow that the C(workstation)
    role runs. What every workstation gathered goes in, one plan for the whole fleet comes out.
  - A holder is one profile on one workstation that should hold the key of one IAM user. Several holders
    may share an IAM user (the guide's C(PowerUser) on several machines, one developer on a laptop and a
    desktop). Each IAM user has one key, and every holder gets that same key.
  - O(phase=check) checks every input of every workstation (names, regions, profiles, output formats,
    the OS user, the files, groups that must exist) and fails with every problem, each naming the host
    and the variable. It never writes; it reads IAM only for groups not in O(known_groups).
  - O(phase=plan) checks the same, reads the account once (C(GetAccountAuthorizationDetails)) and the
    keys of each IAM user, and decides per user - C(keep) (every holder has the same active key, not
    due for rotation), C(deliver) (a key made earlier in this run, given in O(handed_over), goes to the
    holders that lack it), C(new_key) (one new key for all holders), C(offboard) (no holder wants the
    user, so it is removed with everything attached) or C(blocked) (a holder could not be read and a new key
    would need deleting one it may hold). It then creates users, adds them to groups, makes the new keys
    and removes offboarded users. A failure after a key was made deletes that key again.
  - O(phase=retire) runs after the workstations wrote and proved their keys. Per user, old keys are deleted
    only when every holder that was given the new key proved it (O(proven)); a key made by the plan that
    no holder proved is deleted (its secret reached nobody) and the old keys stay.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  phase:
    description: Which step of the fleet flow to run.
    type: str
    choices: [check, plan, retire]
    required: true
  workstations:
    description:
      - What each workstation gathered (O(phase=check) and O(phase=plan)); the C(workstation) role builds it.
      - Each item has C(host), C(user) (the OS user), C(user_found), C(files_error), C(errors) (problems with
        the shape of the host's variables), C(entries) (from the C(awsbootstrap.iam.fleet_entries) filter) and
        C(profiles) (profile name to the access key id its files hold, C(null) for a host that could not be read).
    type: list
    elements: dict
    default: []
  known_groups:
    description:
      - Groups that this run creates before the plan. With O(phase=check), and with O(phase=plan) in check mode
        (where they were not created), they count as existing; other groups must exist in IAM.
    type: list
    elements: str
    default: []
  handed_over:
    description:
      - The ids of keys made earlier in this run, by IAM user name (C(new_access_keys) of the C(account_admin_handover)
        fact of the C(account_admin) role through the C(awsbootstrap.iam.fleet_key_ids) filter). Such a key is delivered
        instead of a new one; its secret never passes through this module, the workstations take it from that fact.
    type: dict
    default: {}
  rotate_max_age_days:
    description: Give a user's holders a new key when the key they hold is older than this many days.
    type: int
  rotate_force:
    description: Give every user's holders a new key, whatever its age.
    type: bool
    default: false
  users:
    description: The C(users) this module returned for O(phase=plan) (O(phase=retire)).
    type: list
    elements: dict
    default: []
  proven:
    description: The holders (C(host/profile)) whose new key answered C(sts get-caller-identity) as its user (O(phase=retire)).
    type: list
    elements: str
    default: []
  credentials_dir:
    description:
      - Folder of the C(account_admin) role's console-format CSVs. A key this module makes for a user whose holders
        leave its groups alone (an C(account_admin) user, such as the guide's C(PowerUser)) is also written to
        C(<credentials_dir>/<user>_credentials.csv), as C(account_admin) writes the keys it makes.
    type: path
  account_snapshot:
    description:
      - What an earlier task of the same run read of the account (the RV(awsbootstrap.iam.iam_bootstrap_identities#module:account_snapshot)
        of M(awsbootstrap.iam.iam_bootstrap_identities), through the C(awsbootstrap.iam.account_snapshot) filter). With its
        C(details), O(phase=plan) reads no C(GetAccountAuthorizationDetails); the users in its C(access_keys) are not
        listed again.
      - Give what the filter makes of the earlier tasks' results (it keeps only what is still true after their writes).
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Plans and reports every change, with the diff, and makes no write call.
  diff_mode:
    support: full
    description: Per IAM user its groups, access key ids and holders before and after; never a secret.
notes:
  - API calls of a plan with nothing to change are one C(GetAccountAuthorizationDetails) per 1000 users and
    groups and one C(ListAccessKeys) per IAM user (none of the reads O(account_snapshot) holds); a retire with nothing to delete makes none.
  - The result of O(phase=plan) holds secrets in RV(deliveries). Register it with C(no_log) and hand it on in
    the same play only.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: awsbootstrap.iam.iam_bootstrap_user
  - module: awsbootstrap.iam.aws_cli_profile
"""

EXAMPLES = r"""
# The workstation role runs these for you; this is what it does once per run, on the controller.
- name: Plan the fleet
  awsbootstrap.iam.iam_bootstrap_fleet:
    phase: plan
    workstations: "{{ ansible_play_hosts_all | awsbootstrap.iam.fleet_workstations(hostvars) }}"
  run_once: true
  delegate_to: localhost
  register: fleet_plan
  no_log: true

- name: Retire the keys nobody needs any more
  awsbootstrap.iam.iam_bootstrap_fleet:
    phase: retire
    users: "{{ fleet_plan.users }}"
    proven: "{{ ansible_play_hosts | map('extract', hostvars, 'fleet_proven') | flatten }}"
  run_once: true
  delegate_to: localhost
"""

RETURN = r"""
users:
  description: Per IAM user, what the plan decided (no secret).
  returned: when O(phase=plan) or O(phase=retire)
  type: list
  elements: dict
  contains:
    iam_user:
      description: IAM user name.
      type: str
      sample: alice
    action:
      description: C(keep), C(deliver), C(new_key), C(offboard), C(blocked) or C(none).
      type: str
      sample: new_key
    outcome:
      description: C(ok), C(created), C(rotated), C(removed), C(absent) or C(blocked).
      type: str
      sample: created
    access_key_id:
      description: The key every holder has after delivery (C(null) for a key not made yet, in check mode).
      type: str
      sample: AKIAIOSFODNN7EXAMPLE
    holders:
      description: The holders (C(host/profile)) that keep the user's key.
      type: list
      elements: str
      sample: [laptop/default, desktop/default]
    receivers:
      description: The holders that get the key in this run.
      type: list
      elements: str
      sample: [desktop/default]
    retire:
      description: Keys to delete once every receiver proved the new key.
      type: list
      elements: str
      sample: [AKIAI44QH8DHBEXAMPLE]
    final_outcome:
      description: After O(phase=retire), the outcome once delivery is known (C(failed) when a receiver did not prove the key).
      type: str
      sample: created
    retired:
      description: After O(phase=retire), the keys deleted (or, in check mode, that would be).
      type: list
      elements: str
      sample: []
proven:
  description: The holders taken as having proven their new key (in check mode, every receiver).
  returned: when O(phase=retire)
  type: list
  elements: str
  sample: [laptop/default]
deliveries:
  description:
    - Per host and profile, the key to write; C(secret_access_key) only for a key this module made (a key
      handed over is marked C(handed_over), its secret stays where it was).
  returned: when O(phase=plan)
  type: dict
  sample: {laptop: {default: {iam_user: alice, access_key_id: AKIAIOSFODNN7EXAMPLE, arn: "arn:aws:iam::123456789012:user/alice"}}}
holders:
  description: How many holders the fleet has.
  returned: always
  type: int
  sample: 6
"""

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iam_client
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.runner import run_iam_module
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_inputs import FleetInputError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_inputs import check_workstations
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_inputs import missing_groups
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_run import apply_steps
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_run import existing_group_names
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_run import plan_results
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_run import read_and_plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_run import retire
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.fleet_run import write_account_admin_csvs
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import SNAPSHOT_OPTION
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.snapshot import checked_snapshot

ARGUMENT_SPEC = dict(
    phase=dict(type='str', choices=['check', 'plan', 'retire'], required=True),
    workstations=dict(type='list', elements='dict', default=[]),
    known_groups=dict(type='list', elements='str', default=[]),
    handed_over=dict(type='dict', default={}),
    rotate_max_age_days=dict(type='int', no_log=False),
    rotate_force=dict(type='bool', default=False, no_log=False),
    users=dict(type='list', elements='dict', default=[]),
    proven=dict(type='list', elements='str', default=[]),
    credentials_dir=dict(type='path'),
    account_snapshot=SNAPSHOT_OPTION,
)


def check(module, holders):
    known = {group.lower() for group in module.params['known_groups']}
    unknown = [group for holder in holders for group in holder['groups'] or [] if group.lower() not in known]
    existing = existing_group_names(iam_client(module)) if unknown else set()
    problems = missing_groups(holders, lambda group: group.lower() in known or group.lower() in existing)
    if problems:
        raise FleetInputError(problems)
    return dict(changed=False, holders=len(holders))


def plan(module, holders):
    if not holders:
        # Only profiles that hold no IAM user's key: nothing to read (and no AWS credentials needed).
        return dict(changed=False, users=[], deliveries={}, holders=0, diff={'before': {}, 'after': {}})
    snapshot = checked_snapshot(module.params['account_snapshot'])
    client = iam_client(module)
    rotation = {'max_age_days': module.params['rotate_max_age_days'], 'force': module.params['rotate_force']}
    # In check mode the groups this run would create do not exist yet.
    planned = {group.lower() for group in module.params['known_groups']} if module.check_mode else set()
    steps = read_and_plan(client, holders, module.params['handed_over'], rotation, module.warn, planned, details=snapshot.get('details'),
                          known_keys=snapshot.get('access_keys'))
    if not module.check_mode:
        apply_steps(client, steps)
        if module.params['credentials_dir']:
            write_account_admin_csvs(module, client, steps, module.params['credentials_dir'])
    users, deliveries, diff = plan_results(steps, module.check_mode)
    changed = any(step.plan.changed or step.decision.action in ('new_key', 'offboard') or step.decision.make_room for step in steps)
    return dict(changed=changed, users=users, deliveries=deliveries, holders=len(holders), diff=diff)


def run(module):
    if module.params['phase'] == 'retire':
        users, changed, proven = retire(lambda: iam_client(module), module.params['users'], set(module.params['proven']), module.check_mode)
        return dict(changed=changed, users=users, proven=proven, holders=sum(len(user.get('holders') or []) for user in users))
    try:
        holders, _profiles = check_workstations(module.params['workstations'])
        if module.params['phase'] == 'check':
            return check(module, holders)
        return plan(module, holders)
    except FleetInputError as error:
        raise IAMFailure(error.message) from error


def main():
    run_iam_module(ARGUMENT_SPEC, run)


if __name__ == '__main__':
    main()
