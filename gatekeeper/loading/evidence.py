"""Load an evidence pack folder: strict YAML, schema validation, cross-file checks, documents hashed."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gatekeeper.loading.paths import DocumentCheck, DocumentHasher, HashBudgetExceeded, check_reference, read_document
from gatekeeper.loading.schema import ProblemCollector, Shape, nearest, schema_check
from gatekeeper.loading.yamlstrict import MAX_BYTES, Document, load_yaml_bytes
from gatekeeper.model import (
    Action,
    Approval,
    Body,
    Claim,
    ClaimStatus,
    Condition,
    EvidenceItem,
    EvidencePack,
    Organisation,
    Person,
    RoleHeld,
    RulePack,
    Source,
    Waiver,
)
from gatekeeper.people import Directory, NameRefused, independence, normalise
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


@dataclass(frozen=True)
class _Read:
    """A pack file parsed, and where it broke its schema: the cross-file checks use its sound parts."""

    doc: Document
    shape: Shape

    def sound(self, path: list[str | int]) -> bool:
        return self.shape.sound(path)

    def at(self, path: list[str | int]) -> Any:
        """The value at `path`, or None where the document has no such place."""
        node: Any = self.doc.data
        for part in path:
            if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
            elif isinstance(part, str) and isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return None
        return node

    def items(self, path: list[str | int]) -> list[tuple[int, Any]]:
        """(index, item) for each sound item of the list at `path`: a malformed item is skipped, not guessed at."""
        listed = self.at(path)
        if not isinstance(listed, list):
            return []
        return [(i, item) for i, item in enumerate(listed) if isinstance(item, dict) and self.sound([*path, i])]

    def texts(self, path: list[str | int]) -> list[tuple[int, str]]:
        """(index, text) for each sound string of the list at `path`."""
        listed = self.at(path)
        if not isinstance(listed, list):
            return []
        return [(i, text) for i, text in enumerate(listed) if isinstance(text, str) and self.sound([*path, i])]

    def malformed(self, path: list[str | int]) -> list[Any]:
        """The items of the list at `path` that `items` skips."""
        listed = self.at(path)
        if not isinstance(listed, list):
            return []
        return [item for i, item in enumerate(listed) if not (isinstance(item, dict) and self.sound([*path, i]))]


def _read_files(root: Path, display: str, files: dict[str, str], out: ProblemCollector) -> dict[str, _Read]:
    """Each pack file read once, through the pack's safe opener: the same bytes are hashed and parsed.

    A file that breaks its schema is kept with its Shape, so the cross-file checks still run on
    its sound parts and one run reports every problem.
    """
    docs: dict[str, _Read] = {}
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
        found, shape = schema_check(doc, "evidence_schema", schema)
        out.problems.extend(found)
        docs[name] = _Read(doc, shape)
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
    # Every cross-file check runs on the sound parts of the files that could be read, so schema and
    # cross-reference problems come in one run; what a missing or malformed part would have
    # declared is not reported again as unknown.
    manifest = docs.get("manifest.yml")
    names = _declare(manifest, out) if manifest else _Names.unknown(out)
    register_read = docs.get("register.yml")
    register: dict[str, EvidenceItem] = {}
    document_problems: list[Problem] = []
    known: frozenset[str] | None = None  # evidence ids a citation may name; None: the register is unknown
    if register_read is not None:
        register, document_problems, known = _register(root, register_read, files, names, out)
    claims = _claims(docs["claims.yml"], rules, known, names, out) if "claims.yml" in docs else {}
    facts_read = docs.get("facts.yml")
    facts: Mapping[str, Any] = {"schema_version": 1}
    if facts_read:
        _check_fact_evidence(facts_read, facts_read.doc.data, [], known, out)
        _check_survey_ranges(facts_read, out)
        _check_survey_parties(facts_read, names, out)
        _check_milestone_order(facts_read, out)
        facts = _procurement_milestone(facts_read, _resolve_members(facts_read, names, out), out)
    waivers = _waivers(docs.get("waivers.yml"), rules, names, out)
    conditions_gate, conditions = _conditions(docs.get("conditions.yml"), rules, names, out)
    commercial = _commercial(docs.get("commercial.yml"), out)
    if out.problems or manifest is None:
        raise InputError(sorted(set(out.problems)))
    m = manifest.doc.data
    client = next(o for o in names.organisations.values() if o.role == "client")
    owner = names.people.get(names.owner) if names.owner else None
    pack = EvidencePack(
        root=shown,
        alliance_id=m["alliance"]["id"],
        alliance_name=m["alliance"]["name"],
        client=client.name,
        partners=tuple(o.name for o in names.organisations.values() if o.role == "partner"),
        phase=m["alliance"]["phase"],
        roster=tuple(names.people[i] for i in names.roster),
        assessors=tuple(names.people[i] for i in names.assessors),
        assessment_date=_date(m["assessment"]["date"]),
        owner=_owner_words(owner, _date(m["assessment"]["date"])) if owner else None,
        claims=claims,
        register=register,
        facts=facts,
        facts_source=Source(facts_read.doc.path if facts_read else f"{shown}/facts.yml", 1, 1),
        waivers=waivers,
        conditions_gate=conditions_gate,
        conditions=conditions,
        commercial=commercial,
        files=dict(sorted(files.items())),
        organisations=names.organisations,
        people=names.people,
        bodies=names.bodies,
        roster_ids=frozenset(names.roster),
        owner_id=names.owner,
    )
    # Independence is a property of the whole pack (roster, employers, authors and approvers of the
    # evidence cited): judged once here, for every claim.
    judged = {
        outcome: replace(claim, self_assessed=not independence(pack, claim).independent)
        for outcome, claim in claims.items()
    }
    return LoadedPack(pack=replace(pack, claims=judged), document_problems=tuple(sorted(document_problems)))


def _owner_words(owner: Person, day: dt.date) -> str:
    """The default owner as conditions name them: "Name (roles held on the assessment date)"."""
    roles = sorted(r.role for r in owner.roles if r.held_on(day))
    return f"{owner.name} ({', '.join(roles)})" if roles else owner.name


@dataclass
class _Names:
    """The manifest's declarations while a pack loads, and the resolver every reference goes through."""

    directory: Directory
    organisations: dict[str, Organisation]
    people: dict[str, Person]
    bodies: dict[str, Body]
    roster: list[str]
    assessors: list[str]
    owner: str | None
    out: ProblemCollector
    # Kinds whose declarations could not all be read (a malformed section, no manifest), and the
    # names and ids of malformed declarations: a reference they may have declared is not reported.
    unsure_kinds: set[str] = field(default_factory=set)
    unsure_texts: set[str] = field(default_factory=set)

    @classmethod
    def unknown(cls, out: ProblemCollector) -> _Names:
        """Names when the manifest cannot be read: nothing resolves, and nothing is reported for it."""
        return cls(Directory(), {}, {}, {}, [], [], None, out, {"person", "body", "organisation"})

    def doubt(self, kind: str, item: Any) -> None:
        """A declaration of `kind` that is malformed: its id and name, where they are text, are doubtful."""
        if not isinstance(item, dict):
            self.unsure_kinds.add(kind)
            return
        for key in ("id", "name"):
            text = item.get(key)
            if isinstance(text, str):
                self.unsure_texts.add(_folded(text))
            else:
                self.unsure_kinds.add(kind)

    def resolve(
        self,
        doc: Document,
        path: list[str | int],
        text: str,
        kinds: tuple[str, ...] = ("person", "body", "organisation"),
    ) -> str | None:
        """The declared id `text` names, or None with a located problem (none when a malformed declaration
        may be what it names)."""
        try:
            return self.directory.lookup(text, kinds).split(":", 1)[1]
        except NameRefused as refused:
            if not self.unsure_kinds.intersection(kinds) and _folded(text) not in self.unsure_texts:
                self.out.at(doc, path, f"{text!r} {refused}")
            return None

    def party(self, doc: Document, path: list[str | int], text: str) -> str | None:
        """The party (the client or a partner declared in manifest.yml) `text` names, or None with a located
        problem: a document covers parties, not advisers, and a misspelt party gets the nearest declared name."""
        try:
            found = self.directory.lookup(text, ("organisation",)).split(":", 1)[1]
        except NameRefused as refused:
            if "organisation" in self.unsure_kinds or _folded(text) in self.unsure_texts:
                return None
            names = [o.name for o in self.organisations.values() if o.role in ("client", "partner")]
            ids = [o.id for o in self.organisations.values() if o.role in ("client", "partner")]
            near = difflib.get_close_matches(text, [*names, *ids], n=1, cutoff=0.6)
            hint = f" (did you mean {near[0]!r}?)" if near and "is not declared" in str(refused) else ""
            self.out.at(doc, path, f"{text!r} {refused}{hint}")
            return None
        org = self.organisations.get(found)
        if org is None or org.role not in ("client", "partner"):
            name = org.name if org is not None else found
            self.out.at(doc, path, f"{text!r} is {name}, not a party to the alliance (the client or a partner)")
            return None
        return found


