"""Audit an evidence pack: claims without their evidence, unused or damaged evidence, staleness, approvals, waivers, conditions.

The engine decides what a claim's evidence proves: the audit evaluates the policy's widest gate
(`review`: every phase of the grid, so every claim on a grid outcome) and, for any phase of an
outcome the pack refers to that it leaves out, the widest gate that evaluates that phase
(`suitability`), and reads requirement verdicts from those GateResults. Freshness, approvals and
the current waiver are judged by the same code the gate uses (the requirement kinds, the waiver
choice). Everything else is a property of the pack itself (the register, the documents, dates,
conditions) and is read from the loaded pack, as of one date.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gatekeeper.bounds import MAX_EXPIRING_WITHIN, check_as_of
from gatekeeper.evaluation.gate import evaluate, waiver_approval_problem
from gatekeeper.evaluation.kinds import KINDS
from gatekeeper.evaluation.waivers import current_waivers
from gatekeeper.loading.evidence import LoadedPack
from gatekeeper.model import (
    Claim,
    ClaimStatus,
    EvidencePack,
    RulePack,
    Source,
)
from gatekeeper.people import independence
from gatekeeper.result import (
    ConditionResult,
    ConditionState,
    GateResult,
    OutcomeResult,
    ProfileChange,
    RequirementResult,
    Status,
    Verdict,
)

DEFAULT_EXPIRING_WITHIN = 30


class Severity(enum.StrEnum):
    """Errors make the audit fail (exit 1); warnings are reported only."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Category:
    """One kind of audit finding: its default severity and what it means, in words."""

    severity: Severity
    meaning: str
    register_status: str | None = None  # the register status it gives the item it names


# Every kind of finding the audit reports. Errors make the audit fail (exit 1); warnings look ahead
# (something will go wrong within the window) or tidy the register, and are reported only.
CATEGORIES: dict[str, Category] = {
    "claim-no-action": Category(
        Severity.WARNING, "an outcome claimed partly met with no action (what, owner, due) to close the gap"
    ),
    "claim-unsupported": Category(Severity.ERROR, "an outcome claimed met without the evidence its rule requires"),
    "condition-overdue": Category(Severity.ERROR, "a condition from the previous gate past its due date and not met"),
    "document-changed": Category(Severity.ERROR, "a document whose sha256 differs from the register", "changed"),
    "document-missing": Category(Severity.ERROR, "a registered document that is not in the pack", "missing"),
    "document-outside": Category(Severity.ERROR, "a registered document that leads outside the pack", "outside"),
    "document-unreadable": Category(
        Severity.ERROR, "a registered document that cannot be read as a file", "unreadable"
    ),
    "evidence-expiring": Category(
        Severity.WARNING, "evidence that will be older than its rule allows within the window", "expiring"
    ),
    "evidence-stale": Category(
        Severity.ERROR, "evidence cited for a met claim that is older than its rule allows", "stale"
    ),
    "evidence-unused": Category(Severity.WARNING, "a register item that no claim and no fact cites", "unused"),
    "date-implausible": Category(Severity.ERROR, "a date before any alliance record could be (before 1990-01-01)"),
    "dated-after-as-of": Category(
        Severity.ERROR, "a claim, document, approval, waiver or survey dated after the as-of date"
    ),
    "document-empty": Category(Severity.ERROR, "a registered document with nothing in it but whitespace", "empty"),
    "document-reused": Category(
        Severity.ERROR, "a document registered again under another id (same content): it counts once", "reused"
    ),
    "locator-missing": Category(
        Severity.WARNING, "a document cited for many outcomes without saying where (section, page, clause)"
    ),
    "self-assessed-critical": Category(
        Severity.ERROR,
        "an outcome that needs an independent assessor assessed by someone on the roster, employed by a party, "
        "or author or approver of the evidence",
    ),
    "waiver-approver": Category(
        Severity.ERROR, "a waiver approved by someone not holding the role that day, or by its own requester"
    ),
    "waiver-expired": Category(Severity.ERROR, "the current waiver of an outcome has expired"),
    "waiver-expiring": Category(Severity.WARNING, "the current waiver of an outcome expires within the window"),
    "wrong-approver": Category(
        Severity.ERROR, "evidence approved only by roles its rule does not accept", "wrong-approver"
    ),
}

