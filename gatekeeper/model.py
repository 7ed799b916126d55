"""The validated model: rule pack and evidence pack as frozen records, the only input the engine sees."""

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
}
# The phases an alliance can be in (manifest.yml); the suitability pre-gate is asked for before the first.
ALLIANCE_PHASES: tuple[str, ...] = PHASES[1:]
# Gates are data: their names come from the policy (rules/policy.yml, tailored by a profile).
STATUSES: tuple[Status, ...] = tuple(Status)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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

    @property
    def cell(self) -> str:
        return f"{PHASE_CODES[self.phase]}.{THEME_CODES[self.theme]}"


@dataclass(frozen=True)
class Cell:
    """One phase x theme cell of the grid: its section, introduction and boxed guidance notes."""

    phase: str
    theme: str
    section: str
    introduction: str | None
    guidance: tuple[str, ...]
    outcome_ids: tuple[str, ...]

    @property
    def code(self) -> str:
        return f"{PHASE_CODES[self.phase]}.{THEME_CODES[self.theme]}"


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    text: str


@dataclass(frozen=True)
class Checklist:
    name: str
    title: str
    source: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class Gate:
    """One gate of the policy: the phase it leaves and the phases whose outcomes it evaluates."""

    name: str
    title: str
    leaves: str
    evaluates: tuple[str, ...]

    @property
    def asked_in(self) -> str:
        """The phase an alliance is in when it asks for this gate: the one it leaves, or, for a
        pre-gate that leaves no phase of an alliance (suitability), the first phase."""
        return self.leaves if self.leaves in ALLIANCE_PHASES else ALLIANCE_PHASES[0]


@dataclass(frozen=True)
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

    def floor(self, phase: str, theme: str) -> float:
        return self.floor_cells.get(f"{phase}.{theme}", self.floor_default)

    def next_gate(self, phase: str) -> str | None:
        """The gate an alliance in `phase` asks for next: the first of the policy's gates that leaves it."""
        return next((name for name, gate in self.gates.items() if gate.leaves == phase), None)

    def widest_gate(self, phase: str | None = None) -> str | None:
        """The gate that evaluates the most phases (of those evaluating `phase`, when given); the first on ties."""
        gates = [g for g in self.gates.values() if phase is None or phase in g.evaluates]
        return max(gates, key=lambda g: len(g.evaluates)).name if gates else None


@dataclass(frozen=True)
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
class Person:
    name: str
    organisation: str
    role: str


@dataclass(frozen=True)
class Approval:
    name: str
    role: str
    date: dt.date


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Action:
    action: str
    owner: str
    due: dt.date


class ClaimStatus(enum.StrEnum):
    """What an assessor claimed for an outcome (claims.yml); the gate judges it into a Status."""

    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
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
    self_assessed: bool
    source: Source


@dataclass(frozen=True)
class Waiver:
    outcome: str
    justification: str
    approver_name: str
    approver_role: str
    granted: dt.date
    expires: dt.date
    source: Source


@dataclass(frozen=True)
class Condition:
    outcome: str
    owner: str
    due: dt.date
    note: str | None
    source: Source


@dataclass(frozen=True)
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
