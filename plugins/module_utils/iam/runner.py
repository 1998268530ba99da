# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The ``main()`` of every controller module."""

from __future__ import annotations

from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.validation import OptionError
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import IAMFailure
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.core import fail
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import deliver_all
from ansible_collections.awsbootstrap.iam.plugins.module_utils.iam.executor import revoke_undelivered


def run_iam_module(argument_spec, run, **module_options):
    """The ``main()`` of every controller module: ``run(module)`` returns the result with its ``diff``,
    which is kept only in diff mode; option errors and IAM failures become the module's failure."""
    # Imported here: the plan logic is unit-tested without AnsibleAWSModule's import side effects.
    from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, **module_options)
    deliver_all()
    try:
        result = run(module)
    except OptionError as error:
        module.fail_json(msg=error.message + revoke_undelivered())
    except IAMFailure as failure:
        fail(module, IAMFailure(failure.message + revoke_undelivered(), failure.exception))
    except BaseException:
        # A secret is never left behind by a failure nobody foresaw either.
        revoke_undelivered()
        raise
    if not module._diff:  # pylint: disable=protected-access
        result.pop('diff', None)
    deliver_all()
    module.exit_json(**result)
