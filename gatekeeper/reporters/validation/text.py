"""Validation for a terminal and an editor's problem matcher: one `file:line:col: message` line per problem."""

from __future__ import annotations

from gatekeeper.reporters._common.text import terminal
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.validation import Validation


def summary(result: Validation) -> str:
    """The verdict in one line: how many problems, or what the valid pack holds."""
    if result.problems:
        return f"{len(result.problems)} problem(s) in {terminal(result.pack)}"
    return (
        f"{terminal(result.pack)}: valid ({terminal(result.alliance_name)}, {terminal(result.phase)}; "
        f"{result.claims} claims, {result.evidence} evidence items)"
    )


def render(result: Validation, options: RenderOptions) -> str:
    """Each problem on its own line, sorted; a valid pack is one line saying so."""
    if result.problems:
        return "".join(f"{terminal(problem)}\n" for problem in result.problems)
    return summary(result) + "\n"
