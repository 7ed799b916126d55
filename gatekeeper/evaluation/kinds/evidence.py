"""Requirement kind `evidence`: documents the claim cites, of accepted kinds, intact, fresh, approved, on time.

Freshness and approval are judged here once: the gate counts items by them, and the audit and the
portfolio ask the same functions when they report stale, expiring or wrongly approved evidence.

Beyond kind, age and approval, the Code's words ask three more things of a document, each an option:
- when: `before` / `after` a date fact (a milestone), `within_days` of the `after` date ("immediately
  after selection");
- who decides: `every_party` (the approvals of one document come from the client and every partner,
  or every partner, where the text says "all", "collectively" or "the selected partners");
- how assessed: `independent_author` (an interview record written by someone independent of the
  alliance, and not of the claim assessor's own firm: an assessor does not assess what their firm
  prepared);
- for whom: `per_party` (for each party, a counted item covering it, as the register's `parties` says:
  "an assessment record per bidding partner", "communications from the client and every partner").
  This is a property of the counted set, not of one item, so it is judged where `min` is: over the
  items the engine found counting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gatekeeper.evaluation.kinds.base import (
    Context,
    Firing,
    ItemFinding,
    References,
    Rule,
    all_of,
    any_of,
    no_exhibits,
    no_items,
    nothing_to_prepare,
    plural,
)
from gatekeeper.evaluation.observations import Observation, lookup
from gatekeeper.evaluation.parties import approving_parties, covered_by, missing, parties, who
from gatekeeper.evaluation.parties import name as party_name
from gatekeeper.model import Approval, Checklist, Claim, EvidenceItem, EvidencePack, Requirement
from gatekeeper.people import roles_on
from gatekeeper.result import EvidenceUse, RequirementResult, Verdict

ID = "evidence"

prepare = nothing_to_prepare
describe_items = no_items
exhibits = no_exhibits


# --- freshness and approval: the one judgement --------------------------------------------------


def fresh_until(spec: Mapping[str, Any], item: EvidenceItem) -> dt.date | None:
    """The last day the item counts as fresh for this requirement, or None when age does not matter."""
    if "max_age_days" not in spec:
        return None
    return item.date + dt.timedelta(days=spec["max_age_days"])


def approvals_in_force(item: EvidenceItem, as_of: dt.date) -> tuple[Approval, ...]:
    """The item's approvals given on or before the date: a later approval did not exist then."""
    return tuple(a for a in item.approvals if a.date <= as_of)


def approval_problem(pack: EvidencePack, approval: Approval, assessor: str | None) -> str | None:
    """Why an approval does not count (None when it does): its approver must hold the role, as declared,
    on the approval's date, and must not be the claim's assessor (nor a body the assessor sits on)."""
    if approval.role not in roles_on(pack, approval.by, approval.date):
        return f"{approval.name} did not hold the role {approval.role} on {approval.date}"
    if assessor:
        body = pack.bodies.get(approval.by)
        if approval.by == assessor or (body is not None and assessor in body.members):
            return f"{approval.name} also assessed the claim: nobody approves the evidence of their own claim"
    return None


def counting_approvals(
    pack: EvidencePack, item: EvidenceItem, as_of: dt.date, assessor: str | None
) -> tuple[Approval, ...]:
    """The approvals of an item that count for a claim by `assessor`, as of the date."""
    return tuple(a for a in approvals_in_force(item, as_of) if approval_problem(pack, a, assessor) is None)


def approved(
    spec: Mapping[str, Any], item: EvidenceItem, as_of: dt.date, pack: EvidencePack, assessor: str | None
) -> bool:
    """True when the requirement asks for no approval, or one of its roles approved the item by the date,
    held by the approver then, and the approver is not the claim's assessor."""
    if "approved_by" not in spec:
        return True
    return any(a.role in spec["approved_by"] for a in counting_approvals(pack, item, as_of, assessor))


def author_problem(pack: EvidencePack, item: EvidenceItem, assessor: str | None) -> str | None:
    """Why the item's author is not independent for a claim by `assessor` (None when they are): the Code
    asks for assessment "by facilitators or assessors who are not directly involved in the Alliance", and
    an assessor does not assess what their own firm prepared."""
    person = pack.people.get(item.owner_id or "")
    if person is None:
        return f"written by {item.owner}, not a declared person who could interview independently"
    if person.id in pack.roster_ids:
        return f"written by {person.name}, who is on the alliance roster"
    org = pack.organisations.get(person.organisation)
    if org is not None and org.role is not None:
        return f"written by {person.name} of {org.name}, the alliance's {org.role}"
    judge = pack.people.get(assessor or "")
    if judge is not None and judge.organisation == person.organisation:
        firm = org.name if org is not None else person.organisation
        return f"written by {person.name} of {firm}, the claim assessor's own firm"
    return None


