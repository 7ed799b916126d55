"""GateResult objects built by hand for the reporter tests: passing, failing, every status, and hostile text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from gatekeeper.commercial.model import from_data
from gatekeeper.commercial.simulate import Simulation, simulate
from gatekeeper.evaluation.maturity import assess
from gatekeeper.model import PHASE_CODES, STATUSES, THEME_CODES
from gatekeeper.result import (
    ConditionResult,
    EvidenceUse,
    GateResult,
    OutcomeResult,
    RequirementResult,
    ThemeSummary,
)

AS_OF = dt.date(2025, 3, 31)
DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

# Every text a hostile evidence file could carry at once: markup, a CDATA end, quotes, every C0
# control character, a bidi override, and one long unbroken string.
CONTROLS = "".join(chr(c) for c in range(0x20))
LONG = "A" * 100_000
HOSTILE = f"<script>alert(1)</script> ]]> \"double\" 'single' & {CONTROLS} \u202eevil\u202c end"


def requirement(
    ref: str, status: str, *, detail: str = "found", fix: str | None = None, path: str = "docs/plan.pdf"
) -> RequirementResult:
    counted = status == "satisfied"
    return RequirementResult(
        ref=ref,
        kind="evidence",
        needs="an approved implementation plan",
        status=status,
        detail=detail,
        fix=fix,
        evidence=(
            EvidenceUse(
                item="EV-001",
                title="Implementation plan",
                kind="plan",
                path=path,
                counted=counted,
                reason="approved by the Sponsor" if counted else "not approved",
            ),
        ),
        numbers=(("age in days", "12"),) if counted else (),
    )


def outcome(
    oid: str,
    status: str,
    *,
    critical: bool = False,
    blocking: bool = False,
    reasons: Sequence[str] = (),
    fix: str | None = None,
    text: str = "The required behaviours have been identified and set out as part of the implementation plan.",
    req_status: str | None = None,
    self_assessed: bool = False,
    claim_status: str = "met",
) -> OutcomeResult:
    phase_code, theme_code, _ = oid.split(".")
    phase = next(p for p, c in PHASE_CODES.items() if c == phase_code)
    theme = next(t for t, c in THEME_CODES.items() if c == theme_code)
    if req_status is None:
        req_status = {"met": "satisfied", "stale": "stale", "unevidenced": "missing", "error": "error"}.get(
            status, "failed"
        )
    return OutcomeResult(
        id=oid,
        cell=f"{phase_code}.{theme_code}",
        phase=phase,
        theme=theme,
        section="2.1",
        subheading="Identifying the required behaviours",
        text=text,
        critical=critical,
        status=status,
        reasons=tuple(reasons),
        fix=fix,
        requirements=(
            requirement(
                f"{oid}#1",
                req_status,
                detail="the plan is approved" if req_status == "satisfied" else "no approval found",
                fix=None if req_status == "satisfied" else fix,
            ),
        ),
        claim_status=claim_status,
        assessed_by="Independent assessor",
        method="interview",
        self_assessed=self_assessed,
        blocking=blocking,
    )


def summaries(outcomes: Sequence[OutcomeResult], *, leaves: str, floor: float = 0.5) -> tuple[ThemeSummary, ...]:
    """The cell summaries the engine would compute, so the fixtures stay consistent."""
    severity = ("error", "not_met", "unevidenced", "stale", "waived", "not_applicable", "met")
    cells: dict[str, list[OutcomeResult]] = {}
    for o in outcomes:
        cells.setdefault(o.cell, []).append(o)
    out = []
    for cell, members in cells.items():
        counts = tuple((s, sum(1 for o in members if o.status == s)) for s in STATUSES)
        noncritical = [o for o in members if not o.critical and o.status not in ("waived", "not_applicable")]
        met = sum(1 for o in noncritical if o.status == "met")
        in_phase = members[0].phase == leaves
        below = in_phase and bool(noncritical) and met / len(noncritical) < floor
        out.append(
            ThemeSummary(
                phase=members[0].phase,
                theme=members[0].theme,
                cell=cell,
                counts=counts,
                worst=min((o.status for o in members), key=severity.index),
                critical_not_met=sum(1 for o in members if o.critical and o.status != "met"),
                noncritical_met=met,
                noncritical_counted=len(noncritical),
                floor=floor if in_phase else None,
                below_floor=below,
            )
        )
    return tuple(out)


def gate_result(
    outcomes: Sequence[OutcomeResult],
    *,
    decision: str,
    reasons: Sequence[str],
    gate: str = "delivering",
    leaves: str = "creating",
    evaluates: tuple[str, ...] = ("deciding", "creating"),
    conditions_set: Sequence[ConditionResult] = (),
    conditions_carried: Sequence[ConditionResult] = (),
    name: str = "Northern Rail Alliance",
    client: str = "Network Rail",
    document_problems: Sequence[str] = (),
    self_assessed_critical: Sequence[str] = (),
    commercial_simulation: Simulation | None = None,
) -> GateResult:
    return assess(
        GateResult(
            alliance_id="NRA-001",
            alliance_name=name,
            client=client,
            phase=leaves,
            gate=gate,
            gate_title="Leave Creating, start Delivering",
            leaves=leaves,
            evaluates=evaluates,
            as_of=AS_OF,
            decision=decision,
            decision_reasons=tuple(reasons),
            outcomes=tuple(outcomes),
            blocking=tuple(o.id for o in sorted(outcomes, key=lambda o: not o.critical) if o.blocking),
            conditions_carried=tuple(conditions_carried),
            conditions_set=tuple(conditions_set),
            cells=summaries(outcomes, leaves=leaves),
            self_assessed_critical=tuple(self_assessed_critical),
            rule_pack_name="ice-alliancing-cop",
            rule_pack_version="1.0.0",
            rule_pack_digest=DIGEST,
            profile_name=None,
            profile_digest=None,
            evidence_files=(("claims.yml", DIGEST), ("register.yml", DIGEST)),
            document_problems=tuple(document_problems),
            commercial_simulation=commercial_simulation,
        )
    )


def passing() -> GateResult:
    """A gate that passes with two conditions set and one carried condition closed."""
    outcomes = [
        outcome("DEC.BEH.01", "met", critical=True),
        outcome("DEC.BEH.02", "met"),
        outcome("DEC.LEA.01", "met", critical=True),
        outcome("CRE.BEH.01", "met"),
        outcome(
            "CRE.BEH.02", "unevidenced", reasons=["CRE.BEH.02#1: no evidence cited"], fix="Cite the selection process."
        ),
        outcome("CRE.INT.01", "met"),
        outcome(
            "CRE.INT.02",
            "not_met",
            reasons=["claimed partly met"],
            fix="Complete the integration plan.",
            claim_status="partly_met",
        ),
        outcome("CRE.COM.01", "met", critical=True),
        outcome("CRE.LEA.01", "met"),
    ]
    return gate_result(
        outcomes,
        decision="pass",
        reasons=["every critical outcome in scope is in place and every theme is at or above its floor"],
        conditions_set=[
            ConditionResult("CRE.BEH.02", "Alliance Manager", dt.date(2025, 6, 29), "new"),
            ConditionResult("CRE.INT.02", "Integration Lead", dt.date(2025, 6, 29), "new"),
        ],
        conditions_carried=[
            ConditionResult("DEC.BEH.02", "Alliance Manager", dt.date(2025, 1, 31), "closed", "met since")
        ],
        commercial_simulation=commercial(),
    )


def failing() -> GateResult:
    """A gate that fails on two critical outcomes and a theme below its floor, with every status present."""
    outcomes = [
        outcome("DEC.BEH.01", "met", critical=True),
        outcome(
            "DEC.LEA.01",
            "stale",
            critical=True,
            blocking=True,
            reasons=["DEC.LEA.01#1: the leadership charter is 400 days old; the rule allows 365"],
            fix="Re-approve the leadership charter.",
        ),
        outcome("DEC.COM.01", "waived", reasons=["waived by J. Smith (Sponsor) until 2025-12-31"]),
        outcome("DEC.INT.01", "not_applicable", reasons=["not applicable: single-partner alliance"]),
        outcome(
            "CRE.BEH.01", "not_met", blocking=True, reasons=["CRE.BEH.01#1: no approval found"], fix="Approve the plan."
        ),
        outcome(
            "CRE.BEH.02",
            "unevidenced",
            blocking=True,
            reasons=["no claim has been made for this outcome"],
            fix="Make a claim with evidence.",
        ),
        outcome("CRE.BEH.03", "met"),
        outcome("CRE.COM.01", "error", critical=True, blocking=True, reasons=["CRE.COM.01#1: the engine failed"]),
        outcome("CRE.LEA.01", "met", self_assessed=True),
    ]
    return gate_result(
        outcomes,
        decision="fail",
        reasons=[
            "2 critical outcome(s) not met: DEC.LEA.01, CRE.COM.01",
            "CRE.BEH: 1 of 3 non-critical outcomes met, below the floor of 50%",
        ],
        conditions_carried=[ConditionResult("DEC.BEH.02", "Alliance Manager", dt.date(2025, 1, 31), "overdue")],
        document_problems=["register.yml:4:3: EV-009: docs/missing.pdf: no such file"],
    )


def hostile() -> GateResult:
    """A failing gate whose every free text carries markup, quotes, controls, a bidi override or 100 KB."""
    outcomes = [
        outcome(
            "DEC.BEH.01", "not_met", critical=True, blocking=True, text=HOSTILE, reasons=[HOSTILE, LONG], fix=HOSTILE
        ),
        outcome("DEC.LEA.01", "met", text=LONG),
    ]
    broken = outcomes[0]
    evil_req = RequirementResult(
        ref="DEC.BEH.01#1",
        kind="evidence",
        needs=HOSTILE,
        status="failed",
        detail=HOSTILE,
        fix=HOSTILE,
        evidence=(
            EvidenceUse("EV-<b>", HOSTILE, "plan", "javascript:alert(1)", False, HOSTILE),
            EvidenceUse("EV-2", "Remote", "plan", "//evil.example/x.pdf", False, "off-site"),
            EvidenceUse("EV-3", "Remote", "plan", "https://evil.example/x.pdf", False, "off-site"),
        ),
        numbers=((HOSTILE, HOSTILE),),
    )
    outcomes[0] = OutcomeResult(**{**broken.__dict__, "requirements": (evil_req,), "assessed_by": HOSTILE})
    return gate_result(
        outcomes,
        decision="fail",
        reasons=[HOSTILE, LONG],
        name=HOSTILE,
        client=LONG,
        conditions_carried=[ConditionResult("DEC.BEH.01", HOSTILE, dt.date(2025, 1, 31), "overdue", HOSTILE)],
        document_problems=[HOSTILE],
        self_assessed_critical=["DEC.BEH.01"],
        commercial_simulation=commercial(partner='<script>alert(1)</script> & "q"'),
    )


def commercial(*, partner: str | None = None) -> Simulation:
    """The small commercial model of the commercial tests, simulated; the report draws its chart from this."""
    data: Any = yaml.safe_load(
        (Path(__file__).parents[1] / "commercial" / "models" / "small.yml").read_text(encoding="utf-8")
    )
    if partner is not None:
        for party in data["parties"]:
            if party["role"] == "partner":
                party["name"] = partner
    return simulate(from_data(data))


CASES = {"passing": passing, "failing": failing, "hostile": hostile}
