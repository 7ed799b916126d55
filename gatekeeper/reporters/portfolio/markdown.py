"""Portfolio review as Markdown: the summary table, problems and changes, for wikis and pull requests."""

from __future__ import annotations

from gatekeeper.portfolio import PortfolioResult
from gatekeeper.reporters._common.markdown import markdown_inline
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.portfolio._columns import (
    NUMERIC,
    SUMMARY_HEADERS,
    change_words,
    profile_lines,
    summary_values,
    turned,
)


def _cell(value: object) -> str:
    """A count as it is; any text as inline Markdown that cannot open HTML, a link or a new cell."""
    if isinstance(value, float):  # the maturity fraction, shown as a percentage
        return f"{round(value * 100)} %"
    return str(value) if isinstance(value, int) else markdown_inline(str(value))


def render(result: PortfolioResult, options: RenderOptions) -> str:
    gate = f"gate `{result.gate}`" if result.gate else "each alliance's next gate"
    headers = SUMMARY_HEADERS[:-1]  # problems get their own section
    lines = [
        f"# Portfolio review as of {result.as_of}",
        "",
        f"{len(result.rows)} alliance(s) at {gate}: **{result.count('pass')} pass**, **{result.count('fail')} fail**, "
        f"**{result.count('error')} could not be evaluated**. Rule pack {_cell(result.rule_pack_name)} {_cell(result.rule_pack_version)}.",
        "",
        *[f"- {_cell(t.strip().removeprefix('- '))}" for t in profile_lines(result)],
        *[f"- Decision changed by the profile: {_cell(t)}" for t in turned(result)],
        *([""] if profile_lines(result) else []),
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---:" if i in NUMERIC else "---" for i in range(len(headers))) + "|",
    ]
    for row in result.rows:
        lines.append("| " + " | ".join(_cell(v) for v in summary_values(row)[:-1]) + " |")
    errors = [r for r in result.rows if r.decision == "error"]
    if errors:
        lines += ["", "## Could not be evaluated", ""]
        for row in errors:
            lines.append(f"- **{_cell(row.label)}**")
            lines += [f"  - {_cell(p)}" for p in row.problems]
    if result.since is not None:
        lines += ["", f"## Changes since {result.since.as_of}", ""]
        lines += [f"- **{_cell(c.key)}**: {_cell('; '.join(change_words(c)))}" for c in result.since.changes] or [
            "- none"
        ]
        lines.append(f"- {result.since.unchanged} alliance(s) unchanged")
    return "\n".join(lines) + "\n"
