"""What one ledger row records about a gate decision, and the key that makes recording it twice a no-op."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gatekeeper import __version__
from gatekeeper.ledger.chain import canonical_json
from gatekeeper.result import GateResult


def pack_listing(pack: Path) -> dict[str, str]:
    """Every file in the pack folder (relative path -> sha256, or what stopped it being hashed), sorted.

    The decision binds the whole pack, not only the files its evaluation read: a waivers.yml or
    conditions.yml added afterwards changes the result, and `ledger verify --pack` must see it.
    Symbolic links are listed, never followed; the pack's own safe opener hashes each file.
    """
    from gatekeeper.loading.paths import DocumentHasher, HashBudgetExceeded

    hasher = DocumentHasher(pack)
    listing: dict[str, str] = {}
    for folder, dirs, names in os.walk(pack, followlinks=False):
        dirs.sort()
        for name in sorted(names) + sorted(d for d in dirs if os.path.islink(os.path.join(folder, d))):
            rel = os.path.relpath(os.path.join(folder, name), pack).replace(os.sep, "/")
            try:
                found = hasher.inspect(rel)
            except HashBudgetExceeded as exceeded:
                listing[rel] = f"not hashed: {exceeded}"
                continue
            listing[rel] = found.sha256 if found.sha256 is not None else f"not hashed: {found.problem}"
    return dict(sorted(listing.items()))


def decision_entry(
    result: GateResult,
    *,
    decision: str,
    by: str,
    role: str,
    note: str | None,
    pack_files: Mapping[str, str] | None = None,
    account: str | None = None,
) -> dict[str, Any]:
    """What a ledger row records: enough to re-check the decision against the exact evidence and rules.

    `account` is the signed-in account that recorded it through the review service: who decided is
    then established by sign-in, not typed (the command line records none).
    """
    decided: dict[str, Any] = {"value": decision, "by": by, "role": role, "note": note}
    if account is not None:
        decided["account"] = account
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
        "decision": decided,
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
        **({"pack_files": dict(pack_files)} if pack_files is not None else {}),
        "gatekeeper": __version__,
    }


def entry_key(entry: dict[str, Any]) -> str:
    """The idempotency key of an entry: the same decision recorded twice (a retry after a crash) is one row."""
    return hashlib.sha256(canonical_json(entry).encode("utf-8")).hexdigest()
