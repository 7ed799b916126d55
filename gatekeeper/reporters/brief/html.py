"""The decision brief as one self-contained HTML page that prints on one sheet."""

from __future__ import annotations

from gatekeeper.reporters._common.templates import environment
from gatekeeper.reporters.gate import _view as v
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult


def render(result: GateResult, options: RenderOptions) -> str:
    """The brief alone: the decision, what must happen (action, owner, date), what the profile changed."""
    template = environment(html=True).get_template("brief.html.j2")
    return template.render(**v.brief_context(result), alone=True)
