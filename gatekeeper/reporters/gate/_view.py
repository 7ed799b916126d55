"""What the gate formats share: labels, and the grid, theme and blocker views of a GateResult.

The views are built and rendered in one pass and never compared, so they compare by identity
(`eq=False`): cheaper to create at start-up, like the model's records.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from gatekeeper.model import PHASE_CODES, PHASES, STATUSES, THEME_CODES, THEMES
from gatekeeper.reporters._common.profile import change_text, decision_note
from gatekeeper.reporters._common.text import CLIP_AT, clip, line, visible
from gatekeeper.result import (
    ConditionResult,
    GateResult,
    Improvement,
    Maturity,
    OutcomeResult,
    Status,
    ThemeSummary,
)

__all__ = ["CLIP_AT", "clip", "line", "visible"]  # shared with every format, used here as v.line etc.

# The 4 x 4 grid of the Code of Practice covers the four phases of an alliance; the suitability
# pre-gate is a checklist with its own themes (favourable, unfavourable) and is shown beside it.
GRID_PHASES: tuple[str, ...] = tuple(p for p in PHASES if p != "suitability")

STATUS_LABELS: dict[str, str] = {
    "met": "met",
    "not_met": "not met",
    "unevidenced": "unevidenced",
    "stale": "stale",
    "waived": "waived",
    "not_applicable": "not applicable",
    "error": "error",
}

STATE_LABELS: dict[str, str] = {
    "new": "set by this gate",
    "open": "open",
    "closed": "closed",
    "overdue": "overdue",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, line(status))


def phase_label(phase: str) -> str:
    return phase.capitalize()


def theme_label(theme: str) -> str:
    return theme.capitalize()


def percent(fraction: float | None) -> str:
    """A floor as a whole percentage, "50 %"; an empty string when there is none."""
    if fraction is None:
        return ""
    return f"{round(fraction * 100)} %"


def maturity_text(maturity: Maturity | None) -> str:
    """A maturity score as a whole percentage, "63 %"; "n/a" when nothing is counted (all waived or
    not applicable), so an empty cell is never read as 0."""
    if maturity is None or maturity.score is None:
        return "n/a"
    return f"{round(maturity.score * 100)} %"


def points(gain: float) -> str:
    """A maturity gain in percentage points, one decimal: "+6.3 points"."""
    return f"+{gain * 100:.1f} points"


@dataclass(frozen=True, eq=False)
class ImprovementLine:
    """One entry of the ranked improvement list, with its outcome and why it is where it is."""

    rank: int
    item: Improvement
    outcome: OutcomeResult
    why: str


def improvement_lines(result: GateResult) -> tuple[ImprovementLine, ...]:
    """The ranked improvement list, each entry with the words that say why it ranks there."""
    by_id = {o.id: o for o in result.outcomes}
    out = []
    for n, i in enumerate(result.improvements, start=1):
        if i.reason == "critical":
            why = "critical: the gate cannot pass without it"
        elif i.reason == "floor":
            why = f"lifts {line(i.cell)} over its floor"
        else:
            why = f"{points(i.gain)} to {line(i.cell)}"
        if i.credit:
            why += "; partly met"
        out.append(ImprovementLine(n, i, by_id[i.outcome], why))
    return tuple(out)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def evidence_href(path: str) -> str | None:
    """A relative link to an evidence document in the pack, or None when the path is not one.

    A path with a scheme ("javascript:", "https:", "C:"), an absolute path or one that climbs out
    with ".." gets no link: the report links only to documents beside it and never off the page.
    Other characters outside unreserved ones and "/" are percent-encoded.
    """
    posix = path.replace("\\", "/")
    if not posix or _SCHEME.match(posix) or posix.startswith("/") or ".." in posix.split("/"):
        return None
    return quote(visible(posix), safe="/-._~")


@dataclass(frozen=True, eq=False)
class GridCell:
    """One cell of the 4 x 4 grid: in scope (with its summary) or not."""

    phase: str
    theme: str
    code: str
    summary: ThemeSummary | None

    @property
    def total(self) -> int:
        return sum(n for _, n in self.summary.counts) if self.summary else 0

    @property
    def met(self) -> int:
        return dict(self.summary.counts).get(Status.MET, 0) if self.summary else 0


@dataclass(frozen=True, eq=False)
class GridRow:
    theme: str
    cells: tuple[GridCell, ...]


@dataclass(frozen=True, eq=False)
class ThemeLine:
    """One theme across every phase in scope, with the floor check of the phase being left."""

    theme: str
    counts: tuple[tuple[str, int], ...]  # (status, n) in STATUSES order
    total: int
    critical_not_met: int
    floor_cell: ThemeSummary | None  # the theme's cell in the phase being left, if in scope
    maturity: Maturity | None = None  # across every phase in scope


@dataclass(frozen=True, eq=False)
class Blocker:
    """A blocking outcome, or a blocking id with no outcome in scope (an overdue condition's)."""

    id: str
    outcome: OutcomeResult | None


def _cell_code(phase: str, theme: str) -> str:
    return f"{PHASE_CODES.get(phase, phase.upper())}.{THEME_CODES.get(theme, theme.upper())}"


def grid(result: GateResult) -> tuple[GridRow, ...]:
    """Themes down, phases across, as in the Code of Practice; cells out of scope have no summary."""
    by_cell = {(c.phase, c.theme): c for c in result.cells}
    return tuple(
        GridRow(theme, tuple(GridCell(p, theme, _cell_code(p, theme), by_cell.get((p, theme))) for p in GRID_PHASES))
        for theme in THEMES
    )


def other_cells(result: GateResult) -> tuple[GridCell, ...]:
    """Cells in scope that are not part of the 4 x 4 grid (the suitability pre-gate's)."""
    return tuple(
        GridCell(c.phase, c.theme, c.cell, c)
        for c in result.cells
        if c.phase not in GRID_PHASES or c.theme not in THEMES
    )


def _theme_order(themes: Iterable[str]) -> list[str]:
    order = list(THEME_CODES)
    return sorted(set(themes), key=lambda t: (order.index(t) if t in order else len(order), t))


def theme_lines(result: GateResult) -> tuple[ThemeLine, ...]:
    """The summary per theme: every status counted across the phases in scope."""
    lines = []
    for theme in _theme_order(c.theme for c in result.cells):
        cells = [c for c in result.cells if c.theme == theme]
        totals = dict.fromkeys(STATUSES, 0)
        for cell in cells:
            for status, n in cell.counts:
                totals[status] = totals.get(status, 0) + n
        floor_cell = next((c for c in cells if c.phase == result.leaves), None)
        maturity = next((t.maturity for t in result.theme_maturity if t.theme == theme), None)
        lines.append(
            ThemeLine(
                theme=theme,
                counts=tuple(totals.items()),
                total=sum(totals.values()),
                critical_not_met=sum(c.critical_not_met for c in cells),
                floor_cell=floor_cell,
                maturity=maturity,
            )
        )
    return tuple(lines)


def phase_cells(result: GateResult) -> tuple[ThemeSummary, ...]:
    """The cells of the phase being left, in theme order: what the maturity chart draws."""
    cells = [c for c in result.cells if c.phase == result.leaves]
    order = _theme_order(c.theme for c in cells)
    return tuple(sorted(cells, key=lambda c: order.index(c.theme)))


def blockers(result: GateResult) -> tuple[Blocker, ...]:
    by_id = {o.id: o for o in result.outcomes}
    return tuple(Blocker(i, by_id.get(i)) for i in result.blocking)


def conditions(result: GateResult) -> tuple[ConditionResult, ...]:
    """Conditions carried from the previous gate first (the gate checks them first), then new ones."""
    return (*result.conditions_carried, *result.conditions_set)


def floor_text(cell: ThemeSummary) -> str:
    """ "3 of 5 non-critical met (floor 50 %)", with "below the floor" when it fails."""
    text = f"{cell.noncritical_met} of {cell.noncritical_counted} non-critical met"
    if cell.floor is not None:
        text += f" (floor {percent(cell.floor)})"
    if cell.below_floor:
        text += ": below the floor"
    return text


def decision_sentence(result: GateResult) -> str:
    """The decision in one sentence a sponsor can repeat."""
    if result.passed:
        n = len(result.conditions_set)
        with_conditions = f" with {n} condition{'s' if n != 1 else ''}" if n else ""
        return f"PASS{with_conditions}: the alliance may leave {phase_label(result.leaves)}."
    n = len(result.blocking)
    return (
        f"FAIL: {n} blocking outcome{'s' if n != 1 else ''}; the alliance may not leave {phase_label(result.leaves)}."
    )


def decision_headline(result: GateResult) -> str:
    """The decision sentence and, when the profile turned the decision, a second sentence saying so:
    the first line of every format carries both."""
    return " ".join(filter(None, (decision_sentence(result), profile_note(result))))


def profile_note(result: GateResult) -> str | None:
    """ "The profile ... changed this decision: the rule pack alone gives FAIL.", or None."""
    return decision_note(
        profile_name=result.profile_name, decision=result.decision, without=result.decision_without_profile
    )


def profile_lines(result: GateResult) -> tuple[str, ...]:
    """What the profile changed against the rule pack, one line each, in the order the loader lists them."""
    return tuple(change_text(c) for c in result.profile_changes)


_NOT_IN_ID = re.compile(r"[^A-Za-z0-9_-]")


def anchor(outcome_id: str) -> str:
    """An element id for an outcome that every HTML checker accepts: "outcome-CRE-LEA-01" (no dots)."""
    return "outcome-" + _NOT_IN_ID.sub("-", line(outcome_id))


def short_digest(digest: str | None) -> str:
    return line(digest)[:12] if digest else ""


def report_context(result: GateResult) -> dict[str, Any]:
    """What the Markdown and HTML templates both show, prepared once."""
    return {
        **brief_context(result),
        "alone": False,
        "headline": decision_headline(result),
        "sentence": decision_sentence(result),
        "profile_note": profile_note(result),
        "profile_lines": profile_lines(result),
        "blockers": blockers(result),
        "conditions": conditions(result),
        "grid": grid(result),
        "others": other_cells(result),
        "themes": theme_lines(result),
        "improvements": improvement_lines(result),
    }


# --- the decision brief -----------------------------------------------------------------------

# A brief prints on one page: past this many actions it names how many more the details hold.
BRIEF_ACTIONS = 8


@dataclass(frozen=True)
class BriefAction:
    """One thing that must happen (before a failing gate can pass, or as a condition of a pass),
    phrased as an action with an owner and a date, for the sponsor.

    `source` says where the action comes from: "claim" (the claim's own action), "role" (no action
    recorded; the role the outcome's requirement names owns it), "owner" (no action and no role:
    the manifest's owner), or "condition" (a condition carried from the previous gate).
    `missing_action` is True for a partly met claim that records no action: the brief says so.
    """

    outcome: str
    action: str
    owner: str
    due: str | None  # ISO date, or None when nobody has set one
    source: str
    missing_action: bool


def _shorten(text: str) -> str:
    """An outcome's words cut at a word to fit a line of the brief (the details keep them whole)."""
    return textwrap.shorten(line(text), width=160, placeholder=" \u2026")


def _owner_for(outcome: OutcomeResult, result: GateResult) -> tuple[str, str]:
    if outcome.owner_role:
        return outcome.owner_role, "role"
    return result.default_owner or "the alliance manager", "owner"


def _action_for(outcome: OutcomeResult, result: GateResult) -> BriefAction:
    if outcome.actions:
        first = outcome.actions[0]
        return BriefAction(outcome.id, line(first.action), line(first.owner), first.due.isoformat(), "claim", False)
    owner, source = _owner_for(outcome, result)
    return BriefAction(
        outcome.id,
        f"Put {outcome.id} in place: {_shorten(outcome.text)}",
        line(owner),
        None,
        source,
        outcome.claim_status == "partly_met",
    )


def brief_actions(result: GateResult) -> tuple[BriefAction, ...]:
    """What must happen, in the order the details list it: for a fail, each blocker; for a pass,
    each condition still to close (carried first). An action the claim records keeps its own words,
    owner and date; otherwise the owner is the role the outcome's requirement names, else the
    manifest's owner, and the pack-editing fix stays in the details."""
    by_id = {o.id: o for o in result.outcomes}
    carried = {c.outcome: c for c in result.conditions_carried}
    actions: list[BriefAction] = []
    if not result.passed:
        for oid in result.blocking:
            outcome = by_id.get(oid)
            condition = carried.get(oid)
            if condition is not None and condition.state == "overdue":
                actions.append(
                    BriefAction(
                        oid,
                        line(condition.note) if condition.note else f"Close the overdue condition on {oid}",
                        line(condition.owner),
                        condition.due.isoformat(),
                        "condition",
                        False,
                    )
                )
                continue
            if outcome is not None:
                actions.append(_action_for(outcome, result))
        return tuple(actions)
    for c in conditions(result):
        if c.state == "closed":
            continue
        outcome = by_id.get(c.outcome)
        missing = c.note is None and outcome is not None and outcome.claim_status == "partly_met"
        text = (
            line(c.note) if c.note else f"Put {c.outcome} in place" + (f": {_shorten(outcome.text)}" if outcome else "")
        )
        source = "condition" if c.state != "new" else ("claim" if c.note else "owner")
        actions.append(BriefAction(c.outcome, text, line(c.owner), c.due.isoformat(), source, missing))
    return tuple(actions)


def brief_context(result: GateResult) -> dict[str, Any]:
    """What the brief shows, prepared once for every format that prints it."""
    actions = brief_actions(result)
    return {
        "r": result,
        "sentence": decision_sentence(result),
        "profile_note": profile_note(result),
        "profile_lines": profile_lines(result),
        "brief_actions": actions[:BRIEF_ACTIONS],
        "brief_more": max(0, len(actions) - BRIEF_ACTIONS),
        "brief_missing": sum(1 for a in actions if a.missing_action),
    }
