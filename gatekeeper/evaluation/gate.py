"""Decide a gate: scope, one status per outcome from the engine's findings, conditions, and the decision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from gatekeeper.evaluation import engine
from gatekeeper.evaluation.advice import advise
from gatekeeper.evaluation.kinds import KINDS, Context, Firing
from gatekeeper.evaluation.maturity import assess
from gatekeeper.evaluation.observations import lookup
from gatekeeper.evaluation.waivers import current_waiver
from gatekeeper.model import ClaimStatus, EvidencePack, Gate, Outcome, Policy, Requirement, RulePack
from gatekeeper.people import independence, roles_on
from gatekeeper.problems import InputError, Problem
from gatekeeper.result import (
    SETTLED,
    SEVERITY,
    ActionResult,
    ConditionResult,
    ConditionState,
    Decision,
    GateResult,
    LateDecision,
    OutcomeResult,
    RequirementResult,
    Status,
    ThemeSummary,
    Verdict,
)


def default_gate(rules: RulePack, pack: EvidencePack) -> str:
    """Without --gate, the next gate after the pack's current phase: the policy's gate that leaves it."""
    name = rules.policy.next_gate(pack.phase)
    if name is None:
        raise InputError(Problem("rules/policy.yml", 0, 0, f"the policy defines no gate that leaves {pack.phase}"))
    return name


def evaluate(
    rules: RulePack,
    pack: EvidencePack,
    *,
    gate: str | None = None,
    as_of: dt.date,
    document_problems: Sequence[Problem] = (),
) -> GateResult:
    """Evaluate `gate` for `pack` as of one date, and decide it."""
    gate_name = gate or default_gate(rules, pack)
    if gate_name not in rules.policy.gates:
        raise InputError(Problem("rules/policy.yml", 0, 0, f"the policy defines no gate {gate_name!r}"))
    spec = rules.policy.gates[gate_name]
    scope = rules.in_phases(spec.evaluates)
    if not scope:  # a gate that evaluated nothing is an error, never a pass
        raise InputError(Problem("rules/policy.yml", 0, 0, f"gate {gate_name!r} has no outcomes in scope"))

    in_scope: dict[str, list[Requirement]] = {kind: [] for kind in KINDS}
    for outcome in scope:
        for req in outcome.requirements:
            in_scope[req.kind].append(req)
    prepared = {kind: KINDS[kind].prepare(reqs, pack) for kind, reqs in in_scope.items()}
    ctx = Context(pack=pack, as_of=as_of, checklists=rules.checklists, prepared=prepared)
    compiled = engine.compile_pack(rules, [o.id for o in scope])
    firings = engine.run(compiled, ctx)

    judged = [_judge_outcome(o, firings[o.id], ctx, rules) for o in scope]
    statuses = {o.id: o.status for o in judged}
    carried = _carried(pack, statuses, as_of)
    cells, floor_failures = _cells(judged, rules, spec)
    overdue = [c for c in carried if c.state == ConditionState.OVERDUE]

    reasons: list[str] = []
    critical_blockers = [o.id for o in judged if o.critical and o.status not in SETTLED]
    if critical_blockers:
        reasons.append(f"{len(critical_blockers)} critical outcome(s) not met: {', '.join(critical_blockers)}")
    floor_blockers: list[str] = []
    for cell in floor_failures:
        pct = round(cell.floor * 100) if cell.floor is not None else 0
        reasons.append(
            f"{cell.cell}: {cell.noncritical_met} of {cell.noncritical_counted} non-critical outcomes met, below the floor of {pct}%"
        )
        floor_blockers += [o.id for o in judged if o.cell == cell.cell and not o.critical and o.status not in SETTLED]
    if overdue and rules.policy.overdue_conditions == "fail":
        reasons.append(
            f"{len(overdue)} condition(s) from the previous gate overdue: {', '.join(c.outcome for c in overdue)}"
        )
    late = late_decision(spec, pack, as_of)
    if late is not None and late.effect == "fail":
        reasons.append(late.reason)
    decision = Decision.FAIL if reasons else Decision.PASS
    blocking = [*critical_blockers, *floor_blockers]
    if rules.policy.overdue_conditions == "fail":
        blocking += [c.outcome for c in overdue if c.outcome not in blocking]
    if decision == Decision.PASS:
        reasons.append("every critical outcome in scope is in place and every theme is at or above its floor")
    if late is not None and late.effect == "note":
        reasons.append(f"note: {late.reason}")

    outcomes = tuple(_mark_blocking(o, set(blocking)) for o in judged)
    conditions_set = _conditions_set(outcomes, pack, rules, as_of) if decision == Decision.PASS else ()
    exhibits: dict[str, Any] = {}
    for kind, data in prepared.items():
        exhibits.update(KINDS[kind].exhibits(data))
    result = GateResult(
        alliance_id=pack.alliance_id,
        alliance_name=pack.alliance_name,
        client=pack.client,
        phase=pack.phase,
        gate=gate_name,
        gate_title=spec.title,
        leaves=spec.leaves,
        evaluates=spec.evaluates,
        as_of=as_of,
        decision=decision,
        decision_reasons=tuple(reasons),
        outcomes=outcomes,
        blocking=tuple(blocking),
        conditions_carried=tuple(carried),
        conditions_set=conditions_set,
        cells=tuple(cells),
        self_assessed_critical=tuple(o.id for o in judged if o.critical and o.self_assessed),
        rule_pack_name=rules.name,
        rule_pack_version=rules.version,
        rule_pack_digest=rules.digest,
        profile_name=rules.profile_name,
        profile_digest=rules.profile_digest,
        evidence_files=tuple(sorted(pack.files.items())),
        document_problems=tuple(str(p) for p in document_problems),
        default_owner=pack.owner,
        late_decision=late,
        **exhibits,
    )
    return assess(advise(result, rules, spec))


# What happened on each milestone's date, for "decided after ... on DATE".
_HAPPENED: Mapping[str, str] = {
    "procurement_start": "procurement started",
    "selection": "the partners were selected",
    "award": "the contract was awarded",
    "agreement_signed": "the alliance agreement was signed",
    "transition": "the alliance moved into delivery",
}


def late_decision(gate: Gate, pack: EvidencePack, as_of: dt.date) -> LateDecision | None:
    """The gate decided on or after the date its decision must precede (`decide_before`), or None.

    The decision is taken as of the evaluation date. Without the date in facts.yml nothing is said here:
    the outcomes whose evidence is dated against the same milestone say that it is missing.
    """
    if gate.decide_before is None:
        return None
    value = lookup(pack.facts, gate.decide_before)
    if not isinstance(value, str):
        return None
    day = dt.date.fromisoformat(value)
    if as_of < day:
        return None
    parts = gate.decide_before.split(".")
    milestone = parts[1] if len(parts) == 3 and parts[0] == "milestones" else ""
    what = _HAPPENED.get(milestone, f"{gate.decide_before} was")
    reason = f"decided after {what} on {day.isoformat()}"
    if as_of == day:
        reason = f"decided on the day {what}, {day.isoformat()}"
    if gate.late_decision_reason:
        reason += f": {gate.late_decision_reason}"
    return LateDecision(milestone=gate.decide_before, date=day, effect=gate.late_decision, reason=reason)


def _judge_outcome(
    outcome: Outcome, firings: list[Firing] | engine.EngineError, ctx: Context, rules: RulePack
) -> OutcomeResult:
    claim = ctx.pack.claims.get(outcome.id)
    if isinstance(firings, engine.EngineError):
        results = tuple(
            RequirementResult(
                r.ref,
                r.kind,
                KINDS[r.kind].describe(r.spec, ctx.checklists),
                Verdict.ERROR,
                str(firings),
                "Report this to the rule pack's maintainers.",
            )
            for r in outcome.requirements
        )
    else:
        by_req: dict[str, list[Firing]] = {}
        for firing in firings:
            by_req.setdefault(firing.rule.split(":", 1)[0], []).append(firing)
        results = tuple(KINDS[r.kind].judge(r, by_req.get(r.ref, []), ctx) for r in outcome.requirements)
    status, reasons, fix = _status(outcome, claim, results, ctx, rules)
    return OutcomeResult(
        id=outcome.id,
        cell=outcome.cell,
        phase=outcome.phase,
        theme=outcome.theme,
        section=outcome.section,
        subheading=outcome.subheading,
        text=outcome.text,
        critical=outcome.critical,
        status=status,
        reasons=tuple(reasons),
        fix=fix,
        requirements=results,
        claim_status=claim.status if claim else None,
        assessed_by=claim.assessed_by if claim else None,
        method=claim.method if claim else None,
        self_assessed=bool(claim and claim.self_assessed),
        blocking=False,
        claim_at=(claim.source.file, claim.source.line, claim.source.col) if claim else None,
        actions=tuple(
            ActionResult(a.action, a.owner, a.due) for a in sorted(claim.actions if claim else (), key=lambda a: a.due)
        ),
        owner_role=next((r.spec["approved_by"][0] for r in outcome.requirements if r.spec.get("approved_by")), None),
    )


def _status(
    outcome: Outcome, claim: Any, results: Sequence[RequirementResult], ctx: Context, rules: RulePack
) -> tuple[Status, list[str], str | None]:
    """The one status of an outcome, the reasons for it, and what would make it met."""
    policy = rules.policy
    unmet = [r for r in results if r.status != Verdict.SATISFIED]
    if claim is not None and claim.date > ctx.as_of:
        # A claim assessed after the as-of date did not exist then: the outcome is judged without it.
        status, reasons = Status.UNEVIDENCED, [f"the claim is dated {claim.date}, after {ctx.as_of}: it does not count"]
        fix = f"Evaluate as of {claim.date} or later, or record a claim assessed by {ctx.as_of}."
    elif claim is None:
        status, reasons = Status.UNEVIDENCED, ["no claim has been made for this outcome"]
        fix = (
            "Assess the outcome and record a claim in claims.yml with the evidence it needs: "
            + "; ".join(r.needs for r in results)
            + "."
        )
    elif claim.status == ClaimStatus.NOT_APPLICABLE:
        if outcome.allow_not_applicable:
            return Status.NOT_APPLICABLE, [f"claimed not applicable: {claim.justification}"], None
        status, reasons = (
            Status.NOT_MET,
            ["claimed not applicable, but the Code does not allow this outcome to be set aside"],
        )
        fix = 'Meet the outcome; only outcomes the Code makes conditional ("where appropriate") can be not applicable.'
    elif claim.status in (ClaimStatus.NOT_MET, ClaimStatus.PARTLY_MET):
        status = Status.NOT_MET
        reasons = [
            f"claimed {claim.status.replace('_', ' ')} by {claim.assessed_by} ({claim.method.replace('_', ' ')}, {claim.date})"
        ]
        reasons += [f"{r.ref}: {r.detail}" for r in unmet]
        fix = _first_fix(claim, unmet) or "Close the gap the assessment found and re-assess the outcome."
    elif any(r.status == Verdict.ERROR for r in results):
        status, reasons, fix = (
            Status.ERROR,
            [f"{r.ref}: {r.detail}" for r in results if r.status == Verdict.ERROR],
            None,
        )
    elif any(r.status == Verdict.FAILED for r in results):
        status, reasons, fix = Status.NOT_MET, [f"{r.ref}: {r.detail}" for r in unmet], _first_fix(claim, unmet)
    elif any(r.status == Verdict.MISSING for r in results):
        status, reasons, fix = Status.UNEVIDENCED, [f"{r.ref}: {r.detail}" for r in unmet], _first_fix(claim, unmet)
    elif unmet:
        status, reasons, fix = Status.STALE, [f"{r.ref}: {r.detail}" for r in unmet], _first_fix(claim, unmet)
    elif claim.self_assessed and policy.needs_independence(outcome):
        status = Status.NOT_MET
        which = "a critical outcome" if outcome.critical else "every outcome, under this policy,"
        reasons = [
            f"self-assessed: {why}; {which} needs an assessor independent of the alliance"
            for why in independence(ctx.pack, claim).reasons
        ]
        fix = "Have the outcome assessed by an assessor not directly involved in the alliance, as the Code advises."
    else:
        reasons = ["every requirement is satisfied"]
        judged = independence(ctx.pack, claim)
        if judged.independent:
            reasons += [f"independent assessor: {why}" for why in judged.reasons]
        else:
            reasons += [f"self-assessed: {why}" for why in judged.reasons]
        return Status.MET, reasons, None
    waiver_status, waiver_reason = _waiver(outcome, ctx, policy)
    if waiver_status:
        return Status.WAIVED, [waiver_reason, *reasons], None
    if waiver_reason:
        reasons.append(waiver_reason)
    return status, reasons, fix


def _first_fix(claim: Any, unmet: Sequence[RequirementResult]) -> str | None:
    fixes = [r.fix for r in unmet if r.fix]
    return " ".join(fixes) if fixes else None


def _waiver(outcome: Outcome, ctx: Context, policy: Policy) -> tuple[bool, str]:
    """(valid, words): the outcome's current waiver, judged as of the evaluation date ("" when none)."""
    w = current_waiver(ctx.pack.waivers, outcome.id)
    if w is None:
        return False, ""
    who = f"{w.approver_name} ({w.approver_role})"
    if outcome.critical and not policy.critical_waivable:
        return False, f"waiver by {who} not valid: the policy does not allow a critical outcome to be waived"
    if w.approver_role not in policy.waiver_roles:
        return False, f"waiver by {who} not valid: the approver's role must be one of {', '.join(policy.waiver_roles)}"
    if w.granted > ctx.as_of:
        return False, f"waiver by {who} not valid: granted {w.granted}, after {ctx.as_of}"
    problem = waiver_approval_problem(ctx.pack, w)
    if problem is not None:
        return False, f"waiver by {who} not valid: {problem}"
    if w.expires < ctx.as_of:
        return False, f"waiver by {who} expired on {w.expires}"
    return True, f"waived by {who} until {w.expires}: {w.justification}"


