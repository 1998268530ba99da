# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM users (state present): desired state from options, the current state, the plan (pure)."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Action
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Attempts
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import Executor
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import LoginProfileRace
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.plan import Plan
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import arn_parts
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import error_code
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import is_missing
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import iso
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read_pages
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import retried
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import within_attempts
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import diff_view
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import holds_no_key
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import key_views
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user_keys import plan_access_keys
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.credentials_csv import check_csv_target
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_access_key_id
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_name
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_password_shape
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_path
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import check_tags

PASSWORD_CHANGE = '(password set)'


# The module options (also the suboptions of one entry of iam_bootstrap_identities).
USER_OPTIONS = dict(
    name=dict(type='str', required=True),
    path=dict(type='str'),
    tags=dict(type='dict'),
    purge_tags=dict(type='bool', default=True),
    groups=dict(type='list', elements='str'),
    purge_groups=dict(type='bool', default=False),
    console_access=dict(type='bool'),
    password=dict(type='str', no_log=True),
    password_reset_required=dict(type='bool', default=True, no_log=False),
    update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
    access_key_state=dict(type='str', choices=['present', 'absent', 'inactive'], no_log=False),
    access_key_in_use=dict(type='str', no_log=False),
    access_key_max_age_days=dict(type='int', no_log=False),
    retire_other_access_keys=dict(type='bool', default=False, no_log=False),
    credentials_csv=dict(type='path'),
    state=dict(type='str', choices=['present', 'absent'], default='present'),
)


def desired_user(params):
    """The module's options, checked and cross-checked, as the desired state (no API call)."""
    state = params.get('state') or 'present'
    desired = {
        'name': check_name('name', params['name'], 'user'),
        'state': state,
        'path': check_path('path', params.get('path')),
        'tags': check_tags('tags', params.get('tags')),
        'purge_tags': params.get('purge_tags', True) is not False,
        'groups': None,
        'purge_groups': bool(params.get('purge_groups')),
        'console_access': params.get('console_access'),
        'password': check_password_shape('password', params.get('password')),
        'password_reset_required': params.get('password_reset_required', True) is not False,
        'update_password': params.get('update_password') or 'on_create',
        'access_key': params.get('access_key_state'),
        'in_use': _key_in_use(params.get('access_key_in_use')),
        'max_age_days': params.get('access_key_max_age_days'),
        'retire': bool(params.get('retire_other_access_keys')),
        'credentials_csv': params.get('credentials_csv'),
    }
    if params.get('groups') is not None:
        desired['groups'] = []
        for group in params['groups']:
            check_name('groups', group, 'group')
            if group not in desired['groups']:
                desired['groups'].append(group)
    if state == 'present':
        _check_combinations(desired)
    if desired['credentials_csv']:
        check_csv_target('credentials_csv', desired['credentials_csv'], desired['name'])
    return desired


def _key_in_use(value):
    """access_key_in_use: a key id, or NO_KEY (the holder has none: a new key is made)."""
    return value if holds_no_key(value) else check_access_key_id('access_key_in_use', value)


def _check_combinations(desired):
    if desired['password'] is not None and desired['console_access'] is not True:
        raise OptionError('password', 'is only used with console_access=true')
    if desired['update_password'] == 'always' and desired['password'] is None:
        raise OptionError('update_password', 'always needs password: a generated password would change on every run')
    if desired['access_key'] != 'present':
        for option, key in (('access_key_in_use', 'in_use'), ('access_key_max_age_days', 'max_age_days'), ('retire_other_access_keys', 'retire')):
            if desired[key] or (key == 'in_use' and holds_no_key(desired[key])):
                raise OptionError(option, 'is only used with access_key_state=present')
    if desired['max_age_days'] is not None and desired['max_age_days'] < 1:
        raise OptionError('access_key_max_age_days', 'must be at least 1 (got %d)' % desired['max_age_days'])
    if desired['retire'] and (desired['in_use'] is None or holds_no_key(desired['in_use'])):  # retiring every key would leave the holder none
        raise OptionError('retire_other_access_keys', 'needs access_key_in_use, so that the key its holder has is never the one deleted')
    if desired['credentials_csv'] and not (desired['console_access'] or desired['access_key'] == 'present'):
        raise OptionError('credentials_csv', 'needs console_access=true or access_key_state=present: nothing else is written to it')


NOT_READ = object()


