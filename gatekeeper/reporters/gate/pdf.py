"""The sponsor's report as PDF, for a board paper: the HTML report (brief first), typeset by WeasyPrint."""

from __future__ import annotations

from gatekeeper.reporters._common.pdf import html_to_pdf
from gatekeeper.reporters.gate import html
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult


def render(result: GateResult, options: RenderOptions) -> bytes:
    """The same page as `--format html`, printed: the brief on the first page, the details after it."""
    title = f"Gate review: {result.alliance_name} ({result.gate} gate, {result.decision})"
    return html_to_pdf(html.render(result, options), title=title, as_of=result.as_of)
