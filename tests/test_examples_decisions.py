"""Golden decisions: every gate on every worked example, as of its assessment date."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from gatekeeper import api

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = {"fenland-water": "2026-10-06", "northgate-rail": "2026-10-20", "severn-highways": "2026-11-10"}

# (example, gate) -> (decision, first blocking outcomes, status counts)
GOLDEN = {
    ("fenland-water", "suitability"): ("pass", [], {"met": 12, "unevidenced": 6}),
    ("fenland-water", "creating"): ("pass", [], {"met": 22, "not_met": 4}),
    ("fenland-water", "delivering"): (
        "fail",
        ["CRE.INT.04", "CRE.INT.05", "CRE.INT.11"],
        {"met": 22, "not_met": 4, "unevidenced": 44},
    ),
    ("northgate-rail", "creating"): ("pass", [], {"met": 26}),
    ("northgate-rail", "delivering"): (
        "fail",
        ["CRE.INT.11", "CRE.LEA.01", "CRE.LEA.04", "CRE.COM.13"],
        {"met": 64, "not_met": 4, "unevidenced": 2},
    ),
    ("northgate-rail", "sustaining"): (
        "fail",
        ["CRE.INT.11", "CRE.LEA.01", "CRE.LEA.04"],
        {"met": 64, "not_met": 4, "unevidenced": 53},
    ),
    ("severn-highways", "creating"): ("pass", [], {"met": 26}),
    ("severn-highways", "delivering"): ("pass", [], {"met": 69, "stale": 1}),
    ("severn-highways", "sustaining"): (
        "fail",
        ["DEL.COM.16"],
        {"met": 115, "not_applicable": 1, "not_met": 2, "stale": 3},
    ),
    ("severn-highways", "review"): (
        "fail",
        ["DEL.COM.16"],
        {"met": 135, "not_applicable": 1, "not_met": 3, "stale": 5, "waived": 1},
    ),
}


@pytest.mark.parametrize(("example", "gate"), sorted(GOLDEN), ids=[f"{e}-{g}" for e, g in sorted(GOLDEN)])
def test_each_gate_on_each_example_gives_its_golden_decision(example: str, gate: str) -> None:
    """The decision, the first blocking outcomes and the count of each status are as recorded."""
    result = api.check(EXAMPLES / example, gate=gate, as_of=dt.date.fromisoformat(AS_OF[example]))
    decision, blocking, counts = GOLDEN[(example, gate)]
    assert result.decision == decision
    assert list(result.blocking[: len(blocking)]) == blocking
    assert dict(Counter(o.status for o in result.outcomes)) == counts


def test_the_severn_review_carries_conditions_closed_open_and_overdue() -> None:
    """Severn Highways' review: one condition closed, one open, one overdue (which fails the review)."""
    result = api.check(EXAMPLES / "severn-highways", as_of=dt.date(2026, 11, 10))
    assert result.gate == "review"
    assert {c.outcome: c.state for c in result.conditions_carried} == {
        "DEL.INT.06": "closed",
        "DEL.BEH.06": "open",
        "DEL.COM.16": "overdue",
    }


def test_the_fenland_pass_carries_four_conditions_with_owners_from_the_claims() -> None:
    """Fenland Water passes the creating gate with a condition per non-critical gap."""
    result = api.check(EXAMPLES / "fenland-water", as_of=dt.date(2026, 10, 6))
    assert [c.outcome for c in result.conditions_set] == ["DEC.BEH.04", "DEC.INT.03", "DEC.COM.09", "DEC.COM.12"]
    assert all(c.owner and c.due > result.as_of for c in result.conditions_set)