# Register statuses, worst first: an item shows the worst status of the findings that name it.
REGISTER_STATUSES: tuple[str, ...] = (
    "missing",
    "outside",
    "unreadable",
    "changed",
    "empty",
    "reused",
    "stale",
    "wrong-approver",
    "expiring",
    "unused",
    "ok",
)

# The loader's words for each document problem (gatekeeper/loading/paths.py); anything else is unreadable.
_DOCUMENT_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("document not found", "document-missing"),
    ("document is outside the pack", "document-outside"),
    ("sha256 differs from the register", "document-changed"),
    ("document is empty", "document-empty"),
    ("same content as", "document-reused"),
)

# No alliance record predates this: the first UK infrastructure alliances date from the 1990s.
DATE_FLOOR = dt.date(1990, 1, 1)
# A document cited, without a locator, by at least this many outcomes' claims is reported.
LOCATOR_THRESHOLD = 5


@dataclass(frozen=True)
class AuditFinding:
    """One problem found, at one place; findings sort by file, line, column and category."""

    file: str
    line: int
    col: int
    category: str
    severity: Severity
    outcome: str | None
    item: str | None
    message: str

    def sort_key(self) -> tuple[str, int, int, str, str, str, str]:
        return (self.file, self.line, self.col, self.category, self.outcome or "", self.item or "", self.message)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        return f"{where}: [{self.severity}] {self.message} ({self.category})"


@dataclass(frozen=True)
class RegisterRow:
    """One evidence item of the register with its audit status, for the audit team's spreadsheet."""

    id: str
    title: str
    kind: str
    path: str
    date: dt.date
    owner: str
    approvals: tuple[str, ...]  # "Name (Role, YYYY-MM-DD)"
    used_by: tuple[str, ...]  # outcome ids whose claims cite it, sorted
    facts: tuple[str, ...]  # dotted paths in facts.yml that cite it, sorted
    status: str  # one of REGISTER_STATUSES
    notes: tuple[str, ...]  # the messages of every finding that names the item


@dataclass(frozen=True)
class AuditResult:
    """Everything an audit found, as of one date. Reporters render it; the exit code is derived from it."""

    alliance_id: str
    alliance_name: str
    client: str
    phase: str
    pack: str
    as_of: dt.date
    expiring_within: int
    rule_pack_name: str
    rule_pack_version: str
    gates: tuple[str, ...]  # the gates evaluated for the claims' verdicts
    findings: tuple[AuditFinding, ...]
    register_rows: tuple[RegisterRow, ...]
    phase_gates: tuple[str, ...] = ()  # the gates an alliance in this phase asks for: what the header names
    profile_name: str | None = None
    profile_changes: tuple[ProfileChange, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == Severity.WARNING)

    @property
    def clean(self) -> bool:
        """True when nothing is wrong as of the date (warnings about the window do not count)."""
        return self.errors == 0

    def counts(self) -> tuple[tuple[str, int], ...]:
        """(category, number of findings) for every category, in category order."""
        return tuple((name, sum(1 for f in self.findings if f.category == name)) for name in CATEGORIES)


class _Findings:
    """Collects findings; the severity comes from CATEGORIES unless a policy changes it."""

    def __init__(self) -> None:
        self.found: list[AuditFinding] = []

    def add(
        self,
        source: Source,
        category: str,
        message: str,
        *,
        outcome: str | None = None,
        item: str | None = None,
        severity: Severity | None = None,
    ) -> None:
        self.found.append(
            AuditFinding(
                file=source.file,
                line=source.line,
                col=source.col,
                category=category,
                severity=severity or CATEGORIES[category].severity,
                outcome=outcome,
                item=item,
                message=message,
            )
        )


