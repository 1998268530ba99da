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


def tables(path, count):
    """The provenance line and the first ``count`` Markdown tables of ``path`` (with the line before each)."""
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    provenance = next((line for line in text.splitlines() if line.startswith('Produced by')), '')
    found = []
    for match in list(re.finditer(r'(^\|.*\|\n)+', text, re.M))[:count]:
        before = text[:match.start()].rstrip('\n').rsplit('\n', 1)[-1]
        found.append((before + '\n\n' if before.endswith(':') else '') + match.group(0).rstrip())
    return provenance, '\n\n'.join(found)


def main():
    parts = []
    # The guide's comparison with its calls by action; the fleet's summary.
    for name, count in (('RESULTS.md', 2), ('FLEET-RESULTS.md', 1)):
        path = os.path.join(ROOT, 'benchmarks', name)
        if os.path.exists(path):
            provenance, found = tables(path, count)
            parts.append('%s\n\n%s' % (provenance, found))
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
