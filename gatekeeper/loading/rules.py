"""Load the rule pack (and a profile) from rules/, validate it, and build the RulePack model."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from gatekeeper import cache
from gatekeeper.evaluation.kinds import KINDS, References
from gatekeeper.loading.paths import read_regular_file
from gatekeeper.loading.schema import ProblemCollector, schema_problems
from gatekeeper.loading.yamlstrict import MAX_BYTES, Document, load_yaml_bytes
from gatekeeper.model import (
    PHASE_CODES,
    THEME_CODES,
    Cell,
    Checklist,
    ChecklistItem,
    Gate,
    Outcome,
    Policy,
    Requirement,
    RulePack,
    Source,
)
from gatekeeper.problems import InputError, Problem
from gatekeeper.resources import data_dir
from gatekeeper.result import ChangeArea, ProfileChange

OUTCOME_FILES: tuple[str, ...] = (
    "suitability.yml",
    "outcomes/deciding.yml",
    "outcomes/creating.yml",
    "outcomes/delivering.yml",
    "outcomes/sustaining.yml",
)


def _load(
    sources: Mapping[str, bytes], rel: str, schema: str, display_prefix: str, out: ProblemCollector
) -> Document | None:
    shown = f"{display_prefix}{rel}"
    raw = sources.get(rel)
    if raw is None:
        out.problems.append(Problem(shown, 1, 1, "file not found"))
        return None
    try:
        doc = load_yaml_bytes(raw, display=shown)
    except InputError as error:
        out.problems.extend(error.problems)
        return None
    problems = schema_problems(doc, "rules", schema)
    out.problems.extend(problems)
    return None if problems else doc


def _read_sources(root: Path) -> dict[str, bytes]:
    """Every .yml and .json file under the rule pack folder, each read once (the cache key and the
    loader use the same bytes). A FIFO, device or oversized file there is refused, not read."""
    sources: dict[str, bytes] = {}
    problems: list[Problem] = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".yml", ".json") or path.is_dir():
            continue
        rel = path.relative_to(root).as_posix()
        try:
            sources[rel] = read_regular_file(path, display=f"rules/{rel}", max_bytes=MAX_BYTES)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return sources


def _facts_schema() -> dict[str, Any]:
    return json.loads((data_dir("evidence_schema") / "facts.schema.json").read_text(encoding="utf-8"))


def _check_requirement(
    doc: Document,
    path: list[str | int],
    spec: Mapping[str, Any],
    refs: References,
    out: ProblemCollector,
) -> None:
    """What a schema cannot say about a requirement (that what it names exists): its kind's checks."""
    for key, message in KINDS[spec["kind"]].check(spec, refs):
        out.at(doc, [*path, key], message)


def _check_gates(
    doc: Document, path: list[str | int], gates: Mapping[str, Any], refs: References, out: ProblemCollector
) -> None:
    """What a schema cannot say about a gate: that the date its decision must come before is a date fact."""
    from gatekeeper.evaluation.kinds.fact import schema_node

    for name, gate in gates.items():
        if "decide_before" in gate:
            node = schema_node(gate["decide_before"], refs.facts_schema)
            if node is None or node.get("format") != "date":
                out.at(
                    doc,
                    [*path, name, "decide_before"],
                    f"'decide_before' must name a date fact, not {gate['decide_before']!r}",
                )


def _requirements(outcome_id: str, specs: Sequence[Mapping[str, Any]]) -> tuple[Requirement, ...]:
    return tuple(
        Requirement(outcome=outcome_id, index=i, kind=spec["kind"], spec=dict(spec))
        for i, spec in enumerate(specs, start=1)
    )


def _expected_ids(prefix: str, items: Sequence[Mapping[str, Any]], retired: set[str]) -> list[str]:
    """The id each outcome of a cell must have: the Code's outcomes numbered 01, 02, ... in document
    order, skipping retired ids (an id is never reused); the pack's supplementary rules (X ids)
    numbered X01, X02, ... apart, so adding or retiring one never renumbers an outcome."""
    numbered = supplementary = 0
    expected = []
    for item in items:
        if str(item["id"]).removeprefix(prefix).startswith("X"):
            supplementary += 1
            expected.append(f"{prefix}X{supplementary:02d}")
            continue
        numbered += 1
        while f"{prefix}{numbered:02d}" in retired:
            numbered += 1
        expected.append(f"{prefix}{numbered:02d}")
    return expected


