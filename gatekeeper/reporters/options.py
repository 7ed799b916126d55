"""How a report is rendered: the few choices the CLI makes for every format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RenderOptions:
    """Rendering choices that are not part of the result.

    `color`: ANSI colour in the text format. The CLI decides it (a terminal, NO_COLOR unset);
    reporters never look at the environment, so the same result renders the same bytes anywhere.
    """

    color: bool = False