def _folded(text: str) -> str:
    try:
        return normalise(text)
    except (NameRefused, ValueError):
        return text


def _source(doc: Document, path: list[str | int]) -> Source:
    return Source(doc.path, *doc.locate(path))


def _until(doc: Document, path: list[str | int], spec: Mapping[str, Any], out: ProblemCollector) -> dt.date | None:
    if "until" not in spec:
        return None
    until = _date(spec["until"])
    if until < _date(spec["from"]):
        out.at(doc, [*path, "until"], f"until {until} is before from {spec['from']}")
    return until


def _declare(read: _Read, out: ProblemCollector) -> _Names:
    """Parties, organisations, people and bodies declared once, every name checked against every other.

    A malformed declaration is skipped; its id and name stay doubtful, so a reference to it is not
    reported as undeclared on top of its schema error.
    """
    doc = read.doc
    directory = Directory()
    names = _Names(directory, {}, {}, {}, [], [], None, out)

    def declare(kind: str, section: str, i: int, item: Mapping[str, Any]) -> bool:
        path: list[str | int] = [section, i]
        refused = directory.declare(
            f"{kind}:{item['id']}",
            ((item["id"], _source(doc, [*path, "id"])), (item["name"], _source(doc, [*path, "name"]))),
        )
        for source, message in refused:
            out.problems.append(Problem(source.file, source.line, source.col, message))
        return not refused

    sections = (("organisation", "parties"), ("organisation", "organisations"), ("person", "people"))
    for kind, section in (*sections, ("body", "bodies")):
        if read.at([section]) is not None and not isinstance(read.at([section]), list):
            names.unsure_kinds.add(kind)
        for item in read.malformed([section]):
            names.doubt(kind, item)
    for _, section in sections[:2]:
        for i, o in read.items([section]):
            if declare("organisation", section, i, o):
                names.organisations[o["id"]] = Organisation(
                    o["id"], o["name"], o.get("role"), o.get("description"), _source(doc, [section, i])
                )
    if read.sound(["parties"]) and isinstance(read.at(["parties"]), list):  # counted only when every party is sound
        parties = read.at(["parties"])
        clients = [o for o in parties if o["role"] == "client"]
        if len(clients) != 1:
            out.at(doc, ["parties"], f"{len(clients)} parties are the client: an alliance has exactly one client")
        if not any(o["role"] == "partner" for o in parties):
            out.at(
                doc, ["parties"], "no party is a partner: an alliance has at least one partner (or proposed partner)"
            )
    declared_people = [(i, p) for i, p in read.items(["people"]) if declare("person", "people", i, p)]
    declared_bodies = [(i, b) for i, b in read.items(["bodies"]) if declare("body", "bodies", i, b)]
    for i, p in declared_people:
        org = names.resolve(doc, ["people", i, "organisation"], p["organisation"], ("organisation",))
        roles = tuple(
            RoleHeld(r["role"], _date(r["from"]), _until(doc, ["people", i, "roles", j], r, out))
            for j, r in enumerate(p.get("roles", ()))
        )
        names.people[p["id"]] = Person(p["id"], p["name"], org or "", roles, _source(doc, ["people", i]))
    for i, b in declared_bodies:
        org = None
        if "organisation" in b:
            org = names.resolve(doc, ["bodies", i, "organisation"], b["organisation"], ("organisation",))
        members = tuple(
            ref
            for j, text in enumerate(b["members"])
            if (ref := names.resolve(doc, ["bodies", i, "members", j], text, ("person",))) is not None
        )
        path: list[str | int] = ["bodies", i]
        names.bodies[b["id"]] = Body(
            b["id"], b["name"], b["role"], org, members, _date(b["from"]), _until(doc, path, b, out), _source(doc, path)
        )
    for section, into in (("roster", names.roster), ("assessors", names.assessors)):
        where: list[str | int] = ["roster"] if section == "roster" else ["assessment", "assessors"]
        for j, text in read.texts(where):
            ref = names.resolve(doc, [*where, j], text, ("person",))
            if ref is None:
                continue
            if ref in into:
                out.at(doc, [*where, j], f"{text!r} is listed twice (as {ref})")
                continue
            into.append(ref)
    owner = read.at(["owner"])
    if isinstance(owner, str) and read.sound(["owner"]):
        names.owner = names.resolve(doc, ["owner"], owner, ("person",))
    return names


