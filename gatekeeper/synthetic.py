"""Synthetic evidence packs and portfolios of realistic size and mix, for benchmarks and property tests.

A pack is generated from the rule pack itself: for each outcome in scope it writes a claim and the
evidence its requirements ask for (dated where the milestones allow, approved by every party where
asked, interview records written by an independent interviewer), then, with probability
`1 - quality`, spoils it in one of the ways real packs go wrong (no claim, a claim not met, the wrong
kind of document, stale evidence, a self-assessment, a document changed after registration, a party's
approval missing, an interview record by the alliance's own people, a document dated out of its
window). The same seed gives the same pack.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gatekeeper.evaluation.kinds import evidence, fact
from gatekeeper.model import Outcome, RulePack

EVIDENCE_KINDS = (
    "agreement",
    "assessment_record",
    "business_case",
    "communication",
    "decision_record",
    "interview_record",
    "minutes",
    "model",
    "organisation_chart",
    "plan",
    "process",
    "register",
    "report",
    "role_description",
    "strategy",
    "survey_result",
    "terms_of_reference",
)
DEFECTS = ("no_claim", "claim_not_met", "wrong_kind", "stale", "self_assessed", "changed_document")
# Defects of the forms the Code's words need; drawn from the options' generator in place of a third
# of the defects above, so the same seed still spoils the same outcomes.
FORM_DEFECTS = ("party_missing", "own_interviewer", "out_of_window")
# Milestones, in days from the as-of date, by the phase the alliance is in: a Deciding alliance is
# about to procure; later ones passed every milestone in order.
MILESTONES: Mapping[str, Mapping[str, int]] = {
    "deciding": {"procurement_start": 30},
    # Leaving Creating: the transition into delivery is planned (a date ahead, with its plan as evidence).
    "creating": {
        "procurement_start": -400,
        "selection": -300,
        "award": -280,
        "agreement_signed": -250,
        "transition": 60,
    },
    "delivering": {
        "procurement_start": -1500,
        "selection": -1400,
        "award": -1380,
        "agreement_signed": -1350,
        "transition": -1300,
    },
    "sustaining": {
        "procurement_start": -2600,
        "selection": -2500,
        "award": -2480,
        "agreement_signed": -2450,
        "transition": -2400,
    },
}
PARTIES = (("client-co", "Client Co"), ("build-partner", "Build Partner Ltd"), ("design-partner", "Design Partner LLP"))
INTERVIEWER = "Casey Ncube"  # of Field Interviews Ltd: independent of the alliance and of the assessor's firm
PHASE_ORDER = ("deciding", "creating", "delivering", "sustaining")


@dataclass(frozen=True)
class SyntheticPack:
    """File name -> YAML data, and document path -> bytes, ready to write."""

    alliance_id: str
    files: Mapping[str, Any]
    documents: Mapping[str, bytes]
    defects: Mapping[str, str]  # outcome id -> the defect applied


def _doc(text: str) -> bytes:
    return (text + "\n").encode("utf-8")


class _Builder:
    def __init__(
        self,
        rules: RulePack,
        *,
        alliance_id: str,
        phase: str,
        as_of: dt.date,
        rng: random.Random,
        near_expiry: float = 0.0,
        extra_rng: random.Random | None = None,
        form_rng: random.Random | None = None,
    ) -> None:
        self.rules, self.alliance_id, self.phase, self.as_of, self.rng = rules, alliance_id, phase, as_of, rng
        # Options draw from their own generator, so a pack made without them is the same as before they existed.
        self.near_expiry, self.extra_rng = near_expiry, extra_rng or random.Random(0)
        # The forms' defects draw from a generator of their own: packs spoil as they did before them.
        self.form_rng = form_rng or random.Random(1)
        self.register: list[dict[str, Any]] = []
        self.documents: dict[str, bytes] = {}
        self.procurement = as_of + dt.timedelta(days=30) if phase == "deciding" else as_of - dt.timedelta(days=400)
        self.milestones = {name: as_of + dt.timedelta(days=d) for name, d in MILESTONES[phase].items()}
        if "procurement_start" in self.milestones:
            self.procurement = self.milestones["procurement_start"]

    def item(
        self,
        kind: str,
        *,
        days_old: int,
        approvals: tuple[str, ...] = (),
        changed: bool = False,
        party_approvals: tuple[tuple[str, str], ...] = (),
        owner: str = "Alex Morgan",
        parties: tuple[str, ...] = (),
    ) -> str:
        n = len(self.register) + 1
        ref = f"E{n:03d}"
        path = f"documents/{ref.lower()}-{kind.replace('_', '-')}.md"
        date = self.as_of - dt.timedelta(days=days_old)
        body = _doc(f"# {kind.replace('_', ' ').title()} {n}\n\n{self.alliance_id}: document {ref}, dated {date}.")
        self.documents[path] = body + (b"edited after registration\n" if changed else b"")
        self.register.append(
            {
                "id": ref,
                "title": f"{kind.replace('_', ' ').title()} {n}",
                "kind": kind,
                "path": path,
                "sha256": hashlib.sha256(body).hexdigest(),
                "date": date.isoformat(),
                "owner": owner,
                **({"parties": list(parties)} if parties else {}),
                **(
                    {
                        "approvals": [
                            *(
                                {"name": approver_name(role), "role": role, "date": date.isoformat()}
                                for role in approvals
                            ),
                            *(
                                {"name": approver_name(role, party), "role": role, "date": date.isoformat()}
                                for role, party in party_approvals
                            ),
                        ]
                    }
                    if approvals or party_approvals
                    else {}
                ),
            }
        )
        return ref


def _facts(b: _Builder, quality: float) -> dict[str, Any]:
    """Facts that satisfy every fact, checklist and survey requirement; some parts dropped when quality < 1."""

    def ref(kind: str) -> str:
        return b.item(kind, days_old=b.rng.randint(30, 120))

    def form_ref(kind: str) -> str:  # evidence of the newer facts, from their own generator
        return b.item(kind, days_old=b.form_rng.randint(30, 120))

    board = [
        {"name": "Sam Patel", "organisation": "Client Co", "role": "Client Director"},
        {"name": "Jo Reid", "organisation": "Build Partner Ltd", "role": "Partner Director"},
        {"name": "Lee Chan", "organisation": "Design Partner LLP", "role": "Partner Director"},
    ]
    facts: dict[str, Any] = {
        "schema_version": 1,
        "customer_outcomes": [
            {"id": "CO1", "text": "Reliable service for customers.", "evidence": ref("business_case")}
        ],
        "targets": {
            k: {"baseline": 100.0, "target": 85.0, "unit": "GBP million", "evidence": ref("business_case")}
            for k in ("whole_life_cost", "capital_cost", "operating_cost")
        },
        "baseline": {"process": {"description": "Baseline from three years of outturn.", "evidence": ref("process")}},
        "alliance": {
            "duration_years": 10,
            "exit_strategy": {"description": "Staged close-out.", "evidence": ref("strategy")},
        },
        "milestones": {
            name: {"date": day.isoformat(), "evidence": form_ref("decision_record")}
            for name, day in b.milestones.items()
        },
        "governance": {
            "board": {"members": board, "collective_responsibility": True},
            "management_team": {"members": list(board)},
            "delegations": {"description": "Delegation matrix.", "evidence": ref("decision_record")},
        },
        "risk": {"strategy": {"description": "Risk to the party best placed.", "evidence": ref("strategy")}},
        "checklists": {
            name: {
                item.id: {"where": f"Clause {i + 1}", "evidence": ref("agreement") if i == 0 else None}
                for i, item in enumerate(c.items)
            }
            for name, c in b.rules.checklists.items()
        },
        "surveys": [
            {
                "survey": s,
                "date": (b.as_of - dt.timedelta(days=40)).isoformat(),
                "score": 4.1,
                "scale": 5,
                "responses": 60,
                "by_party": [{"party": name, "responses": 20} for _, name in PARTIES],
                "evidence": ref("survey_result"),
            }
            for s in ("climate", "behaviour", "stakeholder", "commercial_model")
        ]
        + [  # the same surveys half a year earlier: surveys that recur
            {
                "survey": s,
                "date": (b.as_of - dt.timedelta(days=200)).isoformat(),
                "score": 3.9,
                "scale": 5,
                "responses": 55,
                "evidence": form_ref("survey_result"),
            }
            for s in ("climate", "behaviour", "stakeholder", "commercial_model")
        ],
        "suitability": {},
    }
    # The senior relationships' climate: the Alliance Board and leadership team answer alongside the
    # alliance's climate survey and cite its report (no draw, so the packs before it stay the same).
    facts["surveys"] += [
        {**s, "survey": "leadership_climate", "responses": 12}
        | ({"by_party": [{"party": name, "responses": 4} for _, name in PARTIES]} if "by_party" in s else {})
        for s in facts["surveys"]
        if s["survey"] == "climate"
    ]
    for entries in facts["checklists"].values():  # every entry cites the agreement
        first = next(iter(entries.values()))["evidence"]
        for entry in entries.values():
            entry["evidence"] = first
    for outcome in b.rules.outcomes.values():
        for req in outcome.requirements:
            if req.kind == fact.ID and req.spec["path"].startswith("suitability."):
                key = req.spec["path"].split(".")[1]
                facts["suitability"][key] = {"applies": bool(req.spec["expect"])}
    if b.rng.random() > quality:
        facts["governance"].pop("delegations")
    if b.rng.random() > quality:
        first = sorted(facts["checklists"]["agreement_key_principles"])[0]
        facts["checklists"]["agreement_key_principles"].pop(first)
    if b.rng.random() > quality:
        facts["surveys"][0]["score"] = 2.0
    # New ways to go wrong draw from the options' generator, so the older ones fall as before.
    if b.form_rng.random() > quality:
        facts["governance"]["management_team"]["members"].pop()  # one partner not represented
    if b.form_rng.random() > quality:
        facts["surveys"][1]["by_party"].pop()  # no responses recorded from one partner
    # The boxed notes' facts, at fixed ages: no draw from a generator, so the packs are otherwise as before.
    facts["procurement"] = {
        "selection_pricing": {
            "cost_to_employ": True,
            "description": "Bidders priced fee, overheads and rates, and the value they add.",
            "evidence": b.item("process", days_old=90),
        }
    }
    facts["integrated_team"] = {
        "individuals": 120,
        "partner_employed_percent": 70,
        "date": (b.as_of - dt.timedelta(days=60)).isoformat(),
        "evidence": b.item("report", days_old=60),
    }
    return facts


def _commercial(rng: random.Random, quality: float) -> dict[str, Any]:
    partners = [("civils", "Build Partner Ltd", 600000), ("design", "Design Partner LLP", 400000)]
    model: dict[str, Any] = {
        "schema_version": 1,
        "currency": "GBP",
        "baseline_cost": 10500000,
        "target_cost": 10000000,
        "simulation": {"from": -60, "to": 60, "step": 5},
        "cost_scope": ["partner", "client", "overhead", "supply_chain"],
        "parties": [{"id": "client", "name": "Client Co", "role": "client"}]
        + [
            {
                "id": pid,
                "name": name,
                "role": "partner",
                "fee": {"amount": fee, "treatment": "at_risk"},
                "painshare_cap": {"percent_of_fee": 100},
                "gainshare_cap": {"percent_of_fee": 100},
            }
            for pid, name, fee in partners
        ],
        "bands": [
            {"to": -20, "shares": {"client": 70, "civils": 18, "design": 12}},
            {"from": -20, "to": 0, "shares": {"client": 50, "civils": 30, "design": 20}},
            {"from": 0, "to": 20, "shares": {"client": 50, "civils": 30, "design": 20}},
            {"from": 20, "shares": {"client": 70, "civils": 18, "design": 12}},
        ],
    }
    if rng.random() > quality:
        del model["parties"][2]["painshare_cap"]  # a partner with an uncapped downside
    return model


def _milestone(b: _Builder, path: str) -> dt.date | None:
    """The date a `before` / `after` fact names in this pack (a milestone, or the procurement start)."""
    if path == "procurement.start_date":
        return b.procurement
    parts = path.split(".")
    return b.milestones.get(parts[1]) if len(parts) == 3 and parts[0] == "milestones" else None


def _days_old(b: _Builder, spec: Mapping[str, Any], defect: str | None) -> int:
    """An age for an item inside its window (its milestones and maximum age), or, with a defect, outside it."""
    max_age = spec.get("max_age_days", 365)
    days_old = max_age + 30 if defect == "stale" and "max_age_days" in spec else b.rng.randint(5, min(max_age, 150) - 1)
    before = _milestone(b, spec["before"]) if "before" in spec else None
    after = _milestone(b, spec["after"]) if "after" in spec else None
    if before is not None and after is not None:  # between the two milestones
        latest_old, earliest_old = (b.as_of - after).days, (b.as_of - before).days + 1
        days_old = max(earliest_old, min(days_old, latest_old))
    elif before is not None:  # dated before the milestone
        days_old = max(days_old, (b.as_of - before).days + 5)
    elif after is not None:  # on or after it, and within the window when one is given
        latest_old = (b.as_of - after).days
        earliest_old = latest_old - spec.get("within_days", latest_old)
        days_old = max(earliest_old, min(days_old, latest_old))
        if "within_days" in spec:
            days_old = max(earliest_old, latest_old - 5)
    elif defect is None and "max_age_days" in spec and b.near_expiry and b.extra_rng.random() < b.near_expiry:
        days_old = max_age - b.extra_rng.randint(1, 90)  # still fresh, but not for long
    if defect == "out_of_window":
        if before is not None and after is not None:
            days_old = (b.as_of - after).days + 1  # the day before the window opens
        elif before is not None:
            days_old = (b.as_of - before).days - 1  # the day after the milestone
        elif after is not None:
            days_old = (b.as_of - after).days + 1  # the day before it
    return max(days_old, 0)


def _satisfy(b: _Builder, outcome: Outcome, defect: str | None) -> list[str]:
    """Evidence items that meet (or, with a defect, fail) the outcome's evidence requirements."""
    refs: list[str] = []
    for req in outcome.requirements:
        if req.kind != evidence.ID:
            continue
        spec = req.spec
        kind = spec["of"][0]
        if defect == "wrong_kind":
            kind = next(k for k in EVIDENCE_KINDS if k not in spec["of"])
        days_old = _days_old(b, spec, defect)
        every: tuple[tuple[str, str], ...] = ()
        if "every_party" in spec:
            role = spec.get("approved_by", ("Party Signatory",))[0]
            wanted = PARTIES if spec["every_party"] == "all" else PARTIES[1:]
            every = tuple((role, pid) for pid, _ in wanted)
            if defect == "party_missing":
                every = every[:-1]
        covers: tuple[str, ...] = ()
        if "per_party" in spec:  # every item covers every party asked for; with the defect, one is left out
            wanted_ids = {"all": PARTIES, "partners": PARTIES[1:], "client": PARTIES[:1]}[spec["per_party"]]
            covers = tuple(pid for pid, _ in wanted_ids)
            if defect == "party_missing":
                covers = covers[:-1]
        owner = "Alex Morgan"
        if spec.get("independent_author"):
            owner = "Alex Morgan" if defect == "own_interviewer" else INTERVIEWER
        for _ in range(spec.get("min", 1)):
            refs.append(
                b.item(
                    kind,
                    days_old=days_old,
                    approvals=() if every else tuple(spec.get("approved_by", ())[:1]),
                    changed=defect == "changed_document",
                    party_approvals=every,
                    owner=owner,
                    parties=covers,
                )
            )
    return refs


