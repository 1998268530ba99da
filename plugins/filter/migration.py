# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""playbooks/migrate_to_identity_center.yml's decisions: the fleet's workstations as the migration plan takes them,
the plan itself (plugins/module_utils/iam/migration.py) and its table, phase 3's choice (migration_retire.py) and the
report printed at the end of every run (migration_report.py)."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.filter.fleet import fleet_workstations
from ansible_collections.awsbootstrap.iam.plugins.filter.iam_report import text_table
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import cutover_account
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import cutover_profiles
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration import migration_plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration_report import HEADERS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration_report import report_rows
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration_retire import retire_plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.migration_retire import retire_problems

PHASES = {0: '0 (IAM key)', 1: '1 (SSO beside key)'}


def migration_workstations(hosts, hostvars):
    """[{host, iam_user, profile, region, email, profiles}]: each key a workstation holds for a developer (the fleet's
    gathered workstations, a host never reached with what its inventory says and ``profiles`` None), with the host's
    ``workstation_email``."""
    found = []
    for gathered in fleet_workstations(hosts or [], hostvars):
        email = hostvars[gathered['host']].get('workstation_email') or ''
        for entry in gathered.get('entries') or []:
            if entry.get('kind') == 'holder' and entry.get('iam_user') and entry.get('state', 'present') == 'present':
                found.append({'host': gathered['host'], 'iam_user': entry['iam_user'], 'profile': entry.get('profile') or 'default',
                              'region': entry.get('region'), 'email': email, 'profiles': gathered.get('profiles')})
    return found


def migration_sso_profiles(plan, host):
    """The SSO profiles ``host`` gets in phase 1: {name, sso_role_name} for each developer whose key it holds."""
    wanted = []
    for developer in (plan or {}).get('developers') or []:
        if not developer.get('sso_role'):
            continue
        for workstation in developer['workstations']:
            if workstation['host'] == host:
                wanted.append({'name': workstation['sso_profile'], 'sso_role_name': developer['sso_role'], 'region': workstation['region'],
                               'iam_user': developer['iam_user']})
    return wanted


def migration_table(plan):
    """The plan as lines: IAM user -> Identity Store user, groups -> permission sets, workstation, flagged, phase."""
    rows = []
    for developer in (plan or {}).get('developers') or []:
        person = developer['identity_store_user']
        mapped = ['%s -> %s' % item for item in developer['group_permission_sets'].items()]
        rows.append([
            developer['iam_user'], '%s <%s>' % (person['user_name'], person['email']), ', '.join(mapped) or 'None',
            ', '.join('%s: %s + %s%s' % (item['host'], item['profile'], item['sso_profile'], '' if item['reached'] else ' (not reached)')
                      for item in developer['workstations']) or 'None',
            ', '.join(developer['flagged'] + ['user policy %s' % policy for policy in developer['user_policies']]) or '-',
            PHASES.get(developer['phase'], developer['phase']),
        ])
    lines = text_table(['IAM user', 'Identity Store user', 'IAM groups -> permission sets', 'Workstation: key profile + SSO profile',
                        'Flagged (no permission set)', 'Phase'], rows)
    for group in (plan or {}).get('flagged_groups') or []:
        lines.append('FLAGGED group %s (%s): policies %s have no permission-set mapping; map it with '
                     'migrate_identity_center_group_permission_sets or leave it on IAM'
                     % (group['group'], ', '.join(group['developers']), ', '.join(group['policies']) or 'none'))
    for user in (plan or {}).get('left_alone') or []:
        lines.append('left alone: IAM user %s (%s)' % (user['iam_user'], user['reason']))
    return lines


def migration_cutover_account(plan, hosts, hostvars, session, now=None):
    """cutover_account over the hosts' phase 2 facts: a host's 'ready' profiles count as switched only when the host
    proved them all through SSO (``migrate__proven``); a host that failed or was never reached has none."""
    cutovers = {}
    for host in hosts or []:
        values = hostvars[host]
        proven = bool(values.get('migrate__proven'))
        cutovers[host] = [dict(item, verified=proven and item['state'] == 'ready') for item in values.get('migrate__cutover') or []]
    return cutover_account(plan, cutovers, session, now)


def migration_cutover_report(cutover):
    """Phase 2's report as lines: who is on SSO now, who waits and what they must run."""
    lines = ['on IAM Identity Center: %s (%s): its profile signs in through SSO, IAM keys inactive, no console password'
             % (item['iam_user'], ', '.join(item['hosts'])) for item in (cutover or {}).get('done') or []]
    lines.extend('waiting: %s (%s): left as it was; on that workstation run `%s`, then run phase 2 again'
                 % (item['iam_user'], ', '.join(item['hosts']), item['command']) for item in (cutover or {}).get('waiting') or [])
    return lines or ['no developer to move']


def migration_retire_report(retire):
    """Phase 3's report as lines: who was retired, who is kept and why."""
    lines = ['retired: %s (IAM user, its inactive keys and group memberships deleted)' % name for name in (retire or {}).get('retired') or []]
    lines.extend('kept: %s: %s' % (item['iam_user'], item['reason']) for item in (retire or {}).get('kept') or [])
    return lines or ['no developer to retire']


def migration_report(plan, hosts, hostvars, cutover=None, retire=None):
    """The report table at the end of a run: the plan, the profiles each host read last (``migrate__final``, an
    aws_cli_profile_info result) and what phases 2 and 3 did in this run."""
    kinds = {}
    for host in hosts or []:
        final = hostvars[host].get('migrate__final') or {}
        read = isinstance(final.get('profiles'), list) and not final.get('failed')
        kinds[host] = {item['name']: item.get('kind') for item in final['profiles']} if read else None
    return ['Migration report'] + text_table(HEADERS, report_rows(plan, kinds, cutover, retire))


class FilterModule:
    """The migration from IAM user keys to IAM Identity Center."""

    def filters(self):
        return {
            'migration_plan': migration_plan,
            'migration_workstations': migration_workstations,
            'migration_sso_profiles': migration_sso_profiles,
            'migration_table': migration_table,
            'migration_cutover_profiles': cutover_profiles,
            'migration_cutover_account': migration_cutover_account,
            'migration_cutover_report': migration_cutover_report,
            'migration_retire': retire_plan,
            'migration_retire_problems': retire_problems,
            'migration_retire_report': migration_retire_report,
            'migration_report': migration_report,
        }
