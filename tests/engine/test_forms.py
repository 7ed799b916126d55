"""The requirement forms the Code's words need: every party, milestones, independent interviews, surveys per party."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from gatekeeper.model import Requirement, RulePack
from gatekeeper.result import GateResult, OutcomeResult

from .conftest import PackMaker, claim, item


def _tailored(rules: RulePack, outcome_id: str, *specs: dict[str, Any]) -> RulePack:
    """The rule pack with one outcome's requirements replaced (and a digest of its own, so it compiles anew)."""
    outcome = rules.outcomes[outcome_id]
    reqs = tuple(Requirement(outcome_id, i + 1, s["kind"], s) for i, s in enumerate(specs))
    digest = hashlib.sha256(json.dumps([outcome_id, specs], sort_keys=True).encode()).hexdigest()
    outcomes = {**rules.outcomes, outcome_id: replace(outcome, requirements=reqs)}
    return replace(rules, outcomes=outcomes, digest=digest)


def _judge(rules: RulePack, tmp_path: Path, phase: str, outcome_id: str, edit: Any = None) -> OutcomeResult:
    result: GateResult = PackMaker(rules, tmp_path).evaluate(phase, edit, rules=rules)
    return result.outcome(outcome_id)


def _reasons(outcome: OutcomeResult) -> list[str]:
    return [u.reason for r in outcome.requirements for u in r.evidence if not u.counted]


AGREED = {
    "kind": "evidence",
    "of": ["plan"],
    "approved_by": ["Partner Director"],
    "every_party": "partners",
    "after": "milestones.selection.date",
    "within_days": 60,
}


def test_a_plan_every_partner_approved_soon_after_selection_is_met(rules, tmp_path) -> None:
    """DEL.INT.09 ("Selected alliance partners have agreed a development plan immediately after selection") is met by a plan every partner approved within 60 days of selection."""
    tailored = _tailored(rules, "DEL.INT.09", AGREED)
    assert _judge(tailored, tmp_path, "delivering", "DEL.INT.09").status == "met"


def test_one_partner_approval_is_not_every_partner(rules, tmp_path) -> None:
    """A plan approved by one of two partners does not count, and the reason names the partner missing."""
    tailored = _tailored(rules, "DEL.INT.09", AGREED)

    def edit(files, _):
        ref = claim(files, "DEL.INT.09")["evidence"][0]
        item(files, ref)["approvals"].pop()

    outcome = _judge(tailored, tmp_path, "delivering", "DEL.INT.09", edit)
    assert outcome.status == "unevidenced"
    assert _reasons(outcome) == ["not approved by every party: no approval from Design Partner LLP"]


def test_a_plan_dated_long_after_selection_is_not_immediately_after(rules, tmp_path) -> None:
    """A plan dated 90 days after selection is outside "immediately after selection" (60 days)."""
    tailored = _tailored(rules, "DEL.INT.09", AGREED)
    selection: dict[str, str] = {}

    def edit(files, _):
        day = files["facts.yml"]["milestones"]["selection"]["date"]
        selection["day"] = day
        ref = claim(files, "DEL.INT.09")["evidence"][0]
        late = (dt.date.fromisoformat(day) + dt.timedelta(days=90)).isoformat()
        item(files, ref)["date"] = late
        for approval in item(files, ref)["approvals"]:
            approval["date"] = late

    outcome = _judge(tailored, tmp_path, "delivering", "DEL.INT.09", edit)
    assert outcome.status == "unevidenced"
    [reason] = _reasons(outcome)
    assert reason.endswith(f"not on or after milestones.selection.date ({selection['day']}) and within 60 days of it")


INTERVIEWS = {"kind": "evidence", "of": ["interview_record"], "independent_author": True}


def test_an_interview_record_by_an_independent_interviewer_shows_engagement(rules, tmp_path) -> None:
    """DEL.LEA.05's interview record written by an interviewer of another firm, off the roster, is counted."""
    tailored = _tailored(rules, "DEL.LEA.05", INTERVIEWS)
    assert _judge(tailored, tmp_path, "delivering", "DEL.LEA.05").status == "met"


def test_an_interview_record_by_the_alliance_or_the_assessors_firm_does_not_count(rules, tmp_path) -> None:
    """Written by the alliance manager (on the roster) or by the assessor's own firm, the record is not independent."""
    tailored = _tailored(rules, "DEL.LEA.05", INTERVIEWS)

    def by(name: str) -> Any:
        def edit(files, _):
            item(files, claim(files, "DEL.LEA.05")["evidence"][0])["owner"] = name

        return edit

    own = _judge(tailored, tmp_path, "delivering", "DEL.LEA.05", by("Alex Morgan"))
    assert _reasons(own) == ["not an independent record: written by Alex Morgan, who is on the alliance roster"]
    firm = _judge(tailored, tmp_path, "delivering", "DEL.LEA.05", by("Riley Quinn"))
    assert _reasons(firm) == [
        "not an independent record: written by Riley Quinn of Independent Assurance LLP, the claim assessor's own firm"
    ]


CLIMATE = {"kind": "survey", "survey": "climate", "min_score": 0.7, "min_responses": 10, "min_each_party": 3}


def test_a_survey_without_responses_from_one_party_is_not_every_party(rules, tmp_path) -> None:
    """SUS.INT.01's climate survey needs 3 responses from each party; none recorded from one partner fails it."""
    tailored = _tailored(rules, "SUS.INT.01", CLIMATE)
    assert _judge(tailored, tmp_path, "sustaining", "SUS.INT.01").status == "met"

    def edit(files, _):
        latest = next(s for s in files["facts.yml"]["surveys"] if s["survey"] == "climate")
        latest["by_party"] = [row for row in latest["by_party"] if row["party"] != "Build Partner Ltd"]

    outcome = _judge(tailored, tmp_path, "sustaining", "SUS.INT.01", edit)
    assert outcome.status == "not_met"
    assert outcome.requirements[0].detail.endswith("; fewer than 3 responses from Build Partner Ltd")


def test_climate_surveys_in_place_means_surveys_that_recur(rules, tmp_path) -> None:
    """SUS.LEA.05 ("Climate surveys are in place") needs two surveys in 365 days, whatever they scored."""
    spec = {"kind": "survey", "survey": "climate", "max_age_days": 180, "recurring": {"count": 2, "within_days": 365}}
    tailored = _tailored(rules, "SUS.LEA.05", spec)

    def low(files, _):
        for survey in files["facts.yml"]["surveys"]:
            survey["score"] = 1.0

    assert _judge(tailored, tmp_path, "sustaining", "SUS.LEA.05", low).status == "met"

    def once(files, _):
        surveys = files["facts.yml"]["surveys"]
        files["facts.yml"]["surveys"] = [s for s in surveys if s["survey"] != "climate" or s["score"] == 4.1]

    outcome = _judge(tailored, tmp_path, "sustaining", "SUS.LEA.05", once)
    assert outcome.status == "not_met"
    assert outcome.requirements[0].fix == "Climate survey: Run the survey at least 2 times in 365 days."
