"""The commercial simulation: one Simulation in each format `gatekeeper commercial simulate --format` offers."""

from __future__ import annotations

from gatekeeper.commercial.simulate import Simulation
from gatekeeper.reporters.family import Family

FORMATS: dict[str, str] = {
    "text": "gatekeeper.reporters.commercial.text",
    "json": "gatekeeper.reporters.commercial.json",
    "csv": "gatekeeper.reporters.commercial.csv",
    "svg": "gatekeeper.reporters.commercial.svg",
    "html": "gatekeeper.reporters.commercial.html",
}

SUFFIXES: dict[str, str] = {"text": ".txt", "json": ".json", "csv": ".csv", "svg": ".svg", "html": ".html"}

COMMERCIAL = Family("commercial", Simulation, FORMATS, SUFFIXES)
