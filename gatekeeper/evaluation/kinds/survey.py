"""Requirement kind `survey`: the latest survey of a name in facts.yml scores well enough, recently enough."""

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
)
from gatekeeper.evaluation.observations import SCALE, Observation
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


def observations(requirements: Sequence[Requirement], ctx: Context) -> Iterator[Observation]:
    for name in sorted({r.spec["survey"] for r in requirements}):
        found = latest(ctx.pack, name, ctx.as_of)
        if found is not None:
            yield {
                "t": "survey",
                "survey": name,
                "age": (ctx.as_of - dt.date.fromisoformat(found["date"])).days,
                "score": round(SCALE * found["score"] / found["scale"]),
                "responses": found["responses"],
            }


def compile(req: Requirement) -> dict[str, Rule]:
    spec = req.spec
    base = [{"t": "survey"}, {"survey": spec["survey"]}, {"$gte": {"score": round(spec["min_score"] * SCALE)}}]
    if "min_responses" in spec:
        base.append({"$gte": {"responses": spec["min_responses"]}})
    return fresh_or_stale(req, base)


def describe(spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> str:
    words = (
        f"a {spec['survey'].replace('_', ' ')} survey scoring at least {round(spec['min_score'] * 100)}% of its scale"
    )
    if "min_responses" in spec:
        words += f" from at least {spec['min_responses']} responses"
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
    numbers = (
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
    return RequirementResult(
        req.ref,
        ID,
        needs,
        Verdict.FAILED,
        words,
        f"Raise the {spec['survey'].replace('_', ' ')} survey result to at least {round(spec['min_score'] * 100)}%"
        + (f" with at least {spec['min_responses']} responses" if "min_responses" in spec else "")
        + ".",
        numbers=numbers,
    )
