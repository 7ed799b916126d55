"""Portfolio review as an Excel workbook a programme office can filter: Summary, Blocking, Conditions, Expiring.

The same review gives the same bytes: the workbook's created/modified times are the review's
as-of date and every part of the zip carries that date, not the time it was written.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from gatekeeper.portfolio import PortfolioResult
from gatekeeper.reporters._common.cells import spreadsheet_cell
from gatekeeper.reporters._common.profile import change_text
from gatekeeper.reporters._common.workbook import workbook_bytes
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.portfolio._columns import (
    SUMMARY_HEADERS,
    change_words,
    summary_values,
)

SHEETS = ("Summary", "Blocking", "Conditions", "Expiring")
MAX_WIDTH = 60


def _sheet(
    workbook: Any,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    preamble: Sequence[Sequence[Any]] = (),
) -> Any:
    """One filterable sheet: the `preamble` lines (what the review is), a blank line, then the table.

    Set up to print: landscape A4, fitted to the page width, the header row repeated on every page.
    """
    from openpyxl.styles import Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    ws = workbook.create_sheet(title)
    for values in preamble:
        ws.append([spreadsheet_cell(v) for v in values])
    if preamble:
        ws.append([])
    header_row = len(preamble) + 2 if preamble else 1  # after the preamble and one blank row
    ws.append(list(headers))
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headers]
    for values in rows:
        row = [spreadsheet_cell(value) for value in values]
        ws.append(row)
        widths = [max(w, len(str(v)) if not isinstance(v, dt.date) else 10) for w, v in zip(widths, row, strict=False)]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
    for column in ws.iter_cols(min_row=header_row + 1):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    last = get_column_letter(len(headers))
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{last}{ws.max_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.print_title_rows = f"{header_row}:{header_row}"
    thin = Side(style="thin", color="BFBFBF")
    for row in ws.iter_rows(min_row=header_row, max_row=ws.max_row, max_col=len(headers)):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for row in ws.iter_rows(min_row=1, max_row=len(preamble), max_col=1):
        row[0].font = Font(bold=True)
    ws.oddHeader.center.text = f"{title}"
    ws.oddFooter.center.text = "Page &P of &N"
    return ws


# Fills of the conditional formats: pass, fail, could not be evaluated, overdue (light, so the text
# stays readable, on screen and in print).
_FILLS: dict[str, str] = {"pass": "C6EFCE", "fail": "FFC7CE", "error": "FFEB9C", "overdue": "FFC7CE"}


def _colour(ws: Any, column: int, first: int, last: int, *, words: Sequence[str] = (), positive: bool = False) -> None:
    """Conditional formats on one column: a fill per decision word, or for any count above zero."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    if last < first:
        return
    ref = f"{get_column_letter(column)}{first}:{get_column_letter(column)}{last}"
    for word in words:
        fill = PatternFill(start_color=_FILLS[word], end_color=_FILLS[word], fill_type="solid")
        ws.conditional_formatting.add(ref, CellIsRule(operator="equal", formula=[f'"{word}"'], fill=fill))
    if positive:
        fill = PatternFill(start_color=_FILLS["overdue"], end_color=_FILLS["overdue"], fill_type="solid")
        rule = CellIsRule(operator="greaterThan", formula=["0"], fill=fill, font=Font(bold=True))
        ws.conditional_formatting.add(ref, rule)


def shown_pack(pack: str, folders: Sequence[str]) -> str:
    """A pack's folder relative to the folder given on the command line's parent ("examples/fenland-water"):
    the workbook names no absolute path of the machine that wrote it."""
    for folder in folders:
        base = os.path.normpath(folder)
        if os.path.normpath(pack) == base or os.path.normpath(pack).startswith(base + os.sep):
            return Path(os.path.relpath(pack, os.path.dirname(base) or ".")).as_posix()
    return Path(pack).as_posix() if not os.path.isabs(pack) else Path(pack).name


def workbook(result: PortfolioResult) -> Any:
    """The openpyxl Workbook of a review (not yet saved)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    links = dict(result.reports)
    preamble: list[tuple[str, str]] = [
        ("Portfolio review as of", result.as_of.isoformat()),
        ("Gate", result.gate or "each alliance's next gate"),
        ("Rule pack", f"{result.rule_pack_name} {result.rule_pack_version} (sha256 {result.rule_pack_digest[:12]})"),
        ("Profile", result.profile_name or "none"),
        *(("Profile change", change_text(c)) for c in result.profile_changes),
        (
            "Decisions",
            f"{result.count('pass')} pass, {result.count('fail')} fail, {result.count('error')} could not be evaluated",
        ),
    ]
    headers = ("Pack", *SUMMARY_HEADERS)
    summary = _sheet(
        wb,
        "Summary",
        headers,
        ((shown_pack(r.pack, result.folders), *summary_values(r)) for r in result.rows),
        preamble=preamble,
    )
    first = summary.max_row - len(result.rows) + 1
    _colour(summary, headers.index("Decision") + 1, first, summary.max_row, words=("pass", "fail", "error"))
    _colour(summary, headers.index("Conditions overdue") + 1, first, summary.max_row, positive=True)
    for (cell,) in summary.iter_rows(
        min_row=first,
        max_row=summary.max_row,
        min_col=headers.index("Maturity") + 1,
        max_col=headers.index("Maturity") + 1,
    ):
        cell.number_format = "0%"  # a fraction from 0 to 1, shown as a percentage
    for i, row in enumerate(result.rows):
        link = links.get(row.key)
        if link:
            cell = summary.cell(row=first + i, column=headers.index("Alliance") + 1)
            cell.hyperlink = link
            cell.style = "Hyperlink"
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
    conditions = _sheet(
        wb,
        "Conditions",
        ("Alliance", "Name", "Gate", "Outcome", "Owner", "Due", "State", "Note"),
        (
            (r.label, r.alliance_name or "", r.gate or "", c.outcome, c.owner, c.due, c.state, c.note or "")
            for r in result.rows
            for c in r.conditions
        ),
    )
    _colour(conditions, 7, 2, conditions.max_row, words=("overdue",))
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
    return workbook_bytes(workbook(result), dated=result.as_of)
