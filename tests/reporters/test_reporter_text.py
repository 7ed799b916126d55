"""The text format: decision first, the grid, blockers with reasons and fixes, conditions, per-theme summary."""

from __future__ import annotations

import re

import reporter_cases

from gatekeeper.reporters import RenderOptions, render


def _text(result: object, *, color: bool = False) -> str:
    return render(result, "text", options=RenderOptions(color=color))  # type: ignore[arg-type]


def test_decision_comes_first() -> None:
    """The first line is the decision, then its reasons."""
    lines = _text(reporter_cases.failing()).splitlines()
    assert lines[:3] == [
        "FAIL: 4 blocking outcomes; the alliance may not leave Creating.",
        "  - 2 critical outcome(s) not met: DEC.LEA.01, CRE.COM.01",
        "  - CRE.BEH: 1 of 3 non-critical outcomes met, below the floor of 50%",
    ]
    assert _text(reporter_cases.passing()).splitlines()[0] == "PASS with 2 conditions: the alliance may leave Creating."


def test_grid_shows_worst_status_per_cell() -> None:
    """The 4 x 4 grid shows each cell's worst status, how many outcomes are met and its maturity; cells out of scope show a dash."""
    text = _text(reporter_cases.failing())
    start = text.index("Grid:")
    grid = text[start:].splitlines()[1:7]
    assert grid == [
        "                Deciding                   Creating                   Delivering                 Sustaining",
        "  Behaviour     met 1/1 100 %              not met 1/3 33 %           -                          -",
        "  Integration   not applicable 0/1 n/a     -                          -                          -",
        "  Leadership    stale 0/1 0 %              met 1/1 100 %              -                          -",
        "  Commercial    waived 0/1 n/a             error 0/1 0 %              -                          -",
        "  Maturity (met 1, partly met 0.5, the rest 0; waived and not applicable not counted): 43 %",
    ]


def test_improvements_ranked() -> None:
    """The ranked improvements name each outcome, its status and why it ranks there; a partly met one says so."""
    failing = _text(reporter_cases.failing())
    assert (
        "Improvements, ranked (4)\n"
        "    1. DEC.LEA.01  stale  critical: the gate cannot pass without it\n"
        "    2. CRE.COM.01  error  critical: the gate cannot pass without it\n"
        "    3. CRE.BEH.01  not met  lifts CRE.BEH over its floor\n"
        "    4. CRE.BEH.02  unevidenced  +33.3 points to CRE.BEH\n"
    ) in failing
    passing = _text(reporter_cases.passing())
    assert (
        "Improvements, ranked (2)\n"
        "    1. CRE.BEH.02  unevidenced  +50.0 points to CRE.BEH\n"
        "    2. CRE.INT.02  not met  +25.0 points to CRE.INT; partly met\n"
    ) in passing


def test_blockers_carry_reasons_and_fix() -> None:
    """Each blocking outcome shows its criticality, status, text, one-line reasons and what would make it pass."""
    text = _text(reporter_cases.failing())
    assert (
        "  DEC.LEA.01  critical  stale\n"
        "    The required behaviours have been identified and set out as part of the implementation plan.\n"
        "    - DEC.LEA.01#1: the leadership charter is 400 days old; the rule allows 365\n"
        "    To pass: Re-approve the leadership charter.\n"
    ) in text
    assert "Blocking outcomes (4)\n  DEC.LEA.01  critical  stale\n" in text


def test_conditions_and_theme_summary() -> None:
    """A passing gate lists the conditions carried and set, and the theme summary states each maturity and floor."""
    text = _text(reporter_cases.passing())
    assert "Conditions (3)\n" in text
    assert "  CRE.INT.02  owner Integration Lead  due 2025-06-29  set by this gate\n" in text
    assert "  DEC.BEH.02  owner Alliance Manager  due 2025-01-31  closed: met since\n" in text
    assert re.search(r"\n  Integration +1 +1 +0 +0 +0 +0 +0 +0 +75 %  1 of 2 non-critical met \(floor 50 %\)\n", text)


def test_colour_only_when_asked() -> None:
    """With colour the decision is bold red and statuses are coloured; without it there is no escape at all."""
    coloured = _text(reporter_cases.failing(), color=True)
    assert coloured.startswith("\x1b[1;31mFAIL: 4 blocking outcomes; the alliance may not leave Creating.\x1b[0m\n")
    assert "\x1b[1;31mnot met\x1b[0m 1/3" in coloured
    plain = _text(reporter_cases.failing())
    assert "\x1b" not in plain
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_hostile_text_cannot_drive_the_terminal() -> None:
    """Escape and other control characters from evidence are shown as visible escapes, never sent to the terminal."""
    text = _text(reporter_cases.hostile(), color=True)
    assert re.findall(r"\x1b(?!\[(?:0|1|2|32|33|36|1;31|1;32|1;35)m)", text) == []
    assert "\\x1b" in text and "\\u202eevil\\u202c" in text