def _resolve_members(read: _Read, names: _Names, out: ProblemCollector) -> Mapping[str, Any]:
    """Board and team members resolved to declared people; each member's organisation must be the person's
    own, and is rewritten to its declared name, so one organisation spelled four ways counts once."""
    doc = read.doc
    facts = doc.data
    governance = facts.get("governance") if isinstance(facts, dict) else None
    if not isinstance(governance, dict):
        return facts
    rewritten = dict(governance)
    for group, value in governance.items():
        if not isinstance(value, dict) or not isinstance(value.get("members"), list):
            continue
        members = []
        for i, member in enumerate(value["members"]):
            path: list[str | int] = ["governance", group, "members", i]
            if not (isinstance(member, dict) and read.sound(path)):
                members.append(member)
                continue
            person_id = names.resolve(doc, [*path, "name"], member["name"], ("person",))
            org_id = names.resolve(doc, [*path, "organisation"], member["organisation"], ("organisation",))
            person = names.people.get(person_id or "")
            if person is not None and org_id is not None and person.organisation and org_id != person.organisation:
                declared = names.organisations[person.organisation].name
                out.at(doc, [*path, "organisation"], f"{person.name} works for {declared}, as declared in manifest.yml")
            org = names.organisations.get(org_id or "")
            members.append(
                {
                    **member,
                    "name": person.name if person else member["name"],
                    "organisation": org.name if org else member["organisation"],
                }
            )
        rewritten[group] = {**value, "members": members}
    return {**facts, "governance": rewritten}


