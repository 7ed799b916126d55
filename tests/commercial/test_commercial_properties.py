"""Properties of the simulation over generated models: parts add up, caps hold, monotonic where they must be."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gatekeeper.commercial.model import HUNDRED, CommercialModel, from_data, semantic_problems
from gatekeeper.commercial.simulate import DOMAIN, cap_points, scenario, thresholds
from gatekeeper.resources import data_dir

SCHEMA = Draft202012Validator(
    json.loads((data_dir("evidence_schema") / "commercial.schema.json").read_text(encoding="utf-8"))
)
PERFORMANCE = st.fractions(min_value=-100, max_value=100, max_denominator=100)


@st.composite
def shares(draw: st.DrawFn, ids: list[str]) -> dict[str, int]:
    """Whole-number shares for `ids` that add up to 100."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=len(ids) - 1, max_size=len(ids) - 1)))
    bounds = [0, *cuts, 100]
    return {pid: bounds[i + 1] - bounds[i] for i, pid in enumerate(ids)}


def _cap(draw: st.DrawFn) -> dict[str, int] | None:
    return draw(
        st.one_of(
            st.none(),
            st.builds(lambda v: {"amount": v}, st.integers(0, 2_000_000)),
            st.builds(lambda v: {"percent_of_fee": v}, st.integers(0, 300)),
        )
    )


@st.composite
def models(draw: st.DrawFn) -> dict[str, Any]:
    """A valid commercial.yml as data: 1-3 partners, 1-5 bands with edges in -50..50, optional caps and modifier."""
    partner_ids = [f"p{i}" for i in range(draw(st.integers(1, 3)))]
    ids = ["client", *partner_ids]
    edges = sorted(draw(st.sets(st.integers(-50, 50), max_size=4)))
    limits = [None, *edges, None]
    bands = []
    for low, high in zip(limits, limits[1:], strict=False):
        band: dict[str, Any] = {"shares": draw(shares(ids))}
        if low is not None:
            band["from"] = low
        if high is not None:
            band["to"] = high
        bands.append(band)
    parties: list[dict[str, Any]] = [{"id": "client", "name": "Client", "role": "client"}]
    for pid in partner_ids:
        party: dict[str, Any] = {
            "id": pid,
            "name": f"Partner {pid}",
            "role": "partner",
            "fee": {
                "amount": draw(st.integers(0, 1_000_000)),
                "treatment": draw(st.sampled_from(["at_risk", "protected"])),
            },
        }
        for key in ("painshare_cap", "gainshare_cap"):
            cap = _cap(draw)
            if cap is not None:
                party[key] = cap
        parties.append(party)
    data: dict[str, Any] = {
        "schema_version": 1,
        "currency": "GBP",
        "baseline_cost": draw(st.integers(1, 20_000_000)),
        "target_cost": draw(st.integers(1, 20_000_000)),
        "parties": parties,
        "bands": bands,
    }
    if draw(st.booleans()):
        low = draw(st.integers(0, 150))
        data["kpi_modifier"] = {"min": low, "max": draw(st.integers(low, 200))}
    return data


def _model(data: dict[str, Any]) -> CommercialModel:
    assert list(SCHEMA.iter_errors(data)) == []
    assert semantic_problems(data) == []
    return from_data(data)


@settings(max_examples=150, deadline=None)
@given(models(), PERFORMANCE)
def test_parts_add_up_to_the_whole(data: dict[str, Any], s: Fraction) -> None:
    """Whatever the caps and modifier, the parties' amounts add up exactly to the overrun or saving."""
    model = _model(data)
    run = scenario(model, s)
    assert sum(r.amount for r in run.results) == run.variance
    if run.variance != 0:
        assert sum(r.share for r in run.results if r.share is not None) == HUNDRED


@settings(max_examples=150, deadline=None)
@given(models(), PERFORMANCE, st.fractions(min_value=0, max_value=200, max_denominator=10))
def test_caps_are_never_exceeded(data: dict[str, Any], s: Fraction, modifier: Fraction) -> None:
    """No partner ever bears more pain than its painshare cap, or receives more than its gainshare cap."""
    model = _model(data)
    run = scenario(model, s, modifier=modifier)
    for partner in model.partners:
        amount = run.result(partner.id).amount
        pain_cap, gain_cap = partner.pain_cap_money(), partner.gain_cap_money()
        if pain_cap is not None:
            assert -amount <= pain_cap
        if gain_cap is not None:
            assert amount <= gain_cap
        assert (amount <= 0) if s <= 0 else (amount >= 0)  # pain only from overrun, gain only from saving


@settings(max_examples=150, deadline=None)
@given(models(), PERFORMANCE, PERFORMANCE)
def test_monotonic_where_the_model_says(data: dict[str, Any], a: Fraction, b: Fraction) -> None:
    """A better outturn never leaves a partner worse off; nor the client, when partners never take more than the saving."""
    model = _model(data)
    low, high = sorted((a, b))
    before, after = scenario(model, low), scenario(model, high)
    for partner in model.partners:
        assert before.result(partner.id).amount <= after.result(partner.id).amount
        assert before.result(partner.id).net_return <= after.result(partner.id).net_return
    partners_at_most_all = all(
        sum(band.share(p.id) for p in model.partners) * model.assumed_modifier <= HUNDRED * HUNDRED
        for band in model.bands
    )
    if partners_at_most_all:
        assert before.client_residual <= after.client_residual


@settings(max_examples=100, deadline=None)
@given(models(), PERFORMANCE)
def test_thresholds_agree_with_scenarios(data: dict[str, Any], s: Fraction) -> None:
    """A party's return is positive exactly inside the stretches its threshold reports (edges aside)."""
    model = _model(data)
    found = thresholds(model, modifier=model.assumed_modifier)
    run = scenario(model, s)
    for threshold in found:
        inside = any(low < s < high for low, high in threshold.positive)
        on_edge = any(s in (low, high) for low, high in threshold.positive)
        if not on_edge:
            assert (run.result(threshold.party).net_return > 0) == inside
        for low, high in threshold.positive:
            assert DOMAIN[0] <= low < high <= DOMAIN[1]


@settings(max_examples=100, deadline=None)
@given(models())
def test_caps_bite_where_reported(data: dict[str, Any]) -> None:
    """At the point a cap is reported to bite, the uncapped amount equals the cap exactly."""
    model = _model(data)
    modifier = model.assumed_modifier
    for point in cap_points(model, modifier=modifier):
        if point.reached_at is None or not DOMAIN[0] <= point.reached_at <= DOMAIN[1]:
            continue
        run = scenario(model, point.reached_at, modifier=modifier)
        uncapped = run.result(point.party).uncapped
        if point.kind == "painshare":
            assert -uncapped == point.money
        else:
            assert uncapped * modifier / HUNDRED == point.money
