"""Requirement kind `commercial`: a property of the pack's commercial model (commercial.yml), computed.

The model is simulated and checked once per evaluation (`prepare`), before the engine runs; the
simulation is also what the result carries for a reporter to draw Figure 3.4 from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gatekeeper.evaluation.kinds.base import (
    Context,
    Firing,
    References,
    Rule,
    all_of,
    no_item_findings,
    no_items,
)
from gatekeeper.evaluation.observations import Observation
from gatekeeper.model import Checklist, EvidencePack, Requirement
from gatekeeper.result import RequirementResult, Verdict

ID = "commercial"

describe_items = no_items
audit_item = no_item_findings


@dataclass(frozen=True)
class Prepared:
    """The checks the scope names, run on the pack's model, and the model's simulation (None without a model)."""

    checks: Mapping[str, Any]  # check name -> gatekeeper.commercial.checks.CheckResult
    simulation: Any  # gatekeeper.commercial.simulate.Simulation | None


def check(spec: Mapping[str, Any], refs: References) -> Iterator[tuple[str, str]]:
    from gatekeeper.commercial.checks import CHECKS

    if spec["check"] not in CHECKS:
        yield "check", f"unknown commercial check {spec['check']!r} (known: {', '.join(sorted(CHECKS))})"


def prepare(requirements: Sequence[Requirement], pack: EvidencePack) -> Prepared:
    names = sorted({r.spec["check"] for r in requirements})
    if not names or pack.commercial is None:
        return Prepared({}, None)
    from gatekeeper.commercial.checks import CHECKS
    from gatekeeper.commercial.simulate import simulate

    return Prepared({name: CHECKS[name].run(pack.commercial) for name in names}, simulate(pack.commercial))


def exhibits(prepared: Prepared) -> Mapping[str, Any]:
    return {"commercial_simulation": prepared.simulation}


def observations(requirements: Sequence[Requirement], ctx: Context) -> Iterator[Observation]:
    checks = ctx.prepared[ID].checks
    for name in sorted({r.spec["check"] for r in requirements}):
        if name in checks:
            yield {"t": "commercial", "check": name, "passed": checks[name].passed}


def compile(req: Requirement) -> dict[str, Rule]:
    return {
        f"{req.ref}:ok": {"all": [{"m": all_of({"t": "commercial"}, {"check": req.spec["check"]}, {"passed": True})}]}
    }


def describe(spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> str:
    from gatekeeper.commercial.checks import CHECKS

    return f"the commercial model (commercial.yml): {CHECKS[spec['check']].title}"


def judge(req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
    needs = describe(req.spec, ctx.checklists)
    result = ctx.prepared[ID].checks.get(req.spec["check"])
    if result is None:
        return RequirementResult(
            req.ref,
            ID,
            needs,
            Verdict.MISSING,
            "the pack has no commercial.yml",
            "Describe the commercial model in commercial.yml so it can be simulated.",
        )
    numbers = tuple(result.numbers)
    if firings:
        return RequirementResult(req.ref, ID, needs, Verdict.SATISFIED, result.summary, None, numbers=numbers)
    return RequirementResult(
        req.ref,
        ID,
        needs,
        Verdict.FAILED,
        result.summary,
        "Change the commercial model so that it does; `gatekeeper commercial simulate` shows the numbers.",
        numbers=numbers,
    )
