"""Load an evidence pack folder: strict YAML, schema validation, cross-file checks, documents hashed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gatekeeper.loading.paths import DocumentCheck, DocumentHasher, HashBudgetExceeded, check_reference, read_document
from gatekeeper.loading.schema import ProblemCollector, schema_problems
from gatekeeper.loading.yamlstrict import MAX_BYTES, Document, load_yaml_bytes
from gatekeeper.model import (
    Action,
    Approval,
    Claim,
    ClaimStatus,
    Condition,
    EvidenceItem,
    EvidencePack,
    Person,
    RulePack,
    Source,
    Waiver,
)
from gatekeeper.problems import InputError, Problem

# file name -> (schema, required?)
PACK_FILES: Mapping[str, tuple[str, bool]] = {
    "manifest.yml": ("manifest.schema.json", True),
    "claims.yml": ("claims.schema.json", True),
    "register.yml": ("register.schema.json", True),
    "facts.yml": ("facts.schema.json", False),
    "waivers.yml": ("waivers.schema.json", False),
    "conditions.yml": ("conditions.schema.json", False),
    "commercial.yml": ("commercial.schema.json", False),
}


@dataclass(frozen=True)
class LoadedPack:
    """A pack plus the problems that do not stop an evaluation (documents missing or changed)."""

    pack: EvidencePack
    document_problems: tuple[Problem, ...]


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _read_files(root: Path, display: str, files: dict[str, str], out: ProblemCollector) -> dict[str, Document]:
    """Each pack file read once, through the pack's safe opener: the same bytes are hashed and parsed."""
    docs: dict[str, Document] = {}
    for name, (schema, required) in PACK_FILES.items():
        shown = f"{display}/{name}"
        inspected, raw = read_document(root, name, max_bytes=MAX_BYTES)
        if not inspected.exists:
            if required:
                out.problems.append(Problem(shown, 0, 0, "missing: every evidence pack has this file"))
            continue
        if inspected.problem is not None or raw is None:  # a FIFO, a directory, a symlink out of the pack ...
            out.problems.append(Problem(shown, 0, 0, inspected.problem or "document cannot be read"))
            continue
        try:
            doc = load_yaml_bytes(raw, display=shown)
        except InputError as error:
            out.problems.extend(error.problems)
            continue
        found = schema_problems(doc, "evidence_schema", schema)
        out.problems.extend(found)
        if not found:
            docs[name] = doc
            files[name] = inspected.sha256 or ""
    return docs


def load_pack(root: Path, rules: RulePack, *, display: str | None = None) -> LoadedPack:
    """Load the evidence pack in folder `root`, checked against `rules`.

    Raises InputError with every problem that makes the pack unusable. Documents that are
    missing or whose sha256 differs from the register do not stop loading: they are returned
    as `document_problems`, and the items do not count as evidence.
    """
    shown = display if display is not None else str(root)
    if not root.is_dir():
        raise InputError(Problem(shown, 0, 0, "not a folder: an evidence pack is a folder of YAML files"))
    out = ProblemCollector()
    files: dict[str, str] = {}
    docs = _read_files(root, shown, files, out)
    if any(name not in docs for name, (_, required) in PACK_FILES.items() if required):
        raise InputError(out.problems)  # cross-file checks need the three required files

    manifest = docs["manifest.yml"]
    m = manifest.data
    roster = tuple(Person(p["name"], p["organisation"], p["role"]) for p in m["roster"])
    assessors = tuple(Person(a["name"], a["organisation"], "assessor") for a in m["assessment"]["assessors"])
    roster_names = {p.name for p in roster}
    known_people = roster_names | {a.name for a in assessors}

    register, document_problems = _register(root, docs["register.yml"], files, out)
    claims = _claims(docs["claims.yml"], rules, register, known_people, roster_names, out)
    facts_doc = docs.get("facts.yml")
    facts: Mapping[str, Any] = facts_doc.data if facts_doc else {"schema_version": 1}
    if facts_doc:
        _check_fact_evidence(facts_doc, facts_doc.data, [], register, out)
        _check_survey_ranges(facts_doc, out)
    waivers = _waivers(docs.get("waivers.yml"), rules, out)
    conditions_gate, conditions = _conditions(docs.get("conditions.yml"), rules, out)
    commercial = _commercial(docs.get("commercial.yml"), out)
    if out.problems:
        raise InputError(out.problems)
    owner = m.get("owner")
    pack = EvidencePack(
        root=shown,
        alliance_id=m["alliance"]["id"],
        alliance_name=m["alliance"]["name"],
        client=m["alliance"]["client"],
        partners=tuple(p["name"] for p in m["alliance"]["partners"]),
        phase=m["alliance"]["phase"],
        roster=roster,
        assessors=assessors,
        assessment_date=_date(m["assessment"]["date"]),
        owner=f"{owner['name']} ({owner['role']})" if owner else None,
        claims=claims,
        register=register,
        facts=facts,
        facts_source=Source(facts_doc.path if facts_doc else f"{shown}/facts.yml", 1, 1),
        waivers=waivers,
        conditions_gate=conditions_gate,
        conditions=conditions,
        commercial=commercial,
        files=dict(sorted(files.items())),
    )
    return LoadedPack(pack=pack, document_problems=tuple(sorted(document_problems)))


