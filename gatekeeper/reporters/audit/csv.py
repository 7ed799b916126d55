"""The evidence register with each item's audit status, as CSV for the audit team's spreadsheet."""

from __future__ import annotations

from gatekeeper.audit import AuditResult, RegisterRow
from gatekeeper.reporters._common.cells import csv_document
from gatekeeper.reporters.options import RenderOptions

COLUMNS: tuple[str, ...] = ("id", "title", "kind", "path", "date", "owner", "approvals", "used_by", "status", "notes")


def _values(row: RegisterRow) -> list[str]:
    used = [*row.used_by, *(f"facts:{p}" for p in row.facts)]
    return [
        row.id,
        row.title,
        row.kind,
        row.path,
        row.date.isoformat(),
        row.owner,
        "; ".join(row.approvals),
        "; ".join(used),
        row.status,
        "; ".join(row.notes),
    ]


def render(result: AuditResult, options: RenderOptions) -> str:
    return csv_document(COLUMNS, (_values(row) for row in result.register_rows))
