# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters that lay out an iam_bootstrap_info report as text tables, in the shape of the IAM console's lists."""

from __future__ import annotations

import textwrap

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import ENABLE_STEP


def text_table(headers, rows):
    """Lines of a left-aligned table with a rule under the header."""
    rows = [['' if cell is None else str(cell) for cell in row] for row in rows]
    widths = [max([len(header)] + [len(row[index]) for row in rows]) for index, header in enumerate(headers)]

    def line(cells):
        return '  '.join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    return [line(headers), line(['-' * width for width in widths])] + [line(row) for row in rows]


def _active_keys(user):
    return [key for key in user.get('access_keys') or [] if key.get('status') == 'Active']


def _key_age(user):
    ages = [key.get('age_days') for key in _active_keys(user) if key.get('age_days') is not None]
    return '%d days' % max(ages) if ages else 'None'


def console_users_table(users):
    """The console's Users list: user name, groups, password, access key age, MFA."""
    rows = []
    for user in users or []:
        rows.append([
            user.get('user_name'),
            ', '.join(user.get('groups') or []) or 'None',
            'Yes' if user.get('console_access') else 'No',
            '%s (%s)' % (len(_active_keys(user)), _key_age(user)) if _active_keys(user) else 'None',
            'Yes' if user.get('mfa_devices') else 'No',
        ])
    return text_table(['User name', 'Groups', 'Password', 'Active access keys (oldest)', 'MFA'], rows)


def console_groups_table(groups):
    """The console's Groups list: group name, users, permissions."""
    rows = []
    for group in groups or []:
        policies = [arn_name(arn) for arn in group.get('managed_policies') or []] + list(group.get('inline_policies') or [])
        rows.append([group.get('group_name'), len(group.get('members') or []), ', '.join(policies) or 'None'])
    return text_table(['Group name', 'Users', 'Permissions'], rows)


# The findings table fits an 80-120 column terminal as the default callback prints it (each line quoted
# and indented): no line is longer than LINE_WIDTH; the evidence goes on indented lines under its control.
LINE_WIDTH = 96
TITLE_WIDTH = 70
EVIDENCE_INDENT = ' ' * 6


def _short(text, width):
    text = text or ''
    return text if len(text) <= width else text[:width - 3] + '...'


def _plain(text):
    """One line of text without double quotes (which the callback would print escaped)."""
    return ' '.join(str(text or '').replace('"', "'").split())


def _wrapped(text, indent=EVIDENCE_INDENT):
    return textwrap.wrap(_plain(text), LINE_WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False) if text else []


def cis_findings_table(findings):
    """The CIS findings: id, status and control (title, shortened), the evidence wrapped on the lines
    under it; then the counts and the explained exceptions. No line is longer than LINE_WIDTH."""
    rows = []
    evidence = []
    notes = []
    for row in findings or []:
        status = (row.get('status') or '').upper()
        if row.get('exception'):
            status += ' (exception)'
            notes.extend(textwrap.wrap('%s exception: %s' % (row.get('id'), _plain(row['exception'])), LINE_WIDTH,
                                       subsequent_indent=EVIDENCE_INDENT, break_on_hyphens=False))
        rows.append([row.get('id'), status, _short(_plain(row.get('title')), TITLE_WIDTH)])
        evidence.append(_wrapped(row.get('evidence')))
    table = text_table(['CIS', 'Status', 'Control (evidence below)'], rows)
    lines = [_short(line, LINE_WIDTH) for line in table[:2]]
    for line, below in zip(table[2:], evidence):
        lines.append(_short(line, LINE_WIDTH))
        lines.extend(below)
    counts = {}
    for row in findings or []:
        counts[row.get('status')] = counts.get(row.get('status'), 0) + 1
    lines.append('%d pass, %d fail, %d manual' % (counts.get('pass', 0), counts.get('fail', 0), counts.get('manual', 0)))
    return lines + notes


def _names(values):
    return ', '.join(values or []) or 'None'


def _principal(assignment):
    kind = 'user' if assignment.get('principal_type') == 'USER' else 'group'
    return '%s %s' % (kind, assignment.get('principal_name'))


def identity_center_tables(info):
    """An iam_bootstrap_sso_info result as the IAM Identity Center console's lists: the instance and AWS access
    portal, then Users (with their groups), Groups (with their members), Permission sets (policies, session
    duration) and Assignments (principal -> permission set on account). When Identity Center is not enabled,
    says so and how to enable it."""
    info = info or {}
    if not info.get('enabled'):
        return textwrap.wrap('IAM Identity Center is not enabled in this account (no users, groups, permission sets or assignments '
                             'to show): %s. Then run this again (README: IAM Identity Center).' % ENABLE_STEP, LINE_WIDTH, break_on_hyphens=False)
    lines = ['IAM Identity Center %s (Identity Store %s, %s)' % (info.get('instance_arn'), info.get('identity_store_id'), info.get('region')),
             'AWS access portal: %s' % (info.get('start_url') or 'None'), '', 'Identity Center users']
    lines += text_table(['User name', 'Display name', 'Email', 'Groups'], [
        [user.get('user_name'), user.get('display_name') or '', user.get('email') or '', _names(user.get('groups'))]
        for user in info.get('users') or []])
    lines += ['', 'Identity Center groups'] + text_table(['Group name', 'Members', 'Description'], [
        [group.get('name'), _names(group.get('members')), group.get('description') or '']
        for group in info.get('groups') or []])
    lines += ['', 'Permission sets'] + text_table(['Permission set', 'Session', 'Policies', 'Description'], [
        [permission_set.get('name'), permission_set.get('session_duration') or '', _names(permission_set.get('managed_policies')),
         permission_set.get('description') or ''] for permission_set in info.get('permission_sets') or []])
    lines += ['', 'Account assignments'] + text_table(['Principal', 'Permission set', 'Account'], [
        [_principal(assignment), assignment.get('permission_set'), assignment.get('account_id')]
        for assignment in info.get('assignments') or []])
    return lines


class FilterModule:
    """Report layout filters."""

    def filters(self):
        return {
            'console_users_table': console_users_table,
            'console_groups_table': console_groups_table,
            'cis_findings_table': cis_findings_table,
            'identity_center_tables': identity_center_tables,
        }
