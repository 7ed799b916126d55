"""The columns every portfolio reporter shows, defined once so the table, CSV, HTML and workbook agree."""

from __future__ import annotations

from collections.abc import Sequence

from gatekeeper.portfolio import HORIZONS, AllianceRow, Change, PortfolioResult
from gatekeeper.reporters._common.profile import change_text
from gatekeeper.reporters._common.text import line

SUMMARY_HEADERS: tuple[str, ...] = (
    "Alliance",
    "Name",
    "Phase",
    "Gate",
    "Decision",
    "Blocking",
    "Blocking outcomes",
    "Conditions open",
    "Conditions overdue",
    *(f"Expiring {d}d" for d in HORIZONS),
    "Self-assessed critical",
    "Maturity",  # a fraction from 0 to 1 (the workbook formats it as a percentage); empty when none
    "Rule pack alone",
    "Problems",
)
# Columns holding counts (right-aligned in tables).
NUMERIC: frozenset[int] = frozenset(
    i
    for i, h in enumerate(SUMMARY_HEADERS)
    if h in ("Blocking", "Maturity") or h.startswith(("Conditions", "Expiring"))
)


def ids(values: Sequence[str], *, limit: int | None = None) -> str:
    """Outcome ids joined by commas; past `limit`, the rest as a count."""
    if limit is None or len(values) <= limit:
        return ", ".join(values)
    return ", ".join(values[:limit]) + f" (+{len(values) - limit})"


def maturity_value(row: AllianceRow) -> float | str:
    """The alliance's maturity as a fraction rounded to 4 decimals, a number for spreadsheets; empty
    when the pack could not be read or nothing in scope is counted (never a placeholder 0)."""
    if row.maturity is None or row.maturity.score is None:
        return ""
    return round(row.maturity.score, 4)


def summary_values(row: AllianceRow) -> tuple[str | int | float, ...]:
    """One row's summary cells, in SUMMARY_HEADERS order (numbers stay numbers for spreadsheets).

    A pack that could not be read has empty counts, not zeros: nothing is known about it.
    """
    if row.decision == "error":
        return (
            row.label,
            row.alliance_name or "",
            "",
            "",
            row.decision,
            "",
            "",
            "",
            "",
            *("" for _ in HORIZONS),
            "",
            "",
            "",
            _problems(row),
        )
    return (
        row.label,
        row.alliance_name or "",
        row.phase or "",
        row.gate or "",
        row.decision,
        len(row.blocking),
        ids([b.outcome for b in row.blocking]),
        row.conditions_open,
        row.conditions_overdue,
        *(row.expiring_within(d) for d in HORIZONS),
        ids(row.self_assessed_critical),
        maturity_value(row),
        without_profile(row),
        _problems(row),
    )


def without_profile(row: AllianceRow) -> str:
    """The decision of the rule pack alone, when the profile turned it ("fail: the profile changed it"); else empty."""
    if not row.profile_changed_decision:
        return ""
    return f"{row.decision_without_profile}: the profile changed it"


def profile_lines(result: PortfolioResult) -> list[str]:
    """The profile, and each change it makes against the rule pack, one line each; none without a profile."""
    if result.profile_name is None:
        return []
    changes = [change_text(c) for c in result.profile_changes]
    head = f"Profile {line(result.profile_name)}: {len(changes)} change(s) against the rule pack"
    return [head, *(f"  - {c}" for c in changes)]


def turned(result: PortfolioResult) -> list[str]:
    """ "alliance-1 (the rule pack alone: fail)" for each alliance whose decision the profile turned."""
    return [
        f"{line(r.label)} ({r.decision}; the rule pack alone: {r.decision_without_profile})"
        for r in result.rows
        if r.profile_changed_decision
    ]


def _problems(row: AllianceRow) -> str:
    more = row.problem_count - len(row.problems)
    return "; ".join(row.problems) + (f" (+{more} more)" if more > 0 else "")


def change_words(change: Change) -> list[str]:
    """What changed for one alliance, as short phrases."""
    if change.kind == "new":
        return [f"new in this review ({change.decision_after})"]
    if change.kind == "gone":
        return [f"not in this review (was {change.decision_before})"]
    words = []
    if change.flipped:
        words.append(f"decision {change.decision_before} -> {change.decision_after}")
    if change.blockers_new:
        words.append(f"new blockers: {ids(change.blockers_new)}")
    if change.blockers_resolved:
        words.append(f"blockers resolved: {ids(change.blockers_resolved)}")
    if change.conditions_closed:
        words.append(f"conditions closed: {ids(change.conditions_closed)}")
    if change.conditions_overdue:
        words.append(f"conditions now overdue: {ids(change.conditions_overdue)}")
    return words
