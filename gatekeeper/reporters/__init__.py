"""Reporters: every output gatekeeper writes, grouped by family; each family is one result type and its formats.

A family is a package here (`gate/`, `audit/`, ...) whose `__init__` holds the registry: a dict
literal from format name to the module whose `render(result, options)` writes it. The CLI builds
its --format choices from that registry. Reporters only render: the decision and the exit code
are computed before them, from the result, and only the CLI prints or writes files.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from typing import TextIO

from gatekeeper.reporters.family import Family
from gatekeeper.reporters.gate import FORMATS, GATE
from gatekeeper.reporters.gate import SUFFIXES as _SUFFIXES
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult

# The gate's text formats (render() returns str); pdf, a binary format, is rendered through GATE.
REPORTERS: dict[str, str] = {name: module for name, module in FORMATS.items() if name not in GATE.binary}
SUFFIXES: dict[str, str] = {name: suffix for name, suffix in _SUFFIXES.items() if name in REPORTERS}

__all__ = ["FAMILIES", "REPORTERS", "SUFFIXES", "Family", "RenderOptions", "color_wanted", "family", "render"]

# Family name -> the package holding its registry (`FAMILY`), imported when first asked for.
FAMILIES: dict[str, str] = {
    "gate": "gatekeeper.reporters.gate:GATE",
    "brief": "gatekeeper.reporters.brief:BRIEF",
    "explain": "gatekeeper.reporters.explain:EXPLAIN",
    "audit": "gatekeeper.reporters.audit:AUDIT",
    "portfolio": "gatekeeper.reporters.portfolio:PORTFOLIO",
    "commercial": "gatekeeper.reporters.commercial:COMMERCIAL",
    "ledger": "gatekeeper.reporters.ledger:LEDGER",
    "validation": "gatekeeper.reporters.validation:VALIDATION",
    "rules": "gatekeeper.reporters.rules:RULES",
}


def family(name: str) -> Family:
    """The output family called `name` (a key of FAMILIES)."""
    module, attribute = FAMILIES[name].split(":")
    found: Family = getattr(importlib.import_module(module), attribute)
    return found


def render(result: GateResult, fmt: str, *, options: RenderOptions) -> str:
    """Render a gate result in format `fmt` (a key of REPORTERS); the same inputs give the same text."""
    if fmt not in REPORTERS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(REPORTERS)}")
    text = GATE.render(result, fmt, options=options)
    assert isinstance(text, str)  # every gate format is text
    return text


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
