"""The machine-readable report: every outcome, requirement and evidence use, as result.schema.json documents."""

from __future__ import annotations

import json
from typing import Any

from gatekeeper.reporters._common.json import escape_misleading, safe_opt, safe_text
from gatekeeper.reporters._common.profile import changes_json
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import (
    SCHEMA_VERSION,
    ConditionResult,
    EvidenceUse,
    GateResult,
    Improvement,
    Maturity,
    OutcomeResult,
    RequirementResult,
    ThemeSummary,
)


def _evidence(use: EvidenceUse) -> dict[str, Any]:
    return {
        "item": safe_text(use.item),
        "title": safe_text(use.title),
        "kind": safe_text(use.kind),
        "path": safe_text(use.path),
        "counted": use.counted,
        "reason": safe_text(use.reason),
    }


def _requirement(req: RequirementResult) -> dict[str, Any]:
    return {
        "ref": safe_text(req.ref),
        "kind": safe_text(req.kind),
        "needs": safe_text(req.needs),
        "status": req.status,
        "detail": safe_text(req.detail),
        "fix": safe_opt(req.fix),
        "evidence": [_evidence(e) for e in req.evidence],
        "numbers": [{"name": safe_text(k), "value": safe_text(val)} for k, val in req.numbers],
    }


def _outcome(outcome: OutcomeResult) -> dict[str, Any]:
    used = sorted({e.item for r in outcome.requirements for e in r.evidence if e.counted})
    return {
        "id": safe_text(outcome.id),
        "cell": safe_text(outcome.cell),
        "phase": outcome.phase,
        "theme": outcome.theme,
        "section": safe_text(outcome.section),
        "subheading": safe_text(outcome.subheading),
        "text": safe_text(outcome.text),
        "critical": outcome.critical,
        "status": outcome.status,
        "blocking": outcome.blocking,
        "reasons": [safe_text(r) for r in outcome.reasons],
        "fix": safe_opt(outcome.fix),
        "claim": {
            "status": safe_opt(outcome.claim_status),
            "assessed_by": safe_opt(outcome.assessed_by),
            "method": safe_opt(outcome.method),
            "self_assessed": outcome.self_assessed,
        },
        "evidence_used": [safe_text(i) for i in used],
        "requirements": [_requirement(r) for r in outcome.requirements],
    }


def _condition(condition: ConditionResult) -> dict[str, Any]:
    return {
        "outcome": safe_text(condition.outcome),
        "owner": safe_text(condition.owner),
        "due": condition.due.isoformat(),
        "state": condition.state,
        "note": safe_opt(condition.note),
    }


def _cell(cell: ThemeSummary) -> dict[str, Any]:
    return {
        "cell": safe_text(cell.cell),
        "phase": cell.phase,
        "theme": cell.theme,
        "counts": {status: n for status, n in cell.counts},
        "worst": cell.worst,
        "critical_not_met": cell.critical_not_met,
        "noncritical_met": cell.noncritical_met,
        "noncritical_counted": cell.noncritical_counted,
        "floor": cell.floor,
        "below_floor": cell.below_floor,
        "maturity": maturity_json(cell.maturity),
    }


def maturity_json(m: Maturity) -> dict[str, Any]:
    """A maturity score as result.schema.json's $defs/maturity (also the portfolio's)."""
    return {
        "score": None if m.score is None else round(m.score, 4),
        "earned": m.earned,
        "counted": m.counted,
        "met": m.met,
        "partly_met": m.partly_met,
    }


def _improvement(rank: int, i: Improvement) -> dict[str, Any]:
    return {
        "rank": rank,
        "outcome": safe_text(i.outcome),
        "cell": safe_text(i.cell),
        "theme": i.theme,
        "critical": i.critical,
        "status": i.status,
        "reason": i.reason,
        "credit": i.credit,
        "gain": round(i.gain, 4),
    }


def to_document(result: GateResult) -> dict[str, Any]:
    """The JSON document as Python data, keys in the order the schema lists them."""
    return {
        "schema_version": SCHEMA_VERSION,
        "decision": result.decision,
        "decision_reasons": [safe_text(r) for r in result.decision_reasons],
        "late_decision": (
            {
                "milestone": safe_text(late.milestone),
                "date": late.date.isoformat(),
                "effect": late.effect,
                "reason": safe_text(late.reason),
            }
            if (late := result.late_decision) is not None
            else None
        ),
        "gate": result.gate,
        "gate_detail": {
            "title": safe_text(result.gate_title),
            "leaves": result.leaves,
            "evaluates": list(result.evaluates),
        },
        "as_of": result.as_of.isoformat(),
        "alliance": {
            "id": safe_text(result.alliance_id),
            "name": safe_text(result.alliance_name),
            "client": safe_text(result.client),
            "phase": result.phase,
        },
        "rule_pack": {
            "name": safe_text(result.rule_pack_name),
            "version": safe_text(result.rule_pack_version),
            "digest": safe_text(result.rule_pack_digest),
        },
        "profile": (
            {
                "name": safe_text(result.profile_name),
                "digest": safe_opt(result.profile_digest),
                "changes": changes_json(result.profile_changes),
                "decision_without_profile": result.decision_without_profile,
                "changed_decision": result.profile_changed_decision,
            }
            if result.profile_name is not None
            else None
        ),
        "blocking": [safe_text(i) for i in result.blocking],
        "conditions_carried": [_condition(c) for c in result.conditions_carried],
        "conditions_set": [_condition(c) for c in result.conditions_set],
        "self_assessed_critical": [safe_text(i) for i in result.self_assessed_critical],
        "cells": [_cell(c) for c in result.cells],
        "maturity": {
            "overall": maturity_json(result.maturity),
            "themes": [{"theme": t.theme, "maturity": maturity_json(t.maturity)} for t in result.theme_maturity],
        },
        "improvements": [_improvement(n, i) for n, i in enumerate(result.improvements, start=1)],
        "outcomes": [_outcome(o) for o in result.outcomes],
        "evidence_files": [{"path": safe_text(p), "sha256": safe_text(h)} for p, h in result.evidence_files],
        "document_problems": [safe_text(p) for p in result.document_problems],
    }


def render(result: GateResult, options: RenderOptions) -> str:
    """Render `result` as JSON: two-space indent, keys in schema order, UTF-8 text, one final newline."""
    text = json.dumps(to_document(result), indent=2, ensure_ascii=False, allow_nan=False)
    return escape_misleading(text) + "\n"
