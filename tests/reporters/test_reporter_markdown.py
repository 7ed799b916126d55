"""The Markdown format: decision, blockers, conditions, grid and per-theme table, with every free text escaped."""

from __future__ import annotations

import re

import pytest
import reporter_cases

from gatekeeper.reporters import RenderOptions, render
from gatekeeper.reporters._common.markdown import markdown_inline


def _md(case: str) -> str:
    return render(reporter_cases.CASES[case](), "markdown", options=RenderOptions())


def test_sections_in_order() -> None:
    """The report reads decision, blockers, conditions, grid, the per-theme table, then the ranked improvements."""
    text = _md("failing")
    headings = re.findall(r"^#+ .*$", text, flags=re.MULTILINE)
    assert headings == [
        "# Gate review: Northern Rail Alliance",
        "## Blocking outcomes (4)",
        "## Conditions (1)",
        "## Grid: worst status per cell",
        "## Per theme",
        "## Improvements, ranked",
        "## Evidence document problems",
    ]
    assert "**FAIL: 4 blocking outcomes; the alliance may not leave Creating.**" in text


def test_grid_table() -> None:
    """The grid is a Markdown table with the worst status of each cell in bold when it is not met, and its maturity."""
    text = _md("failing")
    assert (
        "| Theme | Deciding | Creating | Delivering | Sustaining |\n"
        "|---|---|---|---|---|\n"
        "| Behaviour | met 1/1, maturity 100 % | **not met** 1/3, maturity 33 % | not in scope | not in scope |\n"
        "| Integration | **not applicable** 0/1, maturity n/a | not in scope | not in scope | not in scope |\n"
        "| Leadership | **stale** 0/1, maturity 0 % | met 1/1, maturity 100 % | not in scope | not in scope |\n"
        "| Commercial | **waived** 0/1, maturity n/a | **error** 0/1, maturity 0 % | not in scope | not in scope |\n"
    ) in text
    assert "Maturity of every outcome in scope: 43 %." in text


def test_improvements_table() -> None:
    """The ranked improvements are a table: critical first, then what lifts a theme over its floor, then by gain."""
    text = _md("failing")
    assert (
        "| # | Outcome | Status | Why here |\n"
        "|---:|---|---|---|\n"
        "| 1 | DEC.LEA.01 | stale | critical: the gate cannot pass without it |\n"
        "| 2 | CRE.COM.01 | error | critical: the gate cannot pass without it |\n"
        "| 3 | CRE.BEH.01 | not met | lifts CRE.BEH over its floor |\n"
        "| 4 | CRE.BEH.02 | unevidenced | +33.3 points to CRE.BEH |\n"
    ) in text


def test_blockers_and_conditions() -> None:
    """Blockers are numbered with reasons and fix; conditions are a table with owner and due date."""
    text = _md("failing")
    assert (
        "3. **CRE.BEH.01** (non-critical, not met): The required behaviours have been identified and set out as part "
        "of the implementation plan.\n   - CRE.BEH.01#1: no approval found\n   - *To pass:* Approve the plan.\n"
    ) in text
    assert "| DEC.BEH.02 | Alliance Manager | 2025-01-31 | overdue |  |\n" in _md("failing")
    assert "| CRE.BEH.02 | Alliance Manager | 2025-06-29 | set by this gate |  |\n" in _md("passing")


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a | b", "a \\| b"),
        (
            "*bold* _it_ `code` [link](x) ~~del~~ $x$",
            "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x) \\~\\~del\\~\\~ \\$x\\$",
        ),
        ("ping @all about #12, not a@b or C#", "ping \\@all about \\#12, not a@b or C#"),
        ("line one\nline two", "line one line two"),
        ("a & b", "a &amp; b"),
    ],
)
def test_inline_escaping(raw: str, escaped: str) -> None:
    """Markup, table pipes, emphasis, links, mentions and line breaks in evidence text are neutralised."""
    assert markdown_inline(raw) == escaped


def test_hostile_text_keeps_tables_intact() -> None:
    """Hostile text adds no raw HTML and no unescaped pipe, so every table row keeps its column count."""
    text = _md("hostile")
    assert "<" not in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "DEC.BEH.01" in line]
    assert rows, "the condition row is present"
    for row in rows:
        columns = 4 if re.match(r"\| \d+ \| ", row) else 5  # the ranked improvements, else the conditions
        assert len(re.findall(r"(?<!\\)\|", row)) == columns + 1
