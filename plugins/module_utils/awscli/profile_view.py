# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One profile across both shared files: its merged settings, how it gets its credentials, and what
``aws configure list`` shows for it (standard library only)."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import ACCESS_KEY_ID
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import CONFIG
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import CREDENTIALS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import CREDENTIAL_KEYS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import NO_CREDENTIALS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import PROCESS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import ROLE
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import SECRET_ACCESS_KEY
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import SECURITY_TOKEN
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import SESSION_TOKEN
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import SSO
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import STATIC
from ansible_collections.awsbootstrap.iam.plugins.module_utils.awscli.ini_settings import mask


def merged_profile(profile, credentials_profiles, config_profiles):
    """botocore's ``Session.full_config`` profile: the config file's section with the credentials file's laid over it."""
    merged = dict(config_profiles.get(profile, {}))
    merged.update(credentials_profiles.get(profile, {}))
    return merged


def profile_kind(profile, credentials_profiles, config_profiles):
    """How botocore's credential chain gets the profile's credentials, in its order: ``role`` (AssumeRole and
    web identity providers, on ``role_arn``), ``sso`` (``sso_account_id`` or ``sso_role_name``), ``static`` (a key
    in the credentials file), ``process`` (``credential_process``), ``static`` (a key in the config file), ``none``."""
    merged = merged_profile(profile, credentials_profiles, config_profiles)
    if merged.get('role_arn') is not None:
        return ROLE
    if any(key in merged for key in ('sso_account_id', 'sso_role_name')):
        return SSO
    if credentials_profiles.get(profile, {}).get(ACCESS_KEY_ID) is not None:
        return STATIC
    if merged.get('credential_process') is not None:
        return PROCESS
    if config_profiles.get(profile, {}).get(ACCESS_KEY_ID) is not None:
        return STATIC
    return NO_CREDENTIALS


def describe_profile(profile, credentials_profiles, config_profiles):
    """What the AWS CLI resolves for ``profile`` from the two files; never a secret value.

    As botocore's Session.full_config: the credentials file's section is laid over the config
    file's profile, so its values win for every key (``region`` too). Key material follows the
    credential chain: the shared credentials file before the config file.
    """
    from_credentials = credentials_profiles.get(profile, {})
    from_config = config_profiles.get(profile, {})

    def lookup(key):
        if key in CREDENTIAL_KEYS:
            if from_credentials.get(ACCESS_KEY_ID) is not None and key in from_credentials:
                return from_credentials[key], CREDENTIALS
            if from_credentials.get(ACCESS_KEY_ID) is None and from_config.get(key) is not None:
                return from_config[key], CONFIG
            if from_credentials.get(key) is not None:
                return from_credentials[key], CREDENTIALS
            return None, None
        if key in from_credentials:
            return from_credentials[key], CREDENTIALS
        if from_config.get(key) is not None:
            return from_config[key], CONFIG
        return None, None

    key_id, key_id_source = lookup(ACCESS_KEY_ID)
    secret, secret_source = lookup(SECRET_ACCESS_KEY)
    token, token_source = lookup(SESSION_TOKEN)
    if token is None:
        token, token_source = lookup(SECURITY_TOKEN)
    region, region_source = lookup('region')
    output, output_source = lookup('output')
    managed = set(CREDENTIAL_KEYS) | {'region', 'output'}
    sources = {}
    for key in set(from_config) | set(from_credentials):
        # botocore lays the credentials file's section over the config file's profile: it wins for every key.
        sources[key] = CREDENTIALS if key in from_credentials else CONFIG
    return {
        'name': profile,
        'kind': profile_kind(profile, credentials_profiles, config_profiles),
        'access_key_id': key_id,
        'access_key_id_source': key_id_source,
        'secret_access_key_present': secret is not None,
        'secret_access_key_source': secret_source,
        'secret_access_key_masked': mask(secret) if secret else None,
        'session_token_present': token is not None,
        'session_token_source': token_source,
        'region': region if isinstance(region, str) else None,
        'region_source': region_source,
        'region_listed': None if region is None else str(region),  # a nested block is listed as the CLI prints a dict
        'output': output if isinstance(output, str) else None,
        'output_source': output_source,
        'output_listed': None if output is None else str(output),
        'settings': sorted(key for key in sources if key not in managed),
        'sources': dict(sorted(sources.items())),
    }


def configure_list(description, credentials_path, config_path):
    """The rows of ``aws configure list`` for a profile description (secrets masked).

    As the AWS CLI prints them: the key's type is the credential provider that found it
    (``shared-credentials-file`` or ``config-file``); region and output are looked up in the merged
    profile and always shown as ``config-file`` at the config file's path, even when the value
    stands in the credentials file.
    """
    key_locations = {CREDENTIALS: ('shared-credentials-file', credentials_path), CONFIG: ('config-file', config_path)}

    def key_row(value, source):
        if value is None:
            return {'value': '<not set>', 'type': None, 'location': None}
        kind, location = key_locations[source]
        return {'value': value, 'type': kind, 'location': location}

    def config_row(value):
        if value is None:
            return {'value': '<not set>', 'type': None, 'location': None}
        return {'value': value, 'type': 'config-file', 'location': config_path}

    return {
        'profile': {'value': description['name'], 'type': 'manual', 'location': '--profile'},
        'access_key': key_row(mask(description['access_key_id']), description['access_key_id_source']),
        'secret_key': key_row(description['secret_access_key_masked'], description['secret_access_key_source']),
        'region': config_row(description['region_listed']),
        'output': config_row(description['output_listed']),
    }