def user_from_details(detail):
    """A user's identity (GetUser's or GetAccountAuthorizationDetails's entry) in this module's terms."""
    return {
        'user_name': detail['UserName'], 'user_id': detail['UserId'], 'arn': detail['Arn'], 'path': detail['Path'],
        'create_date': iso(detail.get('CreateDate')), 'tags': boto3_tag_list_to_ansible_dict(detail.get('Tags') or []),
    }


def read_user(client, desired, details=NOT_READ):
    """The current user or None: GetUser (with tags), then only the reads the options need.

    ``details``: the user's GetAccountAuthorizationDetails entry (None: there is no such user) when a
    batch has read it already; its identity and groups then cost no call.
    """
    if details is NOT_READ:
        response = read(client, 'GetUser', UserName=desired['name'])
        details = response['User'] if response else None
        groups = None
    else:
        groups = sorted((details or {}).get('GroupList') or [])
    if details is None:
        return None
    current = user_from_details(details)
    if desired['groups'] is not None:
        if groups is None:
            groups = sorted(group['GroupName'] for group in read_pages(client, 'ListGroupsForUser', 'Groups', UserName=desired['name']) or [])
        current['groups'] = groups
    if desired['console_access'] is not None:
        profile = read(client, 'GetLoginProfile', UserName=desired['name'])
        current['login_profile'] = None if profile is None else {
            'password_reset_required': profile['LoginProfile'].get('PasswordResetRequired', False)}
    if desired['access_key'] is not None:
        keys = read_pages(client, 'ListAccessKeys', 'AccessKeyMetadata', UserName=desired['name']) or []
        current['access_keys'] = [{'access_key_id': key['AccessKeyId'], 'status': key['Status'], 'create_date': key.get('CreateDate')}
                                  for key in keys]
    return current


def password_needed(current, desired):
    """True when this run sets a password, so one must be checked against the policy or generated."""
    if desired['console_access'] is not True:
        return False
    has_profile = bool(current and current.get('login_profile'))
    return not has_profile or desired['update_password'] == 'always'


def read_last_used(client, key_ids):
    """{key id: last used datetime or None} with one GetAccessKeyLastUsed per key."""
    found = {}
    for key_id in key_ids:
        response = read(client, 'GetAccessKeyLastUsed', AccessKeyId=key_id) or {}
        found[key_id] = (response.get('AccessKeyLastUsed') or {}).get('LastUsedDate')
    return found


def plan_user(current, desired, password=None, last_used=None, now=None):
    """(current user or None, desired, the password to set if any) -> (Plan, KeyPlan). No I/O.

    ``password`` is given exactly when ``password_needed``; it goes into the actions only, never the views.
    """
    name = desired['name']
    actions = []
    before = user_view(current, desired)
    after = dict(before) if current else {'user_name': name}
    state = dict(current or {})

    if current is None:
        params = {'UserName': name, 'Path': desired['path'] or '/'}
        if desired['tags']:
            params['Tags'] = ansible_dict_to_boto3_tag_list(desired['tags'])
        actions.append(Action('CreateUser', **params))
        state.update(path=desired['path'] or '/', tags=dict(desired['tags'] or {}), groups=[], login_profile=None, access_keys=[])
        after.update(path=state['path'], tags=state['tags'])
    else:
        if desired['path'] is not None and desired['path'] != current['path']:
            actions.append(Action('UpdateUser', UserName=name, NewPath=desired['path']))
            after['path'] = desired['path']
        if desired['tags'] is not None:
            to_set, to_unset = compare_aws_tags(current['tags'], desired['tags'], desired['purge_tags'])
            if to_set:
                actions.append(Action('TagUser', UserName=name, Tags=ansible_dict_to_boto3_tag_list(to_set)))
            if to_unset:
                actions.append(Action('UntagUser', UserName=name, TagKeys=sorted(to_unset)))
            tags = {key: value for key, value in current['tags'].items() if key not in to_unset}
            tags.update(to_set)
            after['tags'] = tags

    if desired['groups'] is not None:
        have = state.get('groups') or []
        for group in desired['groups']:
            if group not in have:
                actions.append(Action('AddUserToGroup', GroupName=group, UserName=name))
        kept = [group for group in have if group in desired['groups'] or not desired['purge_groups']]
        for group in have:
            if group not in kept:
                actions.append(Action('RemoveUserFromGroup', GroupName=group, UserName=name))
        after['groups'] = sorted(set(kept) | set(desired['groups']))
    elif current is None:
        after['groups'] = []

    if desired['console_access'] is not None or current is None:
        has_profile = bool(state.get('login_profile'))
        if desired['console_access'] and password is not None:
            operation = 'UpdateLoginProfile' if has_profile else 'CreateLoginProfile'
            actions.append(Action(operation, UserName=name, Password=password, PasswordResetRequired=desired['password_reset_required']))
            after['password'] = PASSWORD_CHANGE
        elif desired['console_access'] is False and has_profile:
            actions.append(Action('DeleteLoginProfile', UserName=name))
        after['console_access'] = bool(desired['console_access']) if desired['console_access'] is not None else has_profile

    key_plan = plan_access_keys(name, state.get('access_keys') or [], desired, last_used, now)
    if desired['access_key'] is not None or current is None:
        actions.extend(key_plan.actions)
        after['access_keys'] = diff_view(key_views(key_plan))
    return Plan(actions, before=before, after=after), key_plan