def parties_missing(
    spec: Mapping[str, Any], pack: EvidencePack, item: EvidenceItem, as_of: dt.date, assessor: str | None
) -> tuple[str, ...]:
    """The parties (ids) whose approval of the item an `every_party` requirement still lacks."""
    roles = spec.get("approved_by")
    return missing(pack, approving_parties(pack, item, as_of, roles, assessor), spec["every_party"])


# --- load time ----------------------------------------------------------------------------------


def check(spec: Mapping[str, Any], refs: References) -> Iterator[tuple[str, str]]:
    from gatekeeper.evaluation.kinds.fact import schema_node

    for key in ("before", "after"):
        if key in spec:
            node = schema_node(spec[key], refs.facts_schema)
            if node is None or node.get("format") != "date":
                yield key, f"{key!r} must name a date fact, not {spec[key]!r}"
    if "within_days" in spec and "after" not in spec:
        yield "within_days", "'within_days' counts days after the 'after' date: name one"


# --- the engine ---------------------------------------------------------------------------------


def observations(requirements: Sequence[Requirement], ctx: Context) -> Iterator[Observation]:
    """Each item the claims of these outcomes cite, the approvals of those items, the parties an
    `every_party` requirement still lacks per item, and the milestone dates."""
    pack, as_of = ctx.pack, ctx.as_of
    for outcome in dict.fromkeys(r.outcome for r in requirements):
        claim = pack.claims.get(outcome)
        if claim is None:
            continue
        own = [r for r in requirements if r.outcome == outcome]
        authors = any(r.spec.get("independent_author") for r in own)
        for ref in claim.evidence:
            item = pack.register[ref]
            for req in own:
                if "every_party" in req.spec:
                    lacking = len(parties_missing(req.spec, pack, item, as_of, claim.assessor))
                    yield {"t": "coverage", "ref": req.ref, "item": ref, "missing": lacking}
            # Approvals are per claim: the same approval counts for one assessor's claim and not for
            # a claim its approver assessed.
            for role in sorted({a.role for a in counting_approvals(pack, item, as_of, claim.assessor)}):
                yield {"t": "approval", "outcome": outcome, "item": ref, "role": role}
            yield {
                "t": "item",
                "outcome": outcome,
                "item": item.id,
                "kind": item.kind,
                "intact": item.document_problem is None,
                "age": (as_of - item.date).days,
                **({"independent": author_problem(pack, item, claim.assessor) is None} if authors else {}),
                **{f"on_time{r.index}": on_time(r.spec, item.date, pack.facts) for r in own if _timed(r.spec)},
            }


def _timed(spec: Mapping[str, Any]) -> bool:
    return "before" in spec or "after" in spec


def on_time(spec: Mapping[str, Any], date: dt.date, facts: Mapping[str, Any]) -> bool:
    """Whether an item dated `date` is inside the requirement's window: before the `before` milestone,
    on or after the `after` one (within `within_days` of it). A milestone not recorded closes the window.

    Judged here and given to the engine as a yes/no, not as a comparison between two facts: the
    engine's comparisons with another pattern's field (a join on `<`, `>=`) are where its known
    crashes live (jruizgit/rules#381: two rules whose joins on one field differ in operator).
    """
    if "before" in spec and not _dated_before(date, lookup(facts, spec["before"])):
        return False
    return "after" not in spec or _dated_after(date, lookup(facts, spec["after"]), spec.get("within_days"))


def compile(req: Requirement) -> dict[str, Rule]:
    spec = req.spec
    # The milestone window is a yes/no of the item's own (see `on_time`): no join compares two dates.
    item: list[dict[str, Any]] = [{"t": "item"}, {"outcome": req.outcome}]
    if _timed(spec):
        item.append({f"on_time{req.index}": True})
    item += [any_of("kind", spec["of"]), {"intact": True}, {"$gte": {"age": 0}}]
    if spec.get("independent_author"):
        item.append({"independent": True})
    approval = []
    if "approved_by" in spec:
        approval = [
            {
                "a": all_of(
                    {"t": "approval"},
                    {"outcome": req.outcome},
                    {"item": {"m": "item"}},
                    any_of("role", spec["approved_by"]),
                )
            }
        ]
    if "every_party" in spec:
        approval.append({"c": all_of({"t": "coverage"}, {"ref": req.ref}, {"item": {"m": "item"}}, {"missing": 0})})
    rules: dict[str, Rule] = {}
    fresh = [{"$lte": {"age": spec["max_age_days"]}}] if "max_age_days" in spec else []
    rules[f"{req.ref}:ok"] = {"all": [{"m": all_of(*item, *fresh)}, *approval]}
    if "max_age_days" in spec:
        rules[f"{req.ref}:stale"] = {"all": [{"m": all_of(*item, {"$gt": {"age": spec["max_age_days"]}})}, *approval]}
    return rules


