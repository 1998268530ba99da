#!/usr/bin/env python
"""``make demo``: the guide end to end against a moto sandbox in a throw-away HOME.

The playbooks that the demo runs (playbooks/bootstrap.yml) arrive with the roles; until then this
says so and exits with an error, rather than pretending.
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    playbook = os.path.join(ROOT, 'playbooks', 'bootstrap.yml')
    if not os.path.exists(playbook):
        print('make demo: playbooks/bootstrap.yml is not in this version yet; it will run the guide '
              'against a local moto sandbox in a throw-away HOME and show `aws configure list`.', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
