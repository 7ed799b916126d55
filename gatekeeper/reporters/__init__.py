"""Reporters: one module per output format over the one GateResult, and the registry behind --format.

Reporters only render. The decision and the exit code are computed before them, from the result.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TextIO

from gatekeeper.reporters import html, json_format, junit, markdown, text
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult

__all__ = ["REPORTERS", "SUFFIXES", "RenderOptions", "color_wanted", "render"]

REPORTERS: dict[str, Callable[[GateResult, RenderOptions], str]] = {
    "text": text.render,
    "json": json_format.render,
    "junit": junit.render,
    "markdown": markdown.render,
    "html": html.render,
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
        reporter = REPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(REPORTERS)}") from None
    return reporter(result, options)


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