# What an item gets once the pack's hashing budget is spent (the load then fails with a located problem).
_NOT_HASHED = DocumentCheck("", True, None, None, "not hashed: the pack's hashing budget is spent")


def _register(
    root: Path, read: _Read, files: dict[str, str], names: _Names, out: ProblemCollector
) -> tuple[dict[str, EvidenceItem], list[Problem], frozenset[str] | None]:
    """The register's sound items, the problems of their documents, and the ids a citation may name.

    A malformed item is neither hashed nor registered, but its id (when it is text) may still be
    cited without a second report; when the evidence list itself is malformed, no citation is judged.
    """
    doc = read.doc
    register: dict[str, EvidenceItem] = {}
    listed = read.at(["evidence"])
    known: frozenset[str] | None = None
    if isinstance(listed, list) and all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in listed):
        known = frozenset(item["id"] for item in listed)
    document_problems: list[Problem] = []
    hasher = DocumentHasher(root)
    over_budget = False
    first_with: dict[str, str] = {}  # content sha256 -> the first item registered with it
    for i, item in read.items(["evidence"]):
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
        elif problem is None and inspected.blank:
            problem = "document is empty: it shows nothing (nothing but whitespace)"
        elif problem is None and inspected.sha256 in first_with:
            # N items need N documents: a second registration of the same content adds no evidence.
            problem = f"same content as {first_with[inspected.sha256]}: one document counts once"
        if problem is None and inspected.sha256 is not None:
            first_with[inspected.sha256] = item["id"]
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
            approvals=tuple(
                Approval(a["name"], a["role"], _date(a["date"]), by)
                for j, a in enumerate(item.get("approvals", ()))
                if (by := names.resolve(doc, [*path, "approvals", j, "name"], a["name"], ("person", "body")))
            ),
            source=Source(doc.path, *doc.locate(path)),
            document_problem=problem,
            actual_sha256=inspected.sha256,
            owner_id=names.resolve(doc, [*path, "owner"], item["owner"]),
            parties=_covered(names, doc, path, item.get("parties", ())),
        )
    return register, document_problems, known


