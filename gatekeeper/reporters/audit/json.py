"""The audit as one JSON document: every finding and every register row, in the same order as the other formats."""

from __future__ import annotations

from typing import Any

from gatekeeper.audit import CATEGORIES, AuditFinding, AuditResult, RegisterRow
from gatekeeper.reporters._common.json import json_document, safe_opt, safe_text
from gatekeeper.reporters._common.profile import changes_json
from gatekeeper.reporters.options import RenderOptions

SCHEMA_VERSION = 1


def _finding(f: AuditFinding) -> dict[str, Any]:
    return {
        "file": safe_text(f.file),
        "line": f.line,
        "col": f.col,
        "category": f.category,
        "severity": f.severity,
        "outcome": safe_opt(f.outcome),
        "item": safe_opt(f.item),
        "message": safe_text(f.message),
    }


def _row(r: RegisterRow) -> dict[str, Any]:
    return {
        "id": safe_text(r.id),
        "title": safe_text(r.title),
        "kind": r.kind,
        "path": safe_text(r.path),
        "date": r.date.isoformat(),
        "owner": safe_text(r.owner),
        "approvals": [safe_text(a) for a in r.approvals],
        "used_by": list(r.used_by),
        "facts": [safe_text(p) for p in r.facts],
        "status": r.status,
        "notes": [safe_text(n) for n in r.notes],
    }


def document(result: AuditResult) -> dict[str, Any]:
    """The JSON-ready mapping of an audit."""
    return {
        "schema_version": SCHEMA_VERSION,
        "alliance": {
            "id": safe_text(result.alliance_id),
            "name": safe_text(result.alliance_name),
            "client": safe_text(result.client),
            "phase": result.phase,
        },
        "pack": safe_text(result.pack),
        "as_of": result.as_of.isoformat(),
        "expiring_within_days": result.expiring_within,
        "rule_pack": {"name": safe_text(result.rule_pack_name), "version": safe_text(result.rule_pack_version)},
        "gates": list(result.gates),
        "phase_gates": list(result.phase_gates),
        "profile": (
            {"name": safe_text(result.profile_name), "changes": changes_json(result.profile_changes)}
            if result.profile_name is not None
            else None
        ),
        "clean": result.clean,
        "errors": result.errors,
        "warnings": result.warnings,
        "counts": {name: n for name, n in result.counts()},
        "categories": {name: {"severity": c.severity, "meaning": c.meaning} for name, c in CATEGORIES.items()},
        "findings": [_finding(f) for f in result.findings],
        "register": [_row(r) for r in result.register_rows],
    }


def render(result: AuditResult, options: RenderOptions) -> str:
    return json_document(document(result))
