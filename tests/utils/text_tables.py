# -*- coding: utf-8 -*-
# Copyright: awsbootstrap.iam contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading back the report's text tables (plugins/filter/iam_report.py's text_table) in tests."""

from __future__ import annotations


def table_rows(lines, title):
    """The rows of the table under the line ``title`` (its header and rule skipped, up to the next empty line), each
    as its cells: the columns are separated by two spaces or more, and an empty cell is left out."""
    start = lines.index(title) + 3
    rows = []
    for line in lines[start:]:
        if not line:
            break
        rows.append([cell.strip() for cell in line.split('  ') if cell.strip()])
    return rows
