"""The commercial checks: a model that meets them all, and one model breaking each, with its explanation."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from gatekeeper.commercial.checks import CHECKS, CheckResult
from gatekeeper.commercial.load import load_model

MODELS = Path(__file__).parent / "models"

# fixture -> {failing check: the summary a sponsor reads}; every other check must pass.
BROKEN: dict[str, dict[str, str]] = {
    "short_range.yml": {
        "scenarios_cover_cap": (
            "The simulation starts at an overrun of 15 %, short of where the cap bites for Alpha Civils Ltd "
            "(reached at an overrun of 20 %), Beta Design LLP (reached at an overrun of 20 %): widen the range "
            "so the sponsor sees the whole painshare curve."
        ),
    },
    "no_return.yml": {
        "every_party_has_return_threshold": (
            "No outturn in the simulated range gives Gamma Build Ltd a return (for a partner: fee plus gainshare "
            "less painshare; for the client: its saving against the baseline)."
        ),
    },
    "flat_unbounded.yml": {
        "variable_shares_bounded_gain": (
            "Not a variable, bounded arrangement: the partners take the same 50 % in every band and no KPI modifier "
            "changes it, so the split does not vary with performance; the gain of Alpha Civils Ltd, Beta Design LLP "
            "keeps growing with the saving (the last band, every outturn, still gives the partners 50 %) with no "
            "gainshare cap, which is the 'super profit' the Code warns against."
        ),
    },
    "target_above_baseline.yml": {
        "self_financing": (
            "Not self-financing: the target (GBP 10,000,000.00) is above the baseline (GBP 9,500,000.00), so gain "
            "is paid on outturns that do not outperform the baseline."
        ),
    },
    "generous_kpi.yml": {
        "self_financing": (
            "Not self-financing: at a saving of 8 % and a KPI modifier of 250 % the partners' gain exceeds the "
            "saving by GBP 200,000.00, which the client pays from elsewhere."
        ),
    },
    "unequal_partners.yml": {
        "same_mechanism_for_all_partners": (
            "The partners are not under the same mechanism: they differ in fee treatment, painshare cap. The Code "
            "asks that the relationship between partner and client be contractually the same for all."
        ),
    },
    "partner_costs_only.yml": {
        "covers_all_costs": (
            "The target does not cover the client's costs or overhead costs (it covers the partners' costs, "
            "the supply chain's costs)."
        ),
    },
    "uncapped.yml": {
        "downside_capped": (
            "The downside of Beta Design LLP is not capped: its painshare grows with every overrun, where Figure 3.4 "
            "caps each partner's risk and leaves the rest to the client."
        ),
        # One capped partner and one uncapped cannot be on the same mechanism.
        "same_mechanism_for_all_partners": (
            "The partners are not under the same mechanism: they differ in painshare cap. The Code asks that the "
            "relationship between partner and client be contractually the same for all."
        ),
    },
}


def _results(name: str) -> dict[str, CheckResult]:
    model = load_model(MODELS / name)
    return {check: CHECKS[check].run(model) for check in CHECKS}


def test_registry_names() -> None:
    """The registry holds exactly the seven checks the rule pack may name, each with a plain title."""
    assert list(CHECKS) == [
        "scenarios_cover_cap",
        "every_party_has_return_threshold",
        "variable_shares_bounded_gain",
        "self_financing",
        "same_mechanism_for_all_partners",
        "downside_capped",
        "covers_all_costs",
    ]
    assert all(check.title and "_" not in check.title for check in CHECKS.values())


@pytest.mark.parametrize("name", ["good.yml", "small.yml"])
def test_sound_models_pass_every_check(name: str) -> None:
    """A model built as the Code of Practice describes passes every check."""
    failing = {check: r.summary for check, r in _results(name).items() if not r.passed}
    assert failing == {}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_model_fails_its_check_with_the_reason(name: str) -> None:
    """Each broken model fails exactly the checks it breaks, with the explanation a sponsor reads."""
    failing = {check: r.summary for check, r in _results(name).items() if not r.passed}
    assert failing == BROKEN[name]


def test_good_model_numbers() -> None:
    """The numbers behind each check are the computed ones, in words, so `explain` can show them."""
    results = _results("good.yml")
    assert results["downside_capped"].numbers == (
        ("painshare cap of Alpha Civils Ltd", "GBP 600,000.00 (100 % of its fee), reached at an overrun of 20 %"),
        ("painshare cap of Beta Design LLP", "GBP 400,000.00 (100 % of its fee), reached at an overrun of 20 %"),
    )
    assert results["every_party_has_return_threshold"].numbers == (
        ("return of Northshire Water", "positive from an overrun of 10 %, at every better outturn"),
        ("return of Alpha Civils Ltd", "positive from an overrun of 20 %, at every better outturn"),
        ("return of Beta Design LLP", "positive from an overrun of 20 %, at every better outturn"),
        ("simulated range", "-60 % to 60 % in steps of 5"),
    )
    assert results["self_financing"].numbers == (
        ("baseline cost", "GBP 10,500,000.00"),
        ("target cost", "GBP 10,000,000.00"),
        ("highest KPI modifier of gain", "120 %"),
        ("client's smallest part of a saving, at the highest modifier", "40 % (GBP 666,666.67 at a saving of 16.67 %)"),
    )
    assert results["same_mechanism_for_all_partners"].numbers == (
        (
            "Alpha Civils Ltd",
            "fee at risk; painshare cap 100 % of fee; gainshare cap 100 % of fee; share of the partners' part 60 % in every band",
        ),
        (
            "Beta Design LLP",
            "fee at risk; painshare cap 100 % of fee; gainshare cap 100 % of fee; share of the partners' part 40 % in every band",
        ),
    )


def test_passing_summaries() -> None:
    """A passing check says what holds, in one sentence."""
    results = _results("good.yml")
    assert results["scenarios_cover_cap"].summary == (
        "The simulated range (-60 % to 60 % in steps of 5) reaches every partner's painshare cap."
    )
    assert results["variable_shares_bounded_gain"].summary == (
        "Shares vary with performance (the partners' share changes from band to band and a KPI modifier scales "
        "the gain) and every partner's gain is bounded."
    )


def test_unreached_cap_is_reported() -> None:
    """A cap the bands never reach (no partner share beyond an overrun) passes, saying it is never reached."""
    model = load_model(MODELS / "good.yml")
    first = model.bands[0]
    no_share = replace(first, shares=(("client", first.shares[0][1] + 30), ("civils", 0), ("design", 0)))
    result = CHECKS["scenarios_cover_cap"].run(replace(model, bands=(no_share,) + model.bands[1:]))
    assert result.passed
    assert result.numbers[1] == (
        "painshare cap of Alpha Civils Ltd",
        "GBP 600,000.00, reached at an overrun of 20 %",
    )
    # Design's 20 % of the 20-point band is 400,000: exactly its cap, reached at the band's edge.
    halved = replace(
        model,
        parties=tuple(
            replace(p, painshare_cap=replace(p.painshare_cap, amount=Fraction(500_000), percent_of_fee=None))
            if p.id == "design"
            else p
            for p in model.parties
        ),
        bands=(no_share,) + model.bands[1:],
    )
    assert CHECKS["scenarios_cover_cap"].run(halved).numbers[2] == (
        "painshare cap of Beta Design LLP",
        "GBP 500,000.00, never reached: the bands stop its painshare short of it",
    )


def test_a_model_that_does_not_say_what_its_target_covers_fails_all_costs() -> None:
    """Without `cost_scope` the model does not show it covers all costs: the check fails and says what to state."""
    model = load_model(MODELS / "good.yml")
    result = CHECKS["covers_all_costs"].run(replace(model, cost_scope=()))
    assert result == CheckResult(
        False,
        "commercial.yml does not state what costs the target covers (`cost_scope`).",
        (("costs the target covers", "not stated"),),
    )
    assert CHECKS["covers_all_costs"].run(model).summary == (
        "The target covers all costs, including client and overhead costs (the partners' costs, the client's costs, "
        "overhead costs, the supply chain's costs)."
    )