# What an item gets once the pack's hashing budget is spent (the load then fails with a located problem).
_NOT_HASHED = DocumentCheck("", True, None, None, "not hashed: the pack's hashing budget is spent")


def _register(
    root: Path, doc: Document, files: dict[str, str], out: ProblemCollector
) -> tuple[dict[str, EvidenceItem], list[Problem]]:
    register: dict[str, EvidenceItem] = {}
    document_problems: list[Problem] = []
    hasher = DocumentHasher(root)
    over_budget = False
    for i, item in enumerate(doc.data["evidence"]):
        path: list[str | int] = ["evidence", i]
        if item["id"] in register:
            out.at(doc, [*path, "id"], f"duplicate evidence id {item['id']}")
            continue
        why = check_reference(item["path"])
        if why is not None:
            out.at(doc, [*path, "path"], f"document path {item['path']!r} refused: {why}")
            continue
        inspected = _NOT_HASHED
        if not over_budget:  # past the budget the pack cannot be evaluated: one problem says so
            try:
                inspected = hasher.inspect(item["path"])
            except HashBudgetExceeded as exceeded:
                out.at(doc, [*path, "path"], str(exceeded))
                over_budget = True
        problem = inspected.problem
        if inspected.exists and problem is None and inspected.sha256 != item["sha256"]:
            problem = f"sha256 differs from the register (document has {inspected.sha256})"
        line, col = doc.locate([*path, "path"])
        if problem is not None:
            document_problems.append(Problem(doc.path, line, col, f"{item['id']}: {item['path']}: {problem}"))
        if inspected.sha256 is not None:
            files[item["path"]] = inspected.sha256
        register[item["id"]] = EvidenceItem(
            id=item["id"],
            title=item["title"],
            kind=item["kind"],
            path=item["path"],
            sha256=item["sha256"],
            date=_date(item["date"]),
            owner=item["owner"],
            approvals=tuple(Approval(a["name"], a["role"], _date(a["date"])) for a in item.get("approvals", ())),
            source=Source(doc.path, *doc.locate(path)),
            document_problem=problem,
            actual_sha256=inspected.sha256,
        )
    return register, document_problems


def _claims(
    doc: Document,
    rules: RulePack,
    register: Mapping[str, EvidenceItem],
    known_people: set[str],
    roster_names: set[str],
    out: ProblemCollector,
) -> dict[str, Claim]:
    claims: dict[str, Claim] = {}
    for i, c in enumerate(doc.data["claims"]):
        path: list[str | int] = ["claims", i]
        if c["outcome"] not in rules.outcomes:
            out.at(doc, [*path, "outcome"], f"unknown outcome {c['outcome']} (see `gatekeeper rules list`)")
            continue
        if c["outcome"] in claims:
            out.at(doc, [*path, "outcome"], f"a second claim for {c['outcome']}: one claim per outcome")
            continue
        for j, ref in enumerate(c.get("evidence", ())):
            if ref not in register:
                out.at(doc, [*path, "evidence", j], f"evidence {ref} is not in register.yml")
        if c["assessed_by"] not in known_people:
            out.at(
                doc,
                [*path, "assessed_by"],
                f"{c['assessed_by']!r} is neither an assessor nor on the roster in manifest.yml",
            )
        claims[c["outcome"]] = Claim(
            outcome=c["outcome"],
            status=ClaimStatus(c["status"]),
            justification=c.get("justification"),
            assessed_by=c["assessed_by"],
            method=c["method"],
            date=_date(c["date"]),
            evidence=tuple(c.get("evidence", ())),
            note=c.get("note"),
            actions=tuple(Action(a["action"], a["owner"], _date(a["due"])) for a in c.get("actions", ())),
            self_assessed=c["assessed_by"] in roster_names,
            source=Source(doc.path, *doc.locate(path)),
        )
    return claims