def waiver_approval_problem(pack: EvidencePack, w: Any) -> str | None:
    """Why the waiver's approver could not approve it (None when they could): the role must be held,
    as declared, on the day the waiver was granted, and nobody approves their own request."""
    held = roles_on(pack, w.approver, w.granted)
    if w.approver_role not in held:
        now = ", ".join(sorted(held)) or "no governance role"
        return f"{w.approver_name} did not hold the role {w.approver_role} on {w.granted} (held: {now})"
    if w.requested_by is not None and w.requested_by == w.approver:
        return f"{w.approver_name} requested the waiver and cannot approve their own request"
    return None


def _carried(pack: EvidencePack, statuses: Mapping[str, Status], as_of: dt.date) -> list[ConditionResult]:
    out = []
    for c in sorted(pack.conditions, key=lambda c: (c.due, c.outcome)):
        if c.outcome not in statuses:  # outside this gate's scope: nothing to judge it by
            continue
        status = statuses[c.outcome]
        state = (
            ConditionState.CLOSED
            if status in SETTLED
            else (ConditionState.OVERDUE if c.due < as_of else ConditionState.OPEN)
        )
        out.append(ConditionResult(outcome=c.outcome, owner=c.owner, due=c.due, state=state, note=c.note))
    return out


def _cells(
    judged: Sequence[OutcomeResult], rules: RulePack, gate: Gate
) -> tuple[list[ThemeSummary], list[ThemeSummary]]:
    cells, failures = [], []
    for code, cell in rules.cells.items():
        members = [o for o in judged if o.cell == code]
        if not members:
            continue
        counts = tuple((s, sum(1 for o in members if o.status == s)) for s in Status)
        noncritical = [o for o in members if not o.critical and o.status not in (Status.WAIVED, Status.NOT_APPLICABLE)]
        met = sum(1 for o in noncritical if o.status == Status.MET)
        floor = rules.policy.floor(cell.phase, cell.theme) if cell.phase == gate.leaves else None
        below = floor is not None and bool(noncritical) and met < floor * len(noncritical)
        summary = ThemeSummary(
            phase=cell.phase,
            theme=cell.theme,
            cell=code,
            counts=counts,
            worst=min((o.status for o in members), key=SEVERITY.index),
            critical_not_met=sum(1 for o in members if o.critical and o.status not in SETTLED),
            noncritical_met=met,
            noncritical_counted=len(noncritical),
            floor=floor,
            below_floor=below,
        )
        cells.append(summary)
        if below:
            failures.append(summary)
    return cells, failures


def _mark_blocking(outcome: OutcomeResult, blocking: set[str]) -> OutcomeResult:
    if outcome.id not in blocking:
        return outcome
    return replace(outcome, blocking=True)


def _conditions_set(
    outcomes: Sequence[OutcomeResult], pack: EvidencePack, rules: RulePack, as_of: dt.date
) -> tuple[ConditionResult, ...]:
    """A pass turns every non-critical outcome not in place into a condition with an owner and a due date."""
    out = []
    default_due = as_of + dt.timedelta(days=rules.policy.condition_due_days)
    for o in outcomes:
        if o.critical or o.status in SETTLED:
            continue
        claim = pack.claims.get(o.id)
        action = min(claim.actions, key=lambda a: a.due) if claim and claim.actions else None
        owner = action.owner if action else (pack.owner or "the alliance manager")
        due = action.due if action else default_due
        out.append(
            ConditionResult(
                outcome=o.id, owner=owner, due=due, state=ConditionState.NEW, note=action.action if action else None
            )
        )
    return tuple(out)
