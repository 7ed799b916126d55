"""Turn a validated evidence pack into the flat, typed facts the rules engine matches, as of one date.

Every value the engine compares is typed here, before it reaches the engine: integers for ages,
dates (day ordinals) and scaled numbers, booleans for flags, short strings for ids and kinds. The
engine coerces "5" to 5 and cannot parse floats printed with an exponent, so no float and no
free text ever reaches it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gatekeeper.model import EvidencePack, Outcome

# Scaled integers stand in for fractional numbers: 7.5 years is 7500.
SCALE = 1000


@dataclass(frozen=True)
class FactKeys:
    """What a set of requirements looks at, so each ruleset is given only the facts it can match."""

    outcomes: frozenset[str]
    fact_paths: frozenset[str]
    surveys: frozenset[str]
    checklists: frozenset[str]
    commercial_checks: frozenset[str]


def keys_for(outcomes: Iterable[Outcome]) -> FactKeys:
    ids, paths, surveys, checklists, checks = set(), set(), set(), set(), set()
    for outcome in outcomes:
        ids.add(outcome.id)
        for req in outcome.requirements:
            spec = req.spec
            if req.kind == "fact":
                paths.add(spec["path"])
            elif req.kind == "evidence" and "before" in spec:
                paths.add(spec["before"])
            elif req.kind == "survey":
                surveys.add(spec["survey"])
            elif req.kind == "checklist":
                checklists.add(spec["checklist"])
            elif req.kind == "commercial":
                checks.add(spec["check"])
    return FactKeys(frozenset(ids), frozenset(paths), frozenset(surveys), frozenset(checklists), frozenset(checks))


def lookup(facts: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of facts.yml, or None."""
    node: Any = facts
    for segment in path.split("."):
        if not isinstance(node, Mapping) or segment not in node:
            return None
        node = node[segment]
    return node


def measure_fact(value: Any, *, as_of: dt.date, distinct_fields: Iterable[str] = ()) -> dict[str, Any]:
    """The typed measurements of one fact value that requirements of kind `fact` compare."""
    measured: dict[str, Any] = {"present": value not in (None, "", [], {})}
    if isinstance(value, bool):
        measured["truth"] = "true" if value else "false"
    elif isinstance(value, (int, float)):
        measured["number"] = round(value * SCALE)
    elif isinstance(value, list):
        measured["count"] = len(value)
        for field in distinct_fields:
            seen = {item.get(field) for item in value if isinstance(item, Mapping) and item.get(field)}
            measured[f"distinct_{field}"] = len(seen)
    elif isinstance(value, str) and _is_date(value):
        measured["date_ord"] = dt.date.fromisoformat(value).toordinal()
    if isinstance(value, Mapping) and isinstance(value.get("date"), str) and _is_date(value["date"]):
        measured["age"] = (as_of - dt.date.fromisoformat(value["date"])).days
    return measured


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def build_facts(
    pack: EvidencePack, outcomes: Iterable[Outcome], *, as_of: dt.date, commercial_results: Mapping[str, bool]
) -> list[dict[str, Any]]:
    """All facts for the given outcomes, without ids (the engine assigns them), in canonical order."""
    outcomes = list(outcomes)
    keys = keys_for(outcomes)
    facts: list[dict[str, Any]] = []
    cited: set[str] = set()
    for outcome in outcomes:
        claim = pack.claims.get(outcome.id)
        if claim is None:
            continue
        for ref in claim.evidence:
            item = pack.register[ref]
            cited.add(ref)
            facts.append({
                "t": "item", "outcome": outcome.id, "item": item.id, "kind": item.kind,
                "intact": item.document_problem is None,
                "age": (as_of - item.date).days, "date_ord": item.date.toordinal(),
            })
    for ref in sorted(cited):
        for approval in pack.register[ref].approvals:
            if approval.date <= as_of:  # an approval given after the as-of date did not exist then
                facts.append({"t": "approval", "item": ref, "role": approval.role})
    distinct = _distinct_fields(outcomes)
    for path in sorted(keys.fact_paths):
        measured = measure_fact(lookup(pack.facts, path), as_of=as_of, distinct_fields=distinct.get(path, ()))
        facts.append({"t": "fact", "path": path, **measured})
    surveys = pack.facts.get("surveys", [])
    for name in sorted(keys.surveys):
        latest = _latest_survey(surveys, name, as_of)
        if latest is not None:
            facts.append({
                "t": "survey", "survey": name, "age": (as_of - dt.date.fromisoformat(latest["date"])).days,
                "score": round(SCALE * latest["score"] / latest["scale"]), "responses": latest["responses"],
            })
    for name in sorted(keys.checklists):
        for item_id, entry in sorted(pack.facts.get("checklists", {}).get(name, {}).items()):
            intact = _evidence_intact(pack, entry.get("evidence"), as_of)
            facts.append({"t": "check", "checklist": name, "entry": item_id, "covered": intact})
    for check in sorted(keys.commercial_checks):
        if check in commercial_results:
            facts.append({"t": "commercial", "check": check, "passed": commercial_results[check]})
    return facts


def _distinct_fields(outcomes: Iterable[Outcome]) -> dict[str, tuple[str, ...]]:
    fields: dict[str, set[str]] = {}
    for outcome in outcomes:
        for req in outcome.requirements:
            expect = req.spec.get("expect")
            if req.kind == "fact" and isinstance(expect, Mapping) and "min_distinct" in expect:
                fields.setdefault(req.spec["path"], set()).add(expect["min_distinct"]["field"])
    return {path: tuple(sorted(f)) for path, f in fields.items()}


def latest_survey(pack: EvidencePack, name: str, as_of: dt.date) -> Mapping[str, Any] | None:
    return _latest_survey(pack.facts.get("surveys", []), name, as_of)


def _latest_survey(surveys: list[Mapping[str, Any]], name: str, as_of: dt.date) -> Mapping[str, Any] | None:
    taken = [s for s in surveys if s["survey"] == name and dt.date.fromisoformat(s["date"]) <= as_of]
    return max(taken, key=lambda s: (s["date"], s["evidence"]), default=None)


def _evidence_intact(pack: EvidencePack, ref: str | None, as_of: dt.date) -> bool:
    """A checklist entry counts when the evidence it cites exists, is unchanged and predates as-of."""
    item = pack.register.get(ref) if ref else None
    return item is not None and item.document_problem is None and item.date <= as_of

