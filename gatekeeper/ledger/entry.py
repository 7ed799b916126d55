"""What one ledger row records about a gate decision, and the key that makes recording it twice a no-op."""

from __future__ import annotations

import hashlib
from typing import Any

from gatekeeper import __version__
from gatekeeper.ledger.chain import canonical_json
from gatekeeper.result import GateResult


def decision_entry(result: GateResult, *, decision: str, by: str, role: str, note: str | None) -> dict[str, Any]:
    """What a ledger row records: enough to re-check the decision against the exact evidence and rules."""
    return {
        "alliance": {"id": result.alliance_id, "name": result.alliance_name},
        "gate": result.gate,
        "as_of": result.as_of.isoformat(),
        "computed": {
            "decision": result.decision,
            "reasons": list(result.decision_reasons),
            "blocking": list(result.blocking),
            "conditions": [
                {"outcome": c.outcome, "owner": c.owner, "due": c.due.isoformat()} for c in result.conditions_set
            ],
        },
        "decision": {"value": decision, "by": by, "role": role, "note": note},
        "rule_pack": {
            "name": result.rule_pack_name,
            "version": result.rule_pack_version,
            "digest": result.rule_pack_digest,
        },
        "profile": {"name": result.profile_name, "digest": result.profile_digest} if result.profile_digest else None,
        "profile_changes": [
            {"area": c.area.value, "subject": c.subject, "pack": c.pack, "profile": c.profile, "rationale": c.rationale}
            for c in result.profile_changes
        ],
        "files": dict(result.evidence_files),
        "gatekeeper": __version__,
    }


def entry_key(entry: dict[str, Any]) -> str:
    """The idempotency key of an entry: the same decision recorded twice (a retry after a crash) is one row."""
    return hashlib.sha256(canonical_json(entry).encode("utf-8")).hexdigest()
