#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: aws_cli_profile_info
short_description: List the AWS CLI profiles of a workstation, without their secrets
version_added: 1.0.0
description:
  - Reads C(~/.aws/credentials) and C(~/.aws/config) (or the given files) the way the AWS CLI
    does (botocore's reading - C([profile "dev"]) is profile C(dev); when several sections name one
    profile, the last wins; a value in the credentials file wins over the config file) and lists every
    profile found in either, with where each setting comes from, the access key id, whether a secret
    access key or session token is present, region and output.
  - Says how the AWS CLI gets each profile's credentials (RV(profiles[].kind)) and lists the
    C([sso-session NAME]) sections of the config file with the profiles that use each.
  - Never returns a secret access key or session token, not even masked, nor a C(credential_process) command line
    or an C(external_id).
  - Runs on the workstation with the Python standard library only (no boto3 needed).
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  profile:
    description:
      - Only report this profile (the list is empty when it does not exist).
    type: str
extends_documentation_fragment:
  - awsbootstrap.iam.aws_cli_files
attributes:
  check_mode:
    support: full
    description: Reads only, so it runs the same in check mode.
  diff_mode:
    support: none
    description: Changes nothing, so there is nothing to diff.
  platform:
    support: full
    platforms: posix
    description: Runs on the workstation with the Python standard library only.
seealso:
  - module: awsbootstrap.iam.aws_cli_profile
"""

EXAMPLES = r"""
- name: Read the key id already deployed for the default profile
  awsbootstrap.iam.aws_cli_profile_info:
    profile: default
  register: deployed

- name: Show it
  ansible.builtin.debug:
    msg: "{{ deployed.profiles[0].access_key_id | default('no key yet') }}"

- name: List the profiles of another user
  awsbootstrap.iam.aws_cli_profile_info:
  become: true
  become_user: dev
  register: dev_profiles
"""

RETURN = r"""
credentials_file:
  description: Path of the shared credentials file read.
  returned: always
  type: str
  sample: /home/dev/.aws/credentials
config_file:
  description: Path of the config file read.
  returned: always
  type: str
  sample: /home/dev/.aws/config
