# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The account_admin role in its IAM Identity Center mode, through the real ansible-playbook against moto's
sso-admin and identitystore (moto gives every account one instance), every call recorded by the proxy:

1. a first run makes the guide's groups, permission sets and assignments in Identity Center and the users given as
   members (read back with boto3), and no IAM user, group or access key; a re-run makes no write call;
2. ``--check`` on a fresh account makes no write call; ``--diff`` shows a change (a new member, a shorter session);
3. bad input is refused before any AWS call, naming the variable, the entry and the option;
4. the report shows Identity Center's users, groups, permission sets and assignments.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.integration.test_identity_center import ACCOUNT, POLICY, account_state, client
from tests.utils.ansible_runner import ROOT, run_playbook, run_playbook_json, task_results
from tests.utils.text_tables import table_rows

PLAYBOOK = os.path.join(ROOT, 'tests', 'integration', 'playbooks', 'account_admin_identity_center.yml')
ROLE_TASK = 'awsbootstrap.iam.account_admin : %s'
IC_TASKS = tuple(ROLE_TASK % ('Identity Center ' + name) for name in ('users and groups with their members', 'permission sets', 'account assignments'))
USERS = [
    {'user_name': 'alice', 'display_name': 'Alice Martin', 'given_name': 'Alice', 'family_name': 'Martin', 'email': 'alice@example.com',
     'groups': ['Administrators']},
    {'user_name': 'bob', 'display_name': 'Bob Kim', 'given_name': 'Bob', 'family_name': 'Kim', 'groups': ['PowerUsers']},
    {'user_name': 'carol', 'display_name': 'Carol Diaz', 'given_name': 'Carol', 'family_name': 'Diaz', 'email': 'carol@example.com',
     'groups': ['PowerUsers', 'Administrators']},
]
# The role's defaults: the guide's groups, permission sets (4 and 8 hour sessions) and the groups' assignments.
GUIDE_PERMISSION_SETS = {'Administrators': ('AdministratorAccess', 'PT4H'), 'PowerUsers': ('PowerUserAccess', 'PT8H')}
IC_READS = {'ListInstances', 'ListUsers', 'ListGroups', 'ListGroupMemberships', 'ListPermissionSets', 'DescribePermissionSet',
            'ListManagedPoliciesInPermissionSet', 'ListAccountAssignments', 'ListGroupMembershipsForMember'}
IAM_IDENTITY_WRITES = {'CreateUser', 'CreateGroup', 'AddUserToGroup', 'CreateAccessKey', 'CreateLoginProfile', 'AttachGroupPolicy', 'PutGroupPolicy'}


def expected_state(users):
    """What the account's Identity Center holds after the role with ``users`` (derived from the inputs)."""
    return {
        'users': {user['user_name']: (user['display_name'], user['given_name'], user['family_name'], user.get('email')) for user in users},
        'groups': {group: sorted(user['user_name'] for user in users if group in user['groups']) for group in GUIDE_PERMISSION_SETS},
        'permission_sets': {name: (duration, [POLICY % name]) for name, duration in GUIDE_PERMISSION_SETS.values()},
        'assignments': sorted((ACCOUNT, name, 'GROUP', group) for group, (name, _duration) in GUIDE_PERMISSION_SETS.items()),
    }


def extra_vars(tmp_path, variables):
    path = tmp_path / ('vars-%d.json' % len(list(tmp_path.glob('vars-*.json'))))
    path.write_text(json.dumps(variables))
    return ['-e', '@%s' % path]


def run_role(proxy, home, tmp_path, users=None, args=(), report=False, check=True, **variables):
    variables = dict(variables, account_admin_identity_center_users=USERS if users is None else users, account_admin_report=report)
    report_json, proc = run_playbook_json(PLAYBOOK, home, proxy.env, args=extra_vars(tmp_path, variables) + list(args), check=check)
    return task_results(report_json), proc


def iam_identity_writes(proxy):
    return [call.action for call in proxy.write_calls() if call.service == 'iam' and call.action in IAM_IDENTITY_WRITES]


def iam_identities(sandbox):
    iam = client(sandbox, 'iam')
    users = [user['UserName'] for user in iam.list_users()['Users']]
    return users, [group['GroupName'] for group in iam.list_groups()['Groups']], [key for user in users
                                                                                  for key in iam.list_access_keys(UserName=user)['AccessKeyMetadata']]


