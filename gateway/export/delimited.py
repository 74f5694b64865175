"""One table of a cycle's export as CSV (RFC 4180, comma, CRLF), for spreadsheets and
scripts alike.

- UTF-8 with a byte-order mark, so that Excel reads names with accents right (Python
  reads it with ``encoding="utf-8-sig"``).
- Numbers are written as Python writes floats (shortest exact form, ``.`` decimal
  point), dates and times in ISO 8601, nothing as an empty cell.
- Text that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return) is written after an apostrophe, as OWASP
  advises against CSV injection; the XLSX export stores such text as text instead.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from gateway.export.sheets import Sheet

MEDIA_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return str(value)


def delimited(sheet: Sheet) -> bytes:
    """The table's bytes: a header row of column titles, then one line per row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.title for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
