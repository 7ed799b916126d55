"""The terminal report: the decision first, then the grid, the blockers, the conditions and a summary per theme."""

from __future__ import annotations

from collections.abc import Callable

from gatekeeper.reporters.gate import _view as v
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult

# SGR codes per status; the words carry the meaning too, so nothing is lost without colour.
_STATUS_SGR: dict[str, str] = {
    "met": "32",
    "not_met": "1;31",
    "unevidenced": "33",
    "stale": "33",
    "waived": "36",
    "not_applicable": "2",
    "error": "1;35",
}
_CELL_WIDTH = 27
_THEME_WIDTH = 14


def _painter(color: bool) -> Callable[[str, str], str]:
    def paint(text: str, sgr: str) -> str:
        return f"\x1b[{sgr}m{text}\x1b[0m" if color and sgr else text

    return paint


def render(result: GateResult, options: RenderOptions) -> str:
    """Render `result` for a terminal; ANSI colour only when `options.color`."""
    paint = _painter(options.color)
    out: list[str] = []

    headline = v.decision_headline(result)
    out.append(paint(headline, "1;32" if result.passed else "1;31"))
    out += [f"  - {v.line(reason)}" for reason in result.decision_reasons]
    out.append("")
    out.append(f"{v.line(result.alliance_name)} ({v.line(result.alliance_id)}), client {v.line(result.client)}")
    out.append(f"Gate {v.line(result.gate)}: {v.line(result.gate_title)}")
    profile = (
        f"{v.line(result.profile_name)} ({v.short_digest(result.profile_digest)})" if result.profile_name else "none"
    )
    out.append(
        f"As of {result.as_of.isoformat()}; rule pack {v.line(result.rule_pack_name)} {v.line(result.rule_pack_version)} "
        f"(sha256 {v.short_digest(result.rule_pack_digest)}); profile {profile}"
    )
    changes = v.profile_lines(result)
    if changes:
        out += ["", f"What the profile changed against the rule pack ({len(changes)})"]
        out += [f"  - {change}" for change in changes]

    out += ["", "Grid: worst status per cell (outcomes met / in scope, maturity; - not in scope)"]
    header = " " * (_THEME_WIDTH + 2) + "".join(v.phase_label(p).ljust(_CELL_WIDTH) for p in v.GRID_PHASES)
    out.append(header.rstrip())
    for row in v.grid(result):
        cells = []
        for cell in row.cells:
            if cell.summary is None:
                cells.append("-".ljust(_CELL_WIDTH))
                continue
            label = v.status_label(cell.summary.worst)
            rest = f"{cell.met}/{cell.total} {v.maturity_text(cell.summary.maturity)}"
            pad = " " * max(1, _CELL_WIDTH - len(f"{label} {rest}"))
            cells.append(f"{paint(label, _STATUS_SGR.get(cell.summary.worst, ''))} {rest}{pad}")
        out.append(f"  {v.theme_label(row.theme).ljust(_THEME_WIDTH)}{''.join(cells)}".rstrip())
    for other in v.other_cells(result):
        assert other.summary is not None  # other_cells holds only cells in scope
        worst = other.summary.worst
        out.append(
            f"  {v.line(other.code)} ({v.phase_label(other.phase)}, {v.theme_label(other.theme)}): "
            f"{paint(v.status_label(worst), _STATUS_SGR.get(worst, ''))} {other.met}/{other.total} "
            f"{v.maturity_text(other.summary.maturity)}"
        )
    out.append(
        f"  Maturity (met 1, partly met 0.5, the rest 0; waived and not applicable not counted): "
        f"{v.maturity_text(result.maturity)}"
    )

    blockers = v.blockers(result)
    out += ["", f"Blocking outcomes ({len(blockers)})"]
    if not blockers:
        out.append("  none")
    for blocker in blockers:
        outcome = blocker.outcome
        if outcome is None:
            out.append(f"  {v.line(blocker.id)}  (a condition from the previous gate)")
            continue
        kind = "critical" if outcome.critical else "non-critical"
        out.append(
            f"  {paint(v.line(outcome.id), '1')}  {kind}  "
            f"{paint(v.status_label(outcome.status), _STATUS_SGR.get(outcome.status, ''))}"
        )
        out.append(f"    {v.line(outcome.text)}")
        out += [f"    - {v.line(reason)}" for reason in outcome.reasons]
        if outcome.fix:
            out.append(f"    To pass: {v.line(outcome.fix)}")
    if result.self_assessed_critical:
        out.append(
            "  Self-assessed critical outcomes (assessed by someone on the alliance): "
            + ", ".join(v.line(i) for i in result.self_assessed_critical)
        )

    conditions = v.conditions(result)
    out += ["", f"Conditions ({len(conditions)})"]
    if not conditions:
        out.append("  none")
    for condition in conditions:
        note = f": {v.line(condition.note)}" if condition.note else ""
        state = v.STATE_LABELS.get(condition.state, v.line(condition.state))
        out.append(
            f"  {v.line(condition.outcome)}  owner {v.line(condition.owner)}  due {condition.due.isoformat()}  "
            f"{paint(state, '1;31' if condition.state == 'overdue' else '')}{note}"
        )

    out += ["", "Summary per theme"]
    columns = [v.status_label(s) for s in v.STATUS_LABELS]
    widths = [max(len(c), 3) for c in columns]
    out.append(
        "  "
        + "Theme".ljust(_THEME_WIDTH)
        + "  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))
        + f"  critical not met  maturity  floor ({v.phase_label(result.leaves)})"
    )
    for theme in v.theme_lines(result):
        counts = dict(theme.counts)
        numbers = "  ".join(str(counts.get(s, 0)).rjust(w) for s, w in zip(v.STATUS_LABELS, widths, strict=True))
        floor = v.floor_text(theme.floor_cell) if theme.floor_cell else "-"
        if theme.floor_cell and theme.floor_cell.below_floor:
            floor = paint(floor, "1;31")
        out.append(
            f"  {v.theme_label(theme.theme).ljust(_THEME_WIDTH)}{numbers}  {str(theme.critical_not_met).rjust(16)}"
            f"  {v.maturity_text(theme.maturity).rjust(8)}  {floor}"
        )

    improvements = v.improvement_lines(result)
    out += ["", f"Improvements, ranked ({len(improvements)})"]
    if not improvements:
        out.append("  none: every outcome counted is met")
    for entry in improvements:
        status = entry.item.status
        out.append(
            f"  {str(entry.rank).rjust(3)}. {paint(v.line(entry.item.outcome), '1')}  "
            f"{paint(v.status_label(status), _STATUS_SGR.get(status, ''))}  {entry.why}"
        )

    if result.document_problems:
        out += ["", f"Evidence document problems ({len(result.document_problems)})"]
        out += [f"  {v.line(p)}" for p in result.document_problems]
    return "\n".join(out) + "\n"