def approver_name(role: str, party: str | None = None) -> str:
    """The declared person who approves evidence in `role` (for `party`, where every party approves) in a synthetic pack."""
    return f"Approver {role}" if party is None else f"Approver {role} of {party}"


def _slug(name: str) -> str:
    return "-".join(name.lower().split())


def _manifest(rules: RulePack, *, alliance_id: str, phase: str, as_of: dt.date) -> dict[str, Any]:
    """Parties, people (with the roles every approval needs, held for years), the roster and one assessor."""
    since = (as_of - dt.timedelta(days=20 * 365)).isoformat()
    roles = sorted(
        {role for o in rules.outcomes.values() for r in o.requirements for role in r.spec.get("approved_by", ())}
    )
    # Where every party approves: one signatory per party, in the first role the requirement accepts.
    signing = sorted(
        {
            (r.spec.get("approved_by", ("Party Signatory",))[0], pid)
            for o in rules.outcomes.values()
            for r in o.requirements
            if "every_party" in r.spec
            for pid, _ in PARTIES
        }
    )
    people = [
        ("Alex Morgan", "client-co", ["Alliance Manager"]),
        ("Dana Whitfield", "client-co", ["Sponsor"]),
        ("Sam Patel", "client-co", []),
        ("Jo Reid", "build-partner", ["Partner Director"]),
        ("Lee Chan", "design-partner", ["Partner Director"]),
        ("Riley Quinn", "independent-assurance", []),
        (INTERVIEWER, "field-interviews", []),
        *((approver_name(role), "client-co", [role]) for role in roles),
        *((approver_name(role, pid), pid, [role]) for role, pid in signing),
    ]
    return {
        "schema_version": 2,
        "alliance": {"id": alliance_id, "name": f"{alliance_id.replace('-', ' ').title()} Alliance", "phase": phase},
        "parties": [
            {"id": "client-co", "name": "Client Co", "role": "client"},
            {"id": "build-partner", "name": "Build Partner Ltd", "role": "partner", "description": "contractor"},
            {"id": "design-partner", "name": "Design Partner LLP", "role": "partner", "description": "designer"},
        ],
        "organisations": [
            {"id": "independent-assurance", "name": "Independent Assurance LLP"},
            {"id": "field-interviews", "name": "Field Interviews Ltd"},
        ],
        "people": [
            {
                "id": _slug(name),
                "name": name,
                "organisation": org,
                **({"roles": [{"role": role, "from": since} for role in held]} if held else {}),
            }
            for name, org, held in people
        ],
        "roster": ["alex-morgan", "jo-reid"],
        "owner": "alex-morgan",
        "assessment": {"date": as_of.isoformat(), "assessors": ["riley-quinn"]},
    }


