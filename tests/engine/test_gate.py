"""Gate evaluation: each requirement kind, each status, waivers, conditions, independence, as-of, isolation."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from gatekeeper.evaluation import engine
from gatekeeper.evaluation.gate import evaluate
from gatekeeper.problems import InputError

from .conftest import AS_OF, claim, item


def test_a_complete_pack_passes_its_next_gate_with_every_outcome_met(maker) -> None:
    """A deciding pack with every requirement met passes the creating gate; all 26 outcomes are met."""
    result = maker.evaluate("deciding")
    assert (result.gate, result.decision) == ("creating", "pass")
    assert {o.status for o in result.outcomes} == {"met"} and len(result.outcomes) == 26
    assert result.blocking == () and result.conditions_set == ()


def test_later_gates_evaluate_every_earlier_phase(maker) -> None:
    """The sustaining gate evaluates Deciding, Creating and Delivering outcomes (145 - 24 Sustaining)."""
    result = maker.evaluate("delivering")
    assert result.gate == "sustaining"
    assert {o.phase for o in result.outcomes} == {"deciding", "creating", "delivering"}
    assert len(result.outcomes) == 121 and result.decision == "pass"


# --- evidence ---------------------------------------------------------------------------------


def test_evidence_of_the_wrong_kind_does_not_count(maker) -> None:
    """A critical outcome citing only a document of a kind its rule does not accept is unevidenced and blocks."""

    def edit(files, _):
        ref = claim(files, "DEC.LEA.01")["evidence"][0]
        item(files, ref)["kind"] = "communication"

    result = maker.evaluate("deciding", edit)
    outcome = result.outcome("DEC.LEA.01")
    assert outcome.status == "unevidenced" and outcome.blocking
    use = outcome.requirements[0].evidence[0]
    assert not use.counted and use.reason == "kind communication does not show this (needs decision_record)"
    assert result.decision == "fail" and result.blocking[0] == "DEC.LEA.01"


def test_evidence_without_the_required_approval_does_not_count(maker) -> None:
    """DEC.LEA.01's decision record must be approved by the Client Board or a Sponsor."""

    def edit(files, _):
        ref = claim(files, "DEC.LEA.01")["evidence"][0]
        item(files, ref)["approvals"] = [{"name": "Alex Morgan", "role": "Alliance Manager", "date": "2026-09-01"}]

    outcome = maker.evaluate("deciding", edit).outcome("DEC.LEA.01")
    assert outcome.status == "unevidenced"
    assert (
        outcome.requirements[0].evidence[0].reason
        == "not approved by Client Board or Sponsor (approved by Alliance Manager)"
    )
    assert "approved by Client Board or Sponsor" in (outcome.fix or "")


def test_a_document_changed_after_registration_does_not_count(maker) -> None:
    """A document whose sha256 differs from the register is reported and its item does not count."""

    def edit(files, documents):
        ref = claim(files, "DEC.LEA.01")["evidence"][0]
        documents[item(files, ref)["path"]] += b"tampered\n"

    result = maker.evaluate("deciding", edit)
    outcome = result.outcome("DEC.LEA.01")
    assert outcome.status == "unevidenced"
    assert "sha256 differs from the register" in outcome.requirements[0].evidence[0].reason
    assert len(result.document_problems) == 1


def test_evidence_older_than_the_rule_allows_is_stale_and_as_of_replays_an_earlier_date(maker) -> None:
    """A plan dated 200 days before the as-of date is stale for DEL.INT.08's 180 days; as of 100 days earlier it was met."""

    def edit(files, _):
        ref = claim(files, "DEL.INT.08")["evidence"][0]
        item(files, ref)["date"] = str(AS_OF - dt.timedelta(days=200))
        claim(files, "DEL.INT.08")["date"] = str(AS_OF - dt.timedelta(days=150))  # assessed before both dates

    result = maker.evaluate("delivering", edit)
    outcome = result.outcome("DEL.INT.08")
    assert outcome.status == "stale"
    assert outcome.requirements[0].status == "stale"
    assert "Refresh the evidence" in (outcome.fix or "")
    earlier = maker.evaluate("delivering", edit, as_of=AS_OF - dt.timedelta(days=100))
    assert earlier.outcome("DEL.INT.08").status == "met"


