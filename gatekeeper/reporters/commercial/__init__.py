"""The commercial simulation: one Simulation in each format `gatekeeper commercial simulate --format` offers."""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class NamedSimulation:
    """A simulation with the name of the alliance it belongs to, for the chart's title.

    commercial.yml names no alliance (the pack's manifest does), so a simulation alone is rendered
    too: every format takes either, and only the chart uses the name.
    """

    simulation: Simulation
    alliance: str | None


def named(result: Simulation | NamedSimulation) -> NamedSimulation:
    """Either kind of result as a NamedSimulation (a bare simulation has no alliance name)."""
    return result if isinstance(result, NamedSimulation) else NamedSimulation(result, None)


COMMERCIAL = Family("commercial", (Simulation, NamedSimulation), FORMATS, SUFFIXES)