def test_first_run_makes_identity_center_and_no_iam_user_and_a_rerun_writes_nothing(aws_proxy, sandbox, home, tmp_path):
    results, _proc = run_role(aws_proxy, home, tmp_path)
    assert all(results[task]['changed'] for task in IC_TASKS)
    assert account_state(sandbox) == expected_state(USERS)
    assert iam_identity_writes(aws_proxy) == [] and iam_identities(sandbox) == ([], [], [])
    assert not (home / '.aws-bootstrap').exists()
    ic_writes = sorted(call.action for call in aws_proxy.write_calls() if call.service in ('sso', 'identitystore'))
    # 3 users, 2 groups, 4 memberships, 2 permission sets with a policy each, 2 assignments.
    assert ic_writes == sorted(['CreateUser'] * 3 + ['CreateGroup'] * 2 + ['CreateGroupMembership'] * 4 + ['CreatePermissionSet'] * 2
                               + ['AttachManagedPolicyToPermissionSet'] * 2 + ['CreateAccountAssignment'] * 2)

    aws_proxy.clear()
    results, _proc = run_role(aws_proxy, home, tmp_path)
    assert not any(result.get('changed') for result in results.values())
    assert aws_proxy.write_calls() == []
    assert account_state(sandbox) == expected_state(USERS)

    change_with_diff(aws_proxy, sandbox, home, tmp_path)


def change_with_diff(aws_proxy, sandbox, home, tmp_path):
    """--diff shows a new user joining PowerUsers and PowerUserAccess's shorter session; only those are written."""
    dave = {'user_name': 'dave', 'display_name': 'Dave Lee', 'given_name': 'Dave', 'family_name': 'Lee', 'groups': ['PowerUsers']}
    permission_sets = [{'name': 'AdministratorAccess', 'session_duration': 'PT4H', 'managed_policies': ['AdministratorAccess']},
                       {'name': 'PowerUserAccess', 'session_duration': 'PT2H', 'managed_policies': ['PowerUserAccess']}]
    aws_proxy.clear()
    proc = run_playbook(PLAYBOOK, home, aws_proxy.env, args=extra_vars(tmp_path, {
        'account_admin_identity_center_users': USERS + [dave], 'account_admin_report': False,
        'account_admin_identity_center_permission_sets': permission_sets}) + ['--diff'])
    assert '+            "user_name": "dave"' in proc.stdout and '+                "dave"' in proc.stdout
    assert '-            "session_duration": "PT8H"\n' in proc.stdout and '+            "session_duration": "PT2H"\n' in proc.stdout
    assert sorted(call.action for call in aws_proxy.write_calls()) == ['CreateGroupMembership', 'CreateUser', 'UpdatePermissionSet']
    state = account_state(sandbox)
    assert state['groups']['PowerUsers'] == ['bob', 'carol', 'dave'] and state['permission_sets']['PowerUserAccess'][0] == 'PT2H'


def test_check_mode_on_a_fresh_account_writes_nothing(aws_proxy, sandbox, home, tmp_path):
    results, _proc = run_role(aws_proxy, home, tmp_path, args=['--check'])
    assert aws_proxy.write_calls() == []
    assert all(results[task]['changed'] for task in IC_TASKS)
    assert account_state(sandbox) == {'users': {}, 'groups': {}, 'permission_sets': {}, 'assignments': []}
    assert iam_identities(sandbox) == ([], [], [])


PREFIX = 'account_admin_identity_center_'
ALICE = USERS[0]
BAD_INPUTS = [
    # (id, variables, what the message names, a piece of the rule)
    ('email', {'users': [dict(ALICE, email='alice@')]}, PREFIX + 'users[alice].email:', 'NAME@DOMAIN'),
    # An unknown key or a wrong type: the role's argument spec refuses it before the first task.
    ('unknown-key', {'users': [dict(ALICE, group='Administrators')]}, PREFIX + 'users.group', 'Supported parameters include'),
    ('unknown-group', {'users': [dict(ALICE, groups=['Admins'])]}, PREFIX + "users[alice].groups: no group 'Admins'", PREFIX + 'groups'),
    ('reserved-user', {'users': [dict(ALICE, user_name='Administrator')]}, PREFIX + 'users[Administrator].user_name:', 'reserves'),
    ('user-twice', {'users': [ALICE, dict(ALICE, user_name='ALICE')]}, PREFIX + 'users[ALICE]: given twice', 'the first is'),
    ('group-padded', {'groups': [{'name': 'Administrators '}]}, PREFIX + 'groups[0].name:', 'begin or end'),
    ('session', {'permission_sets': [{'name': 'AdministratorAccess', 'session_duration': 'PT24H'}]},
     PREFIX + 'permission_sets[AdministratorAccess].session_duration:', 'between 1 and 12'),
    ('policy-name', {'permission_sets': [{'name': 'AdministratorAccess', 'managed_policies': ['Administrator Access']}]},
     PREFIX + 'permission_sets[AdministratorAccess].managed_policies:', 'neither'),
    ('account', {'assignments': [{'permission_set': 'AdministratorAccess', 'principal_name': 'Administrators', 'account_id': '1234'}]},
     PREFIX + 'assignments[Administrators/AdministratorAccess].account_id:', '12 digits'),
    ('removed-group', {'groups': [{'name': 'Administrators', 'state': 'absent'}, {'name': 'PowerUsers'}]},
     PREFIX + "users[alice].groups: the group 'Administrators' is removed", 'state=absent'),
    ('instance', {'instance_arn': 'arn:aws:sso:::instance/x'}, PREFIX + 'instance_arn:', 'not an IAM Identity Center instance ARN'),
]


