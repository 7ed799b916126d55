"""Requirement kind `parties`: the members of a group listed in facts.yml cover the client and every partner.

"Cross partner representation" is not "two organisations": with three partners, the client and one
partner would pass such a count. The Code's collective groups (the Board, the Alliance Management
Team) need a member from every party declared in manifest.yml.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gatekeeper.evaluation.kinds.base import (
    Context,
    Firing,
    References,
    Rule,
    no_exhibits,
    no_item_findings,
    no_items,
    nothing_to_prepare,
)
from gatekeeper.evaluation.observations import Observation, lookup
from gatekeeper.evaluation.parties import missing, name, parties, party_of
from gatekeeper.model import Checklist, EvidencePack, Requirement
from gatekeeper.result import RequirementResult, Verdict

ID = "parties"

prepare = nothing_to_prepare
describe_items = no_items
audit_item = no_item_findings
exhibits = no_exhibits


def check(spec: Mapping[str, Any], refs: References) -> Iterator[tuple[str, str]]:
    from gatekeeper.evaluation.kinds.fact import schema_node

    node = schema_node(spec["path"], refs.facts_schema)
    if node is None or node.get("type") != "array" or "organisation" not in node.get("items", {}).get("properties", {}):
        yield "path", f"'path' must name a list of members with an organisation in facts.yml, not {spec['path']!r}"


def _of(spec: Mapping[str, Any]) -> str:
    return str(spec.get("of", "all"))


def lacking(spec: Mapping[str, Any], pack: EvidencePack) -> tuple[str, ...] | None:
    """The parties no member comes from (ids), or None when facts.yml lists no members at that path."""
    members = lookup(pack.facts, spec["path"])
    if not isinstance(members, list) or not members:
        return None
    covered = {party_of(pack, m.get("organisation")) for m in members if isinstance(m, Mapping)}
    return missing(pack, {c for c in covered if c is not None}, _of(spec))


def observations(requirements: Sequence[Requirement], ctx: Context) -> Iterator[Observation]:
    for path, of in sorted({(r.spec["path"], _of(r.spec)) for r in requirements}):
        gaps = lacking({"path": path, "of": of}, ctx.pack)
        yield {
            "t": "parties",
            "path": path,
            "of": of,
            "present": gaps is not None,
            "missing": len(gaps) if gaps is not None else len(parties(ctx.pack, of)),
            "parties": len(parties(ctx.pack, of)),
        }


def compile(req: Requirement) -> dict[str, Rule]:
    # At least one party must be declared: a pack with none has nobody to cover.
    test = {
        "$and": [
            {"t": "parties"},
            {"path": req.spec["path"]},
            {"of": _of(req.spec)},
            {"present": True},
            {"missing": 0},
            {"$gt": {"parties": 0}},
        ]
    }
    return {f"{req.ref}:ok": {"all": [{"m": test}]}}


def _who(spec: Mapping[str, Any]) -> str:
    return "the client and every partner" if _of(spec) == "all" else "every partner"


def describe(spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> str:
    return f"facts.yml `{spec['path']}` has a member from {_who(spec)} declared in manifest.yml"


def judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    spec = req.spec
    needs = describe(spec, ctx.checklists)
    if firings:
        covered = ", ".join(name(ctx.pack, p) for p in parties(ctx.pack, _of(spec)))
        return RequirementResult(req.ref, ID, needs, Verdict.SATISFIED, f"members from {covered}", None)
    gaps = lacking(spec, ctx.pack)
    if gaps is None:
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.MISSING,
            f"facts.yml lists no members at `{spec['path']}`",
            f"Record the members of `{spec['path']}` in facts.yml, with a member from {_who(spec)}.",
        )
    if not parties(ctx.pack, _of(spec)):
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.FAILED,
            "manifest.yml declares no parties",
            "Declare the parties in manifest.yml.",
        )
    absent = ", ".join(name(ctx.pack, p) for p in gaps)
    return RequirementResult(
        req.ref,
        ID,
        needs,
        Verdict.FAILED,
        f"no member from {absent}",
        f"Add a member from {absent} to `{spec['path']}` (or record why that party is not represented).",
    )