def _covered(names: _Names, doc: Document, path: list[str | int], listed: Any) -> tuple[str, ...]:
    """The parties an item covers (ids, in manifest order, once each), each name resolved or reported."""
    found = {
        party for j, text in enumerate(listed) if (party := names.party(doc, [*path, "parties", j], text)) is not None
    }
    return tuple(org for org in names.organisations if org in found)


def _claims(
    read: _Read,
    rules: RulePack,
    register: frozenset[str] | None,
    names: _Names,
    out: ProblemCollector,
) -> dict[str, Claim]:
    """The sound claims; a citation is judged only when the register's ids are known (`register` not None)."""
    doc = read.doc
    claims: dict[str, Claim] = {}
    for i, c in read.items(["claims"]):
        path: list[str | int] = ["claims", i]
        if c["outcome"] not in rules.outcomes:
            out.at(doc, [*path, "outcome"], f"unknown outcome {c['outcome']} (see `gatekeeper rules list`)")
            continue
        if c["outcome"] in claims:
            out.at(doc, [*path, "outcome"], f"a second claim for {c['outcome']}: one claim per outcome")
            continue
        cited: list[str] = []
        locators: dict[str, str] = {}
        for j, entry in enumerate(c.get("evidence", ())):
            ref = entry if isinstance(entry, str) else entry["id"]
            if register is not None and ref not in register:
                out.at(doc, [*path, "evidence", j], f"evidence {ref} is not in register.yml")
            if ref in cited:
                out.at(doc, [*path, "evidence", j], f"evidence {ref} is cited twice")
                continue
            cited.append(ref)
            if not isinstance(entry, str):
                locators[ref] = entry["locator"]
        assessor = names.resolve(doc, [*path, "assessed_by"], c["assessed_by"], ("person",))
        person = names.people.get(assessor or "")
        actions = []
        for j, a in enumerate(c.get("actions", ())):
            owner_id = names.resolve(doc, [*path, "actions", j, "owner"], a["owner"])
            actions.append(Action(a["action"], a["owner"], _date(a["due"]), owner_id))
        claims[c["outcome"]] = Claim(
            outcome=c["outcome"],
            status=ClaimStatus(c["status"]),
            justification=c.get("justification"),
            assessed_by=person.name if person else c["assessed_by"],
            method=c["method"],
            date=_date(c["date"]),
            evidence=tuple(cited),
            note=c.get("note"),
            actions=tuple(actions),
            self_assessed=False,  # judged once the whole pack is loaded
            source=Source(doc.path, *doc.locate(path)),
            assessor=assessor or "",
            locators=locators,
        )
    return claims