def test_evidence_dated_after_the_as_of_date_did_not_exist_then(maker) -> None:
    """Re-running a past decision ignores documents dated after the as-of date."""
    result = maker.evaluate("deciding", as_of=AS_OF - dt.timedelta(days=400))
    outcome = result.outcome("DEC.BEH.01")
    assert outcome.status == "unevidenced"
    assert "after the as-of date" in outcome.requirements[0].evidence[0].reason


def test_evidence_that_must_predate_procurement_must_be_dated_before_it(maker) -> None:
    """DEC.COM.11's risk strategy dated after procurement started is not counted."""

    def edit(files, _):
        strategy = next(r for r in claim(files, "DEC.COM.11")["evidence"] if item(files, r)["kind"] == "strategy")
        item(files, strategy)["date"] = "2026-10-30"
        files["facts.yml"]["milestones"]["procurement_start"]["date"] = "2026-10-01"

    outcome = maker.evaluate("deciding", edit).outcome("DEC.COM.11")
    assert outcome.status == "unevidenced"
    assert any(
        "not before milestones.procurement_start.date (2026-10-01)" in u.reason
        for r in outcome.requirements
        for u in r.evidence
    )


# --- fact, checklist, survey, commercial ------------------------------------------------------


def test_a_missing_fact_leaves_the_outcome_unevidenced(maker) -> None:
    """Without governance.delegations, CRE.LEA.01 (decision-making authority) is unevidenced."""

    def edit(files, _):
        del files["facts.yml"]["governance"]["delegations"]

    outcome = maker.evaluate("creating", edit).outcome("CRE.LEA.01")
    assert outcome.status == "unevidenced"
    assert outcome.reasons[0] == "CRE.LEA.01#1: facts.yml has no `governance.delegations`"


def test_a_board_without_every_party_fails_cross_partner_representation(maker) -> None:
    """A Board drawn from one organisation fails 'cross partner representation', naming the parties missing."""

    def edit(files, _):
        files["facts.yml"]["governance"]["board"]["members"] = [
            {"name": name, "organisation": "Client Co", "role": "Director"}
            for name in ("Sam Patel", "Alex Morgan", "Dana Whitfield")
        ]

    outcome = maker.evaluate("creating", edit).outcome("CRE.INT.05")
    assert outcome.status == "not_met"
    assert outcome.requirements[0].status == "failed"
    assert (
        outcome.requirements[0].needs
        == "facts.yml `governance.board.members` has a member from the client and every partner declared in manifest.yml"
    )
    assert outcome.requirements[0].detail == "no member from Build Partner Ltd, Design Partner LLP"


def test_a_board_of_the_client_and_one_of_two_partners_is_not_cross_partner(maker) -> None:
    """Two organisations are not every party: the client and one of two partners fail CRE.INT.05."""

    def edit(files, _):
        files["facts.yml"]["governance"]["board"]["members"].pop()

    outcome = maker.evaluate("creating", edit).outcome("CRE.INT.05")
    assert outcome.status == "not_met"
    assert outcome.requirements[0].detail == "no member from Design Partner LLP"


def test_a_checklist_with_an_uncovered_item_is_not_met(maker) -> None:
    """CRE.COM.13 needs all ten key principles of Figure 3.5; without KP04 it is not met and says which."""

    def edit(files, _):
        del files["facts.yml"]["checklists"]["agreement_key_principles"]["KP04"]

    outcome = maker.evaluate("creating", edit).outcome("CRE.COM.13")
    req = next(r for r in outcome.requirements if r.kind == "checklist")
    assert (outcome.status, req.status) == ("not_met", "failed")
    assert req.detail == "1 of 10 items not covered: KP04"
    assert "KP04 How shared return arrangements will work" in (req.fix or "")


def test_a_checklist_with_nothing_covered_is_unevidenced(maker) -> None:
    """With no Figure 3.5 entries at all, CRE.COM.13 is unevidenced."""

    def edit(files, _):
        del files["facts.yml"]["checklists"]["agreement_key_principles"]

    assert maker.evaluate("creating", edit).outcome("CRE.COM.13").status == "unevidenced"


