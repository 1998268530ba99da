# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet of the IAM Identity Center migration (issue 16): four developers bootstrapped with IAM keys by
playbooks/bootstrap.yml (dev1 an Administrator, the others PowerUsers; ws2 keeps its key in the profile 'work'),
playbooks/migrate_to_identity_center.yml run on it, the portal stand-in and ``aws sso login`` as it leaves its token.

Shared by tests/integration/test_migrate_to_identity_center.py (the story, phases 1-3) and
tests/integration/test_migrate_kill.py (the kill proofs).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import pwd
import subprocess

import boto3

from tests.utils.ansible_runner import ROOT, run_playbook
from tests.utils.fleet import fleet_world
from tests.utils.proof import SANDBOX_VARS, base_env, bootstrap_command
from tests.utils.sandbox import SANDBOX_REGION
from tests.utils.sso_portal import SsoPortal, token_cache_file

BOOTSTRAP = os.path.join(ROOT, 'playbooks', 'bootstrap.yml')
MIGRATE = os.path.join(ROOT, 'playbooks', 'migrate_to_identity_center.yml')
ACCOUNT = '123456789012'
SESSION = 'awsbootstrap'
# Phase 2 tags each IAM user it switches with the time (IAM keeps no date of a deactivation).
TAG = 'awsbootstrap:identity-center-since'
# ws1-ws3 give their developer's email as a host variable; dev4's comes from the mapping variable.
HOSTS = {
    'ws1': {'workstation_iam_groups': ['Administrators'], 'workstation_email': 'dev1@example.com'},
    'ws2': {'workstation_profile': 'work', 'workstation_email': 'dev2@example.com'},
    'ws3': {'workstation_email': 'dev3@example.com'},
    'ws4': {},
}
PEOPLE = {'migrate_identity_center_people': {'dev4': {'email': 'dev4@example.com', 'given_name': 'Dee', 'family_name': 'Four'}}}
# What the guide's groups map to (written from the issue, not from the code).
ROLE = {'dev1': 'AdministratorAccess', 'dev2': 'PowerUserAccess', 'dev3': 'PowerUserAccess', 'dev4': 'PowerUserAccess'}
PROFILE = {'ws1': 'default', 'ws2': 'work', 'ws3': 'default', 'ws4': 'default'}
# Phase 2: the two workstations whose developer ran `aws sso login`, each with its own token.
LOGGED_IN = {'ws1': 'sso-token-of-dev1-0001', 'ws3': 'sso-token-of-dev3-0003'}


@contextlib.contextmanager
def migration_world(moto_server, tmp_path_factory, name, proxy_class=None, billing=False):
    """fleet_world's world (with a ``proxy_class`` proxy in front of moto instead, if given), bootstrapped with IAM keys;
    with ``billing``, dev3 is in the team's own group Billing too."""
    with fleet_world(moto_server, tmp_path_factory, 4, name) as built:
        proxy = proxy_class(moto_server).start() if proxy_class else built['proxy']
        world = dict(built, proxy=proxy)
        try:
            proc = run(world, BOOTSTRAP)
            assert proc.returncode == 0, proc.stdout[-4000:]
            if billing:
                add_billing_group(world)
            yield world
        finally:
            proxy.stop()


def add_billing_group(world):
    """A team's own group that no permission set stands for, with dev3 in it."""
    iam = client(world, 'iam')
    iam.create_group(GroupName='Billing')
    iam.put_group_policy(GroupName='Billing', PolicyName='invoices', PolicyDocument=json.dumps(
        {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'aws-portal:ViewBilling', 'Resource': '*'}]}))
    iam.add_user_to_group(GroupName='Billing', UserName='dev3')


def _arguments(world, args, people=None):
    inventory = world['fleet'].inventory(str(world['tmp'] / 'inventory.yml'), HOSTS)
    variables = world['tmp'] / 'people.json'
    variables.write_text(json.dumps(PEOPLE if people is None else people))
    env = dict(world['proxy'].env, PATH=world['fleet'].path_env())
    return env, ('-i', inventory, '-e', '@%s' % variables) + tuple(args)


def run(world, playbook=MIGRATE, args=(), people=None):
    """The playbook on the fleet, to its end (CompletedProcess)."""
    env, arguments = _arguments(world, args, people)
    return run_playbook(playbook, world['home'], env, args=('-e', SANDBOX_VARS) + arguments, check=False)


def start(world, output, playbook=MIGRATE, args=()):
    """The playbook on the fleet in its own session (proof.kill_tree kills all of it), its output into ``output``."""
    env, arguments = _arguments(world, args)
    with open(output, 'w', encoding='utf-8') as handle:
        return subprocess.Popen(bootstrap_command(playbook, arguments), env=base_env(world['home'], env), cwd=ROOT,  # pylint: disable=consider-using-with
                                start_new_session=True, stdout=handle, stderr=subprocess.STDOUT, text=True)