def _check_fact_evidence(
    read: _Read, node: Any, path: list[str | int], register: frozenset[str] | None, out: ProblemCollector
) -> None:
    """Every `evidence` a fact cites must be in the register (a malformed citation is the schema's to report)."""
    if register is None:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "evidence" and isinstance(value, str):
                if value not in register and read.sound([*path, key]):
                    out.at(read.doc, [*path, key], f"evidence {value} is not in register.yml")
            else:
                _check_fact_evidence(read, value, [*path, key], register, out)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_fact_evidence(read, value, [*path, i], register, out)


def _check_survey_ranges(read: _Read, out: ProblemCollector) -> None:
    """Each survey's score within its scale, and its responses within its population when that is given.

    JSON Schema cannot compare two fields, so the schema bounds each number alone and these
    comparisons run here; without them a score of 500 on a scale of 5 would meet any survey
    requirement (the engine compares score/scale).
    """
    doc = read.doc
    for i, survey in read.items(["surveys"]):
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


def _check_survey_parties(read: _Read, names: _Names, out: ProblemCollector) -> None:
    """Each survey's `by_party` names a party declared in manifest.yml: the client or a partner.

    `min_each_party` counts responses per declared party, so a mistyped party's responses would
    count for no one and "every party" would fail with no word of why; another organisation (the
    assessors' firm) is no party whose view the Code asks for.
    """
    doc = read.doc
    parties = {i: o for i, o in names.organisations.items() if o.role is not None}
    choices = sorted({*parties, *(o.name for o in parties.values())})
    for i, survey in read.items(["surveys"]):
        rows = list(read.items(["surveys", i, "by_party"]))
        seen: dict[str, int] = {}
        for j, row in rows:
            path: list[str | int] = ["surveys", i, "by_party", j, "party"]
            text = row["party"]
            try:
                org = names.directory.lookup(text, ("organisation",)).split(":", 1)[1]
            except NameRefused as refused:
                if "organisation" not in names.unsure_kinds and _folded(text) not in names.unsure_texts:
                    hint = "" if str(refused).startswith("looks like") else nearest(text, choices)
                    out.at(doc, path, f"{text!r} {refused}{hint}")
                continue
            if org not in parties:
                out.at(
                    doc,
                    path,
                    f"{text!r} is not a party to the alliance: `by_party` counts the responses of the client and"
                    " each partner declared under `parties` in manifest.yml",
                )
            elif org in seen:
                out.at(
                    doc,
                    path,
                    f"{text!r} is the party of by_party row {seen[org] + 1} too: give each party's responses once",
                )
            else:
                seen[org] = j
        total = sum(row["responses"] for _, row in rows)
        if rows and total > survey["responses"]:
            out.at(
                doc,
                ["surveys", i, "by_party"],
                f"the responses by party add up to {total}, more than the survey's {survey['responses']} responses",
            )


# The alliance's milestones in the order they happen (facts.yml `milestones`).
MILESTONES: tuple[str, ...] = ("procurement_start", "selection", "award", "agreement_signed", "transition")


def _milestone_date(read: _Read, name: str) -> dt.date | None:
    """The date of a milestone as written, when it is sound (a malformed one is the schema's to report)."""
    path: list[str | int] = ["milestones", name, "date"]
    value = read.at(path)
    return _date(value) if isinstance(value, str) and read.sound(path) else None