def test_a_low_survey_score_is_not_met_and_an_old_one_is_stale(maker) -> None:
    """DEL.BEH.04's behaviour survey must score 70% or more within 365 days."""

    def low(files, _):
        next(s for s in files["facts.yml"]["surveys"] if s["survey"] == "behaviour")["score"] = 2.5

    def old(files, _):  # the latest survey, taken long ago, and no other
        surveys = files["facts.yml"]["surveys"]
        latest = next(s for s in surveys if s["survey"] == "behaviour")
        files["facts.yml"]["surveys"] = [s for s in surveys if s["survey"] != "behaviour"] + [latest]
        latest["date"] = "2025-06-01"

    low_outcome = maker.evaluate("delivering", low).outcome("DEL.BEH.04")
    assert low_outcome.status == "not_met"
    assert ("score", "2.5 of 5 (50%)") in low_outcome.requirements[-1].numbers
    assert maker.evaluate("delivering", old).outcome("DEL.BEH.04").status == "stale"


def test_a_commercial_model_without_a_partner_cap_fails_downside_capped(maker) -> None:
    """DEL.COM.03 needs every partner's downside capped; a partner without a painshare cap fails it."""

    def edit(files, _):
        del files["commercial.yml"]["parties"][1]["painshare_cap"]

    result = maker.evaluate("sustaining", edit)
    req = next(r for r in result.outcome("DEL.COM.03").requirements if r.kind == "commercial")
    assert result.outcome("DEL.COM.03").status == "not_met" and req.status == "failed"
    assert req.numbers


def test_without_a_commercial_model_commercial_outcomes_are_unevidenced(maker) -> None:
    """A pack with no commercial.yml cannot show the computed commercial properties."""

    def edit(files, _):
        del files["commercial.yml"]

    outcome = maker.evaluate("deciding", edit).outcome("DEC.COM.04")
    assert outcome.status == "unevidenced"
    assert "the pack has no commercial.yml" in outcome.reasons[0]


# --- claims, not applicable, independence -----------------------------------------------------


def test_an_outcome_without_a_claim_is_unevidenced(maker) -> None:
    """No claim, no evidence: unevidenced, with what to record."""

    def edit(files, _):
        files["claims.yml"]["claims"] = [c for c in files["claims.yml"]["claims"] if c["outcome"] != "DEC.INT.01"]

    outcome = maker.evaluate("deciding", edit).outcome("DEC.INT.01")
    assert outcome.status == "unevidenced" and outcome.reasons == ("no claim has been made for this outcome",)


def test_a_claim_of_partly_met_is_not_met(maker) -> None:
    """The assessor's own finding of partly met makes the outcome not met."""

    def edit(files, _):
        claim(files, "DEC.INT.01")["status"] = "partly_met"

    outcome = maker.evaluate("deciding", edit).outcome("DEC.INT.01")
    assert outcome.status == "not_met"
    assert outcome.reasons[0].startswith("claimed partly met by Riley Quinn (interview,")


def test_not_applicable_stands_only_where_the_rule_allows_it(maker) -> None:
    """CRE.INT.02 ('Where appropriate') may be not applicable; CRE.INT.01 may not."""

    def edit(files, _):
        for oid in ("CRE.INT.02", "CRE.INT.01"):
            c = claim(files, oid)
            c["status"], c["justification"] = "not_applicable", "No key stakeholders outside the client."

    result = maker.evaluate("creating", edit)
    assert result.outcome("CRE.INT.02").status == "not_applicable"
    assert result.outcome("CRE.INT.01").status == "not_met"


def test_a_self_assessed_critical_outcome_is_not_met_by_default(maker) -> None:
    """A critical claim assessed by someone on the roster cannot make the outcome met."""

    def edit(files, _):
        claim(files, "DEC.LEA.01")["assessed_by"] = "Alex Morgan"
        claim(files, "DEC.INT.01")["assessed_by"] = "Alex Morgan"

    result = maker.evaluate("deciding", edit)
    assert result.outcome("DEC.LEA.01").status == "not_met"
    assert "needs an assessor independent of the alliance" in result.outcome("DEC.LEA.01").reasons[0]
    assert result.outcome("DEC.INT.01").status == "met"  # not critical: reported, still met
    assert result.outcome("DEC.INT.01").self_assessed
    assert result.self_assessed_critical == ("DEC.LEA.01",)


