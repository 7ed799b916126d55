"""The simulation as Figure 3.4 of the Code of Practice: one SVG chart."""

from __future__ import annotations

from gatekeeper.commercial.chart import svg
from gatekeeper.commercial.simulate import Simulation
from gatekeeper.reporters.options import RenderOptions


def render(simulation: Simulation, options: RenderOptions) -> str:
    return svg(simulation)
