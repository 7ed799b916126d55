"""The decision brief: the sponsor's one page, alone (`gatekeeper check --summary`), in each format it offers."""

from __future__ import annotations

from gatekeeper.reporters.family import Family
from gatekeeper.result import GateResult

FORMATS: dict[str, str] = {
    "text": "gatekeeper.reporters.brief.text",
    "markdown": "gatekeeper.reporters.brief.markdown",
    "html": "gatekeeper.reporters.brief.html",
    "pdf": "gatekeeper.reporters.brief.pdf",
}

SUFFIXES: dict[str, str] = {"text": ".txt", "markdown": ".md", "html": ".html", "pdf": ".pdf"}

BRIEF = Family("brief", GateResult, FORMATS, SUFFIXES, binary=frozenset({"pdf"}))
