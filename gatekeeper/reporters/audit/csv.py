"""The evidence register with each item's audit status, as CSV for the audit team's spreadsheet."""

from __future__ import annotations

import csv
import io
import re

from gatekeeper.audit import AuditResult, RegisterRow
from gatekeeper.reporters._common import text as v
from gatekeeper.reporters.options import RenderOptions

COLUMNS: tuple[str, ...] = ("id", "title", "kind", "path", "date", "owner", "approvals", "used_by", "status", "notes")

# Spreadsheets run a cell that starts with one of these as a formula; evidence text is written by
# anyone on the alliance, so such a cell is prefixed with an apostrophe and shown, never run.
_FORMULA_START = ("=", "+", "-", "@")
_SPACE_RUN = re.compile(r"[\s\u2028\u2029]+")


class AuditDialect(csv.Dialect):
    """Comma-separated, every field quoted when needed, '\\n' line ends: the same bytes on every platform."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    escapechar = None
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL
    skipinitialspace = False
    strict = True


def cell(text: str) -> str:
    """One value as one safe spreadsheet cell: a single line, visible controls, no formula."""
    safe = v.visible(_SPACE_RUN.sub(" ", text).strip())
    return "'" + safe if safe.startswith(_FORMULA_START) else safe


def _values(row: RegisterRow) -> list[str]:
    used = [*row.used_by, *(f"facts:{p}" for p in row.facts)]
    return [
        row.id, row.title, row.kind, row.path, row.date.isoformat(), row.owner, "; ".join(row.approvals),
        "; ".join(used), row.status, "; ".join(row.notes),
    ]


def render(result: AuditResult, options: RenderOptions) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=AuditDialect)
    writer.writerow(COLUMNS)
    for row in result.register_rows:
        writer.writerow([cell(value) for value in _values(row)])
    return buffer.getvalue()
