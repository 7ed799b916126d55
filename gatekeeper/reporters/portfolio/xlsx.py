"""Portfolio review as an Excel workbook a programme office can filter: Summary, Blocking, Conditions, Expiring.

The same review gives the same bytes: the workbook's created/modified times are the review's
as-of date and every part of the zip carries that date, not the time it was written.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from gatekeeper.portfolio import PortfolioResult
from gatekeeper.reporters._common.cells import spreadsheet_cell
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.portfolio._columns import (
    SUMMARY_HEADERS,
    change_words,
    summary_values,
)

SHEETS = ("Summary", "Blocking", "Conditions", "Expiring")
MAX_WIDTH = 60


def _sheet(workbook: Any, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(title)
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for values in rows:
        row = [spreadsheet_cell(value) for value in values]
        ws.append(row)
        widths = [max(w, len(str(v)) if not isinstance(v, dt.date) else 10) for w, v in zip(widths, row, strict=False)]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    for column in ws.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{ws.max_row}"


def workbook(result: PortfolioResult) -> Any:
    """The openpyxl Workbook of a review (not yet saved)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Summary", ("Pack", *SUMMARY_HEADERS), ((r.pack, *summary_values(r)) for r in result.rows))
    _sheet(
        wb,
        "Blocking",
        ("Alliance", "Name", "Gate", "Decision", "Outcome", "Cell", "Critical", "Status", "Reason"),
        (
            (
                r.label,
                r.alliance_name or "",
                r.gate or "",
                r.decision,
                b.outcome,
                b.cell,
                "yes" if b.critical else "no",
                b.status,
                b.reason,
            )
            for r in result.rows
            for b in r.blocking
        ),
    )
    _sheet(
        wb,
        "Conditions",
        ("Alliance", "Name", "Gate", "Outcome", "Owner", "Due", "State", "Note"),
        (
            (r.label, r.alliance_name or "", r.gate or "", c.outcome, c.owner, c.due, c.state, c.note or "")
            for r in result.rows
            for c in r.conditions
        ),
    )
    _sheet(
        wb,
        "Expiring",
        ("Alliance", "Name", "Item", "Title", "Kind", "Dated", "Expires", "Days left", "Outcomes"),
        (
            (
                r.label,
                r.alliance_name or "",
                e.item,
                e.title,
                e.kind,
                e.dated,
                e.expires,
                e.days_left,
                ", ".join(e.outcomes),
            )
            for r in result.rows
            for e in r.expiring
        ),
    )
    if result.since is not None:
        _sheet(
            wb,
            "Changes",
            ("Alliance", "Name", "Kind", "Decision before", "Decision after", "What changed"),
            (
                (
                    c.key,
                    c.alliance_name or "",
                    c.kind,
                    c.decision_before or "",
                    c.decision_after or "",
                    "; ".join(change_words(c)),
                )
                for c in result.since.changes
            ),
        )
    stamp = dt.datetime.combine(result.as_of, dt.time())
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "gatekeeper"
    wb.properties.title = f"Portfolio review as of {result.as_of}"
    return wb


def render(result: PortfolioResult, options: RenderOptions) -> bytes:
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter, not Workbook.save: save() stamps "modified" with the current time.
        ExcelWriter(workbook(result), archive).save()
    return _restamp(raw.getvalue(), max(result.as_of, dt.date(1980, 1, 1)))


def _restamp(data: bytes, date: dt.date) -> bytes:
    """The same zip with every member dated `date`, so equal reviews are equal files."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(date.year, date.month, date.day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
