"""One outcome's reasoning as JSON (explain.schema.json): the outcome as in the gate report, with its gate and rule."""

from __future__ import annotations

from typing import Any

from gatekeeper.reporters._common.json import json_document, safe_opt, safe_text
from gatekeeper.reporters.explain import Explanation
from gatekeeper.reporters.gate.json import _outcome
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import SCHEMA_VERSION


def _data(explanation: Explanation) -> dict[str, Any]:
    result, outcome = explanation.result, explanation.outcome
    rule = explanation.rules.outcomes[outcome.id]
    return {
        "schema_version": SCHEMA_VERSION,
        "alliance": {"id": safe_text(result.alliance_id), "name": safe_text(result.alliance_name)},
        "gate": safe_text(result.gate),
        "as_of": result.as_of.isoformat(),
        "decision": result.decision,
        "rule_pack": {
            "name": safe_text(result.rule_pack_name),
            "version": safe_text(result.rule_pack_version),
            "digest": safe_text(result.rule_pack_digest),
        },
        "rule": {
            "sub_items": [safe_text(item) for item in rule.sub_items],
            "rationale": safe_opt(rule.rationale or None),
        },
        "outcome": _outcome(outcome),
    }


def render(explanation: Explanation, options: RenderOptions) -> str:
    """The explanation as one JSON document; the same inputs give the same bytes."""
    return json_document(_data(explanation))
