"""An advisory gate (the suitability pre-gate): what is not met is advice in the Code's words, not a condition."""

from __future__ import annotations

from dataclasses import replace

from gatekeeper.model import Gate, RulePack
from gatekeeper.result import SETTLED, GateResult, OutcomeResult, Status


def advise(result: GateResult, rules: RulePack, gate: Gate) -> GateResult:
    """For an advisory gate, drop the conditions a pass would set and give each outcome not in place
    its cell's advice (rules/: the Code's own words) instead of an action.

    Tables 1.1 and 1.2 say where alliancing "is likely to prove most effective" and where it "is not
    likely to be as effective": a programme's size or a need for price certainty is not an action
    with an owner and a due date. Only critical outcomes (a profile may flag one) and floors block."""
    if not gate.advisory:
        return result
    outcomes = tuple(_advised(o, rules) for o in result.outcomes)
    tally = "; ".join(
        f"{cell.cell} {sum(1 for o in outcomes if o.cell == cell.cell and o.status == Status.MET)}"
        f" of {sum(1 for o in outcomes if o.cell == cell.cell)} met"
        for cell in result.cells
    )
    reasons = [r for r in result.decision_reasons if not result.passed] or [
        "no outcome of this advisory gate blocks it (a profile may flag one critical or raise a floor)"
    ]
    return replace(
        result,
        outcomes=outcomes,
        conditions_set=(),
        decision_reasons=(*reasons, f"advice, not conditions: {tally}"),
    )


def _advised(outcome: OutcomeResult, rules: RulePack) -> OutcomeResult:
    advice = rules.cells[outcome.cell].advice
    if outcome.status in SETTLED or not advice:
        return outcome
    words = f"{advice} {outcome.text}"
    if outcome.status != Status.NOT_MET and outcome.fix:
        words += f" {outcome.fix}"
    return replace(outcome, fix=words)
