# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Console passwords against the account's password policy: reading it, checking a password, generating one."""

from __future__ import annotations

import functools
import secrets
import string

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import read
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError

# The characters IAM counts as symbols.
SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
CLASSES = {
    'uppercase': string.ascii_uppercase,
    'lowercase': string.ascii_lowercase,
    'numbers': string.digits,
    'symbols': SYMBOLS,
}
GENERATED_LENGTH = 24

# Without a policy of its own an account applies AWS's default: at least 8 characters and at least
# three of the four character classes.
DEFAULT_POLICY = {'minimum_password_length': 8, 'required_classes': [], 'classes_needed': 3, 'is_default': True}


def read_account_password_policy(client):
    """GetAccountPasswordPolicy's ``PasswordPolicy``, or None when the account has none (the one reader of it)."""
    response = read(client, 'GetAccountPasswordPolicy')
    return None if response is None else response['PasswordPolicy']


def read_password_policy(client):
    """The account's policy in this module's terms (one GetAccountPasswordPolicy call)."""
    return policy_terms(read_account_password_policy(client))


def password_policy_reader(client, snapshot):
    """A function that returns the account's policy in this module's terms: from the snapshot an earlier task handed on
    when it has the policy, else read once, when first asked."""
    if 'password_policy' in snapshot:
        return lambda: policy_terms(snapshot['password_policy'])
    return functools.lru_cache(maxsize=None)(lambda: read_password_policy(client))


def policy_terms(policy):
    """GetAccountPasswordPolicy's PasswordPolicy (None: the account has none) in this module's terms."""
    if policy is None:
        return dict(DEFAULT_POLICY)
    return policy_from_api(policy)


def policy_from_api(policy):
    fields = (('uppercase', 'RequireUppercaseCharacters'), ('lowercase', 'RequireLowercaseCharacters'),
              ('numbers', 'RequireNumbers'), ('symbols', 'RequireSymbols'))
    required = [name for name, field in fields if policy.get(field)]
    return {'minimum_password_length': policy.get('MinimumPasswordLength') or 6, 'required_classes': required,
            'classes_needed': 0, 'is_default': False}


def check_password(option, password, policy):
    """Fail naming ``option`` and the rule when ``password`` does not satisfy ``policy``; never echoes it."""
    minimum = policy['minimum_password_length']
    if len(password) < minimum:
        raise OptionError(option, 'the password is %d characters, the account password policy%s needs at least %d'
                          % (len(password), ' (AWS default)' if policy.get('is_default') else '', minimum))
    present = [name for name, chars in CLASSES.items() if any(char in chars for char in password)]
    missing = [name for name in policy['required_classes'] if name not in present]
    if missing:
        raise OptionError(option, 'the account password policy requires %s in the password' % ', '.join(missing))
    if len(present) < policy.get('classes_needed', 0):
        raise OptionError(option, 'the AWS default password policy needs at least %d of: uppercase, lowercase, numbers, symbols'
                          % policy['classes_needed'])


def generate_password(policy, length=GENERATED_LENGTH):
    """A random password with every character class, long enough for ``policy``."""
    length = max(length, policy['minimum_password_length'])
    alphabet = ''.join(CLASSES.values())
    while True:
        chars = [secrets.choice(chars) for chars in CLASSES.values()]
        chars += [secrets.choice(alphabet) for _position in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = ''.join(chars)
        if password[0] not in SYMBOLS:  # a leading symbol is awkward to type in some shells and forms
            return password
