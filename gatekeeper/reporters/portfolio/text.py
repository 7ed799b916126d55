"""Portfolio review as a plain-text table for the terminal: one line per alliance, then problems and changes."""

from __future__ import annotations

from collections.abc import Sequence

from gatekeeper.portfolio import HORIZONS, AllianceRow, PortfolioResult
from gatekeeper.reporters._common.text import line
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.portfolio._columns import change_words, ids, profile_lines, turned

HEADERS = (
    "Alliance",
    "Phase",
    "Gate",
    "Decision",
    "Blocking",
    "Cond. open",
    "Overdue",
    "Expiring " + "/".join(str(d) for d in HORIZONS) + "d",
    "Self-assessed crit.",
    "Maturity",
)
NUMERIC = {5, 6, 9}


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = [
            c.rjust(w) if i in NUMERIC and n else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=False))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _maturity(row: AllianceRow) -> str:
    if row.maturity is None or row.maturity.score is None:
        return "-"
    return f"{round(row.maturity.score * 100)} %"


def render(result: PortfolioResult, options: RenderOptions) -> str:
    gate = f"gate {result.gate}" if result.gate else "each alliance's next gate"
    lines = [
        f"Portfolio review as of {result.as_of}: {len(result.rows)} alliance(s), {gate}",
        f"Rule pack {line(result.rule_pack_name)} {line(result.rule_pack_version)}"
        + (f", profile {line(result.profile_name)}" if result.profile_name else ""),
        *profile_lines(result),
        *(["Decisions the profile changed: " + "; ".join(turned(result))] if turned(result) else []),
        "",
    ]
    table = [HEADERS]
    for row in result.rows:
        blocking = [b.outcome for b in row.blocking]
        if row.decision == "error":  # nothing is known about a pack that could not be read
            table.append((line(row.label), "-", "-", "ERROR", "-", "-", "-", "-", "-", "-"))
            continue
        table.append(
            (
                line(row.label),
                line(row.phase) or "-",
                line(row.gate) or "-",
                row.decision.upper(),
                f"{len(blocking)}: {ids(blocking, limit=3)}" if blocking else "0",
                str(row.conditions_open),
                str(row.conditions_overdue),
                "/".join(str(row.expiring_within(d)) for d in HORIZONS),
                ids(row.self_assessed_critical, limit=3) or "-",
                _maturity(row),
            )
        )
    lines += _table(table)
    errors = [r for r in result.rows if r.decision == "error"]
    if errors:
        lines += ["", "Could not be evaluated:"]
        for row in errors:
            lines.append(f"  {line(row.label)}")
            lines += [f"    {line(p)}" for p in row.problems]
            if row.problem_count > len(row.problems):
                lines.append(f"    ... and {row.problem_count - len(row.problems)} more problem(s)")
    if result.since is not None:
        lines += ["", f"Changes since the review of {result.since.as_of} ({line(result.since.file)}):"]
        for change in result.since.changes:
            lines.append(f"  {line(change.key)}: {line('; '.join(change_words(change)))}")
        if not result.since.changes:
            lines.append("  none")
        lines.append(f"  {result.since.unchanged} alliance(s) unchanged")
    lines += [
        "",
        f"{result.count('pass')} pass, {result.count('fail')} fail, {result.count('error')} could not be evaluated",
    ]
    return "\n".join(lines) + "\n"