def test_a_policy_may_let_self_assessment_meet_critical_outcomes(maker, rules) -> None:
    """With self_assessment_meets_critical, a self-assessed critical claim can be met."""
    relaxed = replace(rules, policy=replace(rules.policy, self_assessment_meets_critical=True))

    def edit(files, _):
        claim(files, "DEC.LEA.01")["assessed_by"] = "Alex Morgan"

    assert maker.evaluate("deciding", edit, rules=relaxed).outcome("DEC.LEA.01").status == "met"


# --- waivers ----------------------------------------------------------------------------------


def _waive(outcome_id: str, *, role: str = "Sponsor", expires: str = "2027-03-31"):
    def edit(files, _):
        files["claims.yml"]["claims"] = [c for c in files["claims.yml"]["claims"] if c["outcome"] != outcome_id]
        files["waivers.yml"] = {
            "schema_version": 1,
            "waivers": [
                {
                    "outcome": outcome_id,
                    "justification": "Co-location waits for the depot lease.",
                    "approver": {"name": "Dana Whitfield", "role": role},
                    "granted": "2026-10-01",
                    "expires": expires,
                }
            ],
        }

    return edit


def test_a_valid_waiver_waives_a_non_critical_outcome(maker) -> None:
    """Justification, an approver role the policy allows, not expired: waived."""
    outcome = maker.evaluate("deciding", _waive("DEC.INT.03")).outcome("DEC.INT.03")
    assert outcome.status == "waived"
    assert (
        outcome.reasons[0]
        == "waived by Dana Whitfield (Sponsor) until 2027-03-31: Co-location waits for the depot lease."
    )


def test_an_expired_waiver_does_not_count(maker) -> None:
    """A waiver that expired before the as-of date leaves the outcome as it is, with the reason."""
    outcome = maker.evaluate("deciding", _waive("DEC.INT.03", expires="2026-10-15")).outcome("DEC.INT.03")
    assert outcome.status == "unevidenced"
    assert "waiver by Dana Whitfield (Sponsor) expired on 2026-10-15" in outcome.reasons


def test_a_waiver_approved_in_the_wrong_role_does_not_count(maker) -> None:
    """Only the roles the policy names may approve a waiver."""
    outcome = maker.evaluate("deciding", _waive("DEC.INT.03", role="Alliance Manager")).outcome("DEC.INT.03")
    assert outcome.status == "unevidenced"
    assert any("the approver's role must be one of Sponsor, Client Board" in r for r in outcome.reasons)


def test_a_critical_outcome_cannot_be_waived_by_default(maker) -> None:
    """A waiver on a critical outcome is reported as not valid and the gate fails."""
    result = maker.evaluate("deciding", _waive("DEC.LEA.01"))
    assert result.outcome("DEC.LEA.01").status == "unevidenced"
    assert any("does not allow a critical outcome to be waived" in r for r in result.outcome("DEC.LEA.01").reasons)
    assert result.decision == "fail"


# --- conditions, floors, decision ---------------------------------------------------------------


def test_conditions_carried_from_the_last_gate_are_open_closed_or_overdue(maker) -> None:
    """A condition whose outcome is met is closed; an unmet one is open until due, then overdue and blocking."""

    def edit(files, _):
        files["claims.yml"]["claims"] = [
            c for c in files["claims.yml"]["claims"] if c["outcome"] not in ("DEC.INT.02", "DEC.INT.03")
        ]
        files["conditions.yml"] = {
            "schema_version": 1,
            "gate": "creating",
            "decided": "2026-03-01",
            "conditions": [
                {"outcome": "DEC.INT.01", "owner": "Alex Morgan", "due": "2026-06-30"},
                {"outcome": "DEC.INT.02", "owner": "Alex Morgan", "due": "2026-12-31"},
                {"outcome": "DEC.INT.03", "owner": "Jo Reid", "due": "2026-09-30"},
            ],
        }

    result = maker.evaluate("creating", edit)
    states = {c.outcome: c.state for c in result.conditions_carried}
    assert states == {"DEC.INT.01": "closed", "DEC.INT.02": "open", "DEC.INT.03": "overdue"}
    assert result.decision == "fail"
    assert "1 condition(s) from the previous gate overdue: DEC.INT.03" in result.decision_reasons
    assert "DEC.INT.03" in result.blocking