def audit(
    rules: RulePack, loaded_pack: LoadedPack, *, as_of: dt.date, expiring_within: int = DEFAULT_EXPIRING_WITHIN
) -> AuditResult:
    """Audit a loaded evidence pack against `rules` as of one date, looking `expiring_within` days ahead."""
    if not 0 <= expiring_within <= MAX_EXPIRING_WITHIN:
        raise ValueError(f"expiring_within must be 0 or more days, at most {MAX_EXPIRING_WITHIN}")
    check_as_of(as_of)
    pack = loaded_pack.pack
    results = _evaluate(rules, loaded_pack, as_of)
    verdicts = {o.id: o for r in results.values() for o in r.outcomes}
    horizon = as_of + dt.timedelta(days=expiring_within)
    out = _Findings()

    _claims(rules, pack, verdicts, out)
    _evidence_ages_and_approvals(rules, pack, as_of, horizon, out)
    _documents(pack, out)
    fact_refs = _fact_citations(pack.facts)
    _unused(pack, fact_refs, out)
    _waivers(pack, as_of, horizon, out)
    _conditions(rules, pack, results, out)
    _dates(pack, as_of, out)
    _reuse(pack, out)

    findings = tuple(sorted(out.found, key=AuditFinding.sort_key))
    return AuditResult(
        alliance_id=pack.alliance_id,
        alliance_name=pack.alliance_name,
        client=pack.client,
        phase=pack.phase,
        pack=pack.root,
        as_of=as_of,
        expiring_within=expiring_within,
        rule_pack_name=rules.name,
        rule_pack_version=rules.version,
        gates=tuple(results),
        findings=findings,
        register_rows=_register_rows(pack, fact_refs, findings),
        phase_gates=tuple(name for name, gate in rules.policy.gates.items() if gate.asked_in == pack.phase),
        profile_name=rules.profile_name,
        profile_changes=rules.profile_changes,
    )


def _evaluate(rules: RulePack, loaded: LoadedPack, as_of: dt.date) -> dict[str, GateResult]:
    """The gate results the audit reads verdicts from, in policy order: the widest gate always, and
    the widest gate of each phase of an outcome the pack refers to that it does not evaluate."""
    pack = loaded.pack
    policy = rules.policy
    widest = policy.widest_gate()
    if widest is None:
        raise ValueError("the policy defines no gate")
    gates = {widest}
    referenced = {*pack.claims, *(w.outcome for w in pack.waivers), *(c.outcome for c in pack.conditions)}
    for phase in sorted({rules.outcomes[o].phase for o in referenced}):
        if phase not in policy.gates[widest].evaluates:
            gates.add(policy.widest_gate(phase) or widest)
    return {
        gate: evaluate(rules, pack, gate=gate, as_of=as_of, document_problems=loaded.document_problems)
        for gate in policy.gates
        if gate in gates
    }


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


# --- claims -----------------------------------------------------------------------------------


def _claims(rules: RulePack, pack: EvidencePack, verdicts: Mapping[str, OutcomeResult], out: _Findings) -> None:
    for claim in pack.claims.values():
        outcome = rules.outcomes[claim.outcome]
        verdict = verdicts.get(claim.outcome)
        if claim.status == ClaimStatus.MET and verdict is not None:
            for req in verdict.requirements:
                if req.status in (Verdict.MISSING, Verdict.FAILED, Verdict.ERROR):
                    out.add(claim.source, "claim-unsupported", _unsupported(claim, req), outcome=claim.outcome)
        if claim.status == ClaimStatus.PARTLY_MET and not claim.actions:
            out.add(
                claim.source,
                "claim-no-action",
                f"{claim.outcome} is claimed partly met with no action to close the gap: "
                "record one (action, owner, due) in the claim",
                outcome=claim.outcome,
            )
        needs = outcome.critical or rules.policy.independence == "all"
        if needs and claim.self_assessed:
            why = "; ".join(independence(pack, claim).reasons)
            which = "is critical" if outcome.critical else "needs an independent assessor under the policy"
            out.add(
                claim.source,
                "self-assessed-critical",
                f"{claim.outcome} {which} and was assessed by {claim.assessed_by}, who is not independent ({why}); "
                "the Code advises assessors not directly involved in the alliance",
                outcome=claim.outcome,
                # A profile that lets a self-assessment meet a critical outcome makes this a notice, not a fault.
                severity=Severity.WARNING if rules.policy.self_assessment_meets_critical else None,
            )


def _unsupported(claim: Claim, req: RequirementResult) -> str:
    # The requirement's detail already names each cited item that did not count, and why.
    return f"{claim.outcome} is claimed met but {req.ref} ({req.needs}) is {req.status}: {req.detail}"


# --- evidence: age and approvals --------------------------------------------------------------


