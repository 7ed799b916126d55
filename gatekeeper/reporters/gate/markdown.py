"""The Markdown report for a board paper or a merge request: decision, blockers, conditions, grid, per-theme table."""

from __future__ import annotations

from gatekeeper.reporters._common.templates import environment
from gatekeeper.reporters.gate import _view as v
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult


def render(result: GateResult, options: RenderOptions) -> str:
    """Render `result` as GitHub/GitLab-flavoured Markdown; every free text is escaped."""
    template = environment(html=False).get_template("report.md.j2")
    return template.render(**v.report_context(result))
