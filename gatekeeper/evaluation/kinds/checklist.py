"""Requirement kind `checklist`: every item of a checklist in rules/checklists.yml is covered, with evidence."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gatekeeper.evaluation.kinds.base import (
    Context,
    Firing,
    References,
    Rule,
    all_of,
    no_exhibits,
    no_item_findings,
    nothing_to_prepare,
)
from gatekeeper.evaluation.observations import Observation
from gatekeeper.model import Checklist, EvidencePack, Requirement
from gatekeeper.result import RequirementResult, Verdict

ID = "checklist"

prepare = nothing_to_prepare
audit_item = no_item_findings
exhibits = no_exhibits


def check(spec: Mapping[str, Any], refs: References) -> Iterator[tuple[str, str]]:
    if spec["checklist"] not in refs.checklists:
        yield "checklist", f"unknown checklist {spec['checklist']!r} (see rules/checklists.yml)"


def observations(requirements: Sequence[Requirement], ctx: Context) -> Iterator[Observation]:
    """One observation per entry of facts.yml `checklists.<name>`: covered when its evidence counts."""
    recorded = ctx.pack.facts.get("checklists", {})
    for name in sorted({r.spec["checklist"] for r in requirements}):
        for entry_id, entry in sorted(recorded.get(name, {}).items()):
            covered = _evidence_intact(ctx.pack, entry.get("evidence"), ctx)
            yield {"t": "check", "checklist": name, "entry": entry_id, "covered": covered}


def _evidence_intact(pack: EvidencePack, ref: str | None, ctx: Context) -> bool:
    """A checklist entry counts when the evidence it cites exists, is unchanged and predates as-of."""
    item = pack.register.get(ref) if ref else None
    return item is not None and item.document_problem is None and item.date <= ctx.as_of


def compile(req: Requirement) -> dict[str, Rule]:
    return {
        f"{req.ref}:covered": {
            "all": [{"m": all_of({"t": "check"}, {"checklist": req.spec["checklist"]}, {"covered": True})}]
        }
    }


def describe(spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> str:
    checklist = checklists[spec["checklist"]]
    return f"every item of {checklist.source} ({checklist.title}) covered, with evidence"


def describe_items(spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> tuple[str, ...]:
    return tuple(f"{item.id} {item.text}" for item in checklists[spec["checklist"]].items)


def judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    checklist = ctx.checklists[req.spec["checklist"]]
    needs = describe(req.spec, ctx.checklists)
    covered = {f.matched["m"]["entry"] for f in firings}
    missing = [item for item in checklist.items if item.id not in covered]
    numbers = (("covered", f"{len(checklist.items) - len(missing)} of {len(checklist.items)}"),)
    if not missing:
        return RequirementResult(
            req.ref, ID, needs, Verdict.SATISFIED, f"all {len(checklist.items)} items covered", None, numbers=numbers
        )
    listed = "; ".join(f"{item.id} {item.text}" for item in missing)
    fix = f"Show where the alliance covers each missing item (facts.yml `checklists.{checklist.name}`), citing evidence: {listed}"
    if not covered:
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.MISSING,
            f"no item of {checklist.source} is shown as covered",
            fix,
            numbers=numbers,
        )
    return RequirementResult(
        req.ref,
        ID,
        needs,
        Verdict.FAILED,
        f"{len(missing)} of {len(checklist.items)} items not covered: {', '.join(i.id for i in missing)}",
        fix,
        numbers=numbers,
    )
