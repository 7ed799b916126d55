"""Validation as JSON (validation.schema.json): every problem with its file, line, column and JSON path."""

from __future__ import annotations

from gatekeeper.reporters._common.json import json_document, safe_opt, safe_text
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.validation import Validation

SCHEMA_VERSION = 1


def render(result: Validation, options: RenderOptions) -> str:
    """One JSON document; problems in the same order as the text lines."""
    return json_document(
        {
            "schema_version": SCHEMA_VERSION,
            "pack": safe_text(result.pack),
            "valid": result.valid,
            "alliance": (
                None
                if result.alliance_id is None
                else {
                    "id": safe_text(result.alliance_id),
                    "name": safe_opt(result.alliance_name),
                    "phase": safe_opt(result.phase),
                }
            ),
            "claims": result.claims,
            "evidence": result.evidence,
            "problems": [
                {
                    "file": safe_text(p.file),
                    "line": p.line,
                    "col": p.col,
                    "message": safe_text(p.message),
                    "json_path": safe_text(p.json_path),
                }
                for p in result.problems
            ],
        }
    )
