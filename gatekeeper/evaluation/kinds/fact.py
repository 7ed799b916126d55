"""Requirement kind `fact`: a value at a dotted path of facts.yml is present, true, large or varied enough."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gatekeeper.evaluation.kinds.base import (
    Context,
    Firing,
    References,
    Rule,
    fresh_or_stale,
    no_exhibits,
    no_item_findings,
    no_items,
    nothing_to_prepare,
)
from gatekeeper.evaluation.observations import SCALE, Observation, fact_observation, lookup, measure
from gatekeeper.model import Checklist, Requirement
from gatekeeper.result import RequirementResult, Verdict

ID = "fact"

prepare = nothing_to_prepare
describe_items = no_items
audit_item = no_item_findings
exhibits = no_exhibits


def schema_node(path: str, facts_schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The facts-schema node a dotted fact path names, or None when the facts format has no such path."""
    node: Mapping[str, Any] = facts_schema
    for segment in path.split("."):
        properties = node.get("properties", {})
        if segment in properties:
            node = properties[segment]
            continue
        for pattern, child in node.get("patternProperties", {}).items():
            if re.search(pattern, segment):
                node = child
                break
        else:
            return None
    return node


def check(spec: Mapping[str, Any], refs: References) -> Iterator[tuple[str, str]]:
    if schema_node(spec["path"], refs.facts_schema) is None:
        yield "path", f"unknown fact path {spec['path']!r} (see evidence_schema/facts.schema.json)"


def observations(requirements: Sequence[Requirement], ctx: Context) -> Iterator[Observation]:
    """One observation per path, measuring every distinct-count its requirements ask for."""
    distinct: dict[str, set[str]] = {}
    for req in requirements:
        fields = distinct.setdefault(req.spec["path"], set())
        expect = req.spec["expect"]
        if isinstance(expect, Mapping) and "min_distinct" in expect:
            fields.add(expect["min_distinct"]["field"])
    for path in sorted(distinct):
        yield fact_observation(ctx.pack, path, as_of=ctx.as_of, distinct_fields=sorted(distinct[path]))


def _test(expect: Any) -> dict[str, Any]:
    if expect == "present":
        return {"present": True}
    if expect is True:
        return {"truth": "true"}
    if expect is False:
        return {"truth": "false"}
    if "at_least" in expect:
        return {"$gte": {"number": expect["at_least"] * SCALE}}
    if "more_than" in expect:
        return {"$gt": {"number": round(expect["more_than"] * SCALE)}}
    if "min_items" in expect:
        return {"$gte": {"count": expect["min_items"]}}
    distinct = expect["min_distinct"]
    return {"$gte": {f"distinct_{distinct['field']}": distinct["count"]}}


def compile(req: Requirement) -> dict[str, Rule]:
    return fresh_or_stale(req, [{"t": "fact"}, {"path": req.spec["path"]}, _test(req.spec["expect"])])


def _expect_words(expect: Any) -> str:
    if expect == "present":
        return "is recorded"
    if isinstance(expect, bool):
        return f"is {str(expect).lower()}"
    if "at_least" in expect:
        return f"is at least {expect['at_least']}"
    if "more_than" in expect:
        return f"is more than {expect['more_than']}"
    if "min_items" in expect:
        return f"lists at least {expect['min_items']}"
    d = expect["min_distinct"]
    return f"lists entries from at least {d['count']} different {d['field']}s"


def describe(spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> str:
    words = f"facts.yml `{spec['path']}` {_expect_words(spec['expect'])}"
    return words + (f", dated within {spec['max_age_days']} days" if "max_age_days" in spec else "")


def judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    spec = req.spec
    needs = describe(spec, ctx.checklists)
    value = lookup(ctx.pack.facts, spec["path"])
    shown = _show(value)
    numbers = (("value", shown),)
    variants = {f.variant for f in firings}
    if "ok" in variants:
        return RequirementResult(
            req.ref, ID, needs, Verdict.SATISFIED, f"`{spec['path']}` is {shown}", None, numbers=numbers
        )
    if "stale" in variants:
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.STALE,
            f"`{spec['path']}` is older than {spec['max_age_days']} days",
            f"Bring `{spec['path']}` up to date.",
            numbers=numbers,
        )
    if not measure(value, as_of=ctx.as_of)["present"]:
        so = "" if spec["expect"] == "present" else f" so that it {_expect_words(spec['expect'])}"
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.MISSING,
            f"facts.yml has no `{spec['path']}`",
            f"Record `{spec['path']}` in facts.yml{so}.",
        )
    return RequirementResult(
        req.ref,
        ID,
        needs,
        Verdict.FAILED,
        f"`{spec['path']}` is {shown}",
        f"Change it so that it {_expect_words(spec['expect'])}.",
        numbers=numbers,
    )


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, Mapping):
        return "recorded" if value else "empty"
    if value is None:
        return "not recorded"
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"
