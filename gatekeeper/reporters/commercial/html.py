"""The simulation as one self-contained HTML page: the header, the chart inline, the table, thresholds and caps."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from gatekeeper.commercial.chart import svg
from gatekeeper.commercial.checks import return_words
from gatekeeper.commercial.model import fmt_number
from gatekeeper.commercial.simulate import Simulation
from gatekeeper.reporters._common.text import flat
from gatekeeper.reporters.commercial import NamedSimulation, named
from gatekeeper.reporters.commercial import _words as w
from gatekeeper.reporters.options import RenderOptions


def _shown(value: object) -> object:
    # Text on one line with its control characters visible; the chart (markup built here) as it is.
    return flat(value) if isinstance(value, str) and not isinstance(value, Markup) else value


_ENVIRONMENT = Environment(
    loader=PackageLoader("gatekeeper.reporters", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    keep_trailing_newline=True,
    finalize=_shown,
)


def render(result: Simulation | NamedSimulation, options: RenderOptions) -> str:
    """One self-contained page: the header, the chart inline, the table, thresholds and caps."""
    report = named(result)
    simulation = report.simulation
    model = simulation.model
    template = _ENVIRONMENT.get_template("commercial.html.j2")
    rows = []
    for run in simulation.scenarios:
        rows.append(
            {
                "performance": f"{fmt_number(run.saving_percent)} %",
                "outturn": w.money(run.outturn),
                "cells": [
                    {
                        "amount": w.money(r.amount),
                        "share": "" if r.share is None else f"{w.share(r.share)} %",
                        "capped": r.cap_applied,
                    }
                    for r in run.results
                ],
            }
        )
    return template.render(
        header=w.header(model, simulation),
        chart=Markup(
            svg(simulation, alliance=report.alliance)
        ),  # built here from escaped parts; the only unescaped value
        parties=model.parties,
        rows=rows,
        thresholds=[(p.name, return_words(simulation.threshold(p.id).positive)) for p in model.parties],
        caps=w.cap_lines(simulation),
    )
