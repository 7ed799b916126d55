"""The validated model: rule pack and evidence pack as frozen records, the only input the engine sees.

Most records compare by identity (`eq=False`): nothing compares two loaded records field by field
(a run loads each once), and leaving out the generated `__eq__` and `__hash__` takes a quarter off
what creating these classes costs every process at start-up (about 14 ms of CPU down to 11 on
Python 3.11, 3.12 and 3.13 alike). `Requirement` and `Gate` compare by value: what a profile
changed is found by comparing them before and after it is applied.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gatekeeper.result import ProfileChange, Status

PHASES: tuple[str, ...] = ("suitability", "deciding", "creating", "delivering", "sustaining")
PHASE_CODES: Mapping[str, str] = {
    "suitability": "SUI",
    "deciding": "DEC",
    "creating": "CRE",
    "delivering": "DEL",
    "sustaining": "SUS",
}
THEMES: tuple[str, ...] = ("behaviour", "integration", "leadership", "commercial")
THEME_CODES: Mapping[str, str] = {
    "behaviour": "BEH",
    "integration": "INT",
    "leadership": "LEA",
    "commercial": "COM",
    "favourable": "FAV",
    "unfavourable": "UNF",
    "definition": "DEF",
}
# The phases an alliance can be in (manifest.yml); the suitability pre-gate is asked for before the first.
ALLIANCE_PHASES: tuple[str, ...] = PHASES[1:]
# Gates are data: their names come from the policy (rules/policy.yml, tailored by a profile).
STATUSES: tuple[Status, ...] = tuple(Status)


@dataclass(frozen=True, eq=False)
class Source:
    """Where a record came from, for messages: file and 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0


# --- The rule pack ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """One condition an outcome's evidence must satisfy; `spec` is the rule file's mapping."""

    outcome: str
    index: int  # 1-based position within the outcome
    kind: str
    spec: Mapping[str, Any]

    @property
    def ref(self) -> str:
        return f"{self.outcome}#{self.index}"


@dataclass(frozen=True, eq=False)
class Outcome:
    """One outcome of the Code of Practice (or of a profile), with what evidence shows it."""

    id: str
    phase: str
    theme: str
    section: str
    subheading: str
    text: str
    sub_items: tuple[str, ...]
    critical: bool
    rationale: str | None
    allow_not_applicable: bool
    requirements: tuple[Requirement, ...]
    source: Source
    changes: tuple[str, ...] = ()  # what a profile changed, in words
    # The pack's note on the Code's words (a likely misprint), kept apart so the text stays verbatim.
    editorial_note: str | None = None

    @property
    def cell(self) -> str:
        return f"{PHASE_CODES[self.phase]}.{THEME_CODES[self.theme]}"

    @property
    def supplementary(self) -> bool:
        """An X id: a rule the pack (or a profile) adds beside the Code's outcomes, not one of them."""
        return self.id.rsplit(".", 1)[1].startswith("X")


@dataclass(frozen=True, eq=False)
class Cell:
    """One phase x theme cell of the grid: its section, introduction and boxed guidance notes."""

    phase: str
    theme: str
    section: str
    introduction: str | None
    guidance: tuple[str, ...]
    outcome_ids: tuple[str, ...]
    editorial_note: str | None = None
    # For a cell of an advisory gate: the words given for an outcome not in place, before its text.
    advice: str | None = None
    # Ids the cell no longer uses (never reused), each with where its text went.
    retired: tuple[tuple[str, str], ...] = ()

    @property
    def code(self) -> str:
        return f"{PHASE_CODES[self.phase]}.{THEME_CODES[self.theme]}"


@dataclass(frozen=True, eq=False)
class ChecklistItem:
    id: str
    text: str


@dataclass(frozen=True, eq=False)
class Checklist:
    name: str
    title: str
    source: str
    items: tuple[ChecklistItem, ...]
    editorial_note: str | None = None


@dataclass(frozen=True)
class Gate:
    """One gate of the policy: the phase it leaves and the phases whose outcomes it evaluates."""

    name: str
    title: str
    leaves: str
    evaluates: tuple[str, ...]
    # An advisory gate (the suitability pre-gate) sets no conditions: what is not met is advice.
    advisory: bool = False
    deciders: tuple[str, ...] = ()  # governance roles that may record its decision
    quorum: str = "any"  # "any": one decider's record decides; "all": every decider role must record it
    # A date fact the decision must come before (the creating gate: milestones.procurement_start.date),
    # what a decision on or after it does ("fail" | "note"), and the Code's words for why.
    decide_before: str | None = None
    late_decision: str = "note"
    late_decision_reason: str | None = None

    @property
    def asked_in(self) -> str:
        """The phase an alliance is in when it asks for this gate: the one it leaves, or, for a
        pre-gate that leaves no phase of an alliance (suitability), the first phase."""
        return self.leaves if self.leaves in ALLIANCE_PHASES else ALLIANCE_PHASES[0]


@dataclass(frozen=True, eq=False)
class Policy:
    """How a gate decides: floors, waivers, independence, conditions (policy.yml, tailored by a profile)."""

    gates: Mapping[str, Gate]
    floor_default: float
    floor_cells: Mapping[str, float]  # "phase.theme" -> fraction
    waiver_roles: tuple[str, ...]
    critical_waivable: bool
    self_assessment_meets_critical: bool
    condition_due_days: int
    overdue_conditions: str  # "fail" | "warn"
    independence: str = "critical"  # which outcomes need an independent assessor: "critical" | "all"

    def needs_independence(self, outcome: Outcome) -> bool:
        """Whether a self-assessment is unable to make this outcome met."""
        if self.self_assessment_meets_critical:
            return False
        return outcome.critical or self.independence == "all"

    def floor(self, phase: str, theme: str) -> float:
        return self.floor_cells.get(f"{phase}.{theme}", self.floor_default)

    def next_gate(self, phase: str) -> str | None:
        """The gate an alliance in `phase` asks for next: the first of the policy's gates that leaves it."""
        return next((name for name, gate in self.gates.items() if gate.leaves == phase), None)

    def widest_gate(self, phase: str | None = None) -> str | None:
        """The gate that evaluates the most phases (of those evaluating `phase`, when given); the first on ties."""
        gates = [g for g in self.gates.values() if phase is None or phase in g.evaluates]
        return max(gates, key=lambda g: len(g.evaluates)).name if gates else None


