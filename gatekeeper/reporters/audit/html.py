"""The audit as one self-contained HTML page (Jinja2, autoescaped): summary, findings, evidence register."""

from __future__ import annotations

from gatekeeper.audit import CATEGORIES, AuditResult
from gatekeeper.reporters._common.profile import change_text
from gatekeeper.reporters._common.templates import environment
from gatekeeper.reporters.audit.text import gates_text, headline
from gatekeeper.reporters.options import RenderOptions


def render(result: AuditResult, options: RenderOptions) -> str:
    template = environment(html=True).get_template("audit.html.j2")
    return template.render(
        result=result,
        headline=headline(result),
        categories=CATEGORIES,
        counts=[(name, n) for name, n in result.counts() if n],
        gates=gates_text(result),
        profile_lines=[change_text(c) for c in result.profile_changes],
    )
