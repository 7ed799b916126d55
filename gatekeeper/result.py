"""The one immutable result of a gate evaluation, which every reporter renders and the ledger records."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1


class Status(enum.StrEnum):
    """The one status of an outcome in scope, as of one date (a str: it serialises as its value)."""

    MET = "met"
    NOT_MET = "not_met"
    UNEVIDENCED = "unevidenced"
    STALE = "stale"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


# Statuses that count as "in place" for a critical outcome and close a condition.
SETTLED: frozenset[Status] = frozenset({Status.MET, Status.WAIVED, Status.NOT_APPLICABLE})
# Worst first, for the grid: the worst status of a cell is the one shown.
SEVERITY: tuple[Status, ...] = (
    Status.ERROR,
    Status.NOT_MET,
    Status.UNEVIDENCED,
    Status.STALE,
    Status.WAIVED,
    Status.NOT_APPLICABLE,
    Status.MET,
)


class Verdict(enum.StrEnum):
    """How one requirement of an outcome fared."""

    SATISFIED = "satisfied"
    STALE = "stale"
    MISSING = "missing"
    FAILED = "failed"
    ERROR = "error"


class Decision(enum.StrEnum):
    """A gate's decision."""

    PASS = "pass"
    FAIL = "fail"


class ConditionState(enum.StrEnum):
    """A condition carried from the previous gate (open, closed, overdue) or set by this one (new)."""

    OPEN = "open"
    CLOSED = "closed"
    OVERDUE = "overdue"
    NEW = "new"


class ChangeArea(enum.StrEnum):
    """What part of the pack a profile changed; the order is the order every report lists them in."""

    CRITICALITY = "criticality"
    REQUIREMENTS = "requirements"
    OUTCOME = "outcome"  # an outcome the profile adds
    FLOOR = "floor"
    WAIVERS = "waivers"
    INDEPENDENCE = "independence"
    CONDITIONS = "conditions"
    GATE = "gate"


# A value before or after a profile's change: a flag, a number, a word, or a list of words.
ChangeValue = bool | int | float | str | tuple[str, ...] | None


@dataclass(frozen=True)
class ProfileChange:
    """One difference a profile makes against the rule pack, as data: reporters word it.

    `subject` names what changed: an outcome id (criticality, requirements, outcome), a cell
    "phase.theme" or "default" (floor), a policy setting (waivers, independence, conditions), or a
    gate's name. `pack` is the rule pack's value (None for something the profile adds), `profile`
    the value the profile puts in its place.
    """

    area: ChangeArea
    subject: str
    pack: ChangeValue
    profile: ChangeValue
    rationale: str | None = None


@dataclass(frozen=True)
class EvidenceUse:
    """One evidence item considered for a requirement, and whether it counted."""

    item: str
    title: str
    kind: str
    path: str
    counted: bool
    reason: str  # why it counted, or why not, in plain words


@dataclass(frozen=True)
class RequirementResult:
    """How one requirement of an outcome fared."""

    ref: str  # OUTCOME#N
    kind: str
    needs: str  # what the requirement asks for, in plain words
    status: Verdict
    detail: str  # what was found
    fix: str | None  # what would make it pass; None when satisfied
    evidence: tuple[EvidenceUse, ...] = ()
    numbers: tuple[tuple[str, str], ...] = ()  # the values behind a computed or measured requirement


@dataclass(frozen=True)
class ActionResult:
    """An action a claim records to close its gap: what, who, by when."""

    action: str
    owner: str
    due: dt.date


@dataclass(frozen=True)
class OutcomeResult:
    """One outcome in the gate's scope with its single status and the reasons for it."""

    id: str
    cell: str
    phase: str
    theme: str
    section: str
    subheading: str
    text: str
    critical: bool
    status: Status
    reasons: tuple[str, ...]
    fix: str | None
    requirements: tuple[RequirementResult, ...]
    claim_status: str | None
    assessed_by: str | None
    method: str | None
    self_assessed: bool
    blocking: bool
    # Where the claim is written (file as the pack was named, 1-based line and column): for
    # annotations in a code review. None when no claim was made.
    claim_at: tuple[str, int, int] | None = None
    actions: tuple[ActionResult, ...] = ()  # the claim's actions, earliest due first
    owner_role: str | None = None  # the role the outcome's requirements name (an approver), if any


@dataclass(frozen=True)
class ConditionResult:
    """A condition: carried from the previous gate (open, closed, overdue) or set by this one (new)."""

    outcome: str
    owner: str
    due: dt.date
    state: ConditionState
    note: str | None = None


