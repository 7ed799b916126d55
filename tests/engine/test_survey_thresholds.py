"""The rule pack's survey thresholds as the requirement review sets them: pass marks, responses, each party, recurrence."""

from __future__ import annotations

from typing import Any

from gatekeeper.model import RulePack
from gatekeeper.result import OutcomeResult

from .conftest import PackMaker


def _latest(files: dict[str, Any], name: str) -> dict[str, Any]:
    """The latest survey of that name in the synthetic pack's facts (listed first)."""
    return next(s for s in files["facts.yml"]["surveys"] if s["survey"] == name)


def _outcome(maker: PackMaker, phase: str, outcome_id: str, edit: Any = None) -> OutcomeResult:
    return maker.evaluate(phase, edit).outcome(outcome_id)


def test_the_synthetic_pack_meets_every_survey_outcome(maker: PackMaker, rules: RulePack) -> None:
    """A good synthetic pack meets each outcome that asks for a survey, so the failures below are the edits'."""
    result = maker.evaluate("sustaining")
    asking = sorted(i for i, o in rules.outcomes.items() if any(r.kind == "survey" for r in o.requirements))
    assert {i: result.outcome(i).status for i in asking} == dict.fromkeys(asking, "met")


def test_a_survey_with_too_few_responses_is_not_met(maker: PackMaker) -> None:
    """CRE.COM.08's commercial model survey with 9 responses, 3 from each party, is short of the 10 it needs."""

    def few(files: dict[str, Any], _: Any) -> None:
        survey = _latest(files, "commercial_model")
        survey["responses"] = 9
        survey["by_party"] = [{**row, "responses": 3} for row in survey["by_party"]]

    outcome = _outcome(maker, "creating", "CRE.COM.08", few)
    assert outcome.status == "not_met"
    assert outcome.requirements[0].fix == "Commercial model survey: Collect at least 10 responses."


def test_a_survey_with_too_few_from_one_party_is_not_met(maker: PackMaker) -> None:
    """DEL.COM.05's survey with 2 responses from one partner is not understood by every delivery team, and says whose."""

    def few(files: dict[str, Any], _: Any) -> None:
        survey = _latest(files, "commercial_model")
        survey["by_party"] = [
            {**row, "responses": 2} if row["party"] == "Design Partner LLP" else row for row in survey["by_party"]
        ]

    outcome = _outcome(maker, "delivering", "DEL.COM.05", few)
    assert outcome.status == "not_met"
    failed = next(r for r in outcome.requirements if r.kind == "survey")
    assert failed.detail.endswith("; fewer than 3 responses from Design Partner LLP")
    assert failed.fix == (
        "Commercial model survey: Collect at least 3 responses from Design Partner LLP (record `by_party`)."
    )


def test_a_score_below_the_pass_mark_is_not_met_and_at_it_is_met(maker: PackMaker) -> None:
    """SUS.INT.01 needs 0.7 of the scale: a climate of 3.45 of 5 fails it, 3.5 of 5 meets it."""

    def scored(score: float) -> Any:
        def edit(files: dict[str, Any], _: Any) -> None:
            _latest(files, "climate")["score"] = score

        return edit

    assert _outcome(maker, "sustaining", "SUS.INT.01", scored(3.45)).status == "not_met"
    assert _outcome(maker, "sustaining", "SUS.INT.01", scored(3.5)).status == "met"


def test_senior_relationships_need_their_own_survey_at_075(maker: PackMaker) -> None:
    """SUS.BEH.03 reads the leadership climate survey, not the alliance's: 3.7 of 5 fails it, and without one it is unevidenced."""

    def low(files: dict[str, Any], _: Any) -> None:
        _latest(files, "leadership_climate")["score"] = 3.7

    outcome = _outcome(maker, "sustaining", "SUS.BEH.03", low)
    assert outcome.status == "not_met"
    assert next(r for r in outcome.requirements if r.kind == "survey").fix == (
        "Leadership climate survey: Raise the result to at least 75%."
    )

    def none(files: dict[str, Any], _: Any) -> None:
        surveys = files["facts.yml"]["surveys"]
        files["facts.yml"]["surveys"] = [s for s in surveys if s["survey"] != "leadership_climate"]

    assert _outcome(maker, "sustaining", "SUS.BEH.03", none).status == "unevidenced"


def test_climate_surveys_taken_once_in_the_year_are_not_in_place(maker: PackMaker) -> None:
    """SUS.LEA.05 as the pack has it: two climate surveys in 365 days whatever they scored; one alone is not met."""

    def low(files: dict[str, Any], _: Any) -> None:
        for survey in files["facts.yml"]["surveys"]:
            survey["score"] = 1.0

    assert _outcome(maker, "sustaining", "SUS.LEA.05", low).status == "met"

    def once(files: dict[str, Any], _: Any) -> None:
        latest = _latest(files, "climate")
        files["facts.yml"]["surveys"] = [s for s in files["facts.yml"]["surveys"] if s["survey"] != "climate"] + [
            latest
        ]

    outcome = _outcome(maker, "sustaining", "SUS.LEA.05", once)
    assert outcome.status == "not_met"
    assert next(r for r in outcome.requirements if r.kind == "survey").fix == (
        "Climate survey: Run the survey at least 2 times in 365 days."
    )