# --- judging and words --------------------------------------------------------------------------


def _roles(spec: Mapping[str, Any]) -> str:
    return " or ".join(spec["approved_by"])


def describe(spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> str:
    n = spec.get("min", 1)
    kinds = " or ".join(k.replace("_", " ") for k in spec["of"])
    words = f"at least {n} evidence item{'s' if n > 1 else ''} of kind {kinds}"
    if "approved_by" in spec:
        words += f", approved by {_roles(spec)}"
    if "max_age_days" in spec:
        words += f", dated within {spec['max_age_days']} days"
    if "every_party" in spec:
        words += ", approved by " + (
            "the client and every partner" if spec["every_party"] == "all" else "every partner"
        )
    if spec.get("independent_author"):
        words += ", written by someone independent of the alliance and of the assessor's firm"
    if "per_party" in spec:
        words += f", together covering {who(spec['per_party'])} (the register's `parties` of each item)"
    if "before" in spec:
        words += f", dated before {spec['before']}"
    if "after" in spec:
        words += f", dated on or after {spec['after']}"
    if "within_days" in spec:
        words += f" and within {spec['within_days']} days of it"
    return words


def judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    spec = req.spec
    need = spec.get("min", 1)
    claim = ctx.pack.claims.get(req.outcome)
    cited = claim.evidence if claim else ()
    ok_items = {f.matched["m"]["item"] for f in firings if f.variant == "ok"}
    stale_items = {f.matched["m"]["item"] for f in firings if f.variant == "stale"} - ok_items
    # N items need N distinct documents: a copy (same content hash) of a document already counted adds nothing.
    ok, stale, copies = _distinct(cited, ok_items, stale_items, ctx)
    assessor = claim.assessor if claim else None
    uses = tuple(_use(ref, spec, ok, stale, ctx, copies.get(ref), assessor) for ref in cited)
    needs = describe(spec, ctx.checklists)
    if "per_party" in spec:
        return _judge_per_party(req, ok, stale, uses, ctx)
    if len(ok) >= need:
        return RequirementResult(req.ref, ID, needs, Verdict.SATISFIED, f"counted: {', '.join(ok)}", None, uses)
    if len(ok) + len(stale) >= need:
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.STALE,
            f"out of date: {', '.join(stale)} (older than {spec['max_age_days']} days at {ctx.as_of})",
            f"Refresh the evidence: cite a version dated within {spec['max_age_days']} days of {ctx.as_of}.",
            uses,
        )
    found = f"counted {len(ok)} of {need} needed" + (f" ({', '.join(ok)})" if ok else "")
    refused = [f"{use.item}: {use.reason}" for use in uses if not use.counted]
    if refused:
        found += " [" + "; ".join(refused) + "]"
    if not cited:
        found = "the claim cites no evidence"
    # A date the requirement counts from that the pack does not record: no item can be dated against it,
    # so the first thing to do is to record it.
    absent = [spec[k] for k in ("before", "after") if k in spec and lookup(ctx.pack.facts, spec[k]) is None]
    record = ""
    if absent:
        found = f"{' and '.join(absent)} not recorded in facts.yml: no item can be dated against it; {found}"
        record = f"Record {' and '.join(_milestone_words(p) for p in absent)} in facts.yml. "
    return RequirementResult(
        req.ref,
        ID,
        needs,
        Verdict.MISSING,
        found,
        record
        + f"Cite {plural(need - len(ok), 'more item')} of kind {' or '.join(spec['of'])}"
        + (f" approved by {_roles(spec)}" if "approved_by" in spec else "")
        + (f", dated within {spec['max_age_days']} days" if "max_age_days" in spec else "")
        + (
            " and by " + ("the client and every partner" if spec["every_party"] == "all" else "every partner")
            if "every_party" in spec
            else ""
        )
        + (", written by an independent interviewer" if spec.get("independent_author") else "")
        + (f", dated before {spec['before']}" if "before" in spec else "")
        + (f", dated on or after {spec['after']}" if "after" in spec else "")
        + (f" and within {spec['within_days']} days of it" if "within_days" in spec else "")
        + ", in register.yml and the claim.",
        uses,
    )