@dataclass(frozen=True)
class LateDecision:
    """A gate decided on or after the milestone it should precede (the policy's `decide_before`).

    Section 2's actions come "in advance of any procurement": a creating gate decided once procurement has
    started is reported as such, failing the gate (`late_decision: fail`) or as a note beside it (`note`).
    """

    milestone: str  # the date fact, e.g. milestones.procurement_start.date
    date: dt.date  # the milestone's date
    effect: str  # "fail" | "note"
    reason: str  # the words every report shows


@dataclass(frozen=True)
class Maturity:
    """A maturity score as data: the weight earned (met 1, partly met 0.5, the rest 0) over the
    outcomes counted (waived and not applicable ones are not). rules/README.md argues the weights."""

    earned: float
    counted: int
    met: int = 0
    partly_met: int = 0

    @property
    def score(self) -> float | None:
        """earned / counted, from 0 to 1; None when nothing is counted (there is nothing to score)."""
        return self.earned / self.counted if self.counted else None


NO_MATURITY = Maturity(earned=0.0, counted=0)


class ImprovementReason(enum.StrEnum):
    """Why an outcome is on the ranked improvement list, in the list's order."""

    CRITICAL = "critical"  # a critical outcome not in place: the gate cannot pass without it
    FLOOR = "floor"  # one of the fewest non-critical outcomes that lift its theme over the floor
    GAIN = "gain"  # the rest, by the maturity its cell would gain


@dataclass(frozen=True)
class Improvement:
    """One outcome on the ranked improvement list: what putting it in place would change.

    `credit` is the weight it earns now (0 or 0.5); `gain` is what its cell's maturity score would
    rise by were it met."""

    outcome: str
    cell: str
    theme: str
    critical: bool
    status: Status
    reason: ImprovementReason
    credit: float
    gain: float


@dataclass(frozen=True)
class ThemeMaturity:
    """One theme's maturity across every phase in scope."""

    theme: str
    maturity: Maturity


@dataclass(frozen=True)
class ThemeSummary:
    """Counts per status for one cell (phase x theme) in scope, and its floor check."""

    phase: str
    theme: str
    cell: str
    counts: tuple[tuple[Status, int], ...]  # (status, n) in Status order
    worst: Status  # the worst status in the cell
    critical_not_met: int
    noncritical_met: int
    noncritical_counted: int  # non-critical outcomes neither waived nor not applicable
    floor: float | None  # only for the phase being left
    below_floor: bool
    maturity: Maturity = NO_MATURITY


@dataclass(frozen=True)
class GateResult:
    """Everything a gate decision rests on. Reporters render it; the exit code is derived from it."""

    alliance_id: str
    alliance_name: str
    client: str
    phase: str
    gate: str
    gate_title: str
    leaves: str
    evaluates: tuple[str, ...]
    as_of: dt.date
    decision: Decision
    decision_reasons: tuple[str, ...]
    outcomes: tuple[OutcomeResult, ...]
    blocking: tuple[str, ...]  # outcome ids, critical first
    conditions_carried: tuple[ConditionResult, ...]
    conditions_set: tuple[ConditionResult, ...]
    cells: tuple[ThemeSummary, ...]
    self_assessed_critical: tuple[str, ...]
    rule_pack_name: str
    rule_pack_version: str
    rule_pack_digest: str
    profile_name: str | None
    profile_digest: str | None
    evidence_files: tuple[tuple[str, str], ...]  # (relpath, sha256) of every file the evaluation read
    document_problems: tuple[str, ...]
    # The pack's commercial model simulated (gatekeeper.commercial.simulate.Simulation), when the
    # gate judges it: data, from which a reporter may draw Figure 3.4.
    commercial_simulation: Any = None
    # What the profile changed against the rule pack, and the decision the rule pack alone gives
    # (None without a profile, when the profile changes nothing, or when the gate is the profile's own).
    profile_changes: tuple[ProfileChange, ...] = ()
    decision_without_profile: Decision | None = None
    default_owner: str | None = None  # the manifest's owner: who owns an action nobody else is named for
    # The maturity of every outcome in scope, of each theme across the phases in scope, and the
    # ranked improvement list (gatekeeper.evaluation.maturity).
    maturity: Maturity = NO_MATURITY
    theme_maturity: tuple[ThemeMaturity, ...] = ()
    improvements: tuple[Improvement, ...] = ()
    # Decided on or after the milestone the gate should precede (None when in time, or when no
    # milestone is set for the gate or recorded in the pack).
    late_decision: LateDecision | None = None

    @property
    def passed(self) -> bool:
        return self.decision == Decision.PASS

    @property
    def profile_changed_decision(self) -> bool:
        """True when the rule pack alone would have decided otherwise: the profile made this decision."""
        return self.decision_without_profile is not None and self.decision_without_profile != self.decision

    def outcome(self, outcome_id: str) -> OutcomeResult:
        for outcome in self.outcomes:
            if outcome.id == outcome_id:
                return outcome
        raise KeyError(outcome_id)
