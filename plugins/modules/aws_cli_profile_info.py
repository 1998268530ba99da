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
  - Never returns a secret access key or session token, not even masked.
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
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.awsbootstrap.iam.plugins.module_utils import aws_files
from ansible_collections.awsbootstrap.iam.plugins.module_utils import workstation_files
from ansible_collections.awsbootstrap.iam.plugins.module_utils.aws_cli_profile_args import resolve_paths

_HIDDEN = ('secret_access_key_masked', 'secret_access_key_source', 'session_token_source', 'region_source', 'output_source',
           'region_listed', 'output_listed')


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
        for kind, option in ((aws_files.CONFIG, 'config_file'), (aws_files.CREDENTIALS, 'credentials_file')):
            text = workstation_files.read_text(option, paths[kind], follow_links=True)
            found[kind] = aws_files.read_profiles(kind, text, '%s: %s' % (option, paths[kind]))
    except (aws_files.ValidationError, aws_files.NotIniError) as exc:
        module.fail_json(msg=str(exc))

    names = list(dict.fromkeys(list(found[aws_files.CONFIG]) + list(found[aws_files.CREDENTIALS])))
    if module.params['profile'] is not None:
        names = [name for name in names if name == module.params['profile']]
    profiles = []
    for name in names:
        description = aws_files.describe_profile(name, found[aws_files.CREDENTIALS], found[aws_files.CONFIG])
        profile = {key: value for key, value in description.items() if key not in _HIDDEN}
        profile['configure_list'] = aws_files.configure_list(description, paths[aws_files.CREDENTIALS], paths[aws_files.CONFIG])
        profiles.append(profile)
    module.exit_json(changed=False, profiles=profiles,
                     credentials_file=paths[aws_files.CREDENTIALS], config_file=paths[aws_files.CONFIG])


if __name__ == '__main__':
    main()