def uncovered(spec: Mapping[str, Any], pack: EvidencePack, refs: Sequence[str]) -> tuple[str, ...]:
    """The parties (ids) a `per_party` requirement asks for that none of the items `refs` covers."""
    return missing(pack, covered_by(pack, (pack.register[r] for r in refs)), spec["per_party"])


def _judge_per_party(
    req: Requirement, ok: Sequence[str], stale: Sequence[str], uses: tuple[EvidenceUse, ...], ctx: Context
) -> RequirementResult:
    """Enough counted items, and for each party asked for, one of them covering it; stale when only
    items too old would complete the set."""
    spec, pack = req.spec, ctx.pack
    need = spec.get("min", 1)
    needs = describe(spec, ctx.checklists)
    if not parties(pack, spec["per_party"]):
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.MISSING,
            f"manifest.yml declares none of {who(spec['per_party'])}",
            "Declare the parties in manifest.yml.",
            uses,
        )
    lacking = uncovered(spec, pack, ok)
    names = ", ".join(party_name(pack, p) for p in lacking)
    if len(ok) >= need and not lacking:
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.SATISFIED,
            f"counted: {', '.join(ok)}, covering {who(spec['per_party'])}",
            None,
            uses,
        )
    if len(ok) + len(stale) >= need and not uncovered(spec, pack, [*ok, *stale]):
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.STALE,
            f"out of date: {', '.join(stale)} (older than {spec['max_age_days']} days at {ctx.as_of})"
            + (f"; without them nothing covers {names}" if lacking else ""),
            f"Refresh the evidence: cite a version dated within {spec['max_age_days']} days of {ctx.as_of}.",
            uses,
        )
    found = f"counted {len(ok)} of {need} needed" + (f" ({', '.join(ok)})" if ok else "")
    if not (ctx.pack.claims.get(req.outcome) and ctx.pack.claims[req.outcome].evidence):
        found = "the claim cites no evidence"
    elif lacking:
        found = (f"counted {', '.join(ok)}; " if ok else "") + f"no counted item covers {names}"
    refused = [f"{use.item}: {use.reason}" for use in uses if not use.counted]
    if refused:
        found += " [" + "; ".join(refused) + "]"
    kinds = " or ".join(spec["of"])
    asks = []
    if need > len(ok):
        asks.append(f"{plural(need - len(ok), 'more item')} of kind {kinds}")
    if lacking:
        asks.append(f"an item of kind {kinds} covering {names} (named in the item's `parties`)")
    return RequirementResult(
        req.ref,
        ID,
        needs,
        Verdict.MISSING,
        found,
        f"Cite {' and '.join(asks)}, meeting the requirement's other conditions, in register.yml and the claim.",
        uses,
    )


def _distinct(
    cited: Sequence[str], ok_items: set[str], stale_items: set[str], ctx: Context
) -> tuple[list[str], list[str], dict[str, str]]:
    """(items counted, items counted as stale, item -> the item it copies): one item per document content."""
    seen: dict[str, str] = {}
    ok: list[str] = []
    stale: list[str] = []
    copies: dict[str, str] = {}
    # Fresh items claim their document first, then stale ones, each in the claim's order.
    for pool, into in ((ok_items, ok), (stale_items, stale)):
        for ref in cited:
            if ref not in pool:
                continue
            digest = ctx.pack.register[ref].actual_sha256 or ref
            if digest in seen:
                copies[ref] = seen[digest]
                continue
            seen[digest] = ref
            into.append(ref)
    return sorted(ok), sorted(stale), copies


