#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: aws_cli_profile
short_description: Write an AWS CLI profile into C(~/.aws/credentials) and C(~/.aws/config)
version_added: 1.0.0
description:
  - Creates, updates or removes one profile of the AWS CLI on the host it runs on, the way
    C(aws configure) would, but idempotently and without touching anything else in the files.
  - Key material (access key id, secret access key, session token) goes to the shared credentials
    file under C([NAME]); everything else goes to the config file under C([profile NAME])
    (C([default]) in both files for the default profile).
  - "botocore's reading is the contract: after an edit, botocore reads the new files as it read the old ones with
    exactly the requested change, or nothing is written."
  - The files are read the way botocore's C(configloader) reads them - lines end at C(\n), C(\r\n) or a lone
    C(\r) (not at the other characters Python's C(splitlines) knows), configparser's section, comment and
    continuation rules - and a profile is the section botocore uses for it (C([profile "dev"]), C([profile 'dev'])
    and C([profile  dev]) are profile C(dev); of several sections of one profile the last wins).
  - Only the keys this module manages change. Comments (also inside a multi-line value), blank lines,
    other profiles, their order, nested blocks such as C(s3 =) and CRLF or CR line endings are kept byte
    for byte. A changed key is replaced in place, a missing key is added at the end of its section, a
    missing section at the end of the file.
  - Before writing, the new texts are read back with a standard-library mirror of botocore's reading and
    compared with the old reading plus the requested change; when they differ the task fails, names the
    file, section and key, and writes nothing.
  - Writers of one folder take turns (an advisory lock on the folder, held from reading to replacing both
    files). Both files are written to temp files in their folder first, then renamed over the old ones,
    so they change together or not at all.
  - Files are mode C(0600), owned by the user the module runs as, or, when it runs as root, by the owner
    of their folder (another user's C(~/.aws)). C(~/.aws) is created as C(0700). A looser existing mode
    is tightened, with a warning; a stricter one such as C(0400) is kept.
  - Refuses, before any file is touched, values that could break or inject into the INI format,
    files botocore cannot read (one starting with a UTF-8 byte order mark included), symbolic links,
    unreadable files, and one file given as both O(credentials_file) and O(config_file).
  - Runs on the workstation with the Python standard library only (no boto3 needed).
author:
  - awsbootstrap.iam maintainers (@awsbootstrap)
options:
  profile:
    description:
      - Name of the profile.
      - Must not be empty, contain C([), C(]), whitespace, quotes, C(#), C(;) or a backslash, nor be C(DEFAULT) (the INI
        format's defaults section, whose keys botocore would add to every profile).
    type: str
    default: default
  state:
    description:
      - C(present) sets the given values; values not given are left as they are.
      - C(absent) removes every section botocore reads as the profile from both files (other options are ignored).
        Comments after the last key of a removed section stay, they stand above the next section.
    type: str
    choices: [present, absent]
    default: present
  access_key_id:
    description:
      - Access key id (C(aws_access_key_id)). Requires O(secret_access_key).
      - When set without O(session_token), a session token left in the profile is removed, since it
        cannot belong to the new key.
    type: str
  secret_access_key:
    description:
      - Secret access key (C(aws_secret_access_key)). Requires O(access_key_id).
      - Never shown; diffs and the return value show it as 16 C(*) and its last 4 characters.
    type: str
  session_token:
    description:
      - Session token of temporary credentials (C(aws_session_token)). Requires O(access_key_id).
    type: str
  import_csv:
    description:
      - Path on the target of a credentials CSV downloaded from the IAM console, either the user
        format (C(User name,Password,Access key ID,Secret access key,Console login link)) or the
        access key format (C(Access key ID,Secret access key)). A byte order mark and CRLF line
        endings are accepted. The password column is never read into the profile.
      - Mutually exclusive with O(access_key_id) and O(secret_access_key).
    type: path
  csv_user_name:
    description:
      - Picks the row of O(import_csv) whose C(User name) is this, when the CSV has several rows.
    type: str
  region:
    description:
      - Default region (C(region)), for example C(ap-northeast-2). Must look like an AWS region.
    type: str
  output:
    description:
      - Default output format (C(output)).
    type: str
    choices: [json, yaml, yaml-stream, text, table]
  settings:
    description:
      - Other config file settings of the profile, such as C(cli_pager) or C(retry_mode).
      - A dict value becomes a nested block (C(s3 =) followed by indented keys); only the nested
        keys given are managed, other nested keys are kept.
      - A V(null) value removes that setting. A V(null) nested key removes that key; a block left without keys
        is removed, and a plain value (C(s3 = off)) is left as it is.
      - Booleans are written as C(true)/C(false). Key material, O(region) and O(output) have options
        of their own and are refused here.
    type: dict
    default: {}
  sso_session:
    description:
      - Makes the profile an IAM Identity Center (SSO) profile that gets its credentials through the
        C([sso-session NAME]) section of this name (written with M(awsbootstrap.iam.aws_cli_sso_session)),
        as C(aws configure sso) writes it. Requires O(sso_account_id) and O(sso_role_name).
      - The section must already be in the config file (in check mode a missing one is only a warning, since an
        earlier task of the same run may write it).
      - The legacy per-profile C(sso_start_url), C(sso_region) and C(sso_registration_scopes) are removed (the
        sso-session holds them). No token and no key is written to either file.
    type: str
  sso_account_id:
    description:
      - The 12-digit AWS account id of an SSO profile (C(sso_account_id)).
    type: str
  sso_role_name:
    description:
      - The permission set (role) name of an SSO profile (C(sso_role_name)), 1 to 32 letters, digits and C(+=,.@_-).
    type: str
  role_arn:
    description:
      - Makes the profile a role profile - the AWS CLI calls STS C(AssumeRole) for this role
        (C(arn:aws:iam::123456789012:role/NAME), other partitions too) with the credentials of
        O(source_profile) or O(credential_source) - exactly one of them.
      - The role settings of the profile are then exactly those given - O(mfa_serial), O(duration_seconds),
        O(role_session_name), O(external_id) not given are removed, and so is C(web_identity_token_file).
    type: str
  source_profile:
    description:
      - The profile whose credentials assume O(role_arn). It must exist in one of the files (in check mode a missing
        one is only a warning). It may be the profile itself when that profile holds a static key.
    type: str
  credential_source:
    description:
      - Where the credentials that assume O(role_arn) come from, instead of O(source_profile).
    type: str
    choices: [Environment, Ec2InstanceMetadata, EcsContainer]
  mfa_serial:
    description:
      - The MFA device (ARN C(arn:aws:iam::123456789012:mfa/NAME) or a hardware serial number) whose code the AWS CLI
        asks for when it assumes O(role_arn).
    type: str
  duration_seconds:
    description:
      - The role session's duration, from 900 (15 minutes) to 43200 (12 hours); the role's own maximum applies.
    type: int
  role_session_name:
    description:
      - The role session name (2 to 64 letters, digits and C(+=,.@_-)); shown in CloudTrail.
    type: str
  external_id:
    description:
      - The external id the role's trust policy asks for (2 to 1224 letters, digits and C(+=,.@:/_-)).
    type: str
  credential_process:
    description:
      - Makes the profile get its credentials from a command (C(credential_process)), which prints them as JSON.
      - A string is written as it is; the AWS CLI splits it the way a POSIX shell does, so a path with spaces must be in
        double quotes (C("/opt/my tools/creds" --profile x)). A string the CLI cannot split (an unbalanced quote) is refused.
      - A list of arguments is quoted for you (words with other characters than letters, digits and C(_@%+=:,./-) in double
        quotes) and checked to split back into exactly that list.
    type: raw
  replace_credentials:
    description:
      - A profile gets its credentials one way - a static key, SSO, a role or a process. When the profile already holds
        settings of another way than the one asked for, the task fails and names them (the AWS CLI would take the first
        in its order - role, SSO, key in the credentials file, process - and leave the rest unused).
      - With V(true) those settings are removed from both files in the same write, for example the access key of a
        profile that moves to SSO. The key itself stays active in IAM - retire it there.
      - A role whose O(source_profile) is the profile itself keeps the profile's key either way.
    type: bool
    default: false
extends_documentation_fragment:
  - awsbootstrap.iam.aws_cli_files
attributes:
  check_mode:
    support: full
    description: Reports what would change, including the diff, and writes nothing.
  diff_mode:
    support: full
    description: Before and after of each changed file, with every secret masked.
  platform:
    support: full
    platforms: posix
    description: Runs on the workstation with the Python standard library only.
notes:
  - Temp files that an interrupted earlier run left beside the files (named after the writer's process id)
    are removed on the next write, once that process is gone.
seealso:
  - module: awsbootstrap.iam.aws_cli_profile_info
  - name: Configuration and credential file settings in the AWS CLI
    description: The AWS CLI's own description of the two files.
    link: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
"""

EXAMPLES = r"""
- name: The guide's default profile (Seoul region, JSON output)
  awsbootstrap.iam.aws_cli_profile:
    access_key_id: "{{ poweruser_key.access_key_id }}"
    secret_access_key: "{{ poweruser_key.secret_access_key }}"
    region: ap-northeast-2
    output: json
  no_log: true

- name: Import the CSV downloaded from the IAM console into a named profile of another user
  awsbootstrap.iam.aws_cli_profile:
    profile: poweruser
    import_csv: /home/dev/Downloads/PowerUser_credentials.csv
    csv_user_name: PowerUser
    region: ap-northeast-2
  become: true
  become_user: dev

- name: Tune the CLI with a nested s3 block
  awsbootstrap.iam.aws_cli_profile:
    profile: dev
    settings:
      cli_pager: ""
      retry_mode: standard
      s3:
        max_concurrent_requests: 20
        multipart_threshold: 64MB

- name: An IAM Identity Center profile, moving away from an IAM user's key (aws_cli_sso_session wrote my-sso before)
  awsbootstrap.iam.aws_cli_profile:
    profile: dev
    sso_session: my-sso
    sso_account_id: "123456789012"
    sso_role_name: PowerUserAccess
    region: ap-northeast-2
    output: json
    replace_credentials: true

- name: A role assumed with the key of another profile, with MFA
  awsbootstrap.iam.aws_cli_profile:
    profile: admin
    role_arn: arn:aws:iam::123456789012:role/Administrator
    source_profile: default
    mfa_serial: arn:aws:iam::123456789012:mfa/dev
    duration_seconds: 3600

- name: Credentials from a command; the path with a space is quoted for the AWS CLI
  awsbootstrap.iam.aws_cli_profile:
    profile: vault
    credential_process: ["/opt/my tools/aws-creds", "--role", "dev"]

- name: Remove a profile from both files
  awsbootstrap.iam.aws_cli_profile:
    profile: old-project
    state: absent
"""

RETURN = r"""
profile:
  description: Name of the profile.
  returned: always
  type: str
  sample: default
credentials_file:
  description: Path of the shared credentials file.
  returned: always
  type: str
  sample: /home/dev/.aws/credentials
config_file:
  description: Path of the config file.
  returned: always
  type: str
  sample: /home/dev/.aws/config
access_key_id:
  description: Access key id the profile holds afterwards (an identifier, not a secret), or V(null).
  returned: always
  type: str
  sample: AKIAIOSFODNN7EXAMPLE
kind:
  description:
    - How the AWS CLI gets the profile's credentials afterwards, in its own order - C(role) (C(role_arn)), C(sso)
      (C(sso_account_id) or C(sso_role_name)), C(static) (a key in the credentials file), C(process)
      (C(credential_process)), C(static) (a key in the config file) - or C(none).
  returned: success
  type: str
  sample: sso
configure_list:
  description:
    - What C(aws configure list --profile NAME) would show, with the secret masked the AWS CLI's way.
    - Each entry has C(value), C(type) (C(shared-credentials-file), C(config-file) or V(null)) and C(location).
    - As the AWS CLI shows them, C(region) and C(output) have the type C(config-file) and the config file as
      location even when the value stands in the credentials file.
  returned: always
  type: dict
  contains:
    profile:
      description: The profile.
      type: dict
      returned: always
    access_key:
      description: Masked access key id.
      type: dict
      returned: always
      sample: {value: "****************MPLE", type: shared-credentials-file, location: /home/dev/.aws/credentials}
    secret_key:
      description: Masked secret access key.
      type: dict
      returned: always
    region:
      description: Region.
      type: dict
      returned: always
      sample: {value: ap-northeast-2, type: config-file, location: /home/dev/.aws/config}
    output:
      description: Output format.
      type: dict
      returned: always
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_document
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_edit
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import ini_settings
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import profile_view
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli import files
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.profile_args import credential_changes
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.profile_args import desired_values
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.profile_args import requested_kind
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.profile_args import resolve_paths


def argument_spec():
    return dict(
        profile=dict(type='str', default='default'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        access_key_id=dict(type='str', no_log=False),
        secret_access_key=dict(type='str', no_log=True),
        session_token=dict(type='str', no_log=True),
        import_csv=dict(type='path'),
        csv_user_name=dict(type='str'),
        region=dict(type='str'),
        output=dict(type='str', choices=list(ini_settings.OUTPUT_FORMATS)),
        settings=dict(type='dict', default={}),
        sso_session=dict(type='str'),
        sso_account_id=dict(type='str'),
        sso_role_name=dict(type='str'),
        role_arn=dict(type='str'),
        source_profile=dict(type='str'),
        credential_source=dict(type='str', choices=list(ini_settings.CREDENTIAL_SOURCES)),
        mfa_serial=dict(type='str'),
        duration_seconds=dict(type='int'),
        role_session_name=dict(type='str'),
        external_id=dict(type='str', no_log=False),
        credential_process=dict(type='raw'),
        replace_credentials=dict(type='bool', default=False),
        credentials_file=dict(type='path'),
        config_file=dict(type='path'),
    )


_OPTIONS = ((ini_settings.CREDENTIALS, 'credentials_file'), (ini_settings.CONFIG, 'config_file'))


def read_files(paths):
    """{kind: text} of both files, refusing what botocore cannot read (or a link, a folder, a BOM)."""
    texts = {kind: files.read_text(option, paths[kind]) for kind, option in _OPTIONS}
    for kind, option in _OPTIONS:
        ini.read_sections(texts[kind], '%s: %s' % (option, paths[kind]))
    return texts


def plan(paths, params, credentials, config, check_mode=False, warnings=None):
    """(old texts, new texts, new documents), the edit checked against botocore's reading (ContractError)."""
    old_texts = read_files(paths)
    labels = {kind: '%s: %s' % (option, paths[kind]) for kind, option in _OPTIONS}
    if params['state'] == 'present':
        kind = requested_kind(params)
        sections = {kind_: ini.read_sections(old_texts[kind_], labels[kind_]) for kind_ in labels}
        more_credentials, more_config, found = credential_changes(
            params['profile'], kind, params, ini.profiles_of(ini_settings.CREDENTIALS, sections[ini_settings.CREDENTIALS]),
            ini.profiles_of(ini_settings.CONFIG, sections[ini_settings.CONFIG]),
            ini.profiles_of(ini_settings.SSO_SESSION, sections[ini_settings.CONFIG]), check_mode=check_mode)
        credentials = dict(more_credentials, **credentials)
        config = dict(more_config, **config)
        if warnings is not None:
            warnings[:] = found
    cred_doc, conf_doc = ini_edit.plan_profile(old_texts[ini_settings.CREDENTIALS], old_texts[ini_settings.CONFIG], params['profile'],
                                               params['state'], credentials, config, labels=labels)
    documents = {ini_settings.CREDENTIALS: cred_doc, ini_settings.CONFIG: conf_doc}
    return old_texts, {kind: document.render() for kind, document in documents.items()}, documents


def loose_modes(paths, aws_dir):
    """[(path, current mode, wanted mode)] of the folder and files whose mode is looser than 0700/0600."""
    targets = [(aws_dir, files.DIR_MODE)] if aws_dir in {os.path.dirname(p) for p in paths.values()} else []
    targets += [(path, files.FILE_MODE) for path in paths.values()]
    found = []
    for path, mode in targets:
        loose = files.loose_mode(path, mode)
        if loose is not None:
            found.append((path, loose, mode))
    return found


def apply_changes(module, paths, old_texts, new_texts, aws_dir):
    """Tighten loose modes and replace the files whose text changed, both or neither; returns whether anything did.

    Runs with the folders' lock held, right after the texts were read and the edit checked.
    """
    changed = False
    for path, loose, mode in loose_modes(paths, aws_dir):
        module.warn('%s had mode %04o; tightened to %04o' % (path, loose, mode))
        changed = True
        if not module.check_mode:
            os.chmod(path, mode)
    writes = [(paths[kind], new_texts[kind], old_texts[kind] if os.path.exists(paths[kind]) else None)
              for kind in (ini_settings.CREDENTIALS, ini_settings.CONFIG) if old_texts[kind] != new_texts[kind]]
    if writes:
        changed = True
        if not module.check_mode:
            files.replace_files(writes)
    return changed


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        supports_check_mode=True,
        mutually_exclusive=[('import_csv', 'access_key_id'), ('import_csv', 'secret_access_key')],
        required_by={'session_token': 'access_key_id', 'csv_user_name': 'import_csv'},
        required_together=[('access_key_id', 'secret_access_key'), ('sso_session', 'sso_account_id', 'sso_role_name')],
    )
    params = module.params
    result = dict(changed=False, profile=params['profile'])
    try:
        paths, aws_dir = resolve_paths(params)
        result.update(credentials_file=paths[ini_settings.CREDENTIALS], config_file=paths[ini_settings.CONFIG])
        credentials, config = desired_values(params)
        warnings = []
        old_texts, new_texts, documents = plan(paths, params, credentials, config, module.check_mode, warnings)
        for warning in warnings:
            module.warn(warning)
        folders = sorted({os.path.dirname(path) for path in paths.values()})
        if not module.check_mode and (new_texts != old_texts or loose_modes(paths, aws_dir)):
            # Writers of one folder take turns: read, check and replace again under the lock.
            for folder in folders:
                files.ensure_directory(folder)
            with files.FolderLock(folders):
                old_texts, new_texts, documents = plan(paths, params, credentials, config)
                result['changed'] = apply_changes(module, paths, old_texts, new_texts, aws_dir)
        else:
            result['changed'] = apply_changes(module, paths, old_texts, new_texts, aws_dir)
    except (ini_settings.ValidationError, ini_settings.NotIniError) as exc:
        module.fail_json(msg=str(exc), **result)
    except OSError as exc:
        module.fail_json(msg='writing %s failed, nothing was changed: %s' % (exc.filename or 'the AWS CLI files', exc.strerror), **result)

    # Everything below works on texts already checked, and never fails the task once the files were written.
    try:
        if module._diff:
            old_docs = {kind: ini_document.IniDocument(text) for kind, text in old_texts.items()}
            result['diff'] = [dict(before_header=paths[kind], after_header=paths[kind],
                                   before=old_docs[kind].masked(), after=documents[kind].masked())
                              for kind in (ini_settings.CREDENTIALS, ini_settings.CONFIG) if old_texts[kind] != new_texts[kind]]
        description = profile_view.describe_profile(
            params['profile'],
            ini.read_profiles(ini_settings.CREDENTIALS, new_texts[ini_settings.CREDENTIALS], 'credentials_file'),
            ini.read_profiles(ini_settings.CONFIG, new_texts[ini_settings.CONFIG], 'config_file'))
        result['access_key_id'] = description['access_key_id']
        result['kind'] = description['kind']
        result['configure_list'] = profile_view.configure_list(
            description, paths[ini_settings.CREDENTIALS], paths[ini_settings.CONFIG])
    except Exception as exc:  # pylint: disable=broad-exception-caught
        module.warn('the files were written, but describing the profile failed (%s)' % type(exc).__name__)
        result.setdefault('access_key_id', credentials.get(ini_settings.ACCESS_KEY_ID))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