def _evidence_ages_and_approvals(
    rules: RulePack, pack: EvidencePack, as_of: dt.date, horizon: dt.date, out: _Findings
) -> None:
    """Per item a met claim cites, per requirement of its outcome: what the requirement's kind finds (age, approvals)."""
    for claim in pack.claims.values():
        if claim.status != ClaimStatus.MET:
            continue
        outcome = rules.outcomes[claim.outcome]
        for ref in dict.fromkeys(claim.evidence):
            item = pack.register[ref]
            for req in outcome.requirements:
                for found in KINDS[req.kind].audit_item(
                    req, item, as_of=as_of, horizon=horizon, pack=pack, claim=claim
                ):
                    out.add(claim.source, found.category, found.message, outcome=outcome.id, item=item.id)


# --- documents and use ------------------------------------------------------------------------


def _document_category(problem: str) -> str:
    for words, category in _DOCUMENT_PROBLEMS:
        if problem.startswith(words):
            return category
    return "document-unreadable"


def _documents(pack: EvidencePack, out: _Findings) -> None:
    for item in pack.register.values():
        if item.document_problem is not None:
            out.add(
                item.source,
                _document_category(item.document_problem),
                f"{item.id} ({item.path}): {item.document_problem}",
                item=item.id,
            )


def _fact_citations(facts: Any, path: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Item id -> the dotted paths in facts.yml whose object cites it as `evidence`."""
    found: dict[str, list[str]] = {}
    if isinstance(facts, Mapping):
        for key, value in facts.items():
            if key == "evidence" and isinstance(value, str):
                found.setdefault(value, []).append(".".join(path) or "(top)")
            else:
                for ref, paths in _fact_citations(value, (*path, str(key))).items():
                    found.setdefault(ref, []).extend(paths)
    elif isinstance(facts, list):
        for i, value in enumerate(facts):
            for ref, paths in _fact_citations(value, (*path, str(i))).items():
                found.setdefault(ref, []).extend(paths)
    return found


def _cited_by(pack: EvidencePack) -> dict[str, list[str]]:
    cited: dict[str, list[str]] = {}
    for claim in pack.claims.values():
        for ref in dict.fromkeys(claim.evidence):
            cited.setdefault(ref, []).append(claim.outcome)
    return cited


def _unused(pack: EvidencePack, fact_refs: Mapping[str, Sequence[str]], out: _Findings) -> None:
    cited = _cited_by(pack)
    for item in pack.register.values():
        if item.id not in cited and item.id not in fact_refs:
            out.add(
                item.source,
                "evidence-unused",
                f"{item.id} ({item.title}) is cited by no claim and no fact",
                item=item.id,
            )


# --- waivers and conditions -------------------------------------------------------------------


def _waivers(pack: EvidencePack, as_of: dt.date, horizon: dt.date, out: _Findings) -> None:
    """The current waiver of each outcome (the one the gate judges): expired, or expiring soon."""
    for w in current_waivers(pack.waivers).values():
        who = f"{w.approver_name} ({w.approver_role})"
        problem = waiver_approval_problem(pack, w)
        if problem is not None:
            out.add(w.source, "waiver-approver", f"the waiver of {w.outcome} by {who}: {problem}", outcome=w.outcome)
        if w.expires < as_of:
            out.add(
                w.source,
                "waiver-expired",
                f"the waiver of {w.outcome} by {who} expired on {w.expires}",
                outcome=w.outcome,
            )
        elif w.expires <= horizon:
            out.add(
                w.source,
                "waiver-expiring",
                f"the waiver of {w.outcome} by {who} expires on {w.expires} (in {_days((w.expires - as_of).days)})",
                outcome=w.outcome,
            )


def _conditions(rules: RulePack, pack: EvidencePack, results: Mapping[str, GateResult], out: _Findings) -> None:
    """Overdue conditions as the gate judges them, each from the evaluation whose scope holds its outcome."""
    judged: list[tuple[ConditionResult, Status]] = []
    for result in results.values():
        statuses = {o.id: o.status for o in result.outcomes}
        judged += [(c, statuses[c.outcome]) for c in result.conditions_carried if c.outcome in statuses]
    sources: dict[tuple[str, str, dt.date], list[Source]] = {}
    for condition in pack.conditions:
        sources.setdefault((condition.outcome, condition.owner, condition.due), []).append(condition.source)
    for c, status in judged:
        if c.state != ConditionState.OVERDUE:
            continue
        source = sources[(c.outcome, c.owner, c.due)].pop(0)
        out.add(
            source,
            "condition-overdue",
            f"the condition on {c.outcome} (owner {c.owner}) was due on {c.due} and the outcome is "
            f"{status.replace('_', ' ')}",
            outcome=c.outcome,
            severity=Severity.WARNING if rules.policy.overdue_conditions == "warn" else None,
        )


# --- dates and documents ---------------------------------------------------------------------


def _dates(pack: EvidencePack, as_of: dt.date, out: _Findings) -> None:
    """Every date that counts for nothing as of the date (after it), or that no alliance record can have."""

    def check(source: Source, what: str, day: dt.date, *, outcome: str | None = None, item: str | None = None) -> None:
        if day > as_of:
            message = f"{what} is dated {day}, after {as_of}: it does not count as of that date"
            out.add(source, "dated-after-as-of", message, outcome=outcome, item=item)
        elif day < DATE_FLOOR:
            message = f"{what} is dated {day}, before {DATE_FLOOR}: no alliance record is that old"
            out.add(source, "date-implausible", message, outcome=outcome, item=item)

    for claim in pack.claims.values():
        check(claim.source, f"the claim for {claim.outcome}", claim.date, outcome=claim.outcome)
    for item in pack.register.values():
        check(item.source, f"{item.id} ({item.title})", item.date, item=item.id)
        for a in item.approvals:
            check(item.source, f"the approval of {item.id} by {a.name} ({a.role})", a.date, item=item.id)
    for w in pack.waivers:
        check(w.source, f"the waiver of {w.outcome}", w.granted, outcome=w.outcome)
    surveys = pack.facts.get("surveys", ()) if isinstance(pack.facts, Mapping) else ()
    for survey in surveys if isinstance(surveys, list) else ():
        if isinstance(survey, Mapping) and isinstance(survey.get("date"), str):
            check(pack.facts_source, f"the survey {survey.get('survey')}", dt.date.fromisoformat(survey["date"]))


def _reuse(pack: EvidencePack, out: _Findings) -> None:
    """A document cited by many outcomes without locators (a copy registered twice is a document problem)."""
    bare: dict[str, list[str]] = {}
    for claim in pack.claims.values():
        for ref in claim.evidence:
            if ref not in claim.locators:
                digest = pack.register[ref].actual_sha256 or ref
                bare.setdefault(digest, []).append(claim.outcome)
    for digest, outcomes in bare.items():
        if len(outcomes) >= LOCATOR_THRESHOLD:
            first = next(i for i in pack.register.values() if (i.actual_sha256 or i.id) == digest)
            out.add(
                first.source,
                "locator-missing",
                f"{first.path} is cited for {len(outcomes)} outcomes ({', '.join(sorted(outcomes))}) without a "
                "locator: name the section, page or clause each claim relies on",
                item=first.id,
            )


# --- the register -----------------------------------------------------------------------------


def _register_rows(
    pack: EvidencePack, fact_refs: Mapping[str, Sequence[str]], findings: Iterable[AuditFinding]
) -> tuple[RegisterRow, ...]:
    cited = _cited_by(pack)
    notes: dict[str, list[str]] = {}
    statuses: dict[str, list[str]] = {}
    for f in findings:
        if f.item is None:
            continue
        notes.setdefault(f.item, []).append(f.message)
        status = CATEGORIES[f.category].register_status
        if status is not None:
            statuses.setdefault(f.item, []).append(status)
    rows = []
    for item in pack.register.values():
        status = min(statuses.get(item.id, ["ok"]), key=REGISTER_STATUSES.index)
        rows.append(
            RegisterRow(
                id=item.id,
                title=item.title,
                kind=item.kind,
                path=item.path,
                date=item.date,
                owner=item.owner,
                approvals=tuple(f"{a.name} ({a.role}, {a.date})" for a in item.approvals),
                used_by=tuple(sorted(set(cited.get(item.id, ())))),
                facts=tuple(sorted(set(fact_refs.get(item.id, ())))),
                status=status,
                notes=tuple(notes.get(item.id, ())),
            )
        )
    return tuple(rows)
