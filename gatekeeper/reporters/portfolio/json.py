"""Portfolio review as JSON (schema evidence_schema/portfolio.schema.json); gatekeeper.loading.previous reads it back for `--since`."""

from __future__ import annotations

from typing import Any

from gatekeeper.portfolio import HORIZONS, SCHEMA_VERSION, AllianceRow, PortfolioResult
from gatekeeper.reporters._common.json import json_document
from gatekeeper.reporters._common.profile import changes_json
from gatekeeper.reporters.gate.json import maturity_json
from gatekeeper.reporters.options import RenderOptions


def _row(row: AllianceRow) -> dict[str, Any]:
    return {
        "pack": row.pack,
        "alliance_id": row.alliance_id,
        "alliance_name": row.alliance_name,
        "client": row.client,
        "phase": row.phase,
        "gate": row.gate,
        "decision": row.decision,
        "blocking": [
            {"outcome": b.outcome, "cell": b.cell, "critical": b.critical, "status": b.status, "reason": b.reason}
            for b in row.blocking
        ],
        "conditions": [
            {"outcome": c.outcome, "owner": c.owner, "due": c.due.isoformat(), "state": c.state, "note": c.note}
            for c in row.conditions
        ],
        "conditions_open": row.conditions_open,
        "conditions_overdue": row.conditions_overdue,
        "expiring": [
            {
                "item": e.item,
                "title": e.title,
                "kind": e.kind,
                "dated": e.dated.isoformat(),
                "expires": e.expires.isoformat(),
                "days_left": e.days_left,
                "outcomes": list(e.outcomes),
            }
            for e in row.expiring
        ],
        "expiring_within": {str(d): row.expiring_within(d) for d in HORIZONS},
        "self_assessed_critical": list(row.self_assessed_critical),
        "problems": list(row.problems),
        "problem_count": row.problem_count,
        "decision_without_profile": row.decision_without_profile,
        "maturity": (
            None
            if row.maturity is None
            else {
                "overall": maturity_json(row.maturity),
                "themes": [{"theme": t.theme, "maturity": maturity_json(t.maturity)} for t in row.theme_maturity],
            }
        ),
    }


def to_data(result: PortfolioResult) -> dict[str, Any]:
    """The review as plain JSON data, in the documented shape."""
    since = None
    if result.since is not None:
        since = {
            "file": result.since.file,
            "as_of": result.since.as_of.isoformat(),
            "unchanged": result.since.unchanged,
            "changes": [
                {
                    "alliance": c.key,
                    "alliance_name": c.alliance_name,
                    "kind": c.kind,
                    "decision_before": c.decision_before,
                    "decision_after": c.decision_after,
                    "flipped": c.flipped,
                    "blockers_new": list(c.blockers_new),
                    "blockers_resolved": list(c.blockers_resolved),
                    "conditions_closed": list(c.conditions_closed),
                    "conditions_overdue": list(c.conditions_overdue),
                }
                for c in result.since.changes
            ],
        }
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "gatekeeper.portfolio",
        "as_of": result.as_of.isoformat(),
        "gate": result.gate,
        "folders": list(result.folders),
        "rule_pack": {
            "name": result.rule_pack_name,
            "version": result.rule_pack_version,
            "digest": result.rule_pack_digest,
            "profile": result.profile_name,
            "profile_digest": result.profile_digest,
            "profile_changes": changes_json(result.profile_changes),
        },
        "summary": {
            "alliances": len(result.rows),
            "pass": result.count("pass"),
            "fail": result.count("fail"),
            "error": result.count("error"),
            "exit_code": result.exit_code,
        },
        "alliances": [_row(r) for r in result.rows],
        "since": since,
    }


def render(result: PortfolioResult, options: RenderOptions) -> str:
    return json_document(to_data(result))
