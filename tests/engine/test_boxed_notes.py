"""The boxed notes that state a test, and the baselines behind DEC.COM.06/07: each met, and each not met."""

from __future__ import annotations

from .conftest import PackMaker, claim, item


def _requirement(outcome, ref: str):
    return next(r for r in outcome.requirements if r.ref == ref)


def _req_of(outcome, kind: str):
    return next(r for r in outcome.requirements if r.kind == kind)


def test_every_boxed_note_is_met_by_a_complete_pack(maker: PackMaker) -> None:
    """A synthetic pack with the notes' facts and a model covering all costs meets every outcome they name."""
    result = maker.evaluate("delivering")
    statuses = {
        i: result.outcome(i).status for i in ("CRE.COM.02", "CRE.COM.16", "CRE.COM.17", "CRE.INT.11", "DEL.BEH.05")
    }
    assert statuses == dict.fromkeys(statuses, "met")


def test_a_selection_that_priced_a_client_defined_scope_is_not_met(maker: PackMaker) -> None:
    """CRE.COM.02 fails when the selection priced a scope the client defined (Code 3.4)."""

    def edit(files, _):
        files["facts.yml"]["procurement"]["selection_pricing"]["cost_to_employ"] = False

    outcome = maker.evaluate("delivering", edit).outcome("CRE.COM.02")
    req = _req_of(outcome, "fact")
    assert (outcome.status, req.status, req.detail) == (
        "not_met",
        "failed",
        "`procurement.selection_pricing.cost_to_employ` is false",
    )


def test_a_pack_silent_on_the_selection_price_is_unevidenced(maker: PackMaker) -> None:
    """Without `procurement.selection_pricing`, CRE.COM.02 is unevidenced and says what to record."""

    def edit(files, _):
        del files["facts.yml"]["procurement"]["selection_pricing"]

    outcome = maker.evaluate("delivering", edit).outcome("CRE.COM.02")
    assert outcome.status == "unevidenced"
    assert (
        _req_of(outcome, "fact").fix
        == "Record `procurement.selection_pricing.cost_to_employ` in facts.yml so that it is true."
    )


def test_a_commercial_model_without_client_costs_fails_all_costs(maker: PackMaker) -> None:
    """CRE.COM.16 and CRE.COM.17 are not met when the model's target leaves out client and overhead costs."""

    def edit(files, _):
        files["commercial.yml"]["cost_scope"] = ["partner", "supply_chain"]

    result = maker.evaluate("delivering", edit)
    for outcome_id in ("CRE.COM.16", "CRE.COM.17"):
        outcome = result.outcome(outcome_id)
        assert outcome.status == "not_met"
        assert _req_of(outcome, "commercial").detail == (
            "The target does not cover the client's costs or overhead costs "
            "(it covers the partners' costs, the supply chain's costs)."
        )


def test_half_the_integrated_team_from_partners_is_not_a_majority(maker: PackMaker) -> None:
    """DEL.BEH.05 needs more than half of the team employed by a partner: exactly 50 % is not met, 50.5 % is."""

    def half(files, _):
        files["facts.yml"]["integrated_team"]["partner_employed_percent"] = 50

    def just_over(files, _):
        files["facts.yml"]["integrated_team"]["partner_employed_percent"] = 50.5

    outcome = maker.evaluate("delivering", half).outcome("DEL.BEH.05")
    assert (outcome.status, _req_of(outcome, "fact").detail) == (
        "not_met",
        "`integrated_team.partner_employed_percent` is 50",
    )
    assert maker.evaluate("delivering", just_over).outcome("DEL.BEH.05").status == "met"


def test_contract_management_role_descriptions_must_cover_the_client(maker: PackMaker) -> None:
    """CRE.INT.11 ("Contract management will remain a client activity"): role descriptions covering only partners do not count."""

    def edit(files, _):
        ref = next(r for r in claim(files, "CRE.INT.11")["evidence"] if item(files, r)["kind"] == "role_description")
        item(files, ref)["parties"] = ["build-partner", "design-partner"]

    outcome = maker.evaluate("delivering", edit).outcome("CRE.INT.11")
    assert outcome.status == "unevidenced"
    assert "; no counted item covers Client Co [" in _requirement(outcome, "CRE.INT.11#1").detail


def test_dec_com_07_without_baselines_is_unevidenced(maker: PackMaker) -> None:
    """DEC.COM.07 reads the baseline values themselves: a pack with a baseline process but no targets is unevidenced."""

    def edit(files, _):
        del files["facts.yml"]["targets"]

    result = maker.evaluate("creating", edit)
    for outcome_id in ("DEC.COM.06", "DEC.COM.07"):
        outcome = result.outcome(outcome_id)
        assert outcome.status == "unevidenced"
        missing = [r.detail for r in outcome.requirements if r.kind == "fact"]
        assert missing == [
            "facts.yml has no `targets.whole_life_cost.baseline`",
            "facts.yml has no `targets.capital_cost.baseline`",
            "facts.yml has no `targets.operating_cost.baseline`",
        ]
