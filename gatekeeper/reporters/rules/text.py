"""The outcomes as a table for a terminal: id, cell, critical, the first words of the text."""

from __future__ import annotations

from gatekeeper.reporters._common.text import flat
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.rules import OutcomeListing


def render(result: OutcomeListing, options: RenderOptions) -> str:
    """One header line, then one line per outcome; the text cut at 72 characters."""
    lines = [f"{'ID':<11} {'CELL':<8} {'CRIT':<4} TEXT"]
    for o in result.outcomes:
        text = flat(o.text)
        words = text if len(text) <= 72 else text[:71].rstrip() + "…"
        lines.append(f"{o.id:<11} {o.cell:<8} {'yes' if o.critical else '':<4} {words}")
    return "\n".join(lines) + "\n"