def phase_args(world, portal, phase=2, now=None):
    """``-e`` of phase 2 (or 3, with its clock ``now``), the workstations' aws CLI pointed at moto and the portal stand-in."""
    environment = {'AWS_ENDPOINT_URL': world['proxy'].env['AWS_ENDPOINT_URL'], 'AWS_ENDPOINT_URL_SSO': portal.endpoint}
    variables = world['tmp'] / 'phase.json'
    variables.write_text(json.dumps(dict({'migrate_identity_center_phase': phase, 'workstation_aws_cli_environment': environment},
                                         **({'migrate_identity_center_now': now} if now else {}))))
    return ('-e', '@%s' % variables)


def client(world, service, key='x'):
    """A boto3 client straight at moto (signing with ``key``: moto records it as that key's last use)."""
    return boto3.client(service, endpoint_url=world['proxy'].sandbox.endpoint, region_name=SANDBOX_REGION,
                        aws_access_key_id=key, aws_secret_access_key='y')


def users(world):
    """The developers' IAM users (their portal stand-ins 'devN-sso' too)."""
    return sorted(user['UserName'] for user in client(world, 'iam').list_users()['Users'] if user['UserName'].startswith('dev'))


def last_used(world, name):
    """IAM's last use of the user's latest-used key (a datetime), None when none was used."""
    iam = client(world, 'iam')
    dates = [iam.get_access_key_last_used(AccessKeyId=key['AccessKeyId'])['AccessKeyLastUsed'].get('LastUsedDate')
             for key in iam.list_access_keys(UserName=name)['AccessKeyMetadata']]
    return max((date for date in dates if date), default=None)


def start_url(world):
    return 'https://%s.awsapps.com/start' % client(world, 'sso-admin').list_instances()['Instances'][0]['IdentityStoreId']


def key_states(world):
    """{developer: [(key id, status)] as IAM lists them, None for an IAM user that is no more}."""
    iam = client(world, 'iam')
    found = {}
    for index in range(1, 5):
        try:
            keys = iam.list_access_keys(UserName='dev%d' % index)['AccessKeyMetadata']
        except iam.exceptions.NoSuchEntityException:
            found['dev%d' % index] = None
            continue
        found['dev%d' % index] = sorted((key['AccessKeyId'], key['Status']) for key in keys)
    return found


def key_statuses(world):
    """{developer: sorted key statuses, None for an IAM user that is no more}."""
    return {developer: None if keys is None else sorted(status for _key, status in keys) for developer, keys in key_states(world).items()}


def switched_at(world, name):
    """The time phase 2 tagged on the IAM user when it switched them to SSO, or None."""
    tags = {tag['Key']: tag['Value'] for tag in client(world, 'iam').list_user_tags(UserName=name)['Tags']}
    return datetime.datetime.fromisoformat(tags[TAG].replace('Z', '+00:00')) if TAG in tags else None


def a_month_after_the_switch(world, developer='dev3'):
    """31 days after phase 2 switched ``developer``: the clock phase 3 is run with. The clock is moved on rather than the
    tag set back: moto's last-use dates cannot be set back, so with the tag a month earlier every earlier use of the keys
    would count as a use after the switch."""
    return (switched_at(world, developer) + datetime.timedelta(days=31)).strftime('%Y-%m-%dT%H:%M:%SZ')


def console_passwords(world):
    """The developers with a console password."""
    iam = client(world, 'iam')
    found = []
    for index in range(1, 5):
        try:
            iam.get_login_profile(UserName='dev%d' % index)
        except iam.exceptions.NoSuchEntityException:
            continue
        found.append('dev%d' % index)
    return found


def sso_login(world, host, url, token):
    """What `aws sso login --sso-session awsbootstrap` leaves in the host's home, owned by its OS user."""
    values = world['fleet'].hosts[host]
    path = token_cache_file(values['home'], SESSION, url, SANDBOX_REGION, token)
    user = pwd.getpwnam(values['workstation_user'])
    folder = os.path.join(values['home'], '.aws', 'sso')
    for name in (folder, os.path.dirname(path), path):
        os.chown(name, user.pw_uid, user.pw_gid)


@contextlib.contextmanager
def sso_portal(world):
    """The portal stand-in: each logged-in developer's token hands out the key of a stand-in IAM user 'devN-sso'."""
    iam = client(world, 'iam')
    with SsoPortal() as stand_in:
        for host, token in LOGGED_IN.items():
            developer = world['fleet'].hosts[host]['workstation_iam_user']
            iam.create_user(UserName=developer + '-sso')
            key = iam.create_access_key(UserName=developer + '-sso')['AccessKey']
            stand_in.assign(token, ACCOUNT, ROLE[developer], key['AccessKeyId'], key['SecretAccessKey'])
        yield stand_in


def sso_stand_in_arn(developer, _role):
    """Whom the portal stand-in's credentials belong to (the stand-in IAM user of the developer)."""
    return 'arn:aws:iam::%s:user/%s-sso' % (ACCOUNT, developer)