def synthesize(
    rules: RulePack,
    *,
    alliance_id: str,
    phase: str,
    as_of: dt.date,
    seed: int,
    quality: float = 0.9,
    near_expiry: float = 0.0,
) -> SyntheticPack:
    """An evidence pack for `phase` covering every outcome its next gate evaluates.

    `near_expiry`: the share of fresh evidence items dated to expire within 90 days of `as_of`
    (default none, leaving the pack as it was without the option).
    """
    rng = random.Random(seed)
    extra_rng = random.Random(f"{seed}:extras")
    b = _Builder(
        rules,
        alliance_id=alliance_id,
        phase=phase,
        as_of=as_of,
        rng=rng,
        near_expiry=near_expiry,
        extra_rng=extra_rng,
        form_rng=random.Random(f"{seed}:forms"),
    )
    next_gate = rules.policy.next_gate(phase)
    if next_gate is None:
        raise ValueError(f"the policy has no gate that leaves {phase}")
    gate = rules.policy.gates[next_gate]
    phases = gate.evaluates + (
        ("suitability",) if phase == "deciding" else ()
    )  # a deciding pack answers the pre-gate too
    scope = rules.in_phases(phases)
    facts = _facts(b, quality)
    claims, defects = [], {}
    for outcome in scope:
        defect = rng.choice(DEFECTS) if rng.random() > quality else None
        if defect and b.form_rng.random() < 1 / 3:
            defect = b.form_rng.choice(FORM_DEFECTS)
        if defect:
            defects[outcome.id] = defect
        if defect == "no_claim":
            continue
        refs = _satisfy(b, outcome, defect)
        claim: dict[str, Any] = {
            "outcome": outcome.id,
            "status": "not_met" if defect == "claim_not_met" else "met",
            "assessed_by": "Alex Morgan" if defect == "self_assessed" else "Riley Quinn",
            "method": "interview",
            "date": (as_of - dt.timedelta(days=3)).isoformat(),
        }
        if refs:
            claim["evidence"] = refs
        if defect == "claim_not_met":
            claim["actions"] = [
                {"action": "Close the gap.", "owner": "Alex Morgan", "due": (as_of + dt.timedelta(days=60)).isoformat()}
            ]
        claims.append(claim)
    waivers, conditions = [], []
    for outcome_id in sorted(defects):  # some gaps are waived, some were conditions of the last gate
        roll = rng.random()
        if roll < 0.25:
            waivers.append(
                {
                    "outcome": outcome_id,
                    "justification": "Agreed to follow once the depot lease is signed.",
                    "approver": {
                        "name": "Dana Whitfield",
                        "role": rng.choice(("Sponsor", "Client Board", "Alliance Manager")),
                    },
                    "granted": (as_of - dt.timedelta(days=rng.randint(10, 200))).isoformat(),
                    "expires": (as_of + dt.timedelta(days=rng.randint(-60, 180))).isoformat(),
                }
            )
        elif roll < 0.45:
            conditions.append(
                {
                    "outcome": outcome_id,
                    "owner": "Alex Morgan",
                    "due": (as_of + dt.timedelta(days=rng.randint(-90, 90))).isoformat(),
                }
            )
    manifest = _manifest(rules, alliance_id=alliance_id, phase=phase, as_of=as_of)
    files = {
        "manifest.yml": manifest,
        "claims.yml": {"schema_version": 1, "claims": claims},
        "register.yml": {"schema_version": 1, "evidence": b.register},
        "facts.yml": facts,
        "commercial.yml": _commercial(rng, quality),
    }
    if waivers:
        files["waivers.yml"] = {"schema_version": 1, "waivers": waivers}
    if conditions:
        files["conditions.yml"] = {
            "schema_version": 1,
            "gate": "creating",
            "decided": (as_of - dt.timedelta(days=200)).isoformat(),
            "conditions": conditions,
        }
    return SyntheticPack(alliance_id=alliance_id, files=files, documents=dict(b.documents), defects=defects)