def _use(
    ref: str,
    spec: Mapping[str, Any],
    ok: Sequence[str],
    stale: Sequence[str],
    ctx: Context,
    copy_of: str | None,
    assessor: str | None,
) -> EvidenceUse:
    item = ctx.pack.register[ref]
    reason = "counted"
    if ref not in ok:
        if copy_of is not None:
            reason = f"the same document as {copy_of} (identical content): counted once"
        elif item.kind not in spec["of"]:
            reason = f"kind {item.kind} does not show this (needs {' or '.join(spec['of'])})"
        elif item.document_problem is not None:
            reason = f"document {item.path}: {item.document_problem}"
        elif item.date > ctx.as_of:
            reason = f"dated {item.date}, after the as-of date {ctx.as_of}"
        elif "before" in spec and not _dated_before(item.date, lookup(ctx.pack.facts, spec["before"])):
            reason = f"dated {item.date}, not before {spec['before']} ({lookup(ctx.pack.facts, spec['before']) or 'not recorded in facts.yml'})"
        elif "after" in spec and not _dated_after(
            item.date, lookup(ctx.pack.facts, spec["after"]), spec.get("within_days")
        ):
            limit = lookup(ctx.pack.facts, spec["after"]) or "not recorded in facts.yml"
            window = f" and within {spec['within_days']} days of it" if "within_days" in spec else ""
            reason = f"dated {item.date}, not on or after {spec['after']} ({limit}){window}"
        elif spec.get("independent_author") and (why := author_problem(ctx.pack, item, assessor)) is not None:
            reason = f"not an independent record: {why}"
        elif not approved(spec, item, ctx.as_of, ctx.pack, assessor):
            given = approvals_in_force(item, ctx.as_of)
            refused = [p for a in given if (p := approval_problem(ctx.pack, a, assessor)) is not None]
            roles = ", ".join(sorted({a.role for a in given})) or "nobody"
            reason = f"not approved by {_roles(spec)} (approved by {roles})" + (
                f": {'; '.join(refused)}" if refused else ""
            )
        elif "every_party" in spec and (
            lacking := parties_missing(spec, item=item, pack=ctx.pack, as_of=ctx.as_of, assessor=assessor)
        ):
            reason = "not approved by every party: no approval from " + ", ".join(
                party_name(ctx.pack, p) for p in lacking
            )
        elif ref in stale:
            reason = f"dated {item.date}: {(ctx.as_of - item.date).days} days old, more than {spec['max_age_days']}"
        else:
            reason = "not counted"
    return EvidenceUse(item=ref, title=item.title, kind=item.kind, path=item.path, counted=ref in ok, reason=reason)


def _milestone_words(path: str) -> str:
    """What to record for a missing date fact: a milestone is a date with the register item that records it."""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "milestones" and parts[2] == "date":
        return f"the milestone {parts[1]} (milestones.{parts[1]}: its date and the evidence that records it)"
    return path


def _dated_before(date: dt.date, limit: Any) -> bool:
    return isinstance(limit, str) and date < dt.date.fromisoformat(limit)


def _dated_after(date: dt.date, limit: Any, within: int | None) -> bool:
    if not isinstance(limit, str):
        return False
    start = dt.date.fromisoformat(limit)
    return start <= date and (within is None or date <= start + dt.timedelta(days=within))


# --- the audit ----------------------------------------------------------------------------------


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def audit_item(
    req: Requirement,
    item: EvidenceItem,
    *,
    as_of: dt.date,
    horizon: dt.date,
    pack: EvidencePack | None = None,
    claim: Claim | None = None,
) -> Iterator[ItemFinding]:
    """Stale or soon stale, and approved only by roles the requirement does not accept."""
    spec = req.spec
    if item.kind not in spec["of"]:
        return
    last_fresh = fresh_until(spec, item)
    if last_fresh is not None and item.date <= as_of:
        limit = spec["max_age_days"]
        first_stale = last_fresh + dt.timedelta(days=1)
        if as_of > last_fresh:
            yield ItemFinding(
                "evidence-stale",
                f"{item.id} cited for {req.outcome} is dated {item.date}, {(as_of - item.date).days} days "
                f"old at {as_of}; {req.ref} allows {limit} days",
            )
        elif first_stale <= horizon:
            yield ItemFinding(
                "evidence-expiring",
                f"{item.id} cited for {req.outcome} is dated {item.date} and will be older than the "
                f"{limit} days {req.ref} allows from {first_stale} (in {_days((first_stale - as_of).days)})",
            )
    given = approvals_in_force(item, as_of)
    if "approved_by" not in spec or not given:  # no approval at all is a missing requirement, not this
        return
    assessor = claim.assessor if claim else None
    if pack is None:
        if not any(a.role in spec["approved_by"] for a in given):
            by = ", ".join(f"{a.name} ({a.role})" for a in given)
            yield ItemFinding(
                "wrong-approver",
                f"{item.id} cited for {req.outcome} is approved by {by}; {req.ref} accepts only {_roles(spec)}",
            )
        return
    if not approved(spec, item, as_of, pack, assessor):
        by = ", ".join(f"{a.name} ({a.role})" for a in given)
        refused = [p for a in given if a.role in spec["approved_by"] and (p := approval_problem(pack, a, assessor))]
        why = "; ".join(refused) if refused else f"{req.ref} accepts only {_roles(spec)}"
        yield ItemFinding("wrong-approver", f"{item.id} cited for {req.outcome} is approved by {by}; {why}")