def _check_fact_evidence(
    doc: Document, node: Any, path: list[str | int], register: Mapping[str, Any], out: ProblemCollector
) -> None:
    """Every `evidence` a fact cites must be in the register."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "evidence" and isinstance(value, str) and value not in register:
                out.at(doc, [*path, key], f"evidence {value} is not in register.yml")
            else:
                _check_fact_evidence(doc, value, [*path, key], register, out)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_fact_evidence(doc, value, [*path, i], register, out)


def _check_survey_ranges(doc: Document, out: ProblemCollector) -> None:
    """Each survey's score within its scale, and its responses within its population when that is given.

    JSON Schema cannot compare two fields, so the schema bounds each number alone and these
    comparisons run here; without them a score of 500 on a scale of 5 would meet any survey
    requirement (the engine compares score/scale).
    """
    for i, survey in enumerate(doc.data.get("surveys", ())):
        score, scale = survey["score"], survey["scale"]
        if score > scale:
            out.at(
                doc,
                ["surveys", i, "score"],
                f"score {score} is above the scale's maximum of {scale}: a mean score lies between 0 and the scale",
            )
        population = survey.get("population")
        if population is not None and survey["responses"] > population:
            out.at(
                doc,
                ["surveys", i, "responses"],
                f"{survey['responses']} responses from a population of {population}: no more people can respond than were asked",
            )


def _waivers(doc: Document | None, rules: RulePack, out: ProblemCollector) -> tuple[Waiver, ...]:
    if doc is None:
        return ()
    waivers = []
    for i, w in enumerate(doc.data["waivers"]):
        if w["outcome"] not in rules.outcomes:
            out.at(doc, ["waivers", i, "outcome"], f"unknown outcome {w['outcome']}")
            continue
        waivers.append(
            Waiver(
                outcome=w["outcome"],
                justification=w["justification"],
                approver_name=w["approver"]["name"],
                approver_role=w["approver"]["role"],
                granted=_date(w["granted"]),
                expires=_date(w["expires"]),
                source=Source(doc.path, *doc.locate(["waivers", i])),
            )
        )
    return tuple(waivers)


def _conditions(
    doc: Document | None, rules: RulePack, out: ProblemCollector
) -> tuple[str | None, tuple[Condition, ...]]:
    if doc is None:
        return None, ()
    conditions = []
    for i, c in enumerate(doc.data["conditions"]):
        if c["outcome"] not in rules.outcomes:
            out.at(doc, ["conditions", i, "outcome"], f"unknown outcome {c['outcome']}")
            continue
        conditions.append(
            Condition(
                outcome=c["outcome"],
                owner=c["owner"],
                due=_date(c["due"]),
                note=c.get("note"),
                source=Source(doc.path, *doc.locate(["conditions", i])),
            )
        )
    if doc.data["gate"] not in rules.policy.gates:  # gates are the policy's: no schema can list them
        out.at(
            doc, ["gate"], f"unknown gate {doc.data['gate']!r} (the policy's gates: {', '.join(rules.policy.gates)})"
        )
    return doc.data["gate"], tuple(conditions)


def _commercial(doc: Document | None, out: ProblemCollector) -> Any:
    if doc is None:
        return None
    from gatekeeper.commercial.model import from_data, semantic_problems

    found = semantic_problems(doc.data)
    for path, message in found:
        out.at(doc, list(path), message)
    return None if found else from_data(doc.data)
