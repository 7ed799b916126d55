"""Reporters: one module per output format over the one GateResult, and the registry behind --format.

Reporters only render. The decision and the exit code are computed before them, from the result.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import TextIO

from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult

__all__ = ["REPORTERS", "SUFFIXES", "RenderOptions", "color_wanted", "render"]

# Format name -> the module whose `render(result, options)` writes it. Modules are imported when
# their format is asked for: the text format should not pay for Jinja2.
REPORTERS: dict[str, str] = {
    "text": "gatekeeper.reporters.text",
    "json": "gatekeeper.reporters.json_format",
    "junit": "gatekeeper.reporters.junit",
    "markdown": "gatekeeper.reporters.markdown",
    "html": "gatekeeper.reporters.html",
}

# The usual file name ending of each format, for callers that name files themselves.
SUFFIXES: dict[str, str] = {
    "text": ".txt",
    "json": ".json",
    "junit": ".xml",
    "markdown": ".md",
    "html": ".html",
}


def render(result: GateResult, fmt: str, *, options: RenderOptions) -> str:
    """Render `result` in format `fmt` (a key of REPORTERS); the same inputs give the same text."""
    try:
        module = REPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(REPORTERS)}") from None
    return importlib.import_module(module).render(result, options)


def color_wanted(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the text format should be coloured on `stream`: a terminal, NO_COLOR unset, TERM not dumb.

    For the CLI: reporters never read the environment themselves (https://no-color.org: any
    non-empty NO_COLOR turns colour off).
    """
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