def _policy(data: Mapping[str, Any], override: Mapping[str, Any]) -> Policy:
    merged = {
        key: {**data.get(key, {}), **override.get(key, {})}
        for key in ("floors", "waivers", "independence", "conditions")
    }
    merged["floors"]["cells"] = {**data["floors"].get("cells", {}), **override.get("floors", {}).get("cells", {})}
    # A profile may add gates, or redefine one of the policy's, by name.
    gates = {
        name: Gate(
            name=name,
            title=g["title"],
            leaves=g["leaves"],
            evaluates=tuple(g["evaluates"]),
            advisory=bool(g.get("advisory", False)),
            deciders=tuple(g.get("deciders", ())),
            quorum=str(g.get("quorum", "any")),
            decide_before=g.get("decide_before"),
            late_decision=str(g.get("late_decision", "note")),
            late_decision_reason=g.get("late_decision_reason"),
        )
        for name, g in {**data["gates"], **override.get("gates", {})}.items()
    }
    return Policy(
        gates=gates,
        floor_default=float(merged["floors"].get("default", 0.5)),
        floor_cells={k: float(v) for k, v in merged["floors"]["cells"].items()},
        waiver_roles=tuple(merged["waivers"].get("approver_roles", ())),
        critical_waivable=bool(merged["waivers"].get("critical_waivable", False)),
        self_assessment_meets_critical=bool(merged["independence"].get("self_assessment_meets_critical", False)),
        condition_due_days=int(merged["conditions"].get("due_days", 90)),
        overdue_conditions=str(merged["conditions"].get("overdue", "fail")),
        independence=str(merged["independence"].get("required_for", "critical")),
    )


def _digest(sources: Mapping[str, bytes], names: Sequence[str]) -> str:
    sha = hashlib.sha256()
    for rel in names:
        sha.update(rel.encode() + b"\0" + hashlib.sha256(sources[rel]).hexdigest().encode() + b"\n")
    return sha.hexdigest()


def load_rule_pack(*, profile: Path | None = None, root: Path | None = None) -> RulePack:
    """Load and validate the rule pack (bundled unless `root` is given), tailored by `profile`.

    Raises InputError with every problem found, each located in its file. A pack that loaded
    before from exactly the same files is taken from the cache (gatekeeper.cache).
    """
    root = root if root is not None else data_dir("rules")
    sources = _read_sources(root)
    profile_raw = None if profile is None else read_regular_file(profile, display=str(profile), max_bytes=MAX_BYTES)
    parts = [rel.encode() + b"\0" + raw for rel, raw in sources.items()]
    parts += [(data_dir("evidence_schema") / "facts.schema.json").read_bytes(), Path(__file__).read_bytes()]
    parts += [(Path(__file__).parents[1] / "model.py").read_bytes()]
    parts += [p.read_bytes() for p in sorted((Path(__file__).parents[1] / "evaluation" / "kinds").glob("*.py"))]
    if profile is not None and profile_raw is not None:
        parts += [str(profile).encode(), profile_raw]
    name = f"rules-{cache.key(parts)}.pickle"
    cached = cache.load_object(name)
    if isinstance(cached, RulePack):
        return cached
    pack = _load_rule_pack(profile=profile, profile_raw=profile_raw, sources=sources)
    cache.store_object(name, pack)
    return pack


