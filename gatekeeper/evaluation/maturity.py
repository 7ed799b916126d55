"""Maturity scores per cell, theme and gate, and the ranked improvement list.

The Code is used "to undertake a gap analysis and identify key areas for improvement, to
understand their progress within the current phase": pass or fail says whether the alliance may
move on; maturity says how far along it is, and counts a partly met outcome as half way there
(the gate itself still treats it as not met). The weights are documented, and argued, in
rules/README.md ("Maturity").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from gatekeeper.result import (
    SETTLED,
    GateResult,
    Improvement,
    ImprovementReason,
    Maturity,
    OutcomeResult,
    Status,
    ThemeMaturity,
    ThemeSummary,
)

MET_WEIGHT = 1.0
PARTLY_MET_WEIGHT = 0.5
# Neither evidence of progress nor of its absence: the Code set them aside (not applicable) or a
# decider did (waived), so they leave the denominator rather than count as 0 or as 1.
EXCLUDED: frozenset[Status] = frozenset({Status.WAIVED, Status.NOT_APPLICABLE})


def credit(outcome: OutcomeResult) -> float | None:
    """The weight an outcome earns: 1 met, 0.5 not met on a claim of partly met, else 0; None when
    it is left out of the score (waived or not applicable).

    Only a claim the evaluation still judges by earns the half: a partly met claim dated after the
    as-of date makes the outcome unevidenced, which earns nothing."""
    if outcome.status in EXCLUDED:
        return None
    if outcome.status == Status.MET:
        return MET_WEIGHT
    if outcome.status == Status.NOT_MET and outcome.claim_status == "partly_met":
        return PARTLY_MET_WEIGHT
    return 0.0


def score(outcomes: Iterable[OutcomeResult]) -> Maturity:
    """The maturity of a set of outcomes: the weights earned over the outcomes counted."""
    credits = [c for c in (credit(o) for o in outcomes) if c is not None]
    return Maturity(
        earned=sum(credits),
        counted=len(credits),
        met=sum(1 for c in credits if c == MET_WEIGHT),
        partly_met=sum(1 for c in credits if c == PARTLY_MET_WEIGHT),
    )


def assess(result: GateResult) -> GateResult:
    """`result` with the maturity of every cell, theme and the gate, and its ranked improvement list."""
    outcomes = result.outcomes
    cells = tuple(replace(c, maturity=score(o for o in outcomes if o.cell == c.cell)) for c in result.cells)
    themes = list(dict.fromkeys(c.theme for c in cells))
    theme_maturity = tuple(ThemeMaturity(t, score(o for o in outcomes if o.theme == t)) for t in themes)
    return replace(
        result,
        cells=cells,
        maturity=score(outcomes),
        theme_maturity=theme_maturity,
        improvements=improvements(outcomes, cells),
    )


def improvements(outcomes: Sequence[OutcomeResult], cells: Sequence[ThemeSummary]) -> tuple[Improvement, ...]:
    """Every outcome counted and not met, ranked: critical outcomes not in place first (in the
    Code's order); then, per theme below its floor, the fewest non-critical outcomes that would lift
    it over (partly met ones first: they are nearest); then the rest by the maturity their cell
    would gain, largest first."""
    by_cell = {c.cell: c for c in cells}
    order = {o.id: i for i, o in enumerate(outcomes)}

    def item(o: OutcomeResult, reason: ImprovementReason) -> Improvement:
        now = credit(o) or 0.0
        counted = by_cell[o.cell].maturity.counted if o.cell in by_cell else 0
        gain = (MET_WEIGHT - now) / counted if counted else 0.0
        return Improvement(o.id, o.cell, o.theme, o.critical, o.status, reason, now, gain)

    ranked = [item(o, ImprovementReason.CRITICAL) for o in outcomes if o.critical and o.status not in SETTLED]
    listed = {i.outcome for i in ranked}
    for cell in cells:
        if not cell.below_floor or cell.floor is None:
            continue
        short = 0
        while cell.noncritical_met + short < cell.floor * cell.noncritical_counted:
            short += 1
        candidates = [
            o for o in outcomes if o.cell == cell.cell and not o.critical and credit(o) not in (None, MET_WEIGHT)
        ]
        candidates.sort(key=lambda o: (-(credit(o) or 0.0), order[o.id]))
        for o in candidates[:short]:
            ranked.append(item(o, ImprovementReason.FLOOR))
            listed.add(o.id)
    rest = [
        item(o, ImprovementReason.GAIN) for o in outcomes if o.id not in listed and credit(o) not in (None, MET_WEIGHT)
    ]
    rest.sort(key=lambda i: (-i.gain, order[i.outcome]))
    return (*ranked, *rest)
