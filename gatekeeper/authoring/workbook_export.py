"""`workbook export`: one assessment workbook for the outcomes a gate evaluates, the same bytes for the same pack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from gatekeeper.authoring.register import evidence_kinds
from gatekeeper.authoring.workbook_layout import (
    CLAIM_COLUMNS,
    FORMAT,
    LIST_ASSESSORS,
    LIST_DIGESTS,
    LIST_EVIDENCE,
    LIST_KEYS,
    LIST_KINDS,
    LIST_OUTCOMES,
    LIST_VALUES,
    METHOD_CHOICES,
    REGISTER_BLANK_ROWS,
    REGISTER_COLUMNS,
    STATUS_CHOICES,
    Column,
    actions_text,
    evidence_text,
    project,
    several_actions,
)
from gatekeeper.evaluation.kinds import describe
from gatekeeper.model import EvidencePack, Outcome, RulePack
from gatekeeper.reporters._common.workbook import workbook_bytes

DATE_FORMAT = "yyyy-mm-dd"
INSTRUCTIONS: tuple[str, ...] = (
    "How to use this workbook",
    "",
    "The evidence pack stays the source of truth: this workbook carries your judgements back into it with",
    "`gatekeeper workbook import WORKBOOK PACK` (add --dry-run to see what would change first).",
    "",
    "Claims: one row per outcome the gate evaluates. The grey columns (outcome, cell, critical, the Code's",
    "text, the evidence needed) are locked. Fill in or change the white columns: status, assessor, method,",
    "date, evidence ids (comma-separated, from the Register sheet), justification (required when the",
    "status is not_applicable), note, and one action with its owner and due date for a gap.",
    "Choose from the dropdowns; type dates as dates. Formulas are not accepted: type values.",
    "",
    "Register: the evidence items of the pack (locked). Add new evidence in the empty rows below them:",
    "id, title, kind, the path of the document inside the pack folder (it must be there), date and owner.",
    "The sha256 is computed from the document when the workbook is imported.",
    "",
    "Do not rename, move or delete sheets, rows or columns, and do not merge cells: the import refuses",
    "such a workbook and names every cell it cannot use. Rows you did not change are left as they are,",
    "so assessors of different outcomes can each import their own copy of the workbook.",
)


def export_workbook(rules: RulePack, pack: EvidencePack, *, gate: str) -> bytes:
    """The assessment workbook for `gate`, as bytes: fixed dates, so the same pack gives the same file."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    scope = rules.in_phases(rules.policy.gates[gate].evaluates)
    wb = Workbook()
    wb.remove(wb.active)
    _instructions(wb.create_sheet("Instructions"), pack, gate)
    lists = wb.create_sheet("Lists")
    _claims(wb.create_sheet("Claims", 1), rules, pack, scope)
    _register(wb.create_sheet("Register", 2), pack)
    _lists(lists, pack, gate, scope)
    lists.sheet_state = "hidden"
    wb.active = 1
    wb.security = WorkbookProtection(lockStructure=True)
    stamp = dt.datetime.combine(pack.assessment_date, dt.time())
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "gatekeeper"
    wb.properties.title = f"{pack.alliance_name}: assessment for the {gate} gate"
    return workbook_bytes(wb, dated=pack.assessment_date)


