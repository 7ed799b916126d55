"""Spreadsheet cells that show what the evidence says and never run it: one rule for every CSV and workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from gatekeeper.reporters._common.text import visible

# A spreadsheet runs a cell that starts with one of these as a formula (tab and CR too, once a
# program strips them). Evidence text is written by anyone on the alliance, so such a cell is
# prefixed with an apostrophe: shown, never run (=HYPERLINK(...) would otherwise be a live link).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain decimal number ("-1500.00") is data, not a formula: it stays a number.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_SPACE_RUN = re.compile(r"[\s\u2028\u2029]+")

Cell = str | int | float | Decimal | dt.date


def spreadsheet_cell(value: Cell | None) -> Cell:
    """One value as one safe cell: numbers and dates as they are; text on one line, controls visible, no formula.

    Control characters become visible escapes such as `\\x1b`, which also keeps a workbook writer
    from refusing the text (XML cannot carry most of them).
    """
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal, dt.date)):  # bool is an int: kept too
        return value
    text = visible(_SPACE_RUN.sub(" ", value).strip())
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class SpreadsheetDialect(csv.Dialect):
    """Comma-separated, fields quoted when needed, '\\n' line ends: the same bytes on every platform."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    escapechar = None
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL
    skipinitialspace = False
    strict = True


def csv_document(header: Sequence[str], rows: Iterable[Sequence[Cell | None]]) -> str:
    """A CSV file: the header, then every row with each value made a safe cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=SpreadsheetDialect)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return buffer.getvalue()
