# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""One group's or one user's options as Ansible's argument spec hands them to a module (or to one entry of
iam_bootstrap_identities): every option left out is None, or its default."""

from __future__ import annotations

GROUP_DEFAULTS = dict(path=None, managed_policies=None, purge_policies=False, inline_policies=None,
                      purge_inline_policies=False, state='present')
USER_DEFAULTS = dict(path=None, tags=None, purge_tags=True, groups=None, purge_groups=False, console_access=None,
                     password=None, password_reset_required=True, update_password='on_create', access_key_state=None,
                     access_key_in_use=None, access_key_max_age_days=None, retire_other_access_keys=False,
                     credentials_csv=None, state='present')


def group_entry(name, **options):
    return dict(GROUP_DEFAULTS, name=name, **options)


def user_entry(name, **options):
    return dict(USER_DEFAULTS, name=name, **options)
