"""The audit on realistic synthetic packs: a perfect pack is clean, and planted defects are all found."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gatekeeper import api
from gatekeeper.audit import audit
from gatekeeper.synthetic import synthesize, write_pack

AS_OF = dt.date(2025, 6, 30)


@pytest.mark.parametrize("phase", ["deciding", "sustaining"])
def test_perfect_pack_is_clean(tmp_path: Path, phase: str) -> None:
    """A synthetic pack with no defects has no findings and every register item is ok."""
    rules = api.rules()
    root = write_pack(synthesize(rules, alliance_id="perfect", phase=phase, as_of=AS_OF, seed=5, quality=1.0), tmp_path)
    result = audit(rules, api.load(root)[1], as_of=AS_OF)
    assert result.findings == ()
    assert {r.status for r in result.register_rows} == {"ok"}


def test_planted_defects_are_found(tmp_path: Path) -> None:
    """Wrong kinds and changed documents make claims unsupported; self-assessed critical claims are named."""
    rules = api.rules()
    pack = synthesize(rules, alliance_id="defects", phase="delivering", as_of=AS_OF, seed=3, quality=0.7)
    result = audit(rules, api.load(write_pack(pack, tmp_path))[1], as_of=AS_OF)
    by_category: dict[str, set[str]] = {}
    for f in result.findings:
        by_category.setdefault(f.category, set()).add(f.outcome or f.item or "")
    planted = {o for o, d in pack.defects.items() if d in ("wrong_kind", "changed_document")}
    critical_self = {o for o, d in pack.defects.items() if d == "self_assessed" and rules.outcomes[o].critical}
    assert planted and planted <= by_category["claim-unsupported"]
    assert critical_self == by_category.get("self-assessed-critical", set())
    changed = {r.id for r in result.register_rows if r.status == "changed"}
    assert changed == by_category["document-changed"]
    assert len(changed) >= sum(1 for d in pack.defects.values() if d == "changed_document")