def _load_rule_pack(*, profile: Path | None, profile_raw: bytes | None, sources: Mapping[str, bytes]) -> RulePack:
    out = ProblemCollector()
    meta = _load(sources, "pack.yml", "pack.schema.json", "rules/", out)
    policy_doc = _load(sources, "policy.yml", "policy.schema.json", "rules/", out)
    checklist_doc = _load(sources, "checklists.yml", "checklists.schema.json", "rules/", out)
    outcome_docs = [_load(sources, rel, "outcomes.schema.json", "rules/", out) for rel in OUTCOME_FILES]
    if out.problems:
        raise InputError(out.problems)
    assert meta and policy_doc and checklist_doc  # for the type checker: problems were raised above

    checklists = {
        name: Checklist(
            name=name,
            title=c["title"],
            source=c["source"],
            items=tuple(ChecklistItem(id=i["id"], text=i["text"]) for i in c["items"]),
            editorial_note=c.get("editorial_note"),
        )
        for name, c in checklist_doc.data["checklists"].items()
    }
    refs = References(checklists=checklists, facts_schema=_facts_schema())
    _check_gates(policy_doc, ["gates"], policy_doc.data["gates"], refs, out)
    outcomes: dict[str, Outcome] = {}
    cells: dict[str, Cell] = {}
    for doc in outcome_docs:
        assert doc is not None
        phase = doc.data["phase"]
        for ci, cell in enumerate(doc.data["cells"]):
            theme = cell["theme"]
            prefix = f"{PHASE_CODES[phase]}.{THEME_CODES[theme]}."
            retired = tuple((r["id"], r["note"]) for r in cell.get("retired", ()))
            for ri, (old_id, _) in enumerate(retired):
                if not old_id.startswith(prefix):
                    out.at(doc, ["cells", ci, "retired", ri, "id"], f"retired id {old_id} is not of cell {prefix[:-1]}")
            expected_ids = _expected_ids(prefix, cell["outcomes"], {old_id for old_id, _ in retired})
            ids = []
            for oi, item in enumerate(cell["outcomes"]):
                path: list[str | int] = ["cells", ci, "outcomes", oi]
                expected = expected_ids[oi]
                if item["id"] != expected:
                    out.at(
                        doc,
                        [*path, "id"],
                        f"outcome id {item['id']} out of place: expected {expected} (ids are dense and in document order within their cell, retired ids skipped, X ids numbered apart)",
                    )
                if item["id"] in outcomes:
                    out.at(doc, [*path, "id"], f"duplicate outcome id {item['id']}")
                for ri, spec in enumerate(item["requirements"]):
                    _check_requirement(doc, [*path, "requirements", ri], spec, refs, out)
                line, col = doc.locate(path)
                outcomes[item["id"]] = Outcome(
                    id=item["id"],
                    phase=phase,
                    theme=theme,
                    section=cell["section"],
                    subheading=item["subheading"],
                    text=item["text"],
                    sub_items=tuple(item.get("sub_items", ())),
                    critical=item["critical"],
                    rationale=item.get("rationale"),
                    allow_not_applicable=item.get("allow_not_applicable", False),
                    requirements=_requirements(item["id"], item["requirements"]),
                    source=Source(doc.path, line, col),
                    editorial_note=item.get("editorial_note"),
                )
                ids.append(item["id"])
            code = prefix[:-1]
            if code in cells:
                out.at(doc, ["cells", ci, "theme"], f"cell {code} appears twice")
            cells[code] = Cell(
                phase=phase,
                theme=theme,
                section=cell["section"],
                introduction=cell.get("introduction"),
                guidance=tuple(cell.get("guidance", ())),
                outcome_ids=tuple(ids),
                editorial_note=cell.get("editorial_note"),
                advice=cell.get("advice"),
                retired=retired,
            )
    if out.problems:
        raise InputError(out.problems)

    files = ["pack.yml", "policy.yml", "checklists.yml", *OUTCOME_FILES]
    policy_override: Mapping[str, Any] = {}
    profile_name = profile_digest = None
    changes: tuple[ProfileChange, ...] = ()
    if profile is not None and profile_raw is not None:
        profile_doc = _load_profile(profile, profile_raw)
        profile_name = profile_doc.data["name"]
        profile_digest = hashlib.sha256(profile_raw).hexdigest()
        policy_override = profile_doc.data.get("policy", {})
        _check_gates(profile_doc, ["policy", "gates"], policy_override.get("gates", {}), refs, out)
        pack_outcomes = dict(outcomes)
        _apply_profile(profile_doc, outcomes, cells, refs, out)
        if out.problems:
            raise InputError(out.problems)
        changes = profile_changes(
            pack_outcomes,
            outcomes,
            _policy(policy_doc.data, {}),
            _policy(policy_doc.data, policy_override),
            checklists,
        )
    return RulePack(
        name=str(meta.data["name"]),
        version=str(meta.data["version"]),
        digest=_digest(sources, files),
        outcomes=outcomes,
        cells=cells,
        checklists=checklists,
        policy=_policy(policy_doc.data, policy_override),
        profile_name=profile_name,
        profile_digest=profile_digest,
        profile_changes=changes,
    )


def _needs(outcome: Outcome, checklists: Mapping[str, Checklist]) -> tuple[str, ...]:
    return tuple(KINDS[r.kind].describe(r.spec, checklists) for r in outcome.requirements)


