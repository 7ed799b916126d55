"""The ledger as CSV: `ledger list`'s table (one row per decision), one decision, or the verification's findings."""

from __future__ import annotations

from gatekeeper.reporters._common.cells import csv_document
from gatekeeper.reporters.ledger import Entry, Listing, Verification
from gatekeeper.reporters.ledger.text import LIST_HEADERS, list_values
from gatekeeper.reporters.options import RenderOptions


def render(result: Listing | Entry | Verification, options: RenderOptions) -> str:
    """Every cell through the spreadsheet guard: text typed by a recorder never becomes a formula."""
    if isinstance(result, Listing):
        return csv_document(LIST_HEADERS, (list_values(row) for row in result.rows))
    if isinstance(result, Entry):
        return csv_document(LIST_HEADERS, [list_values(result.row)])
    return csv_document(
        ("sequence", "finding"), (("" if f.seq is None else str(f.seq), f.message) for f in result.findings)
    )
