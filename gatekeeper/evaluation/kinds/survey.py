"""Requirement kind `survey`: the latest survey of a name in facts.yml scores well enough, recently enough.

Where the Code says "all parties", the latest survey must also have enough responses from each party
(`min_each_party`, from the survey's `by_party`); where it asks only that surveys are "in place",
`recurring` asks for surveys taken again and again, with no score (a low score belongs to the
outcomes about the climate itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gatekeeper.evaluation.kinds.base import (
    Context,
    Firing,
    Rule,
    fresh_or_stale,
    no_exhibits,
    no_item_findings,
    no_items,
    nothing_to_check,
    nothing_to_prepare,
    plural,
)
from gatekeeper.evaluation.observations import SCALE, Observation
from gatekeeper.evaluation.parties import name as party_name
from gatekeeper.evaluation.parties import parties, party_of
from gatekeeper.model import Checklist, EvidencePack, Requirement
from gatekeeper.result import RequirementResult, Verdict

ID = "survey"

check = nothing_to_check  # the schema names every survey there is
prepare = nothing_to_prepare
describe_items = no_items
audit_item = no_item_findings
exhibits = no_exhibits


def latest(pack: EvidencePack, name: str, as_of: dt.date) -> Mapping[str, Any] | None:
    """The latest survey of that name taken on or before the date (ties broken by its evidence id)."""
    taken = [
        s for s in pack.facts.get("surveys", []) if s["survey"] == name and dt.date.fromisoformat(s["date"]) <= as_of
    ]
    return max(taken, key=lambda s: (s["date"], s["evidence"]), default=None)


def each_party(pack: EvidencePack, survey: Mapping[str, Any]) -> dict[str, int]:
    """Responses per party (id) the survey records, every party present (0 where none are recorded)."""
    counts = dict.fromkeys(parties(pack, "all"), 0)
    for row in survey.get("by_party", ()):
        party = party_of(pack, row["party"])
        if party is not None:
            counts[party] += row["responses"]
    return counts


def taken_within(pack: EvidencePack, name: str, as_of: dt.date, days: int) -> int:
    """How many surveys of that name were taken in the `days` up to the date."""
    return sum(
        1
        for s in pack.facts.get("surveys", [])
        if s["survey"] == name and 0 <= (as_of - dt.date.fromisoformat(s["date"])).days <= days
    )


def observations(requirements: Sequence[Requirement], ctx: Context) -> Iterator[Observation]:
    for name in sorted({r.spec["survey"] for r in requirements}):
        found = latest(ctx.pack, name, ctx.as_of)
        if found is not None:
            mine = [r for r in requirements if r.spec["survey"] == name]
            windows = sorted({r.spec["recurring"]["within_days"] for r in mine if "recurring" in r.spec})
            per_party = each_party(ctx.pack, found) if any("min_each_party" in r.spec for r in mine) else None
            yield {
                "t": "survey",
                "survey": name,
                "age": (ctx.as_of - dt.date.fromisoformat(found["date"])).days,
                "score": round(SCALE * found["score"] / found["scale"]),
                "responses": found["responses"],
                **({"each_party": min(per_party.values(), default=0)} if per_party is not None else {}),
                **{f"taken_{days}": taken_within(ctx.pack, name, ctx.as_of, days) for days in windows},
            }


def compile(req: Requirement) -> dict[str, Rule]:
    spec = req.spec
    base: list[dict[str, Any]] = [{"t": "survey"}, {"survey": spec["survey"]}]
    if "min_score" in spec:
        base.append({"$gte": {"score": round(spec["min_score"] * SCALE)}})
    if "min_responses" in spec:
        base.append({"$gte": {"responses": spec["min_responses"]}})
    if "min_each_party" in spec:
        base.append({"$gte": {"each_party": spec["min_each_party"]}})
    if "recurring" in spec:
        base.append({"$gte": {f"taken_{spec['recurring']['within_days']}": spec["recurring"]["count"]}})
    return fresh_or_stale(req, base)


def describe(spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> str:
    words = f"a {spec['survey'].replace('_', ' ')} survey"
    if "min_score" in spec:
        words += f" scoring at least {round(spec['min_score'] * 100)}% of its scale"
    if "min_responses" in spec:
        words += f" from at least {spec['min_responses']} responses"
    if "min_each_party" in spec:
        words += f", at least {spec['min_each_party']} from each party"
    if "recurring" in spec:
        r = spec["recurring"]
        words += f", taken at least {r['count']} times in {r['within_days']} days"
    if "max_age_days" in spec:
        words += f", taken within {spec['max_age_days']} days"
    return words


def judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    spec = req.spec
    needs = describe(spec, ctx.checklists)
    found = latest(ctx.pack, spec["survey"], ctx.as_of)
    if found is None:
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.MISSING,
            f"no {spec['survey']} survey on or before {ctx.as_of}",
            f"Run a {spec['survey'].replace('_', ' ')} survey and record it in facts.yml `surveys`.",
        )
    ratio = found["score"] / found["scale"]
    numbers: tuple[tuple[str, str], ...] = (
        ("survey", f"{found['survey']} {found['date']}"),
        ("score", f"{found['score']} of {found['scale']} ({ratio:.0%})"),
        ("responses", str(found["responses"])),
        ("evidence", found["evidence"]),
    )
    words = f"latest {spec['survey']} survey {found['date']}: {found['score']} of {found['scale']} ({ratio:.0%}), {found['responses']} responses"
    variants = {f.variant for f in firings}
    if "ok" in variants:
        return RequirementResult(req.ref, ID, needs, Verdict.SATISFIED, words, None, numbers=numbers)
    if "stale" in variants:
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.STALE,
            words + f", older than {spec['max_age_days']} days",
            f"Run the {spec['survey'].replace('_', ' ')} survey again.",
            numbers=numbers,
        )
    short: list[str] = []
    if "min_score" in spec and ratio < spec["min_score"] - 1e-9:
        short.append(f"Raise the result to at least {round(spec['min_score'] * 100)}%.")
    if found["responses"] < spec.get("min_responses", 0):
        short.append(f"Collect at least {spec['min_responses']} responses.")
    if "min_each_party" in spec:
        counts = each_party(ctx.pack, found)
        few = [party_name(ctx.pack, p) for p, n in counts.items() if n < spec["min_each_party"]]
        numbers += (("by party", ", ".join(f"{party_name(ctx.pack, p)} {n}" for p, n in counts.items())),)
        if few:
            words += f"; fewer than {spec['min_each_party']} responses from {', '.join(few)}"
            short.append(
                f"Collect at least {spec['min_each_party']} responses from {', '.join(few)} (record `by_party`)."
            )
    if "recurring" in spec:
        r = spec["recurring"]
        n = taken_within(ctx.pack, spec["survey"], ctx.as_of, r["within_days"])
        if n < r["count"]:
            words += f"; {plural(n, 'survey')} in the last {r['within_days']} days"
            short.append(f"Run the survey at least {r['count']} times in {r['within_days']} days.")
    return RequirementResult(
        req.ref,
        ID,
        needs,
        Verdict.FAILED,
        words,
        f"{spec['survey'].replace('_', ' ').capitalize()} survey: " + " ".join(short or ["Run it again."]),
        numbers=numbers,
    )