def profile_changes(
    pack_outcomes: Mapping[str, Outcome],
    outcomes: Mapping[str, Outcome],
    pack_policy: Policy,
    policy: Policy,
    checklists: Mapping[str, Checklist],
) -> tuple[ProfileChange, ...]:
    """Every difference the profile makes against the pack, computed once, here, by comparing the
    pack before and after tailoring (so a profile entry that restates the pack's value is no change).

    Reports list these, and the ledger records them: a decision a profile shaped must say how.
    """
    found: list[ProfileChange] = []
    for oid, after in outcomes.items():
        before = pack_outcomes.get(oid)
        if before is None:
            found.append(ProfileChange(ChangeArea.OUTCOME, oid, None, after.critical, after.rationale))
            continue
        if before.critical != after.critical:
            found.append(ProfileChange(ChangeArea.CRITICALITY, oid, before.critical, after.critical, after.rationale))
        if before.requirements != after.requirements:
            found.append(
                ProfileChange(ChangeArea.REQUIREMENTS, oid, _needs(before, checklists), _needs(after, checklists))
            )
    if pack_policy.floor_default != policy.floor_default:
        found.append(ProfileChange(ChangeArea.FLOOR, "default", pack_policy.floor_default, policy.floor_default))
    for cell in sorted({*pack_policy.floor_cells, *policy.floor_cells}):
        phase, _, theme = cell.partition(".")
        old, new = pack_policy.floor(phase, theme), policy.floor(phase, theme)
        if old != new:
            found.append(ProfileChange(ChangeArea.FLOOR, cell, old, new))
    settings: tuple[tuple[ChangeArea, str, Any, Any], ...] = (
        (ChangeArea.WAIVERS, "approver_roles", pack_policy.waiver_roles, policy.waiver_roles),
        (ChangeArea.WAIVERS, "critical_waivable", pack_policy.critical_waivable, policy.critical_waivable),
        (
            ChangeArea.INDEPENDENCE,
            "self_assessment_meets_critical",
            pack_policy.self_assessment_meets_critical,
            policy.self_assessment_meets_critical,
        ),
        (ChangeArea.CONDITIONS, "due_days", pack_policy.condition_due_days, policy.condition_due_days),
        (ChangeArea.CONDITIONS, "overdue", pack_policy.overdue_conditions, policy.overdue_conditions),
    )
    found += [ProfileChange(area, name, old, new) for area, name, old, new in settings if old != new]
    for name, gate in policy.gates.items():
        old_gate = pack_policy.gates.get(name)
        if old_gate != gate:
            found.append(
                ProfileChange(ChangeArea.GATE, name, None if old_gate is None else old_gate.evaluates, gate.evaluates)
            )
    order = list(ChangeArea)
    return tuple(sorted(found, key=lambda c: order.index(c.area)))


def _load_profile(profile: Path, raw: bytes) -> Document:
    doc = load_yaml_bytes(raw, display=str(profile))
    problems = schema_problems(doc, "rules", "profile.schema.json")
    if problems:
        raise InputError(problems)
    return doc


def _apply_profile(
    doc: Document,
    outcomes: dict[str, Outcome],
    cells: dict[str, Cell],
    refs: References,
    out: ProblemCollector,
) -> None:
    """Tailor criticality and requirements, and add the organisation's own outcomes, recording each change."""
    for oi, item in enumerate(doc.data.get("outcomes", [])):
        path: list[str | int] = ["outcomes", oi]
        phase_code, theme_code, _ = item["id"].split(".")
        cell_code = f"{phase_code}.{theme_code}"
        if cell_code not in cells:
            out.at(doc, [*path, "id"], f"no cell {cell_code} in the rule pack for {item['id']}")
            continue
        if item["id"] in outcomes:
            out.at(doc, [*path, "id"], f"duplicate outcome id {item['id']}")
            continue
        for ri, spec in enumerate(item["requirements"]):
            _check_requirement(doc, [*path, "requirements", ri], spec, refs, out)
        cell = cells[cell_code]
        line, col = doc.locate(path)
        outcomes[item["id"]] = Outcome(
            id=item["id"],
            phase=cell.phase,
            theme=cell.theme,
            section=cell.section,
            subheading=item["subheading"],
            text=item["text"],
            sub_items=tuple(item.get("sub_items", ())),
            critical=item["critical"],
            rationale=item.get("rationale"),
            allow_not_applicable=item.get("allow_not_applicable", False),
            requirements=_requirements(item["id"], item["requirements"]),
            source=Source(doc.path, line, col),
            changes=(f"added by profile {doc.data['name']!r}",),
        )
        cells[cell_code] = replace(cell, outcome_ids=(*cell.outcome_ids, item["id"]))
    for outcome_id, change in doc.data.get("critical", {}).items():
        if outcome_id not in outcomes:
            out.at(doc, ["critical", outcome_id], f"unknown outcome {outcome_id}")
            continue
        old = outcomes[outcome_id]
        word = "critical" if change["critical"] else "not critical"
        outcomes[outcome_id] = replace(
            old,
            critical=change["critical"],
            rationale=change["rationale"],
            changes=(*old.changes, f"made {word} by profile {doc.data['name']!r}: {change['rationale']}"),
        )
    for outcome_id, specs in doc.data.get("requirements", {}).items():
        if outcome_id not in outcomes:
            out.at(doc, ["requirements", outcome_id], f"unknown outcome {outcome_id}")
            continue
        for ri, spec in enumerate(specs):
            _check_requirement(doc, ["requirements", outcome_id, ri], spec, refs, out)
        old = outcomes[outcome_id]
        outcomes[outcome_id] = replace(
            old,
            requirements=_requirements(outcome_id, specs),
            changes=(*old.changes, f"requirements replaced by profile {doc.data['name']!r}"),
        )
