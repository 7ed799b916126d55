"""The ledger as JSON: rows as stored, or the verification's findings, keys sorted."""

from __future__ import annotations

from typing import Any

from gatekeeper.reporters._common.json import json_document
from gatekeeper.reporters.ledger import Entry, Listing, Verification
from gatekeeper.reporters.options import RenderOptions


def _data(result: Listing | Entry | Verification) -> Any:
    if isinstance(result, Listing):
        return [row.as_dict() for row in result.rows]
    if isinstance(result, Entry):
        return result.row.as_dict()
    head = result.rows[-1] if result.rows else None
    return {
        "location": result.location,
        "rows": None if result.rows is None else len(result.rows),
        "head": None if head is None else {"seq": head.seq, "row_hash": head.row_hash},
        "findings": [{"seq": f.seq, "message": f.message} for f in result.findings],
        "documents": list(result.documents),
    }


def render(result: Listing | Entry | Verification, options: RenderOptions) -> str:
    return json_document(_data(result), sort_keys=True)
