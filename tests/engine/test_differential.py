"""The engine against an independent plain-Python evaluation, over generated evidence packs."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatekeeper.evaluation.gate import evaluate
from gatekeeper.loading.evidence import load_pack
from gatekeeper.synthetic import synthesize, write_pack

from . import reference

_counter = itertools.count()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(min_value=0, max_value=2**31),
    quality=st.sampled_from([1.0, 0.95, 0.85, 0.7, 0.4]),
    phase=st.sampled_from(["deciding", "creating", "delivering", "sustaining"]),
    gate=st.sampled_from([None, "suitability", "creating", "delivering", "sustaining", "review"]),
    shift=st.integers(min_value=-500, max_value=200),
)
def test_engine_and_reference_agree_on_every_status_and_decision(
    rules, tmp_path_factory, seed, quality, phase, gate, shift
) -> None:
    """For generated packs, gates and as-of dates, the engine's statuses and decision equal the reference's."""
    made = dt.date(2026, 11, 1)
    as_of = made + dt.timedelta(days=shift)
    pack = synthesize(rules, alliance_id="diff", phase=phase, as_of=made, seed=seed, quality=quality)
    root = write_pack(pack, tmp_path_factory.mktemp("diff") / f"p{next(_counter)}")
    loaded = load_pack(Path(root), rules).pack
    result = evaluate(rules, loaded, gate=gate, as_of=as_of)
    decision, statuses = reference.decide(rules, loaded, result.gate, as_of)
    assert {o.id: o.status for o in result.outcomes} == statuses
    assert result.decision == decision
