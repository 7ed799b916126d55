"""The simulation as Figure 3.4 of the Code of Practice: one SVG chart."""

from __future__ import annotations

from gatekeeper.commercial.chart import svg
from gatekeeper.commercial.simulate import Simulation
from gatekeeper.reporters.commercial import NamedSimulation, named
from gatekeeper.reporters.options import RenderOptions


def render(result: Simulation | NamedSimulation, options: RenderOptions) -> str:
    report = named(result)
    return svg(report.simulation, alliance=report.alliance)