def user_view(current, desired):
    """What ``--diff`` shows of the user: the parts the options manage, never a secret."""
    if current is None:
        return {}
    view = {'user_name': current['user_name'], 'path': current['path'], 'tags': dict(current['tags'])}
    if 'groups' in current:
        view['groups'] = list(current['groups'])
    if 'login_profile' in current:
        view['console_access'] = current['login_profile'] is not None
    if 'access_keys' in current:
        view['access_keys'] = diff_view([dict(key, in_use=False) for key in current['access_keys']])
    return view


def apply_user(client, plan, known_key_ids, before=None, executor=None):
    """Apply the plan; returns {operation: response} of the creates.

    A secret is never left with nobody: a CreateLoginProfile that met another run's profile is
    adopted (``responses['login_profile_adopted']``: this run set no password); a CreateAccessKey that
    botocore had to retry may have left keys whose answers were lost: only keys this run can prove
    its own (see ``own_orphans``) are deleted, never a key another run may have handed out; a
    LimitExceeded on a create that was sent once is another run's key taking the slot, and fails.
    ``responses['warnings']`` lists what the caller should warn about.
    ``before``: {operation: callback(responses so far)} run just before that operation; ``executor``:
    the one a batch shares, so that IAM's settling after a create carries over between entities."""
    executor = executor or Executor(client)
    responses = {'warnings': []}
    for action in plan.actions:
        if action.operation in (before or {}):
            before[action.operation](responses)
        window = None
        try:
            response = executor.run(action)
        except LoginProfileRace as race:
            # Adopt: the console password IAM holds is the other run's, returned by it; this run returns none.
            responses['login_profile_adopted'] = True
            responses['warnings'].append(race.message)
            continue
        except IAMFailure as failure:
            if action.operation == 'AddUserToGroup' and is_missing(failure.exception):
                raise OptionError('groups', 'no IAM group %r exists (create it first)' % action.params['GroupName']) from failure
            if action.operation != 'CreateAccessKey' or error_code(failure.exception) != 'LimitExceeded':
                raise
            window = executor.last
            user_name = action.params['UserName']
            if window.only_one:
                raise IAMFailure('CreateAccessKey: user %s got access keys from another run between this run\'s read and its '
                                 'create (IAM answered LimitExceeded to its only request); no key was created or deleted. '
                                 'Run again once the other run is done.' % user_name, failure.exception) from failure
            # Retried attempts whose answers were lost may have made keys nobody has the secret of and
            # filled the user's two slots: delete those this run can prove its own, and try again.
            if not _delete_orphan_keys(client, executor, user_name, known_key_ids, None, window, responses['warnings']):
                raise IAMFailure('CreateAccessKey: user %s has no room for a new access key (LimitExceeded) and none of the '
                                 'keys it has can be proven a leftover of this run\'s own retried requests, so none was '
                                 'deleted: another run may have handed them out.' % user_name, failure.exception) from failure
            response = executor.run(action)
        if action.operation.startswith('Create'):
            responses[action.operation] = response
        if action.operation == 'CreateAccessKey':
            last = executor.last
            if window is not None:
                last = Attempts(None if window.sends is None or last.sends is None else window.sends + last.sends,
                                window.started, last.ended, last.server_date)
            if not last.only_one and (last.sends is not None or retried(response) or window is not None):
                _delete_orphan_keys(client, executor, action.params['UserName'], known_key_ids, response['AccessKey'], last,
                                    responses['warnings'])
    return responses


