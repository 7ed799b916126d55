"""The assessment workbook's layout, shared by export and import: sheets, columns, and what a row means.

A Claims row projects one claim onto the workbook's editable columns; export writes that projection
and its digest (on the hidden Lists sheet), import compares against both, so an unedited row is
never written back and a row edited in one workbook cannot silently undo another's import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from gatekeeper.model import Claim

FORMAT = "gatekeeper-assessment-workbook/1"
SHEETS: tuple[str, ...] = ("Instructions", "Claims", "Register", "Lists")

STATUS_CHOICES: tuple[str, ...] = ("met", "partly_met", "not_met", "not_applicable")
METHOD_CHOICES: tuple[str, ...] = ("interview", "document_review", "workshop", "survey")


@dataclass(frozen=True)
class Column:
    letter: str
    header: str
    width: int
    editable: bool


CLAIM_COLUMNS: tuple[Column, ...] = (
    Column("A", "Outcome", 13, False),
    Column("B", "Cell", 9, False),
    Column("C", "Critical", 9, False),
    Column("D", "Outcome (Code of Practice)", 60, False),
    Column("E", "Evidence needed", 40, False),
    Column("F", "Status", 15, True),
    Column("G", "Assessor", 22, True),
    Column("H", "Method", 17, True),
    Column("I", "Date", 12, True),
    Column("J", "Evidence ids", 16, True),
    Column("K", "Justification", 30, True),
    Column("L", "Note", 40, True),
    Column("M", "Action", 30, True),
    Column("N", "Action owner", 18, True),
    Column("O", "Action due", 12, True),
)
REGISTER_COLUMNS: tuple[Column, ...] = (
    Column("A", "Id", 10, True),
    Column("B", "Title", 50, True),
    Column("C", "Kind", 20, True),
    Column("D", "Path (inside the pack)", 45, True),
    Column("E", "Date", 12, True),
    Column("F", "Owner", 22, True),
    Column("G", "sha256 (computed on import)", 20, False),
)
# Rows left open below the register for new evidence, and the most rows import reads on any sheet
# beyond what was exported: a sheet longer than that is refused without reading it all.
REGISTER_BLANK_ROWS = 200
MAX_EXTRA_ROWS = 1000

# Lists sheet columns: the dropdown sources, the export's outcome order and digests, and metadata.
LIST_EVIDENCE, LIST_ASSESSORS, LIST_KINDS, LIST_OUTCOMES, LIST_DIGESTS, LIST_KEYS, LIST_VALUES = "ABCDEFG"


@dataclass(frozen=True)
class Row:
    """A claim as the workbook's editable columns hold it; `None` for an empty cell."""

    status: str | None = None
    assessor: str | None = None
    method: str | None = None
    date: dt.date | None = None
    evidence: tuple[str, ...] = ()
    justification: str | None = None
    note: str | None = None
    action: str | None = None
    action_owner: str | None = None
    action_due: dt.date | None = None

    def digest(self) -> str:
        """A digest of the row's meaning: equal rows give equal digests, whatever program saved them."""
        fields = [
            self.status,
            self.assessor,
            self.method,
            self.date.isoformat() if self.date else None,
            list(self.evidence),
            self.justification,
            self.note,
            self.action,
            self.action_owner,
            self.action_due.isoformat() if self.action_due else None,
        ]
        return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def several_actions(claim: Claim | None) -> bool:
    """A claim with more than one action keeps its actions in claims.yml: the workbook shows them read-only."""
    return claim is not None and len(claim.actions) > 1


def project(claim: Claim | None) -> Row:
    """The row a claim exports as (an empty row when the outcome has no claim)."""
    if claim is None:
        return Row()
    action = claim.actions[0] if len(claim.actions) == 1 else None
    return Row(
        status=claim.status,
        assessor=claim.assessed_by,
        method=claim.method,
        date=claim.date,
        evidence=tuple(claim.evidence),
        justification=claim.justification,
        note=claim.note,
        action=action.action if action else None,
        action_owner=action.owner if action else None,
        action_due=action.due if action else None,
    )


def actions_text(claim: Claim) -> tuple[str, str, str]:
    """Several actions shown read-only, one per line, in the three action columns."""
    return (
        "\n".join(a.action for a in claim.actions),
        "\n".join(a.owner for a in claim.actions),
        "\n".join(a.due.isoformat() for a in claim.actions),
    )


def evidence_text(ids: Sequence[str]) -> str | None:
    return ", ".join(ids) if ids else None
