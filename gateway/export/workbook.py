"""A cycle's export as an XLSX workbook, through openpyxl: one sheet per table, the
header row frozen and filterable, numbers kept as numbers with the formats a person
would give them, and columns wide enough to read.

Text is stored as text whatever it starts with: openpyxl takes a string beginning
with ``=`` for a formula, and a title such as ``=HYPERLINK(…)`` must not become one.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gateway.export.sheets import Cell, CycleExport, Sheet

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Values keep Excel's General format: units differ from one key result to the next, and
# a fixed pattern either rounds a value away or leaves "12." after an integer.
FORMATS = {
    Cell.SCORE: "0.00",
    Cell.PERCENT: "0%",
    Cell.DATE: "yyyy-mm-dd",
    Cell.MOMENT: "yyyy-mm-dd hh:mm",
}
# Widths in characters: text columns grow with their content up to a bound.
WIDTHS = {
    Cell.NUMBER: (10, 14),
    Cell.SCORE: (8, 10),
    Cell.PERCENT: (8, 12),
    Cell.DATE: (11, 12),
    Cell.MOMENT: (17, 17),
    Cell.TEXT: (10, 40),
    Cell.LONG_TEXT: (20, 60),
    Cell.ID: (12, 38),
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDE4EE")
HEADER_ALIGNMENT = Alignment(vertical="top", wrap_text=True)
WRAPPED = Alignment(vertical="top", wrap_text=True)  # long text, one shared style


def workbook(export: CycleExport, now: datetime | None = None) -> bytes:
    """The workbook's bytes (a sheet per table, key results first)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in export.sheets:
        _write(book, sheet)
    book.properties.title = f"OKRs {export.cycle['name']}"
    book.properties.creator = "OKRA"
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    book.properties.created = book.properties.modified = moment
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write(book: Workbook, sheet: Sheet) -> None:
    page = book.create_sheet(sheet.name)
    for number, column in enumerate(sheet.columns, 1):
        header = page.cell(row=1, column=number, value=column.title)
        header.font, header.fill = HEADER_FONT, HEADER_FILL
        header.alignment = HEADER_ALIGNMENT
    for row_number, row in enumerate(sheet.rows, 2):
        for number, (column, value) in enumerate(zip(sheet.columns, row, strict=True), 1):
            cell = page.cell(row=row_number, column=number, value=value)
            if isinstance(value, str):
                cell.data_type = TYPE_STRING  # never a formula
            if column.cell in FORMATS:
                cell.number_format = FORMATS[column.cell]
            if column.cell == Cell.LONG_TEXT:
                cell.alignment = WRAPPED
    for number, column in enumerate(sheet.columns, 1):
        low, high = WIDTHS[column.cell]
        longest = max(
            [len(column.title) * 0.9]
            + [len(str(row[number - 1])) for row in sheet.rows if isinstance(row[number - 1], str)]
        )
        page.column_dimensions[get_column_letter(number)].width = round(
            min(high, max(low, longest + 2)), 1
        )
    page.freeze_panes = "A2"
    page.auto_filter.ref = (
        f"A1:{get_column_letter(len(sheet.columns))}{max(1, len(sheet.rows) + 1)}"
    )
