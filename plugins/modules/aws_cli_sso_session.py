#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: aws_cli_sso_session
short_description: Write an C([sso-session NAME]) section of the AWS CLI's config file
version_added: 1.0.0
description:
  - Creates, updates or removes one IAM Identity Center session of the AWS CLI - the C([sso-session NAME])
    section of C(~/.aws/config) that C(aws configure sso) writes and that SSO profiles (written with
    M(awsbootstrap.iam.aws_cli_profile) and its O(awsbootstrap.iam.aws_cli_profile#module:sso_session) option) refer to.
  - Writes the portal's start URL, its region and the registration scopes; never a token (C(aws sso login) keeps
    its token under C(~/.aws/sso/cache), which this module does not touch).
  - The same editor as M(awsbootstrap.iam.aws_cli_profile) - botocore's reading is the contract, every other byte is
    kept, the file is replaced atomically under the folder's lock, mode C(0600) - and the same standard-library-only
    run on the workstation.
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  name:
    description:
      - Name of the session (C([sso-session NAME])); botocore caches its token under the SHA-1 of this name.
      - The same rules as a profile name (no whitespace, brackets, quotes, C(#), C(;) or backslash).
    type: str
    required: true
  state:
    description:
      - C(present) sets the given values; values not given are left as they are.
      - C(absent) removes every section botocore reads as the session. Refused while a profile still refers to it
        (the AWS CLI would fail for that profile); remove or change those profiles first.
    type: str
    choices: [present, absent]
    default: present
  start_url:
    description:
      - The AWS access portal URL (C(sso_start_url)), such as C(https://my-sso-portal.awsapps.com/start).
      - Must be an C(https) URL.
    type: str
  region:
    description:
      - The region of the IAM Identity Center instance (C(sso_region)).
    type: str
  registration_scopes:
    description:
      - The OAuth scopes of the session's client registration (C(sso_registration_scopes)); C(aws configure sso)
        writes C(sso:account:access). An empty list removes the setting.
    type: list
    elements: str
  config_file:
    description:
      - Path of the config file.
      - Defaults to E(AWS_CONFIG_FILE) when set, else C(~/.aws/config) of the user the module runs as.
    type: path
attributes:
  check_mode:
    support: full
    description: Reports what would change, including the diff, and writes nothing.
  diff_mode:
    support: full
    description: Before and after of the config file, with every secret masked.
  platform:
    support: full
    platforms: posix
    description: Runs on the workstation with the Python standard library only.
notes:
  - C(~) is the home of the user the module runs as, as for M(awsbootstrap.iam.aws_cli_profile).
seealso:
  - module: awsbootstrap.iam.aws_cli_profile
  - module: awsbootstrap.iam.aws_cli_profile_info
  - name: Configuring IAM Identity Center authentication with the AWS CLI
    description: The AWS CLI's description of the sso-session section.
    link: https://docs.aws.amazon.com/cli/latest/userguide/sso-configure-profile-token.html
"""

EXAMPLES = r"""
- name: The session of the company's access portal
  awsbootstrap.iam.aws_cli_sso_session:
    name: my-sso
    start_url: https://my-sso-portal.awsapps.com/start
    region: us-east-1
    registration_scopes: [sso:account:access]

- name: Remove it once no profile uses it
  awsbootstrap.iam.aws_cli_sso_session:
    name: old-sso
    state: absent
"""

RETURN = r"""
name:
  description: Name of the session.
  returned: always
  type: str
  sample: my-sso
config_file:
  description: Path of the config file.
  returned: always
  type: str
  sample: /home/dev/.aws/config
sso_session:
  description: The session's settings as the AWS CLI reads them afterwards (V(null) when absent).
  returned: success
  type: dict
  sample: {sso_start_url: "https://my-sso-portal.awsapps.com/start", sso_region: us-east-1,
           sso_registration_scopes: "sso:account:access"}
profiles:
  description: The profiles that refer to the session.
  returned: success
  type: list
  elements: str
  sample: [dev, admin]
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_document
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_edit
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_settings
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import files
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.profile_args import sso_session_values


def config_path(params):
    _credentials, default_config, _aws_dir = files.default_paths()
    return os.path.abspath(params.get('config_file') or default_config), os.path.abspath(_aws_dir)


def plan(path, params, values):
    """(old text, new document, new reading) with the edit checked against botocore's reading."""
    label = 'config_file: %s' % path
    old_text = files.read_text('config_file', path)
    sections = ini.read_sections(old_text, label)
    if params['state'] == 'absent':
        users = referring_profiles(params['name'], sections)
        if users and params['name'] in ini.profiles_of(ini_settings.SSO_SESSION, sections):
            raise ini_settings.ValidationError('state', 'profiles %s still use sso-session %s (the AWS CLI would fail for them); '
                                               'remove or change them first' % (', '.join(users), params['name']))
    document = ini_edit.plan_section(ini_settings.SSO_SESSION, old_text, params['name'], params['state'], values, label)
    return old_text, document, ini.read_sections(document.render(), label)


def referring_profiles(name, sections):
    return sorted(profile for profile, values in ini.profiles_of(ini_settings.CONFIG, sections).items()
                  if values.get('sso_session') == name)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            start_url=dict(type='str'),
            region=dict(type='str'),
            registration_scopes=dict(type='list', elements='str'),
            config_file=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    path, aws_dir = config_path(params)
    result = dict(changed=False, name=params['name'], config_file=path)
    try:
        values = sso_session_values(params)
        old_text, document, _reading = plan(path, params, values)
        new_text = document.render()
        targets = [(path, files.FILE_MODE)]
        if os.path.dirname(path) == aws_dir:
            targets.insert(0, (aws_dir, files.DIR_MODE))
        loose = [(p, files.loose_mode(p, mode)) for p, mode in targets]
        loose = [(p, mode) for p, mode in loose if mode is not None]
        if new_text != old_text or loose:
            result['changed'] = True
            if not module.check_mode:
                folder = os.path.dirname(path)
                files.ensure_directory(folder)
                with files.FolderLock([folder]):
                    old_text, document, _reading = plan(path, params, values)
                    new_text = document.render()
                    for loose_path, mode in loose:
                        wanted = files.DIR_MODE if loose_path == aws_dir else files.FILE_MODE
                        module.warn('%s had mode %04o; tightened to %04o' % (loose_path, mode, wanted))
                        os.chmod(loose_path, wanted)
                    if new_text != old_text:
                        files.replace_files([(path, new_text, old_text if os.path.exists(path) else None)])
    except (ini_settings.ValidationError, ini_settings.NotIniError) as exc:
        module.fail_json(msg=str(exc), **result)
    except OSError as exc:
        module.fail_json(msg='writing %s failed, nothing was changed: %s' % (exc.filename or path, exc.strerror), **result)
    if module._diff and new_text != old_text:
        # The config file may hold a key of a profile: the diff masks secrets as aws_cli_profile's does.
        result['diff'] = dict(before_header=path, after_header=path, before=ini_document.IniDocument(old_text).masked(),
                              after=document.masked())
    sections = ini.read_sections(new_text, path)
    result['sso_session'] = ini.profiles_of(ini_settings.SSO_SESSION, sections).get(params['name'])
    result['profiles'] = referring_profiles(params['name'], sections)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
