#!/usr/bin/env python
"""Copy the latest benchmark tables (benchmarks/RESULTS.md, benchmarks/FLEET-RESULTS.md) into README.md.

Run after ``benchmarks/compare.py`` and ``benchmarks/fleet.py``; replaces the text between the
README's ``<!-- benchmark:start -->`` and ``<!-- benchmark:end -->`` markers.
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START, END = '<!-- benchmark:start -->', '<!-- benchmark:end -->'


def first_table(path):
    """The provenance line and the first Markdown table of ``path``."""
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    provenance = next((line for line in text.splitlines() if line.startswith('Produced by')), '')
    table = re.search(r'(^\|.*\|\n)+', text, re.M)
    return provenance, table.group(0) if table else ''


def main():
    parts = []
    for name in ('RESULTS.md', 'FLEET-RESULTS.md'):
        path = os.path.join(ROOT, 'benchmarks', name)
        if os.path.exists(path):
            provenance, table = first_table(path)
            parts.append('%s\n\n%s' % (provenance, table.rstrip()))
    readme = os.path.join(ROOT, 'README.md')
    with open(readme, encoding='utf-8') as handle:
        text = handle.read()
    if START not in text or END not in text:
        print('README.md has no benchmark markers', file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    with open(readme, 'w', encoding='utf-8') as handle:
        handle.write(head + START + '\n' + '\n\n'.join(parts) + '\n' + END + tail)
    return 0


if __name__ == '__main__':
    sys.exit(main())
