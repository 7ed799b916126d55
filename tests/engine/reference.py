"""An independent, plain-Python evaluation of the rule pack: the oracle the engine is compared against.

It reads the same validated model and the same rule specs, but shares no code with
gatekeeper.evaluation: each requirement kind and the status and decision rules are written again
here, straight from rules/README.md and PRODUCT.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gatekeeper.model import EvidencePack, Outcome, RulePack

SETTLED = {"met", "waived", "not_applicable"}


def _holds(pack: EvidencePack, who: str, role: str, day: dt.date) -> bool:
    """Did person or body `who` hold `role` on `day`, as declared (a body's members do not hold its role)?"""
    if who in pack.people:
        return any(
            r.role == role and r.start <= day and (r.until is None or day <= r.until) for r in pack.people[who].roles
        )
    body = pack.bodies.get(who)
    return body is not None and body.role == role and body.start <= day and (body.until is None or day <= body.until)


def _is_or_sits_on(pack: EvidencePack, person: str, who: str | None) -> bool:
    body = pack.bodies.get(who or "")
    return who == person or (body is not None and person in body.members)


def _independent(pack: EvidencePack, claim: Any) -> bool:
    """PRODUCT.md: not on the roster, not employed by a party, not author or approver of the cited evidence."""
    person = pack.people[claim.assessor]
    if person.id in pack.roster_ids or pack.organisations[person.organisation].role in ("client", "partner"):
        return False
    for ref in claim.evidence:
        item = pack.register[ref]
        if _is_or_sits_on(pack, person.id, item.owner_id):
            return False
        if any(_is_or_sits_on(pack, person.id, a.by) for a in item.approvals):
            return False
    return True


def _get(facts: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(facts, dict) or part not in facts:
            return None
        facts = facts[part]
    return facts


def _wanted_parties(pack: EvidencePack, which: str) -> set[str]:
    """rules/README.md: every party is the client and each partner declared in the manifest (or each partner)."""
    wanted = {"all": {"client", "partner"}, "partners": {"partner"}, "client": {"client"}}[which]
    return {o.id for o in pack.organisations.values() if o.role in wanted}


def _party_named(pack: EvidencePack, text: Any) -> str | None:
    """The party a name or id in facts.yml stands for: an organisation by id or name, or a person's employer."""
    from gatekeeper.people import normalise

    if not isinstance(text, str):
        return None
    folded = normalise(text)
    for org in pack.organisations.values():
        if folded in (normalise(org.id), normalise(org.name)):
            return org.id if org.role else None
    for person in pack.people.values():
        if folded in (normalise(person.id), normalise(person.name)):
            org = pack.organisations.get(person.organisation)
            return org.id if org is not None and org.role else None
    return None


def _speaks_for(pack: EvidencePack, who: str) -> set[str]:
    if who in pack.people:
        return {pack.people[who].organisation}
    body = pack.bodies.get(who)
    if body is None:
        return set()
    if body.organisation:
        return {body.organisation}
    return {pack.people[m].organisation for m in body.members}


def _interviewer_independent(pack: EvidencePack, item: Any, assessor: str) -> bool:
    """Written by a declared person off the roster, employed by no party, and not of the assessor's firm."""
    author = pack.people.get(item.owner_id or "")
    if author is None or author.id in pack.roster_ids:
        return False
    if pack.organisations[author.organisation].role in ("client", "partner"):
        return False
    return assessor not in pack.people or pack.people[assessor].organisation != author.organisation


def _evidence(spec: dict, outcome: Outcome, pack: EvidencePack, as_of: dt.date) -> str:
    claim = pack.claims.get(outcome.id)
    fresh_docs: set[str] = set()
    old_docs: set[str] = set()
    fresh_cover: set[str] = set()  # the parties the counted items cover (register `parties`)
    old_cover: set[str] = set()
    limit = _get(pack.facts, spec["before"]) if "before" in spec else None
    start = _get(pack.facts, spec["after"]) if "after" in spec else None
    for ref in claim.evidence if claim else ():
        item = pack.register[ref]
        if item.kind not in spec["of"] or item.document_problem or item.date > as_of:
            continue
        if "before" in spec and not (limit and item.date < dt.date.fromisoformat(limit)):
            continue
        if "after" in spec:
            if not start or item.date < dt.date.fromisoformat(start):
                continue
            if "within_days" in spec and (item.date - dt.date.fromisoformat(start)).days > spec["within_days"]:
                continue
        if spec.get("independent_author") and not _interviewer_independent(pack, item, claim.assessor):
            continue
        if "every_party" in spec:
            approving: set[str] = set()
            for a in item.approvals:
                if a.date > as_of or not _holds(pack, a.by, a.role, a.date):
                    continue
                if "approved_by" in spec and a.role not in spec["approved_by"]:
                    continue
                if _is_or_sits_on(pack, claim.assessor, a.by):
                    continue
                approving |= _speaks_for(pack, a.by)
            if not _wanted_parties(pack, spec["every_party"]) <= approving:
                continue
        if "approved_by" in spec and not any(
            a.role in spec["approved_by"]
            and a.date <= as_of
            and _holds(pack, a.by, a.role, a.date)
            and not _is_or_sits_on(pack, claim.assessor, a.by)
            for a in item.approvals
        ):
            continue
        # N items need N distinct documents: count contents, not register entries.
        if "max_age_days" in spec and (as_of - item.date).days > spec["max_age_days"]:
            old_docs.add(item.actual_sha256 or ref)
            old_cover |= set(item.parties)
        else:
            fresh_docs.add(item.actual_sha256 or ref)
            fresh_cover |= set(item.parties)
    fresh, old = len(fresh_docs), len(old_docs - fresh_docs)
    need = spec.get("min", 1)
    if "per_party" in spec:
        # For each party asked for, one counted item covering it (rules/README.md, `per_party`).
        wanted = _wanted_parties(pack, spec["per_party"])
        if not wanted:
            return "missing"
        if fresh >= need and wanted <= fresh_cover:
            return "satisfied"
        return "stale" if fresh + old >= need and wanted <= fresh_cover | old_cover else "missing"
    return "satisfied" if fresh >= need else "stale" if fresh + old >= need else "missing"


def _fact(spec: dict, pack: EvidencePack, as_of: dt.date) -> str:
    value = _get(pack.facts, spec["path"])
    if value in (None, "", [], {}):
        return "missing"
    expect = spec["expect"]
    if expect == "present":
        ok = True
    elif isinstance(expect, bool):
        ok = value is expect
    elif "at_least" in expect:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= expect["at_least"]
    elif "more_than" in expect:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > expect["more_than"]
    elif "min_items" in expect:
        ok = isinstance(value, list) and len(value) >= expect["min_items"]
    else:
        field, count = expect["min_distinct"]["field"], expect["min_distinct"]["count"]
        ok = (
            isinstance(value, list)
            and len({v.get(field) for v in value if isinstance(v, dict) and v.get(field)}) >= count
        )
    if not ok:
        return "failed"
    if "max_age_days" in spec and isinstance(value, dict) and "date" in value:
        if (as_of - dt.date.fromisoformat(value["date"])).days > spec["max_age_days"]:
            return "stale"
    return "satisfied"


def _checklist(spec: dict, rules: RulePack, pack: EvidencePack, as_of: dt.date) -> str:
    entries = _get(pack.facts, f"checklists.{spec['checklist']}") or {}
    covered = 0
    for entry in entries.values():
        item = pack.register.get(entry.get("evidence") or "")
        if item and not item.document_problem and item.date <= as_of:
            covered += 1
    total = len(rules.checklists[spec["checklist"]].items)
    return "satisfied" if covered == total else "missing" if covered == 0 else "failed"


def _parties(spec: dict, pack: EvidencePack) -> str:
    members = _get(pack.facts, spec["path"])
    if not members:
        return "missing"
    wanted = _wanted_parties(pack, spec.get("of", "all"))
    have = {_party_named(pack, m.get("organisation")) for m in members}
    return "satisfied" if wanted and wanted <= have else "failed"


def _survey(spec: dict, pack: EvidencePack, as_of: dt.date) -> str:
    taken = [
        s
        for s in pack.facts.get("surveys", [])
        if s["survey"] == spec["survey"] and dt.date.fromisoformat(s["date"]) <= as_of
    ]
    if not taken:
        return "missing"
    latest = max(taken, key=lambda s: (s["date"], s["evidence"]))
    if "min_score" in spec and latest["score"] / latest["scale"] < spec["min_score"] - 1e-9:
        return "failed"
    if latest["responses"] < spec.get("min_responses", 0):
        return "failed"
    if "min_each_party" in spec:
        per: dict[str, int] = {}
        for row in latest.get("by_party", []):
            party = _party_named(pack, row["party"])
            if party:
                per[party] = per.get(party, 0) + row["responses"]
        if any(per.get(p, 0) < spec["min_each_party"] for p in _wanted_parties(pack, "all")):
            return "failed"
    if "recurring" in spec:
        days = spec["recurring"]["within_days"]
        recent = [s for s in taken if (as_of - dt.date.fromisoformat(s["date"])).days <= days]
        if len(recent) < spec["recurring"]["count"]:
            return "failed"
    if "max_age_days" in spec and (as_of - dt.date.fromisoformat(latest["date"])).days > spec["max_age_days"]:
        return "stale"
    return "satisfied"


def _commercial(spec: dict, pack: EvidencePack) -> str:
    if pack.commercial is None:
        return "missing"
    from gatekeeper.commercial.checks import CHECKS

    return "satisfied" if CHECKS[spec["check"]].run(pack.commercial).passed else "failed"


def requirement_status(req_spec: dict, outcome: Outcome, rules: RulePack, pack: EvidencePack, as_of: dt.date) -> str:
    kind = req_spec["kind"]
    if kind == "evidence":
        return _evidence(req_spec, outcome, pack, as_of)
    if kind == "fact":
        return _fact(req_spec, pack, as_of)
    if kind == "checklist":
        return _checklist(req_spec, rules, pack, as_of)
    if kind == "survey":
        return _survey(req_spec, pack, as_of)
    if kind == "parties":
        return _parties(req_spec, pack)
    return _commercial(req_spec, pack)


def outcome_status(outcome: Outcome, rules: RulePack, pack: EvidencePack, as_of: dt.date) -> str:
    policy = rules.policy
    claim = pack.claims.get(outcome.id)
    results = [requirement_status(dict(r.spec), outcome, rules, pack, as_of) for r in outcome.requirements]
    if claim is None or claim.date > as_of:  # a claim made after the date did not exist then
        status = "unevidenced"
    elif claim.status == "not_applicable":
        if outcome.allow_not_applicable:
            return "not_applicable"
        status = "not_met"
    elif claim.status != "met":
        status = "not_met"
    elif "failed" in results:
        status = "not_met"
    elif "missing" in results:
        status = "unevidenced"
    elif "stale" in results:
        status = "stale"
    elif (
        (outcome.critical or policy.independence == "all")
        and not policy.self_assessment_meets_critical
        and not _independent(pack, claim)
    ):
        status = "not_met"
    else:
        return "met"
    waivers = sorted((w for w in pack.waivers if w.outcome == outcome.id), key=lambda w: (w.granted, w.expires))
    if waivers:
        w = waivers[-1]
        if (
            (not outcome.critical or policy.critical_waivable)
            and w.approver_role in policy.waiver_roles
            and _holds(pack, w.approver, w.approver_role, w.granted)
            and w.requested_by != w.approver
            and w.granted <= as_of <= w.expires
        ):
            return "waived"
    return status


def decide(rules: RulePack, pack: EvidencePack, gate: str, as_of: dt.date) -> tuple[str, dict[str, str]]:
    """(decision, statuses) for the gate, from first principles."""
    spec = rules.policy.gates[gate]
    statuses = {
        o.id: outcome_status(o, rules, pack, as_of) for o in rules.outcomes.values() if o.phase in spec.evaluates
    }
    fail = any(rules.outcomes[i].critical and s not in SETTLED for i, s in statuses.items())
    for cell in rules.cells.values():
        if cell.phase != spec.leaves:
            continue
        counted = [
            i
            for i in cell.outcome_ids
            if i in statuses and not rules.outcomes[i].critical and statuses[i] not in ("waived", "not_applicable")
        ]
        met = sum(1 for i in counted if statuses[i] == "met")
        if counted and met < rules.policy.floor(cell.phase, cell.theme) * len(counted):
            fail = True
    for c in pack.conditions:
        if (
            c.outcome in statuses
            and statuses[c.outcome] not in SETTLED
            and c.due < as_of
            and rules.policy.overdue_conditions == "fail"
        ):
            fail = True
    if decided_late(rules, pack, gate, as_of) and spec.late_decision == "fail":
        fail = True
    return ("fail" if fail else "pass"), statuses


def decided_late(rules: RulePack, pack: EvidencePack, gate: str, as_of: dt.date) -> bool:
    """README, Gate semantics: a gate with `decide_before` evaluated on or after that recorded date is late."""
    spec = rules.policy.gates[gate]
    day = _get(pack.facts, spec.decide_before) if spec.decide_before else None
    return isinstance(day, str) and as_of >= dt.date.fromisoformat(day)
