"""Maturity: the weights, the scores per cell, theme and gate, and the ranked improvement list."""

from __future__ import annotations

import pytest
import reporter_cases

from gatekeeper.evaluation.maturity import assess, credit
from gatekeeper.result import ImprovementReason, Maturity


@pytest.mark.parametrize(
    ("status", "claim", "expected"),
    [
        ("met", "met", 1.0),
        ("not_met", "partly_met", 0.5),
        ("not_met", "not_met", 0.0),
        ("unevidenced", "partly_met", 0.0),
        ("stale", "met", 0.0),
        ("error", "met", 0.0),
        ("waived", "partly_met", None),
        ("not_applicable", "not_applicable", None),
    ],
)
def test_weights(status: str, claim: str, expected: float | None) -> None:
    """Met 1, not met on a partly met claim 0.5, any other status 0; waived and not applicable not counted."""
    assert credit(reporter_cases.outcome("CRE.BEH.01", status, claim_status=claim)) == expected


def test_scores_of_the_failing_case() -> None:
    """Exact scores: a cell, a theme across phases, and every outcome in scope, waived and n/a left out."""
    result = reporter_cases.failing()
    cells = {c.cell: c.maturity for c in result.cells}
    assert cells["CRE.BEH"] == Maturity(earned=1.0, counted=3, met=1, partly_met=0)
    assert cells["DEC.INT"].score is None  # its only outcome is not applicable
    themes = {t.theme: t.maturity for t in result.theme_maturity}
    assert themes["behaviour"] == Maturity(earned=2.0, counted=4, met=2, partly_met=0)
    assert [t.theme for t in result.theme_maturity] == ["behaviour", "leadership", "commercial", "integration"]
    assert result.maturity == Maturity(earned=3.0, counted=7, met=3, partly_met=0)
    assert result.maturity.score == pytest.approx(3 / 7)


def test_ranking_critical_then_floor_then_gain() -> None:
    """Critical outcomes not in place come first, then the fewest that lift a theme over its floor, then by gain."""
    ranked = [(i.outcome, i.reason) for i in reporter_cases.failing().improvements]
    assert ranked == [
        ("DEC.LEA.01", ImprovementReason.CRITICAL),
        ("CRE.COM.01", ImprovementReason.CRITICAL),
        ("CRE.BEH.01", ImprovementReason.FLOOR),
        ("CRE.BEH.02", ImprovementReason.GAIN),
    ]


def test_floor_prefers_partly_met_and_takes_only_what_is_needed() -> None:
    """Below a 50 % floor with 1 of 4 met, one more is needed: the partly met one, though it comes later; a
    second theme below its floor follows, then the rest by gain."""
    outcomes = [
        reporter_cases.outcome("CRE.BEH.01", "unevidenced", claim_status="met"),
        reporter_cases.outcome("CRE.BEH.02", "not_met", claim_status="not_met"),
        reporter_cases.outcome("CRE.BEH.03", "not_met", claim_status="partly_met"),
        reporter_cases.outcome("CRE.BEH.04", "met"),
        reporter_cases.outcome("CRE.INT.01", "not_met", claim_status="not_met"),
    ]
    result = reporter_cases.gate_result(outcomes, decision="fail", reasons=["below the floor"])
    assert assess(result) == result  # gate_result assesses already; assessing again changes nothing
    assert [(i.outcome, i.reason, i.credit, i.gain) for i in result.improvements] == [
        ("CRE.BEH.03", ImprovementReason.FLOOR, 0.5, 0.125),
        ("CRE.INT.01", ImprovementReason.FLOOR, 0.0, 1.0),
        ("CRE.BEH.01", ImprovementReason.GAIN, 0.0, 0.25),
        ("CRE.BEH.02", ImprovementReason.GAIN, 0.0, 0.25),
    ]


def test_nothing_to_improve_when_everything_counted_is_met() -> None:
    """Met, waived and not applicable outcomes leave the list empty and the score at 1."""
    outcomes = [
        reporter_cases.outcome("CRE.BEH.01", "met"),
        reporter_cases.outcome("CRE.BEH.02", "waived"),
        reporter_cases.outcome("CRE.INT.01", "not_applicable"),
    ]
    result = reporter_cases.gate_result(outcomes, decision="pass", reasons=["in place"])
    assert result.improvements == ()
    assert result.maturity == Maturity(earned=1.0, counted=1, met=1, partly_met=0)
