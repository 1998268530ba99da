# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roles' checks that need no AWS call, made before anything is written: every problem names the
role variable, the entry and the option (``account_admin_users[Administrator].password: ...``) and
never repeats a secret."""

from __future__ import annotations

import difflib
import os

import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.utils.display import Display

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import GROUP_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.group import desired_group
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.passwords import check_password
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import USER_OPTIONS
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.user import desired_user
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import NAME_PATTERN
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'roles')
# Variables a role sets for later plays (not inputs), and the playbooks' own prefixed variables.
OUTPUTS = {'account_admin': ('account_admin_handover',), 'workstation': ('workstation_fleet_report', 'workstation_account_snapshot')}
PLAYBOOK_VARIABLES = {
    'rotate_keys': ('rotate_keys_max_age_days', 'rotate_keys_force'),
    'bootstrap': ('bootstrap_workstation_iam_user', 'bootstrap_workstation_profiles', 'bootstrap_account_groups'),
}
UTF8_BOM = b'\xef\xbb\xbf'
_SPECS = {}


def role_options(role):
    """The options of a role's ``main`` entry point, from its meta/argument_specs.yml."""
    if role not in _SPECS:
        with open(os.path.join(ROLES, role, 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
            _SPECS[role] = yaml.safe_load(handle)['argument_specs']['main']['options']
    return _SPECS[role]


def entry_point_options(role):
    """The options of every entry point of a role (main, and such as the workstation role's identity_center)."""
    with open(os.path.join(ROLES, role, 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
        specs = yaml.safe_load(handle)['argument_specs']
    return {name for spec in specs.values() for name in spec.get('options') or {}}


def known_variables(prefix):
    """Every variable name a role (or playbook) of this collection knows under ``prefix``."""
    if prefix in PLAYBOOK_VARIABLES:
        return list(PLAYBOOK_VARIABLES[prefix])
    return sorted(entry_point_options(prefix)) + list(OUTPUTS.get(prefix, ()))


def unknown_role_variables(names, prefix):
    """The variables of ``names`` that start with ``prefix_`` and that the role (or playbook) does not
    know, each as a warning naming it and the closest known one; the warnings are also shown."""
    known = known_variables(prefix)
    found = []
    for name in sorted(set(names or [])):
        if not name.startswith(prefix + '_') or name.startswith(prefix + '__') or name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = ('did you mean %s?' % close[0]) if close else ('known: %s' % ', '.join(known))
        message = '%s is not a variable of %s and is ignored: %s' % (name, prefix, hint)
        Display().warning(message)
        found.append(message)
    return found


def _item_label(variable, index, item):
    name = item.get('name') if isinstance(item, dict) else None
    if isinstance(name, str) and name and NAME_PATTERN.fullmatch(name):
        return '%s[%s]' % (variable, name)
    return '%s[%d]' % (variable, index)


def _validated(variable, label, item, spec, role_keys):
    """The item checked against the role's item options; (params, problems)."""
    if not isinstance(item, dict):
        return None, ['%s: must be a mapping with at least a name (got %s)' % (label, type(item).__name__)]
    unknown = sorted(str(key) for key in item if key not in role_keys)
    if unknown:
        return None, ['%s: unknown key%s %s; the supported keys are %s' % (
            label, 's' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(sorted(role_keys)))]
    result = ArgumentSpecValidator(spec).validate(dict(item))
    problems = []
    for error in result.errors:
        text = str(error)
        # Ansible's messages name the parameter; keep them, never the value of a secret.
        problems.append('%s: %s' % (label, text.replace('argument ', '', 1)))
    return result.validated_parameters, problems


def _policy_for_check(password_policy):
    """The policy the role is about to set, in iam_passwords' terms; None when the role leaves it alone."""
    if password_policy is None:
        return None
    fields = (('uppercase', 'require_uppercase_characters'), ('lowercase', 'require_lowercase_characters'),
              ('numbers', 'require_numbers'), ('symbols', 'require_symbols'))
    return {'minimum_password_length': password_policy.get('minimum_password_length') or 6,
            'required_classes': [name for name, field in fields if password_policy.get(field)],
            'classes_needed': 0, 'is_default': False}


def account_admin_problems(groups, users, password_policy=None, credentials_dir=None, refuse_console_user_keys=False):
    """Every problem of ``account_admin_groups`` and ``account_admin_users`` that needs no AWS call, each
    naming the variable, the entry and the option. ``password_policy``: the policy the role sets
    (null: the account's own, which the module checks). ``credentials_dir`` (when not None): where a
    generated console password goes; empty means nowhere. ``refuse_console_user_keys``: CIS 1.11."""
    options = role_options('account_admin')
    problems = []
    names = {}
    for variable, items, module_options, desire, rename in (
            ('account_admin_groups', groups, GROUP_OPTIONS, desired_group, {}),
            ('account_admin_users', users, USER_OPTIONS, desired_user, {'access_key': 'access_key_state'})):
        if items is None:
            items = []
        if not isinstance(items, list):
            problems.append('%s: must be a list (got %s)' % (variable, type(items).__name__))
            continue
        role_spec = options[variable]['options']
        seen = names.setdefault(variable, {})
        for index, item in enumerate(items):
            label = _item_label(variable, index, item)
            params, found = _validated(variable, label, item, _spec_of(role_spec), role_spec)
            if found:
                problems.extend(found)
                continue
            module_params = {rename.get(key, key): value for key, value in params.items() if rename.get(key, key) in module_options}
            try:
                desired = desire(module_params)
            except OptionError as error:
                problems.append('%s.%s: %s' % (label, rename_back(error.option, rename), error.rule))
                continue
            lower = desired['name'].lower()
            if lower in seen:
                problems.append('%s: %r is given twice (IAM names do not depend on case; the first is %s)' % (label, desired['name'], seen[lower]))
            seen[lower] = label
            if variable == 'account_admin_users' and desired.get('password') is not None and desired['state'] == 'present':
                policy = _policy_for_check(password_policy)
                if policy is not None:
                    try:
                        check_password('password', desired['password'], policy)
                    except OptionError as error:
                        problems.append('%s.password: %s' % (label, error.rule.replace('the account password policy', 'the password policy this role sets')))
            if variable == 'account_admin_users' and desired['state'] == 'present':
                problems.extend(_console_user_problems(label, params, credentials_dir, refuse_console_user_keys))
    return problems


def _console_user_problems(label, params, credentials_dir, refuse_keys):
    if not params.get('console_access'):
        return []
    problems = []
    if credentials_dir is not None and not credentials_dir and params.get('password') is None:
        problems.append('%s: would get a generated console password, which is shown only once: set its password, or set '
                        'account_admin_credentials_dir to receive it as a CSV' % label)
    if refuse_keys and params.get('access_key') == 'present':
        problems.append('%s: would get a console password and an access key at setup, which CIS 1.11 forbids: drop one of the '
                        'two (a person creates a key when needed), or set account_admin_refuse_console_user_keys: false' % label)
    return problems


def account_admin_missing_groups(group_reads, users):
    """One problem per user joining a group that the check-mode reads (a registered loop of
    iam_bootstrap_group over the groups nobody creates) found missing: such a read would create it."""
    missing = {result.get('item') for result in (group_reads or {}).get('results') or [] if result.get('changed')}
    problems = []
    for index, user in enumerate(users or []):
        if not isinstance(user, dict) or user.get('state', 'present') != 'present':
            continue
        for group in user.get('groups') or []:
            if group in missing:
                problems.append("%s.groups: no IAM group '%s' exists, and account_admin_groups does not create it" % (
                    _item_label('account_admin_users', index, user), group))
    return problems


def rename_back(option, rename):
    for role_key, module_key in rename.items():
        if option == module_key:
            return role_key
    return option


def _spec_of(role_spec):
    """An argument spec (types, choices, required) from a role's item options (descriptions dropped)."""
    spec = {}
    for key, option in role_spec.items():
        entry = {name: option[name] for name in ('type', 'elements', 'choices', 'required', 'no_log') if name in option}
        if key == 'password':
            entry['no_log'] = True
        spec[key] = entry
    return spec


def aws_file_problems(paths):
    """Problems of the AWS CLI / botocore files on the controller that botocore would report only as
    "Unable to parse config file": a UTF-8 byte order mark (BOM) at the start. ``paths``: {label: path}."""
    problems = []
    for label, path in sorted((paths or {}).items()):
        if not path:
            continue
        path = os.path.expanduser(path)
        try:
            with open(path, 'rb') as handle:
                start = handle.read(len(UTF8_BOM))
        except OSError:
            continue
        if start == UTF8_BOM:
            problems.append('%s (%s) starts with a UTF-8 byte order mark (BOM), which botocore and the AWS CLI cannot read '
                            '("Unable to parse config file"): save it as UTF-8 without BOM, for example with '
                            "sed -i '1s/^\\xEF\\xBB\\xBF//' %s" % (label, path, path))
    return problems


class FilterModule:
    """The roles' checks."""

    def filters(self):
        return {
            'account_admin_problems': account_admin_problems,
            'account_admin_missing_groups': account_admin_missing_groups,
            'unknown_role_variables': unknown_role_variables,
            'aws_file_problems': aws_file_problems,
        }