def _set(cell: Any, value: Any) -> None:
    """Write a value as data: text that starts with '=' stays text, never a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


def _header(ws: Any, columns: Sequence[Column], last_row: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.properties import PageSetupProperties

    for column in columns:
        cell = ws[f"{column.letter}1"]
        cell.value = column.header
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[column.letter].width = column.width
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{columns[-1].letter}{last_row}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # filtering is allowed; sorting (which moves rows) is not
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _style_rows(ws: Any, columns: Sequence[Column], rows: range, *, open_rows: bool = True) -> None:
    from openpyxl.styles import Alignment, PatternFill, Protection

    locked_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    unlocked = Protection(locked=False)
    for row in rows:
        for column in columns:
            cell = ws[f"{column.letter}{row}"]
            cell.alignment = wrap
            if column.editable and open_rows:
                cell.protection = unlocked
            else:
                cell.fill = locked_fill


def _list_validation(ws: Any, source: str, cells: str, *, prompt: str, strict: bool = True) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(type="list", formula1=source, allow_blank=True, showDropDown=False)
    validation.error = prompt
    validation.errorTitle = "Not in the list"
    validation.prompt = prompt
    validation.showErrorMessage = True
    validation.showInputMessage = True
    validation.errorStyle = "stop" if strict else "information"
    ws.add_data_validation(validation)
    validation.add(cells)


def _date_validation(ws: Any, cells: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2099,12,31)", allow_blank=True
    )
    validation.error = "Type a date (YYYY-MM-DD)."
    validation.errorTitle = "Not a date"
    validation.showErrorMessage = True
    ws.add_data_validation(validation)
    validation.add(cells)


def outcome_text(outcome: Outcome) -> str:
    return "\n".join([outcome.text, *(f"\u2022 {item}" for item in outcome.sub_items)])


def _claims(ws: Any, rules: RulePack, pack: EvidencePack, scope: Sequence[Outcome]) -> None:
    from openpyxl.styles import Protection

    last = len(scope) + 1
    _header(ws, CLAIM_COLUMNS, last)
    _style_rows(ws, CLAIM_COLUMNS, range(2, last + 1))
    for row, outcome in enumerate(scope, start=2):
        claim = pack.claims.get(outcome.id)
        values = project(claim)
        needs = "\n".join(describe(r, rules.checklists) for r in outcome.requirements)
        cells = [
            outcome.id,
            outcome.cell,
            "yes" if outcome.critical else "no",
            outcome_text(outcome),
            needs,
            values.status,
            values.assessor,
            values.method,
            values.date,
            evidence_text(values.evidence),
            values.justification,
            values.note,
            values.action,
            values.action_owner,
            values.action_due,
        ]
        for column, value in zip(CLAIM_COLUMNS, cells, strict=True):
            if value is not None:
                _set(ws[f"{column.letter}{row}"], value)
        if claim is not None and several_actions(claim):
            for letter, text in zip("MNO", actions_text(claim), strict=True):
                cell = ws[f"{letter}{row}"]
                _set(cell, text)
                cell.protection = Protection(locked=True)
    if scope:
        _list_validation(ws, '"' + ",".join(STATUS_CHOICES) + '"', f"F2:F{last}", prompt="Choose a status.")
        _list_validation(ws, '"' + ",".join(METHOD_CHOICES) + '"', f"H2:H{last}", prompt="Choose how it was assessed.")
        assessors = max(1, len(pack.assessors))
        _list_validation(
            ws,
            f"Lists!${LIST_ASSESSORS}$2:${LIST_ASSESSORS}${assessors + 1}",
            f"G2:G{last}",
            prompt="Choose an assessor declared in manifest.yml.",
        )
        items = max(1, len(pack.register))
        _list_validation(
            ws,
            f"Lists!${LIST_EVIDENCE}$2:${LIST_EVIDENCE}${items + 1}",
            f"J2:J{last}",
            prompt="Evidence ids from the Register sheet; several: separate them with commas.",
            strict=False,
        )
        _date_validation(ws, f"I2:I{last}")
        _date_validation(ws, f"O2:O{last}")


def _register(ws: Any, pack: EvidencePack) -> None:
    items = list(pack.register.values())
    last = len(items) + 1 + REGISTER_BLANK_ROWS
    _header(ws, REGISTER_COLUMNS, last)
    _style_rows(ws, REGISTER_COLUMNS, range(2, len(items) + 2), open_rows=False)
    _style_rows(ws, REGISTER_COLUMNS, range(len(items) + 2, last + 1))
    for row, item in enumerate(items, start=2):
        for column, value in zip(
            REGISTER_COLUMNS,
            (item.id, item.title, item.kind, item.path, item.date, item.owner, item.sha256),
            strict=True,
        ):
            _set(ws[f"{column.letter}{row}"], value)
    first_new = len(items) + 2
    _list_validation(
        ws,
        f"Lists!${LIST_KINDS}$2:${LIST_KINDS}${len(evidence_kinds()) + 1}",
        f"C{first_new}:C{last}",
        prompt="Choose the kind of evidence.",
    )
    _date_validation(ws, f"E{first_new}:E{last}")


def _lists(ws: Any, pack: EvidencePack, gate: str, scope: Sequence[Outcome]) -> None:
    columns = {
        LIST_EVIDENCE: ("Evidence ids", list(pack.register)),
        LIST_ASSESSORS: ("Assessors", [a.name for a in pack.assessors]),
        LIST_KINDS: ("Kinds", list(evidence_kinds())),
        LIST_OUTCOMES: ("Outcomes exported", [o.id for o in scope]),
        LIST_DIGESTS: ("Row digests", [project(pack.claims.get(o.id)).digest() for o in scope]),
    }
    for letter, (header, values) in columns.items():
        _set(ws[f"{letter}1"], header)
        for row, value in enumerate(values, start=2):
            _set(ws[f"{letter}{row}"], value)
    meta = [("format", FORMAT), ("alliance", pack.alliance_id), ("gate", gate)]
    _set(ws[f"{LIST_KEYS}1"], "Key")
    _set(ws[f"{LIST_VALUES}1"], "Value")
    for row, (key, value) in enumerate(meta, start=2):
        _set(ws[f"{LIST_KEYS}{row}"], key)
        _set(ws[f"{LIST_VALUES}{row}"], value)
    ws.protection.sheet = True


def _instructions(ws: Any, pack: EvidencePack, gate: str) -> None:
    from openpyxl.styles import Alignment, Font

    ws.column_dimensions["A"].width = 110
    lines = [f"{pack.alliance_name} ({pack.alliance_id}): assessment for the {gate} gate", "", *INSTRUCTIONS]
    for row, line in enumerate(lines, start=1):
        cell = ws[f"A{row}"]
        _set(cell, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A3"].font = Font(bold=True)
    ws.protection.sheet = True
    ws.page_setup.orientation = "landscape"