def _check_milestone_order(read: _Read, out: ProblemCollector) -> None:
    """Each milestone on or after the one before it: partners are selected after procurement starts, the
    agreement is signed before delivery starts. A date out of order would let evidence meet a window that
    cannot exist (CRE.COM.13's agreement, "on or after agreement_signed, which is before transition")."""
    previous: tuple[str, dt.date] | None = None
    for name in MILESTONES:
        day = _milestone_date(read, name)
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            out.at(
                read.doc,
                ["milestones", name, "date"],
                f"milestone {name} on {day} is before {previous[0]} on {previous[1]}: milestones come in the "
                f"order {', '.join(MILESTONES)}",
            )
        previous = (name, day)


def _procurement_milestone(read: _Read, facts: Mapping[str, Any], out: ProblemCollector) -> Mapping[str, Any]:
    """`procurement.start_date`, the older spelling, read as the milestone `procurement_start` the rules name.

    A pack that gives only the older spelling gets the milestone (without evidence) from it; a pack that
    gives both must give one date, or which one the rules should use is a guess.
    """
    path: list[str | int] = ["procurement", "start_date"]
    old = read.at(path)
    if not (isinstance(old, str) and read.sound(path)):
        return facts
    new = _milestone_date(read, "procurement_start")
    if new is not None:
        if _date(old) != new:
            out.at(
                read.doc,
                path,
                f"procurement.start_date {old} differs from milestones.procurement_start.date {new}: they are the "
                "same milestone; give it once, as milestones.procurement_start",
            )
        return facts
    milestones = facts.get("milestones")
    if read.at(["milestones", "procurement_start"]) is not None or not (
        milestones is None or isinstance(milestones, dict)
    ):
        return facts  # a malformed milestone is the schema's to report
    return {**facts, "milestones": {**(milestones or {}), "procurement_start": {"date": old}}}


def _waivers(read: _Read | None, rules: RulePack, names: _Names, out: ProblemCollector) -> tuple[Waiver, ...]:
    if read is None:
        return ()
    doc = read.doc
    waivers = []
    for i, w in read.items(["waivers"]):
        if w["outcome"] not in rules.outcomes:
            out.at(doc, ["waivers", i, "outcome"], f"unknown outcome {w['outcome']}")
            continue
        path: list[str | int] = ["waivers", i]
        approver = names.resolve(doc, [*path, "approver", "name"], w["approver"]["name"], ("person", "body"))
        requested = None
        if "requested_by" in w:
            requested = names.resolve(doc, [*path, "requested_by"], w["requested_by"], ("person", "body"))
        waivers.append(
            Waiver(
                outcome=w["outcome"],
                justification=w["justification"],
                approver_name=w["approver"]["name"],
                approver_role=w["approver"]["role"],
                granted=_date(w["granted"]),
                expires=_date(w["expires"]),
                source=Source(doc.path, *doc.locate(["waivers", i])),
                approver=approver or "",
                requested_by=requested,
            )
        )
    return tuple(waivers)


def _conditions(
    read: _Read | None, rules: RulePack, names: _Names, out: ProblemCollector
) -> tuple[str | None, tuple[Condition, ...]]:
    if read is None:
        return None, ()
    doc = read.doc
    conditions = []
    for i, c in read.items(["conditions"]):
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
                owner_id=names.resolve(doc, ["conditions", i, "owner"], c["owner"]),
            )
        )
    gate = read.at(["gate"])
    if not isinstance(gate, str) or not read.sound(["gate"]):
        return None, tuple(conditions)
    if gate not in rules.policy.gates:  # gates are the policy's: no schema can list them
        out.at(doc, ["gate"], f"unknown gate {gate!r} (the policy's gates: {', '.join(rules.policy.gates)})")
    return gate, tuple(conditions)


def _commercial(read: _Read | None, out: ProblemCollector) -> Any:
    """The commercial arrangement; its own checks compare fields across the whole file, so they run only
    on a file that meets its schema."""
    if read is None or not read.shape.valid:
        return None
    doc = read.doc
    from gatekeeper.commercial.model import from_data, semantic_problems

    found = semantic_problems(doc.data)
    for path, message in found:
        out.at(doc, list(path), message)
    return None if found else from_data(doc.data)
