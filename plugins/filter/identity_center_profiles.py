# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The workstation role's Identity Center mode, the pure part: one developer's SSO profiles from what
iam_bootstrap_sso_info read (account x permission set -> one profile named from a template), the profiles
an earlier run generated that the developer no longer has, and names a key profile of the host already uses."""

from __future__ import annotations

import string

from ansible.errors import AnsibleFilterError

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import ValidationError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import check_profile_name

USER_VARIABLE = 'workstation_identity_center_user'
INFO_VARIABLE = 'workstation_identity_center'
TEMPLATE_VARIABLE = 'workstation_identity_center_profile_template'
TEMPLATE_FIELDS = ('account', 'permission_set')
DEFAULT_TEMPLATE = '{account}-{permission_set}'
DEFAULT_SESSION = 'awsbootstrap'


def check_template(template):
    """The template's fields are {account} and {permission_set}, both (else two profiles could get one name)."""
    try:
        fields = [field for _text, field, _spec, _conversion in string.Formatter().parse(template or '') if field is not None]
    except ValueError as error:
        raise AnsibleFilterError('%s: %r is not a valid template (%s); use {account} and {permission_set}, such as %r'
                                 % (TEMPLATE_VARIABLE, template, error, DEFAULT_TEMPLATE)) from error
    unknown = sorted(set(fields) - set(TEMPLATE_FIELDS))
    if unknown:
        raise AnsibleFilterError('%s: %r uses {%s}; a profile name template knows only {account} and {permission_set}'
                                 % (TEMPLATE_VARIABLE, template, '}, {'.join(unknown)))
    missing = [field for field in TEMPLATE_FIELDS if field not in fields]
    if missing:
        raise AnsibleFilterError('%s: %r lacks {%s}: every account and permission set needs a profile name of its own'
                                 % (TEMPLATE_VARIABLE, template, '}, {'.join(missing)))
    return template


def profile_name(template, account, permission_set):
    """The profile name ``template`` gives an account and permission set (the template checked first). Pure."""
    name = template.format(account=account, permission_set=permission_set)
    try:
        check_profile_name(TEMPLATE_VARIABLE, name)
    except ValidationError as error:
        raise AnsibleFilterError('%s: the name %r it gives (account %s, permission set %s) %s'
                                 % (TEMPLATE_VARIABLE, name, account, permission_set, error.rule)) from error
    return name


def _access_of(info, user_name, missing_ok=False):
    if not isinstance(info, dict) or 'access' not in info:
        raise AnsibleFilterError('%s: give the result of awsbootstrap.iam.iam_bootstrap_sso_info (it has no access)' % INFO_VARIABLE)
    if not info.get('enabled'):
        raise AnsibleFilterError('%s: IAM Identity Center is not enabled in the account (iam_bootstrap_sso_info found no instance)'
                                 % INFO_VARIABLE)
    if not isinstance(user_name, str) or not user_name:
        raise AnsibleFilterError('%s: set it to the developer\'s Identity Store user name' % USER_VARIABLE)
    for name, access in info['access'].items():
        if name.lower() == user_name.lower():
            return access
    if missing_ok:
        return []
    raise AnsibleFilterError('%s: no Identity Store user %r in IAM Identity Center (its users: %s)'
                             % (USER_VARIABLE, user_name, ', '.join(sorted(info['access'])) or 'none'))


def sso_profiles(info, user_name, session=DEFAULT_SESSION, template=DEFAULT_TEMPLATE, region=None, output='json', missing_ok=False):
    """[{name, sso_session, sso_account_id, sso_role_name, region, output}]: one profile per account and
    permission set ``user_name`` may use, sorted by name. ``region`` None or '': the instance's region.
    ``missing_ok`` (check mode, where an earlier play may create the user): an unknown user has no profile."""
    access = _access_of(info, user_name, missing_ok)
    check_template(template)
    profiles, seen = [], {}
    for item in access:
        name = profile_name(template, item['account_id'], item['permission_set'])
        pair = '%s/%s' % (item['account_id'], item['permission_set'])
        if name in seen:
            raise AnsibleFilterError('%s: %r gives the name %r to %s and to %s' % (TEMPLATE_VARIABLE, template, name, seen[name], pair))
        seen[name] = pair
        profiles.append({'name': name, 'sso_session': session, 'sso_account_id': item['account_id'], 'sso_role_name': item['permission_set'],
                         'region': region or info.get('region'), 'output': output})
    return sorted(profiles, key=lambda profile: profile['name'])


def generated_by_us(profile, session, template):
    """Whether a profile of aws_cli_profile_info is one this mode wrote: its sso_session is ``session`` and
    its name is ``template`` rendered from its own sso_account_id and sso_role_name. Pure."""
    identifiers = profile.get('identifiers') or {}
    account, role = identifiers.get('sso_account_id'), identifiers.get('sso_role_name')
    if identifiers.get('sso_session') != session or not account or not role:
        return False
    return template.format(account=account, permission_set=role) == profile['name']


def sso_stale_profiles(existing, wanted, session=DEFAULT_SESSION, template=DEFAULT_TEMPLATE):
    """Names of the profiles (``existing``: aws_cli_profile_info's ``profiles``) this mode generated that are
    not in ``wanted`` (sso_profiles' answer), in file order. Pure."""
    check_template(template)
    names = {profile['name'] for profile in wanted or []}
    return [profile['name'] for profile in existing or [] if profile['name'] not in names and generated_by_us(profile, session, template)]


KEY_SETTINGS = ('access_key_id', 'import_csv', 'iam_user')


def key_profile_variables(developers=None, profiles=None):
    """{profile name: the variable that asks for it} of the host's IAM-key mode: each developer's profile
    (workstation_developers), and each workstation_profiles entry that holds a key. Pure."""
    found = {}
    for developer in developers or []:
        if isinstance(developer, dict) and developer.get('iam_user') and developer.get('state', 'present') == 'present':
            found[developer.get('profile') or 'default'] = 'workstation_developers[%s]' % developer['iam_user']
    for profile in profiles or []:
        if isinstance(profile, dict) and any(profile.get(key) for key in KEY_SETTINGS) and profile.get('state', 'present') == 'present':
            found[profile.get('name') or 'default'] = 'workstation_profiles[%s]' % (profile.get('name') or 'default')
    return found


def sso_key_conflicts(wanted, existing=None, developers=None, profiles=None):
    """Problems, one per SSO profile whose name a key profile of the host uses: in the files (``existing``,
    aws_cli_profile_info's ``profiles`` of kind static) or asked for by the host's IAM-key variables. Pure."""
    taken = {}
    for profile in existing or []:
        if profile.get('kind') == 'static':
            taken[profile['name']] = 'the key profile %r in the AWS CLI files' % profile['name']
    for name, variable in key_profile_variables(developers, profiles).items():
        taken[name] = 'the key profile %r of %s' % (name, variable)
    return ['%s: the SSO profile %r (account %s, permission set %s) would take the name of %s; change %s'
            % (USER_VARIABLE, profile['name'], profile['sso_account_id'], profile['sso_role_name'], taken[profile['name']], TEMPLATE_VARIABLE)
            for profile in wanted or [] if profile['name'] in taken]


class FilterModule:
    """The workstation role's Identity Center mode."""

    def filters(self):
        return {
            'sso_profiles': sso_profiles,
            'sso_stale_profiles': sso_stale_profiles,
            'sso_key_conflicts': sso_key_conflicts,
        }