class _PlainDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Evidence packs refuse anchors and aliases: write shared values out in full.

    libyaml's emitter writes the same bytes as PyYAML's own (tests/test_synthetic_writer.py) in
    a fifth of the time: writing packs was most of what the engine tests and the benchmark's
    portfolio generation spent.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_pack(pack: SyntheticPack, root: Path) -> Path:
    """Write a synthetic pack into folder `root` (created)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "documents").mkdir(exist_ok=True)
    for name, data in pack.files.items():
        (root / name).write_text(
            yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    for rel, body in pack.documents.items():
        (root / rel).write_bytes(body)
    return root


def portfolio(rules: RulePack, root: Path, *, count: int, as_of: dt.date, seed: int = 0) -> list[Path]:
    """Write `count` synthetic alliances under `root`, in a realistic mix of phases and quality.

    Like real portfolios, some alliances have evidence about to expire.
    """
    rng = random.Random(seed)
    extra_rng = random.Random(f"{seed}:portfolio-extras")
    paths = []
    for i in range(count):
        phase = PHASE_ORDER[i % 3]  # deciding, creating, delivering: gates of growing scope
        quality = rng.choice((1.0, 0.97, 0.9, 0.8))
        pack = synthesize(
            rules,
            alliance_id=f"alliance-{i:05d}",
            phase=phase,
            as_of=as_of,
            seed=seed * 100_003 + i,
            quality=quality,
            near_expiry=extra_rng.choice((0.0, 0.05, 0.15)),
        )
        paths.append(write_pack(pack, root / pack.alliance_id))
    return paths
