"""The decision brief as a one-page PDF, for a board paper."""

from __future__ import annotations

from gatekeeper.reporters._common.pdf import html_to_pdf
from gatekeeper.reporters.brief import html
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult


def render(result: GateResult, options: RenderOptions) -> bytes:
    title = f"Decision brief: {result.alliance_name} ({result.gate} gate, {result.decision})"
    return html_to_pdf(html.render(result, options), title=title, as_of=result.as_of)