@dataclass(frozen=True, eq=False)
class RulePack:
    """The whole rule pack after loading, validation and profile tailoring."""

    name: str
    version: str
    digest: str  # sha256 over the pack's files (and the profile's)
    outcomes: Mapping[str, Outcome]  # in pack order
    cells: Mapping[str, Cell]
    checklists: Mapping[str, Checklist]
    policy: Policy
    profile_name: str | None = None
    profile_digest: str | None = None
    profile_changes: tuple[ProfileChange, ...] = ()  # what the profile changed against the pack

    def in_phases(self, phases: tuple[str, ...]) -> list[Outcome]:
        return [o for o in self.outcomes.values() if o.phase in phases]


# --- The evidence pack -----------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    """An organisation declared in manifest.yml: a party to the alliance (client or partner) or another (an assessors' firm)."""

    id: str
    name: str
    role: str | None  # "client" | "partner" for a party, None for another organisation
    description: str | None
    source: Source


@dataclass(frozen=True)
class RoleHeld:
    """A governance role (the policy's vocabulary: Sponsor, Client Board, ...) held from a date, until one or for good."""

    role: str
    start: dt.date
    until: dt.date | None

    def held_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.until is None or day <= self.until)


@dataclass(frozen=True)
class Person:
    """A person declared in manifest.yml, employed by a declared organisation (by id)."""

    id: str
    name: str
    organisation: str
    roles: tuple[RoleHeld, ...]
    source: Source


@dataclass(frozen=True)
class Body:
    """A governance body that approves collectively (a Client Board), with its members (person ids)."""

    id: str
    name: str
    role: str
    organisation: str | None
    members: tuple[str, ...]
    start: dt.date
    until: dt.date | None
    source: Source


@dataclass(frozen=True, eq=False)
class Approval:
    """An approval as written (name, role) and the declared person or body the name resolved to (`by`)."""

    name: str
    role: str
    date: dt.date
    by: str = ""


@dataclass(frozen=True, eq=False)
class EvidenceItem:
    """One register entry, with what was found when its document was opened."""

    id: str
    title: str
    kind: str
    path: str
    sha256: str
    date: dt.date
    owner: str
    approvals: tuple[Approval, ...]
    source: Source
    document_problem: str | None  # None when the document exists inside the pack with this sha256
    actual_sha256: str | None
    owner_id: str | None = None  # the declared person, body or organisation `owner` resolved to
    # The parties (organisation ids, in manifest order) the document covers: attended, named, addressed
    # or contracted. Empty when the register says nothing, which covers no party.
    parties: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Action:
    action: str
    owner: str
    due: dt.date
    owner_id: str | None = None


class ClaimStatus(enum.StrEnum):
    """What an assessor claimed for an outcome (claims.yml); the gate judges it into a Status."""

    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, eq=False)
class Claim:
    outcome: str
    status: ClaimStatus
    justification: str | None
    assessed_by: str
    method: str
    date: dt.date
    evidence: tuple[str, ...]
    note: str | None
    actions: tuple[Action, ...]
    self_assessed: bool  # the assessor is not independent (gatekeeper.people.independence)
    source: Source
    assessor: str = ""  # the declared person `assessed_by` resolved to
    locators: Mapping[str, str] = field(default_factory=dict)  # evidence id -> section, page or clause cited


@dataclass(frozen=True, eq=False)
class Waiver:
    outcome: str
    justification: str
    approver_name: str
    approver_role: str
    granted: dt.date
    expires: dt.date
    source: Source
    approver: str = ""  # the declared person or body the approver's name resolved to
    requested_by: str | None = None  # the declared person or body that asked for the waiver


@dataclass(frozen=True, eq=False)
class Condition:
    outcome: str
    owner: str
    due: dt.date
    note: str | None
    source: Source
    owner_id: str | None = None


@dataclass(frozen=True, eq=False)
class EvidencePack:
    """One alliance's evidence, validated: manifest, claims, register, facts, waivers, conditions."""

    root: str
    alliance_id: str
    alliance_name: str
    client: str
    partners: tuple[str, ...]
    phase: str
    roster: tuple[Person, ...]
    assessors: tuple[Person, ...]
    assessment_date: dt.date
    owner: str | None
    claims: Mapping[str, Claim]
    register: Mapping[str, EvidenceItem]
    facts: Mapping[str, Any]
    facts_source: Source
    waivers: tuple[Waiver, ...]
    conditions_gate: str | None
    conditions: tuple[Condition, ...]
    commercial: Any  # gatekeeper.commercial.model.CommercialModel | None
    files: Mapping[str, str] = field(default_factory=dict)  # relpath -> sha256 of every file read
    organisations: Mapping[str, Organisation] = field(default_factory=dict)  # id -> parties first, then others
    people: Mapping[str, Person] = field(default_factory=dict)
    bodies: Mapping[str, Body] = field(default_factory=dict)
    roster_ids: frozenset[str] = frozenset()
    owner_id: str | None = None
