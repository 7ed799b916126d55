"""The gate report: one GateResult in each format `gatekeeper check --format` offers."""

from __future__ import annotations

from gatekeeper.reporters.family import Family
from gatekeeper.result import GateResult

FORMATS: dict[str, str] = {
    "text": "gatekeeper.reporters.gate.text",
    "json": "gatekeeper.reporters.gate.json",
    "junit": "gatekeeper.reporters.gate.junit",
    "markdown": "gatekeeper.reporters.gate.markdown",
    "html": "gatekeeper.reporters.gate.html",
    "github": "gatekeeper.reporters.gate.github",
    "pdf": "gatekeeper.reporters.gate.pdf",
}

SUFFIXES: dict[str, str] = {
    "text": ".txt",
    "json": ".json",
    "junit": ".xml",
    "markdown": ".md",
    "html": ".html",
    "github": ".github.txt",
    "pdf": ".pdf",
}

GATE = Family("gate", GateResult, FORMATS, SUFFIXES, binary=frozenset({"pdf"}))