def test_a_pass_turns_non_critical_gaps_into_conditions_with_owner_and_due_date(maker) -> None:
    """Owner and due date come from the claim's action, else the manifest owner and the policy's default."""

    def edit(files, _):
        c = claim(files, "DEC.BEH.03")
        c["status"] = "partly_met"
        c["actions"] = [{"action": "Finish the capability assessment.", "owner": "Jo Reid", "due": "2027-01-31"}]
        claim(files, "DEC.COM.05")["status"] = "not_met"

    result = maker.evaluate("deciding", edit)
    assert result.decision == "pass"
    conditions = {c.outcome: (c.owner, str(c.due), c.state) for c in result.conditions_set}
    assert conditions == {
        "DEC.BEH.03": ("Jo Reid", "2027-01-31", "new"),
        "DEC.COM.05": ("Alex Morgan (Alliance Manager)", "2027-01-30", "new"),
    }


def test_a_theme_below_its_floor_fails_the_gate(maker) -> None:
    """Deciding Integration has three non-critical outcomes: two not met is below the 50% floor."""

    def edit(files, _):
        claim(files, "DEC.INT.01")["status"] = "not_met"
        claim(files, "DEC.INT.02")["status"] = "not_met"

    result = maker.evaluate("deciding", edit)
    assert result.decision == "fail"
    assert "DEC.INT: 1 of 3 non-critical outcomes met, below the floor of 50%" in result.decision_reasons
    assert result.blocking == ("DEC.INT.01", "DEC.INT.02")
    cell = next(c for c in result.cells if c.cell == "DEC.INT")
    assert cell.below_floor and cell.worst == "not_met"


def test_an_engine_failure_gives_status_error_and_fails_a_critical_gate(maker, monkeypatch) -> None:
    """When the engine refuses a ruleset, its outcomes get status error and the gate cannot pass."""
    original = engine._run_one

    def failing(ruleset, facts):
        if "DEC.LEA.01" in ruleset.outcome_ids:
            raise engine.EngineError("the engine failed: simulated")
        return original(ruleset, facts)

    monkeypatch.setattr(engine, "_run_one", failing)
    result = maker.evaluate("deciding")
    assert result.outcome("DEC.LEA.01").status == "error"
    assert result.outcome("DEC.LEA.01").reasons[0] == "DEC.LEA.01#1: the engine failed: simulated"
    assert result.decision == "fail"


def test_a_gate_that_evaluates_nothing_is_an_error(maker, rules) -> None:
    """No outcome in scope is an error, never a pass."""
    empty = replace(rules, outcomes={o.id: o for o in rules.outcomes.values() if o.phase != "deciding"})
    root = maker.write(maker.pack("deciding"), lambda files, _: files["claims.yml"].update(claims=[]))
    from gatekeeper.loading.evidence import load_pack

    pack = load_pack(root, rules).pack
    with pytest.raises(InputError, match="has no outcomes in scope"):
        evaluate(empty, pack, gate="creating", as_of=AS_OF)


def test_evaluations_are_isolated_and_deterministic(maker, rules) -> None:
    """Evaluating A, then B, then A again in one process gives A's result unchanged."""
    good = maker.write(maker.pack("deciding"))
    bad = maker.write(maker.pack("deciding"), lambda files, _: files["claims.yml"].update(claims=[]))
    from gatekeeper.loading.evidence import load_pack

    first = evaluate(rules, load_pack(good, rules).pack, as_of=AS_OF)
    other = evaluate(rules, load_pack(bad, rules).pack, as_of=AS_OF)
    again = evaluate(rules, load_pack(good, rules).pack, as_of=AS_OF)
    assert other.decision == "fail" and {o.status for o in other.outcomes} == {"unevidenced"}
    assert first == again


def test_without_a_gate_the_next_gate_after_the_phase_is_evaluated(maker) -> None:
    """A pack in Creating is checked at the delivering gate."""
    assert maker.evaluate("creating").gate == "delivering"