profiles:
  description: The profiles, in the order they first appear (config file first, then credentials file).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Profile name.
      type: str
      returned: always
      sample: default
    access_key_id:
      description: The access key id the AWS CLI would use (an identifier, not a secret), or V(null).
      type: str
      returned: always
      sample: AKIAIOSFODNN7EXAMPLE
    access_key_id_source:
      description: C(credentials) or C(config), the file the key id comes from; V(null) when none.
      type: str
      returned: always
    secret_access_key_present:
      description: Whether a secret access key is set for the profile.
      type: bool
      returned: always
    session_token_present:
      description: Whether a session token is set for the profile.
      type: bool
      returned: always
    region:
      description: Region, or V(null).
      type: str
      returned: always
      sample: ap-northeast-2
    output:
      description: Output format, or V(null).
      type: str
      returned: always
      sample: json
    kind:
      description:
        - How the AWS CLI gets the profile's credentials, in its own order - C(role) (C(role_arn)), C(sso)
          (C(sso_account_id) or C(sso_role_name)), C(static) (a key in the credentials file), C(process)
          (C(credential_process)), C(static) (a key in the config file) - or C(none).
      type: str
      returned: always
      choices: [static, sso, role, process, none]
      sample: sso
    identifiers:
      description:
        - The profile's non-secret SSO and role settings that are set (C(sso_session), C(sso_account_id),
          C(sso_role_name), C(role_arn), C(source_profile), C(credential_source), C(mfa_serial)).
      type: dict
      returned: always
      sample: {sso_session: my-sso, sso_account_id: "123456789012", sso_role_name: PowerUserAccess}
    settings:
      description: Names of the profile's other settings (values are not returned).
      type: list
      elements: str
      returned: always
      sample: [cli_pager, s3]
    sources:
      description: For every setting of the profile, the file it is read from (C(credentials) or C(config)).
      type: dict
      returned: always
      sample: {aws_access_key_id: credentials, aws_secret_access_key: credentials, region: config}
    configure_list:
      description:
        - What C(aws configure list --profile NAME) shows for the profile, the keys masked the AWS CLI's way
          (C(profile), C(access_key), C(secret_key), C(region), C(output)), each with C(value), C(type) and C(location).
        - As the AWS CLI shows it, C(region) and C(output) have the type C(config-file) and the config file as
          location even when the value stands in the credentials file (botocore lays that file's section over the profile).
      type: dict
      returned: always
sso_sessions:
  description: The C([sso-session NAME]) sections of the config file as the AWS CLI reads them, in file order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the session.
      type: str
      returned: always
      sample: my-sso
    sso_start_url:
      description: The access portal URL, or V(null).
      type: str
      returned: always
      sample: https://my-sso-portal.awsapps.com/start
    sso_region:
      description: The Identity Center region, or V(null).
      type: str
      returned: always
      sample: us-east-1
    sso_registration_scopes:
      description: The registration scopes (split at commas as botocore does), empty when not set.
      type: list
      elements: str
      returned: always
      sample: [sso:account:access]
    profiles:
      description: The profiles whose C(sso_session) is this session.
      type: list
      elements: str
      returned: always
      sample: [dev]
    login:
      description:
        - Whether C(aws sso login --sso-session NAME) left a login for this session's start URL that has not expired
          (botocore's token cache C(~/.aws/sso/cache/<sha1 of NAME>.json)), and until when.
        - Only C(live) and C(expires_at) are returned; the token itself never is.
      type: dict
      returned: always
      sample: {live: true, expires_at: "2026-12-07T20:00:00Z"}
      contains:
        live:
          description: A login for the session's start URL whose expiry is in the future.
          type: bool
          returned: always
        expires_at:
          description: When the cached login expires (UTC), or V(null) when there is none.
          type: str
          returned: always
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_settings
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import profile_view
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import files
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.profile_args import resolve_paths
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.sso_login import sso_login

_HIDDEN = ('secret_access_key_masked', 'secret_access_key_source', 'session_token_source', 'region_source', 'output_source',
           'region_listed', 'output_listed')


# Settings that name things, never a secret (credential_process and external_id are left out: they may carry one).
_IDENTIFIERS = ('sso_session', 'sso_account_id', 'sso_role_name', 'role_arn', 'source_profile', 'credential_source', 'mfa_serial')


def _text(value):
    return value if isinstance(value, str) else None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            profile=dict(type='str'),
            credentials_file=dict(type='path'),
            config_file=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    paths, _aws_dir = resolve_paths(module.params, allow_same=True)
    found = {}
    try:
        for kind, option in ((ini_settings.CONFIG, 'config_file'), (ini_settings.CREDENTIALS, 'credentials_file')):
            text = files.read_text(option, paths[kind], follow_links=True)
            sections = ini.read_sections(text, '%s: %s' % (option, paths[kind]))
            found[kind] = ini.profiles_of(kind, sections)
            if kind == ini_settings.CONFIG:
                sessions = ini.profiles_of(ini_settings.SSO_SESSION, sections)
    except (ini_settings.ValidationError, ini_settings.NotIniError) as exc:
        module.fail_json(msg=str(exc))

    names = list(dict.fromkeys(list(found[ini_settings.CONFIG]) + list(found[ini_settings.CREDENTIALS])))
    if module.params['profile'] is not None:
        names = [name for name in names if name == module.params['profile']]
    profiles = []
    for name in names:
        description = profile_view.describe_profile(name, found[ini_settings.CREDENTIALS], found[ini_settings.CONFIG])
        profile = {key: value for key, value in description.items() if key not in _HIDDEN}
        profile['configure_list'] = profile_view.configure_list(description, paths[ini_settings.CREDENTIALS], paths[ini_settings.CONFIG])
        merged = profile_view.merged_profile(name, found[ini_settings.CREDENTIALS], found[ini_settings.CONFIG])
        profile['identifiers'] = {key: merged[key] for key in _IDENTIFIERS if isinstance(merged.get(key), str)}
        profiles.append(profile)
    all_profiles = {name: profile_view.merged_profile(name, found[ini_settings.CREDENTIALS], found[ini_settings.CONFIG])
                    for name in dict.fromkeys(list(found[ini_settings.CONFIG]) + list(found[ini_settings.CREDENTIALS]))}
    sso_sessions = [dict(name=name, sso_start_url=_text(values.get('sso_start_url')), sso_region=_text(values.get('sso_region')),
                         sso_registration_scopes=[scope.strip() for scope in (_text(values.get('sso_registration_scopes')) or '').split(',')
                                                  if scope.strip()],
                         profiles=[profile for profile, settings in all_profiles.items() if settings.get('sso_session') == name],
                         login=sso_login(os.path.join(files.user_home(), '.aws'), name, _text(values.get('sso_start_url'))))
                    for name, values in sessions.items()]
    module.exit_json(changed=False, profiles=profiles, sso_sessions=sso_sessions,
                     credentials_file=paths[ini_settings.CREDENTIALS], config_file=paths[ini_settings.CONFIG])


if __name__ == '__main__':
    main()
