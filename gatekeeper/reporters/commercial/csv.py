"""The simulation as CSV: one row per scenario and party, for a spreadsheet."""

from __future__ import annotations

from gatekeeper.commercial.model import fmt_number
from gatekeeper.commercial.simulate import Simulation
from gatekeeper.reporters._common.cells import csv_document
from gatekeeper.reporters.commercial import NamedSimulation, named
from gatekeeper.reporters.commercial import _words as w
from gatekeeper.reporters.options import RenderOptions

COLUMNS: tuple[str, ...] = (
    "performance",
    "outturn",
    "party",
    "role",
    "amount",
    "share_percent",
    "uncapped",
    "cap_applied",
    "fee_paid",
    "return",
)


def render(report: Simulation | NamedSimulation, options: RenderOptions) -> str:
    """One row per scenario and party; the client's row carries its residual."""
    simulation = named(report).simulation
    rows = (
        [
            fmt_number(run.saving_percent),
            w.money(run.outturn).replace(",", ""),
            r.party,
            r.role,
            w.money(r.amount).replace(",", ""),
            w.share(r.share),
            w.money(r.uncapped).replace(",", ""),
            "true" if r.cap_applied else "false",
            w.money(r.fee_paid).replace(",", ""),
            w.money(r.net_return).replace(",", ""),
        ]
        for run in simulation.scenarios
        for r in run.results
    )
    return csv_document(COLUMNS, rows)
