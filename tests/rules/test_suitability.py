"""The suitability pre-gate: the Code's advice on whether to alliance, blocking only where a profile asks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gatekeeper import api
from gatekeeper.model import RulePack
from tests.engine.conftest import PackMaker

PRICE_CERTAIN = """\
schema_version: 1
name: Price-certain client
critical:
  SUI.UNF.01:
    critical: true
    rationale: 'Table 1.2: "Where certainty of price or time is the overriding requirement".'
"""
DEMANDING = """\
schema_version: 1
name: Demanding client
policy:
  floors: {cells: {suitability.favourable: 1.0}}
"""


@pytest.fixture(scope="module")
def rules() -> RulePack:
    return api.rules()


@pytest.fixture
def maker(rules: RulePack, tmp_path: Path) -> PackMaker:
    return PackMaker(rules, tmp_path)


def _price_certain(files: dict[str, Any], _: dict[str, bytes]) -> None:
    files["facts.yml"]["suitability"]["certainty_of_price_or_time_overriding"] = {"applies": True}


def _small(files: dict[str, Any], _: dict[str, bytes]) -> None:
    files["facts.yml"]["suitability"]["large_programme"] = {"applies": False}


def test_an_unfavourable_condition_is_advice_not_a_block(maker: PackMaker) -> None:
    """Where certainty of price is overriding the pre-gate passes, sets no condition, and gives Table 1.2's advice."""
    result = maker.evaluate("deciding", _price_certain, gate="suitability")
    outcome = result.outcome("SUI.UNF.01")
    assert (result.decision, result.blocking, result.conditions_set) == ("pass", (), ())
    assert outcome.status == "not_met" and not outcome.critical
    assert outcome.fix == (
        'Advice, not a block. Table 1.2 says "Alliancing is not likely to be as effective where the following '
        'conditions apply:", and this one has not been ruled out: Where certainty of price or time is the '
        "overriding requirement ."
    )
    assert (
        result.decision_reasons[-1]
        == "advice, not conditions: SUI.DEF 6 of 6 met; SUI.FAV 10 of 10 met; SUI.UNF 1 of 2 met"
    )


def test_a_profile_that_flags_an_unfavourable_condition_critical_makes_it_a_block(
    maker: PackMaker, tmp_path: Path
) -> None:
    """With a profile flagging SUI.UNF.01 critical, price certainty fails the pre-gate on that outcome alone."""
    profile = tmp_path / "profile.yml"
    profile.write_text(PRICE_CERTAIN, encoding="utf-8")
    tailored = api.rules(profile)
    result = maker.evaluate("deciding", _price_certain, gate="suitability", rules=tailored)
    assert (result.decision, result.blocking, result.conditions_set) == ("fail", ("SUI.UNF.01",), ())
    assert maker.evaluate("deciding", gate="suitability", rules=tailored).decision == "pass"


def test_an_unmet_favourable_condition_is_advice_with_no_owner_or_due_date(maker: PackMaker) -> None:
    """A small programme is Table 1.1's advice, not a dated condition: the pre-gate passes with no conditions."""
    result = maker.evaluate("deciding", _small, gate="suitability")
    outcome = result.outcome("SUI.FAV.04")
    assert (result.decision, result.conditions_set, outcome.status) == ("pass", (), "not_met")
    assert outcome.fix == (
        'Advice, not a condition. Table 1.1 says "Alliancing is likely to prove most effective where the following '
        'conditions apply:", and this one has not been shown to apply: On larger programmes or projects.'
    )


def test_a_profile_that_raises_the_favourable_floor_makes_it_a_block(maker: PackMaker, tmp_path: Path) -> None:
    """With the favourable floor at 100%, one condition that does not apply fails the pre-gate."""
    profile = tmp_path / "profile.yml"
    profile.write_text(DEMANDING, encoding="utf-8")
    result = maker.evaluate("deciding", _small, gate="suitability", rules=api.rules(profile))
    assert (result.decision, result.blocking, result.conditions_set) == ("fail", ("SUI.FAV.04",), ())


def test_a_gate_that_is_not_advisory_still_sets_conditions(maker: PackMaker) -> None:
    """The advice replaces conditions only at the advisory gate: the creating gate still sets dated conditions."""

    def drop(files: dict[str, Any], _: dict[str, bytes]) -> None:
        files["claims.yml"]["claims"] = [c for c in files["claims.yml"]["claims"] if c["outcome"] != "DEC.INT.03"]

    result = maker.evaluate("deciding", drop, gate="creating")
    assert [c.outcome for c in result.conditions_set] == ["DEC.INT.03"]


def test_no_two_suitability_outcomes_count_the_same_fact(rules: RulePack) -> None:
    """Each suitability outcome has one fact of its own; the check list's repeats of conditions 1 and 2 are retired."""
    paths = [r.spec["path"] for o in rules.in_phases(("suitability",)) for r in o.requirements]
    assert len(paths) == len(set(paths)) == 18
    assert [old for old, _ in rules.cells["SUI.FAV"].retired] == ["SUI.FAV.06", "SUI.FAV.07"]
    assert "Complex environments." in (rules.outcomes["SUI.FAV.01"].editorial_note or "")


def test_the_an_alliance_is_box_is_six_characteristics(rules: RulePack) -> None:
    """Section 1's "An alliance is:" box is the definition cell, its six lines verbatim, in order."""
    cell = rules.cells["SUI.DEF"]
    assert cell.introduction == "An alliance is:"
    assert [rules.outcomes[i].text for i in cell.outcome_ids] == [
        "A collaborative and integrated team brought together from across partners and owners to deliver a "
        "programme or project.",
        "Shared commercial goals, aligned directly with customer or project outcomes.",
        "Integrated teams, developed on a best for task basis.",
        "Underpinned by a commitment to key working principles and trust based relationships.",
        "An emphasis on creating the right culture and behaviours, including no-blame.",
        "Strong, collective and unanimous leadership.",
    ]
    assert not any(rules.outcomes[i].critical for i in rules.cells["SUI.UNF"].outcome_ids)
