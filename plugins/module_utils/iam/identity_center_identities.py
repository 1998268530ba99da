# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM Identity Center users and groups (the Identity Store): desired state from options, the current
state (ListUsers, ListGroups, the memberships of the groups given), the plan (pure) and its result."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identities import entry_errors
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center import Ref
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_email
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_entries_unique
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_group_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_identity_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.identity_center_checks import check_text

USER_OPTIONS = dict(
    user_name=dict(type='str', required=True),
    display_name=dict(type='str'),
    given_name=dict(type='str'),
    family_name=dict(type='str'),
    email=dict(type='str'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)
GROUP_OPTIONS = dict(
    name=dict(type='str', required=True),
    description=dict(type='str'),
    members=dict(type='list', elements='str'),
    purge_members=dict(type='bool', default=False),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)
# The user attributes this module manages: option -> the attribute path UpdateUser takes.
USER_ATTRIBUTES = (('display_name', 'displayName'), ('given_name', 'name.givenName'), ('family_name', 'name.familyName'),
                   ('email', 'emails'))


def _label(option, index, entry, key, check):
    name = entry.get(key) if isinstance(entry, dict) else None
    try:
        check(name)
        return '%s[%s]' % (option, name)
    except OptionError:
        return '%s[%d]' % (option, index)


def desired_user(entry):
    desired = {
        'user_name': check_identity_name('user_name', entry.get('user_name'), 'user'),
        'state': entry.get('state') or 'present',
    }
    for option, what in (('display_name', 'a display name'), ('given_name', 'a given name'), ('family_name', 'a family name')):
        desired[option] = check_text(option, entry.get(option), what)
    desired['email'] = check_email('email', entry.get('email'))
    return desired


def desired_group(entry):
    desired = {
        'name': check_group_name('name', entry.get('name')),
        'description': check_text('description', entry.get('description'), 'a group description'),
        'members': None,
        'purge_members': bool(entry.get('purge_members')),
        'state': entry.get('state') or 'present',
    }
    if entry.get('members') is not None:
        members = []
        for member in entry['members']:
            check_identity_name('members', member, 'user')
            if member.lower() in [known.lower() for known in members]:
                raise OptionError('members', 'the user %r is listed twice' % member)
            members.append(member)
        desired['members'] = members
    return desired


def desired_identities(params):
    """(users, groups), each entry checked and labelled (``users[alice]``, ``groups[Developers]``), then
    checked across entries. No I/O."""
    users, groups = [], []
    for index, entry in enumerate(params.get('users') or []):
        label = _label('users', index, entry, 'user_name', lambda name: check_identity_name('user_name', name, 'user'))
        with entry_errors(label):
            users.append(dict(desired_user(entry), label=label))
    for index, entry in enumerate(params.get('groups') or []):
        label = _label('groups', index, entry, 'name', lambda name: check_group_name('name', name))
        with entry_errors(label):
            groups.append(dict(desired_group(entry), label=label))
    check_entries_unique('users', users, 'user_name', lambda entry: entry['label'] + '.user_name')
    check_entries_unique('groups', groups, 'name', lambda entry: entry['label'] + '.name')
    removed = {user['user_name'].lower() for user in users if user['state'] == 'absent'}
    for group in groups:
        for member in group['members'] or []:
            if group['state'] == 'present' and member.lower() in removed:
                raise OptionError(group['label'] + '.members', 'the user %r is removed by this task (users[%s] has state=absent)' % (member, member))
    return users, groups


def check_new_users(users, current):
    """A user to create needs display_name, given_name and family_name (the Identity Store requires them)."""
    for user in users:
        if user['state'] == 'present' and known(current['users'], user['user_name']) is None:
            for option in ('display_name', 'given_name', 'family_name'):
                if user[option] is None:
                    raise OptionError('%s.%s' % (user['label'], option),
                                      'required to create the user %r (the Identity Store needs display, given and family names)' % user['user_name'])


def check_members(groups, users, current, check_mode=False):
    """Every member exists or is created by this task; before any write. In check mode a missing user is
    a warning (an earlier task may create it); the warnings are returned."""
    made = {user['user_name'].lower() for user in users if user['state'] == 'present'}
    warnings = []
    for group in groups:
        if group['state'] != 'present':
            continue
        for member in group['members'] or []:
            if member.lower() not in made and known(current['users'], member) is None:
                message = 'no Identity Store user %r exists, and users does not create it' % member
                if not check_mode:
                    raise OptionError(group['label'] + '.members', message)
                warnings.append('%s.members: %s (check mode: an earlier task may create it)' % (group['label'], message))
    return warnings


def known(entries, name):
    return entries.get(name.lower())


def user_state(user):
    """ListUsers' entry in this module's terms."""
    name = user.get('Name') or {}
    emails = user.get('Emails') or []
    primary = next((email for email in emails if email.get('Primary')), emails[0] if emails else {})
    return {'user_name': user['UserName'], 'user_id': user['UserId'], 'display_name': user.get('DisplayName'),
            'given_name': name.get('GivenName'), 'family_name': name.get('FamilyName'), 'email': primary.get('Value')}


def read_users(client, store_id):
    """Every user of the identity store (ListUsers: one call per 100)."""
    return [user_state(user) for user in read_pages(client, 'ListUsers', 'Users', IdentityStoreId=store_id) or []]


def group_state(group):
    """ListGroups' entry in this module's terms (``members`` not read yet)."""
    return {'name': group['DisplayName'], 'group_id': group['GroupId'], 'description': group.get('Description'), 'members': None}


def read_groups(client, store_id):
    """Every group of the identity store (ListGroups: one call per 100), members not read."""
    return [group_state(group) for group in read_pages(client, 'ListGroups', 'Groups', IdentityStoreId=store_id) or []]


def read_members(client, store_id, group_id):
    """{user id: membership id} of one group (ListGroupMemberships)."""
    memberships = read_pages(client, 'ListGroupMemberships', 'GroupMemberships', IdentityStoreId=store_id, GroupId=group_id) or []
    return {item['MemberId'].get('UserId'): item['MembershipId'] for item in memberships if item.get('MemberId')}


def read_identities(client, store_id, groups, users=()):
    """{'users': {lower name: state}, 'groups': {lower name: state}}: every user and group (ListUsers,
    ListGroups: one call per 100), and the members of the groups given (ListGroupMemberships each) and
    the memberships of the users being removed (ListGroupMembershipsForMember each)."""
    all_users = read_users(client, store_id)
    names = {user['user_id']: user['user_name'] for user in all_users}
    current = {'users': {user['user_name'].lower(): user for user in all_users},
               'groups': {group['name'].lower(): group for group in read_groups(client, store_id)}}
    group_names = {group['group_id']: group['name'] for group in current['groups'].values()}
    for desired in groups:
        group = known(current['groups'], desired['name'])
        if group is not None:
            members = read_members(client, store_id, group['group_id'])
            group['members'] = {names.get(user_id, user_id): membership for user_id, membership in members.items()}
            group['member_ids'] = list(members)
    for desired in users:
        user = known(current['users'], desired['user_name'])
        if desired['state'] == 'absent' and user is not None:
            memberships = read_pages(client, 'ListGroupMembershipsForMember', 'GroupMemberships', IdentityStoreId=store_id,
                                     MemberId={'UserId': user['user_id']}) or []
            user['memberships'] = {group_names.get(m['GroupId'], m['GroupId']): m['MembershipId'] for m in memberships}
    return current


def identities_read(current):
    """What ``read_identities`` read, as the snapshot's ``read`` holds it: every user, every group (its ``member_ids``
    when its members were read)."""
    users = [{key: value for key, value in user.items() if key != 'memberships'} for user in current['users'].values()]
    groups = [{key: group[key] for key in ('name', 'group_id', 'description', 'member_ids') if key in group} for group in current['groups'].values()]
    return {'users': users, 'groups': groups}


def user_view(state):
    if not state:
        return {}
    return {key: state.get(key) for key in ('user_name', 'display_name', 'given_name', 'family_name', 'email')}


def group_view(state):
    if not state:
        return {}
    return {'name': state['name'], 'description': state.get('description'), 'members': sorted(state.get('members') or [], key=str.lower)}


def plan_user(store_id, current, desired):
    """(Identity Store id, current user or None, desired user) -> Plan. No I/O."""
    name = desired['user_name']
    if desired['state'] == 'absent':
        if current is None:
            return Plan()
        actions = [Action('DeleteGroupMembership', IdentityStoreId=store_id, MembershipId=membership)
                   for _group, membership in sorted((current.get('memberships') or {}).items())]
        actions.append(Action('DeleteUser', IdentityStoreId=store_id, UserId=current['user_id']))
        return Plan(actions, before=user_view(current), after={})
    if current is None:
        params = dict(IdentityStoreId=store_id, UserName=name, DisplayName=desired['display_name'],
                      Name={'GivenName': desired['given_name'], 'FamilyName': desired['family_name']})
        if desired['email']:
            params['Emails'] = [{'Value': desired['email'], 'Type': 'work', 'Primary': True}]
        return Plan([Action('CreateUser', **params)], before={}, after=user_view(desired))
    operations = []
    after = dict(current)
    for option, path in USER_ATTRIBUTES:
        if desired[option] is not None and desired[option] != current.get(option):
            value = [{'Value': desired[option], 'Type': 'work', 'Primary': True}] if option == 'email' else desired[option]
            operations.append({'AttributePath': path, 'AttributeValue': value})
            after[option] = desired[option]
    if not operations:
        return Plan(before=user_view(current), after=user_view(current))
    return Plan([Action('UpdateUser', IdentityStoreId=store_id, UserId=current['user_id'], Operations=operations)],
                before=user_view(current), after=user_view(after))


def plan_group(store_id, current, desired, user_ids):
    """(Identity Store id, current group or None, desired group, {lower user name: id or Ref}) -> Plan. No I/O."""
    name = desired['name']
    if desired['state'] == 'absent':
        if current is None:
            return Plan()
        actions = [Action('DeleteGroupMembership', IdentityStoreId=store_id, MembershipId=membership)
                   for _user, membership in sorted((current.get('members') or {}).items())]
        actions.append(Action('DeleteGroup', IdentityStoreId=store_id, GroupId=current['group_id']))
        return Plan(actions, before=group_view(current), after={})
    actions = []
    if current is None:
        params = dict(IdentityStoreId=store_id, DisplayName=name)
        if desired['description']:
            params['Description'] = desired['description']
        actions.append(Action('CreateGroup', **params))
        group_id, members = Ref('group', name), {}
        after = {'name': name, 'description': desired['description'], 'members': {}}
    else:
        group_id, members = current['group_id'], dict(current.get('members') or {})
        after = dict(current, members=dict(members))
        if desired['description'] is not None and desired['description'] != current.get('description'):
            actions.append(Action('UpdateGroup', IdentityStoreId=store_id, GroupId=group_id,
                                  Operations=[{'AttributePath': 'description', 'AttributeValue': desired['description']}]))
            after['description'] = desired['description']
    if desired['members'] is not None:
        present = {member.lower(): member for member in members}
        for member in desired['members']:
            if member.lower() not in present:
                actions.append(Action('CreateGroupMembership', IdentityStoreId=store_id, GroupId=group_id,
                                      MemberId={'UserId': user_ids.get(member.lower(), Ref('user', member))}))
                after['members'][member] = None
        if desired['purge_members']:
            wanted = {member.lower() for member in desired['members']}
            for member in sorted(members, key=str.lower):
                if member.lower() not in wanted:
                    actions.append(Action('DeleteGroupMembership', IdentityStoreId=store_id, MembershipId=members[member]))
                    del after['members'][member]
    return Plan(actions, before=group_view(current), after=group_view(after))


def plan_identities(store_id, current, users, groups):
    """Every entry's plan, in the order they are applied: users created or updated, groups (with their
    members), groups removed, users removed. [(option, index, Plan)]. No I/O."""
    user_ids = {name: user['user_id'] for name, user in current['users'].items()}
    for user in users:
        if user['state'] == 'present' and user['user_name'].lower() not in user_ids:
            user_ids[user['user_name'].lower()] = Ref('user', user['user_name'])
    plans = {'users': [plan_user(store_id, known(current['users'], u['user_name']), u) for u in users],
             'groups': [plan_group(store_id, known(current['groups'], g['name']), g, user_ids) for g in groups]}
    order = [('users', i) for i, u in enumerate(users) if u['state'] == 'present']
    order += [('groups', i) for i, g in enumerate(groups) if g['state'] == 'present']
    order += [('groups', i) for i, g in enumerate(groups) if g['state'] == 'absent']
    order += [('users', i) for i, u in enumerate(users) if u['state'] == 'absent']
    planned = [(option, index, plans[option][index]) for option, index in order]
    # A membership is deleted once: by the group (removed, or purging it) or else by its user's removal.
    deleted = set()
    for _option, _index, plan in planned:
        kept = []
        for action in plan.actions:
            if action.operation == 'DeleteGroupMembership':
                if action.params['MembershipId'] in deleted:
                    continue
                deleted.add(action.params['MembershipId'])
            kept.append(action)
        plan.actions = kept
    return planned


def lookup_id(client, store_id):
    """For a create that a retried request had already made: the id of a user or group by its name."""
    def lookup(kind, name):
        if kind == 'user':
            users = read_pages(client, 'ListUsers', 'Users', IdentityStoreId=store_id,
                               Filters=[{'AttributePath': 'UserName', 'AttributeValue': name}]) or []
            return next((user['UserId'] for user in users if user['UserName'] == name), None)
        groups = read_pages(client, 'ListGroups', 'Groups', IdentityStoreId=store_id,
                            Filters=[{'AttributePath': 'DisplayName', 'AttributeValue': name}]) or []
        return next((group['GroupId'] for group in groups if group['DisplayName'] == name), None)
    return lookup


def apply_identities(executor, planned, check_mode, entries):
    """Apply the plans in order (not in check mode); the per-entry results and the combined diff."""
    results = {'users': [None] * len(entries['users']), 'groups': [None] * len(entries['groups'])}
    diff = {'before': {'users': {}, 'groups': {}}, 'after': {'users': {}, 'groups': {}}}
    for option, index, plan in planned:
        desired = entries[option][index]
        if plan.changed and not check_mode:
            with entry_errors(desired['label']):
                executor.run_all(plan.actions)
        key = desired['user_name'] if option == 'users' else desired['name']
        if plan.changed:
            diff['before'][option][key] = plan.before
            diff['after'][option][key] = plan.after
        results[option][index] = entry_result(option, desired, plan, executor.ids)
    return results, diff


def entry_result(option, desired, plan, ids):
    """One entry's result: its state after the run (as it would be, in check mode), ``changed`` and ``state``."""
    result = dict(plan.after or {}, changed=plan.changed, state=desired['state'])
    if option == 'users':
        result.setdefault('user_name', desired['user_name'])
        if desired['state'] == 'present':
            result['user_id'] = ids.get(('user', desired['user_name']))
    else:
        result.setdefault('name', desired['name'])
        if desired['state'] == 'present':
            result['group_id'] = ids.get(('group', desired['name']))
    return result


def known_ids(current, users, groups):
    """The ids of the entries that exist, under the names the entries give (what results report)."""
    ids = {}
    for user in users:
        found = known(current['users'], user['user_name'])
        if found is not None:
            ids[('user', user['user_name'])] = found['user_id']
    for group in groups:
        found = known(current['groups'], group['name'])
        if found is not None:
            ids[('group', group['name'])] = found['group_id']
    return ids


def identity_ids(current, results, option):
    """{name: id or None (removed, or not created in check mode)} of every user or group read, after the entries' results."""
    key, id_key, name_key = ('users', 'user_id', 'user_name') if option == 'users' else ('groups', 'group_id', 'name')
    ids = {state[name_key]: state[id_key] for state in current[key].values()}
    for entry in results[option]:
        ids[entry[name_key]] = entry.get(id_key) if entry['state'] == 'present' else None
    return ids