@pytest.mark.parametrize('case, variables, named, rule', BAD_INPUTS, ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_is_refused_before_any_call_naming_entry_and_option(case, variables, named, rule, aws_proxy, home, tmp_path):
    overrides = {PREFIX + name: value for name, value in variables.items() if name != 'users'}
    _results, proc = run_role(aws_proxy, home, tmp_path, users=variables.get('users'), check=False, **overrides)
    assert proc.returncode != 0
    assert named in proc.stdout and rule in proc.stdout, (case, proc.stdout[-3000:])
    assert aws_proxy.calls == []


def test_the_report_shows_identity_center_beside_iam_and_a_rerun_writes_nothing(aws_proxy, sandbox, home, tmp_path):
    results, _proc = run_role(aws_proxy, home, tmp_path, report=True)
    lines = results[ROLE_TASK % "Show IAM Identity Center's users, groups, permission sets and assignments"]['msg']
    instance = client(sandbox, 'sso-admin').list_instances()['Instances'][0]
    assert instance['InstanceArn'] in lines[0] and instance['IdentityStoreId'] in lines[0]
    assert lines[1] == 'AWS access portal: https://%s.awsapps.com/start' % instance['IdentityStoreId']
    by_name = sorted(USERS, key=lambda user: user['user_name'])
    assert table_rows(lines, 'Identity Center users') == [
        [user['user_name'], user['display_name']] + ([user['email']] if user.get('email') else []) + [', '.join(sorted(user['groups']))]
        for user in by_name]
    expected = expected_state(USERS)
    assert [row[:2] for row in table_rows(lines, 'Identity Center groups')] == [
        [group, ', '.join(members)] for group, members in sorted(expected['groups'].items())]
    assert [row[:3] for row in table_rows(lines, 'Permission sets')] == [
        [name, duration, name] for name, duration in sorted(GUIDE_PERMISSION_SETS.values())]
    assert table_rows(lines, 'Account assignments') == [
        ['group ' + group, name, ACCOUNT] for (_account, name, _kind, group) in expected['assignments']]
    # Beside IAM's report, which lists no IAM user.
    iam_lines = results[ROLE_TASK % "Show the sign-in URL and the console's Users and Groups lists"]['msg']
    assert iam_lines[iam_lines.index('Users') + 3] == '' and 'Groups' in iam_lines

    aws_proxy.clear()
    results, _proc = run_role(aws_proxy, home, tmp_path, report=True)
    assert aws_proxy.write_calls() == []
    assert results[ROLE_TASK % "Show IAM Identity Center's users, groups, permission sets and assignments"]['msg'] == lines
    rerun = aws_proxy.counts()
    # The report reads the instance the set-up tasks found: one ListInstances in the whole run.
    assert rerun['ListInstances'] == 1, rerun
    # Nor does it read again what the set-up tasks read and left unchanged (their snapshot's read): every Identity Center
    # read of the re-run is the set-up's, once each - the users, the groups and the members of the guide's two, the
    # permission sets with the policies of the guide's two, their assignments on this account (23 calls before).
    ic_reads = {action: count for action, count in rerun.items() if action in IC_READS}
    assert ic_reads == {'ListInstances': 1, 'ListUsers': 1, 'ListGroups': 1, 'ListGroupMemberships': len(GUIDE_PERMISSION_SETS),
                        'ListPermissionSets': 1, 'DescribePermissionSet': len(GUIDE_PERMISSION_SETS),
                        'ListManagedPoliciesInPermissionSet': len(GUIDE_PERMISSION_SETS), 'ListAccountAssignments': len(GUIDE_PERMISSION_SETS)}
    assert sum(ic_reads.values()) == 12, rerun


def test_the_playbook_checks_its_inputs_as_the_role_does(aws_proxy, home, tmp_path):
    """playbooks/identity_center.yml runs the role's checks first: a bad item is refused before any call, and a
    misspelt variable is named with the closest known one."""
    variables = {PREFIX + 'users': [dict(ALICE, groups=['Admins'])], PREFIX + 'user': []}
    proc = run_playbook(os.path.join(ROOT, 'playbooks', 'identity_center.yml'), home, aws_proxy.env, args=extra_vars(tmp_path, variables),
                        check=False)
    assert proc.returncode != 0
    assert PREFIX + "users[alice].groups: no group 'Admins' in %sgroups" % PREFIX in proc.stdout, proc.stdout[-3000:]
    assert 'did you mean %susers?' % PREFIX in proc.stdout + proc.stderr
    assert aws_proxy.calls == []
