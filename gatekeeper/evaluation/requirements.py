"""The requirement kinds: each compiles to durable-rules rules and judges the firings it gets back.

A kind is defined once, here, and documented in rules/README.md. `compile` turns one requirement
into engine rules named `OUTCOME#N:variant`; `judge` turns the firings of those rules into a
RequirementResult with the evidence considered, what was found, and what would make it pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gatekeeper.evaluation.facts import SCALE, latest_survey, lookup, measure_fact
from gatekeeper.model import Checklist, EvidencePack, Requirement
from gatekeeper.result import EvidenceUse, RequirementResult

Rule = dict[str, Any]


@dataclass(frozen=True)
class Firing:
    """One rule that fired, with the facts (by alias) it matched."""

    rule: str
    facts: Mapping[str, Mapping[str, Any]]

    @property
    def variant(self) -> str:
        return self.rule.rsplit(":", 1)[1]


@dataclass(frozen=True)
class Context:
    """What judging needs besides the firings: the pack, the date, checklists, computed checks."""

    pack: EvidencePack
    as_of: dt.date
    checklists: Mapping[str, Checklist]
    commercial: Mapping[str, Any]  # check name -> gatekeeper.commercial.checks.CheckResult


def _and(*conditions: Mapping[str, Any]) -> dict[str, Any]:
    # One condition object per test: the engine silently keeps one key of a two-key object.
    return {"$and": list(conditions)}


def _or(field: str, values: Sequence[Any]) -> dict[str, Any]:
    return {"$or": [{field: value} for value in values]} if len(values) > 1 else {field: values[0]}


def _roles(spec: Mapping[str, Any]) -> str:
    return " or ".join(spec["approved_by"])


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- evidence ---------------------------------------------------------------------------------


def _evidence_compile(req: Requirement) -> dict[str, Rule]:
    spec = req.spec
    item = [{"t": "item"}, {"outcome": req.outcome}, _or("kind", spec["of"]), {"intact": True}, {"$gte": {"age": 0}}]
    before: list[dict[str, Any]] = []
    if "before" in spec:
        before = [{"d": _and({"t": "fact"}, {"path": spec["before"]}, {"$gt": {"date_ord": 0}})}]
        item.append({"$lt": {"date_ord": {"d": "date_ord"}}})
    approval = []
    if "approved_by" in spec:
        approval = [{"a": _and({"t": "approval"}, {"item": {"m": "item"}}, _or("role", spec["approved_by"]))}]
    rules: dict[str, Rule] = {}
    fresh = [{"$lte": {"age": spec["max_age_days"]}}] if "max_age_days" in spec else []
    rules[f"{req.ref}:ok"] = {"all": [*before, {"m": _and(*item, *fresh)}, *approval]}
    if "max_age_days" in spec:
        rules[f"{req.ref}:stale"] = {"all": [*before, {"m": _and(*item, {"$gt": {"age": spec["max_age_days"]}})}, *approval]}
    return rules


def _evidence_needs(spec: Mapping[str, Any]) -> str:
    n = spec.get("min", 1)
    kinds = " or ".join(k.replace("_", " ") for k in spec["of"])
    words = f"at least {n} evidence item{'s' if n > 1 else ''} of kind {kinds}"
    if "approved_by" in spec:
        words += f", approved by {_roles(spec)}"
    if "max_age_days" in spec:
        words += f", dated within {spec['max_age_days']} days"
    if "before" in spec:
        words += f", dated before {spec['before']}"
    return words


def _evidence_judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    spec = req.spec
    need = spec.get("min", 1)
    ok = sorted({f.facts["m"]["item"] for f in firings if f.variant == "ok"})
    stale = sorted({f.facts["m"]["item"] for f in firings if f.variant == "stale"} - set(ok))
    claim = ctx.pack.claims.get(req.outcome)
    cited = claim.evidence if claim else ()
    uses = tuple(_evidence_use(ref, spec, ok, stale, ctx) for ref in cited)
    needs = _evidence_needs(spec)
    if len(ok) >= need:
        return RequirementResult(req.ref, req.kind, needs, "satisfied", f"counted: {', '.join(ok)}", None, uses)
    if len(ok) + len(stale) >= need:
        return RequirementResult(
            req.ref, req.kind, needs, "stale",
            f"out of date: {', '.join(stale)} (older than {spec['max_age_days']} days at {ctx.as_of})",
            f"Refresh the evidence: cite a version dated within {spec['max_age_days']} days of {ctx.as_of}.", uses,
        )
    found = f"counted {len(ok)} of {need} needed" + (f" ({', '.join(ok)})" if ok else "")
    refused = [f"{use.item}: {use.reason}" for use in uses if not use.counted]
    if refused:
        found += " [" + "; ".join(refused) + "]"
    if not cited:
        found = "the claim cites no evidence"
    return RequirementResult(
        req.ref, req.kind, needs, "missing", found,
        f"Cite {_plural(need - len(ok), 'more item')} of kind {' or '.join(spec['of'])}"
        + (f" approved by {_roles(spec)}" if "approved_by" in spec else "")
        + (f", dated within {spec['max_age_days']} days" if "max_age_days" in spec else "")
        + (f", dated before {spec['before']}" if "before" in spec else "") + ", in register.yml and the claim.",
        uses,
    )


def _evidence_use(ref: str, spec: Mapping[str, Any], ok: Sequence[str], stale: Sequence[str], ctx: Context) -> EvidenceUse:
    item = ctx.pack.register[ref]
    reason = "counted"
    if ref not in ok:
        if item.kind not in spec["of"]:
            reason = f"kind {item.kind} does not show this (needs {' or '.join(spec['of'])})"
        elif item.document_problem is not None:
            reason = f"document {item.path}: {item.document_problem}"
        elif item.date > ctx.as_of:
            reason = f"dated {item.date}, after the as-of date {ctx.as_of}"
        elif "before" in spec and not _dated_before(item.date, lookup(ctx.pack.facts, spec["before"])):
            reason = f"dated {item.date}, not before {spec['before']} ({lookup(ctx.pack.facts, spec['before']) or 'not recorded in facts.yml'})"
        elif "approved_by" in spec and not any(a.role in spec["approved_by"] and a.date <= ctx.as_of for a in item.approvals):
            roles = ", ".join(sorted({a.role for a in item.approvals if a.date <= ctx.as_of})) or "nobody"
            reason = f"not approved by {_roles(spec)} (approved by {roles})"
        elif ref in stale:
            reason = f"dated {item.date}: {(ctx.as_of - item.date).days} days old, more than {spec['max_age_days']}"
        else:
            reason = "not counted"
    return EvidenceUse(item=ref, title=item.title, kind=item.kind, path=item.path, counted=ref in ok, reason=reason)


def _dated_before(date: dt.date, limit: Any) -> bool:
    return isinstance(limit, str) and date < dt.date.fromisoformat(limit)


# --- fact -------------------------------------------------------------------------------------


def _fact_test(expect: Any) -> dict[str, Any]:
    if expect == "present":
        return {"present": True}
    if expect is True:
        return {"truth": "true"}
    if expect is False:
        return {"truth": "false"}
    if "at_least" in expect:
        return {"$gte": {"number": expect["at_least"] * SCALE}}
    if "min_items" in expect:
        return {"$gte": {"count": expect["min_items"]}}
    distinct = expect["min_distinct"]
    return {"$gte": {f"distinct_{distinct['field']}": distinct["count"]}}


def _fact_compile(req: Requirement) -> dict[str, Rule]:
    spec = req.spec
    base = [{"t": "fact"}, {"path": spec["path"]}, _fact_test(spec["expect"])]
    if "max_age_days" not in spec:
        return {f"{req.ref}:ok": {"all": [{"m": _and(*base)}]}}
    return {
        f"{req.ref}:ok": {"all": [{"m": _and(*base, {"$lte": {"age": spec["max_age_days"]}})}]},
        f"{req.ref}:stale": {"all": [{"m": _and(*base, {"$gt": {"age": spec["max_age_days"]}})}]},
    }


def _expect_words(expect: Any) -> str:
    if expect == "present":
        return "is recorded"
    if isinstance(expect, bool):
        return f"is {str(expect).lower()}"
    if "at_least" in expect:
        return f"is at least {expect['at_least']}"
    if "min_items" in expect:
        return f"lists at least {expect['min_items']}"
    d = expect["min_distinct"]
    return f"lists entries from at least {d['count']} different {d['field']}s"


def _fact_needs(spec: Mapping[str, Any]) -> str:
    words = f"facts.yml `{spec['path']}` {_expect_words(spec['expect'])}"
    return words + (f", dated within {spec['max_age_days']} days" if "max_age_days" in spec else "")


def _fact_judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    spec = req.spec
    needs = _fact_needs(spec)
    value = lookup(ctx.pack.facts, spec["path"])
    shown = _show(value)
    numbers = (("value", shown),)
    variants = {f.variant for f in firings}
    if "ok" in variants:
        return RequirementResult(req.ref, req.kind, needs, "satisfied", f"`{spec['path']}` is {shown}", None, numbers=numbers)
    if "stale" in variants:
        return RequirementResult(req.ref, req.kind, needs, "stale", f"`{spec['path']}` is older than {spec['max_age_days']} days",
                                 f"Bring `{spec['path']}` up to date.", numbers=numbers)
    if not measure_fact(value, as_of=ctx.as_of)["present"]:
        so = "" if spec["expect"] == "present" else f" so that it {_expect_words(spec['expect'])}"
        return RequirementResult(req.ref, req.kind, needs, "missing", f"facts.yml has no `{spec['path']}`",
                                 f"Record `{spec['path']}` in facts.yml{so}.")
    return RequirementResult(req.ref, req.kind, needs, "failed", f"`{spec['path']}` is {shown}",
                             f"Change it so that it {_expect_words(spec['expect'])}.", numbers=numbers)


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


# --- checklist --------------------------------------------------------------------------------


def _checklist_compile(req: Requirement) -> dict[str, Rule]:
    return {f"{req.ref}:covered": {"all": [{"m": _and({"t": "check"}, {"checklist": req.spec["checklist"]}, {"covered": True})}]}}


def _checklist_needs(spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> str:
    checklist = checklists[spec["checklist"]]
    return f"every item of {checklist.source} ({checklist.title}) covered, with evidence"


def _checklist_judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    checklist = ctx.checklists[req.spec["checklist"]]
    needs = _checklist_needs(req.spec, ctx.checklists)
    covered = {f.facts["m"]["entry"] for f in firings}
    missing = [item for item in checklist.items if item.id not in covered]
    numbers = (("covered", f"{len(checklist.items) - len(missing)} of {len(checklist.items)}"),)
    if not missing:
        return RequirementResult(req.ref, req.kind, needs, "satisfied", f"all {len(checklist.items)} items covered", None, numbers=numbers)
    listed = "; ".join(f"{item.id} {item.text}" for item in missing)
    fix = f"Show where the alliance covers each missing item (facts.yml `checklists.{checklist.name}`), citing evidence: {listed}"
    if not covered:
        return RequirementResult(req.ref, req.kind, needs, "missing", f"no item of {checklist.source} is shown as covered", fix, numbers=numbers)
    return RequirementResult(req.ref, req.kind, needs, "failed",
                             f"{len(missing)} of {len(checklist.items)} items not covered: {', '.join(i.id for i in missing)}", fix, numbers=numbers)


# --- survey -----------------------------------------------------------------------------------


def _survey_base(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    base = [{"t": "survey"}, {"survey": spec["survey"]}, {"$gte": {"score": round(spec["min_score"] * SCALE)}}]
    if "min_responses" in spec:
        base.append({"$gte": {"responses": spec["min_responses"]}})
    return base


def _survey_compile(req: Requirement) -> dict[str, Rule]:
    spec = req.spec
    base = _survey_base(spec)
    if "max_age_days" not in spec:
        return {f"{req.ref}:ok": {"all": [{"m": _and(*base)}]}}
    return {
        f"{req.ref}:ok": {"all": [{"m": _and(*base, {"$lte": {"age": spec["max_age_days"]}})}]},
        f"{req.ref}:stale": {"all": [{"m": _and(*base, {"$gt": {"age": spec["max_age_days"]}})}]},
    }


def _survey_needs(spec: Mapping[str, Any]) -> str:
    words = f"a {spec['survey'].replace('_', ' ')} survey scoring at least {round(spec['min_score'] * 100)}% of its scale"
    if "min_responses" in spec:
        words += f" from at least {spec['min_responses']} responses"
    if "max_age_days" in spec:
        words += f", taken within {spec['max_age_days']} days"
    return words


def _survey_judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    spec = req.spec
    needs = _survey_needs(spec)
    latest = latest_survey(ctx.pack, spec["survey"], ctx.as_of)
    if latest is None:
        return RequirementResult(req.ref, req.kind, needs, "missing", f"no {spec['survey']} survey on or before {ctx.as_of}",
                                 f"Run a {spec['survey'].replace('_', ' ')} survey and record it in facts.yml `surveys`.")
    ratio = latest["score"] / latest["scale"]
    numbers = (("survey", f"{latest['survey']} {latest['date']}"), ("score", f"{latest['score']} of {latest['scale']} ({ratio:.0%})"),
               ("responses", str(latest["responses"])), ("evidence", latest["evidence"]))
    found = f"latest {spec['survey']} survey {latest['date']}: {latest['score']} of {latest['scale']} ({ratio:.0%}), {latest['responses']} responses"
    variants = {f.variant for f in firings}
    if "ok" in variants:
        return RequirementResult(req.ref, req.kind, needs, "satisfied", found, None, numbers=numbers)
    if "stale" in variants:
        return RequirementResult(req.ref, req.kind, needs, "stale", found + f", older than {spec['max_age_days']} days",
                                 f"Run the {spec['survey'].replace('_', ' ')} survey again.", numbers=numbers)
    return RequirementResult(req.ref, req.kind, needs, "failed", found,
                             f"Raise the {spec['survey'].replace('_', ' ')} survey result to at least {round(spec['min_score'] * 100)}%"
                             + (f" with at least {spec['min_responses']} responses" if "min_responses" in spec else "") + ".", numbers=numbers)


# --- commercial -------------------------------------------------------------------------------


def _commercial_compile(req: Requirement) -> dict[str, Rule]:
    return {f"{req.ref}:ok": {"all": [{"m": _and({"t": "commercial"}, {"check": req.spec["check"]}, {"passed": True})}]}}


def _commercial_needs(spec: Mapping[str, Any]) -> str:
    from gatekeeper.commercial.checks import CHECKS

    return f"the commercial model (commercial.yml): {CHECKS[spec['check']].title}"


def _commercial_judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    needs = _commercial_needs(req.spec)
    result = ctx.commercial.get(req.spec["check"])
    if result is None:
        return RequirementResult(req.ref, req.kind, needs, "missing", "the pack has no commercial.yml",
                                 "Describe the commercial model in commercial.yml so it can be simulated.")
    numbers = tuple(result.numbers)
    if firings:
        return RequirementResult(req.ref, req.kind, needs, "satisfied", result.summary, None, numbers=numbers)
    return RequirementResult(req.ref, req.kind, needs, "failed", result.summary,
                             "Change the commercial model so that it does; `gatekeeper commercial simulate` shows the numbers.", numbers=numbers)


@dataclass(frozen=True)
class Kind:
    """A requirement kind: how it compiles to engine rules, and how its firings are judged."""

    compile: Callable[[Requirement], dict[str, Rule]]
    judge: Callable[[Requirement, Sequence[Firing], Context], RequirementResult]
    needs: Callable[[Mapping[str, Any], Mapping[str, Checklist]], str]


KINDS: dict[str, Kind] = {
    "evidence": Kind(_evidence_compile, _evidence_judge, lambda spec, _: _evidence_needs(spec)),
    "fact": Kind(_fact_compile, _fact_judge, lambda spec, _: _fact_needs(spec)),
    "checklist": Kind(_checklist_compile, _checklist_judge, _checklist_needs),
    "survey": Kind(_survey_compile, _survey_judge, lambda spec, _: _survey_needs(spec)),
    "commercial": Kind(_commercial_compile, _commercial_judge, lambda spec, _: _commercial_needs(spec)),
}


def describe(req: Requirement, checklists: Mapping[str, Checklist]) -> str:
    """What a requirement asks for, in plain words (for `rules show` and explanations)."""
    return KINDS[req.kind].needs(req.spec, checklists)