def own_orphans(keys, known_key_ids, new_key, attempts):
    """The keys that can be proven leftovers of this run's own retried CreateAccessKey: (orphans, others).

    ``keys``: ListAccessKeys' metadata now; ``new_key``: the CreateAccessKey answer this run got (or None);
    ``attempts``: the Attempts of its requests. A key is this run's own orphan when it was not there at
    the read, is not the new key, and IAM dated it within the span of this run's own requests (measured
    on IAM's clock from the new key's CreateDate, or the Date of IAM's last answer); and there may be no
    more of them than requests that could each have made one. Otherwise another run made some of them
    (or may have), and none is an orphan: ``others`` lists the unknown keys then. Pure.
    """
    new_id = (new_key or {}).get('AccessKeyId')
    unknown = [key for key in keys if key['AccessKeyId'] not in known_key_ids and key['AccessKeyId'] != new_id]
    if not unknown:
        return [], []
    anchor = (new_key or {}).get('CreateDate') or attempts.server_date

    def within(key):
        return within_attempts(key.get('CreateDate'), anchor, attempts)

    possible = (attempts.sends - 1) if attempts.sends is not None else len(unknown)
    if all(within(key) for key in unknown) and len(unknown) <= possible:
        return unknown, []
    return [], unknown


def _delete_orphan_keys(client, executor, user_name, known_key_ids, new_key, attempts, warnings):
    """Delete this run's own orphan keys (see ``own_orphans``); the ids deleted. Keys it cannot prove its own are
    kept and named in ``warnings``."""
    keys = read_pages(client, 'ListAccessKeys', 'AccessKeyMetadata', UserName=user_name) or []
    orphans, others = own_orphans(keys, known_key_ids, new_key, attempts)
    for key in orphans:
        executor.run(Action('DeleteAccessKey', UserName=user_name, AccessKeyId=key['AccessKeyId']))
    if others:
        warnings.append('access keys: user %s has keys this run did not make or cannot prove its own (%s), made while its '
                        'CreateAccessKey was retried: another run may have handed them out, so none was deleted. Once every '
                        'holder has its key, pass the one in use as access_key_in_use with retire_other_access_keys.'
                        % (user_name, ', '.join(key['AccessKeyId'] for key in others)))
    return [key['AccessKeyId'] for key in orphans]


def user_result(current, desired, plan, key_plan, responses, password=None, check_mode=False):
    """The module's return values for state=present (secrets only when created in this run)."""
    created_user = (responses.get('CreateUser') or {}).get('User') or {}
    base = dict(current or {})
    after = plan.after
    user = {
        'user_name': desired['name'],
        'arn': arn_with_path(created_user.get('Arn', base.get('arn')), after.get('path', base.get('path')), desired['name']),
        'user_id': created_user.get('UserId', base.get('user_id')),
        'path': after.get('path', base.get('path')),
        'create_date': iso(created_user.get('CreateDate')) or base.get('create_date'),
        'tags': after.get('tags', base.get('tags', {})),
    }
    if 'groups' in after:
        user['groups'] = after['groups']
    new_key = (responses.get('CreateAccessKey') or {}).get('AccessKey')
    result = {
        'user': user,
        'console_access': after.get('console_access'),
        'access_key_created': key_plan.create,
        'deleted_access_keys': key_plan.deleted,
        'access_key_id': None,
    }
    if desired['access_key'] is not None or current is None:
        result['access_keys'] = key_views(key_plan, new_key)
        if key_plan.create:
            result['access_key_id'] = new_key['AccessKeyId'] if new_key else None
        else:
            result['access_key_id'] = key_plan.holder
    if new_key:
        result['secret_access_key'] = new_key['SecretAccessKey']
    if password is not None and not check_mode and not responses.get('login_profile_adopted'):
        result['password'] = password
    return result


def arn_with_path(arn, path, name):
    """A user's ARN with its path as it is after the run (UpdateUser answers nothing to read it from)."""
    parts = arn_parts(arn)
    if parts is None or not path or not parts['resource'].startswith('user/'):
        return arn
    name = parts['resource'].rsplit('/', 1)[-1] or name
    return 'arn:%s:%s:%s:%s:user%s%s' % (parts['partition'], parts['service'], parts['region'], parts['account_id'], path, name)
