"""The audit as one JSON document: every finding and every register row, in the same order as the other formats."""

from __future__ import annotations

import json
from typing import Any

from gatekeeper.audit import CATEGORIES, AuditFinding, AuditResult, RegisterRow
from gatekeeper.reporters.options import RenderOptions

SCHEMA_VERSION = 1


def _text(value: str) -> str:
    # A lone surrogate cannot be written as UTF-8; it becomes "?" and everything else is kept.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _opt(value: str | None) -> str | None:
    return None if value is None else _text(value)


def _finding(f: AuditFinding) -> dict[str, Any]:
    return {
        "file": _text(f.file), "line": f.line, "col": f.col, "category": f.category, "severity": f.severity,
        "outcome": _opt(f.outcome), "item": _opt(f.item), "message": _text(f.message),
    }


def _row(r: RegisterRow) -> dict[str, Any]:
    return {
        "id": _text(r.id), "title": _text(r.title), "kind": r.kind, "path": _text(r.path), "date": r.date.isoformat(),
        "owner": _text(r.owner), "approvals": [_text(a) for a in r.approvals], "used_by": list(r.used_by),
        "facts": [_text(p) for p in r.facts], "status": r.status, "notes": [_text(n) for n in r.notes],
    }


def document(result: AuditResult) -> dict[str, Any]:
    """The JSON-ready mapping of an audit."""
    return {
        "schema_version": SCHEMA_VERSION,
        "alliance": {"id": _text(result.alliance_id), "name": _text(result.alliance_name),
                     "client": _text(result.client), "phase": result.phase},
        "pack": _text(result.pack),
        "as_of": result.as_of.isoformat(),
        "expiring_within_days": result.expiring_within,
        "rule_pack": {"name": _text(result.rule_pack_name), "version": _text(result.rule_pack_version)},
        "gates": list(result.gates),
        "clean": result.clean,
        "errors": result.errors,
        "warnings": result.warnings,
        "counts": {name: n for name, n in result.counts()},
        "categories": {name: {"severity": c.severity, "meaning": c.meaning} for name, c in CATEGORIES.items()},
        "findings": [_finding(f) for f in result.findings],
        "register": [_row(r) for r in result.register_rows],
    }


def render(result: AuditResult, options: RenderOptions) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
