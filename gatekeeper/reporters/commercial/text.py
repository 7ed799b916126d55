"""The simulation for a terminal: a fixed-width table, then each party's return threshold and each cap."""

from __future__ import annotations

from gatekeeper.commercial.checks import return_words
from gatekeeper.commercial.model import fmt_number
from gatekeeper.commercial.simulate import Simulation
from gatekeeper.reporters._common.text import line
from gatekeeper.reporters.commercial import NamedSimulation, named
from gatekeeper.reporters.commercial import _words as w
from gatekeeper.reporters.options import RenderOptions


def render(report: Simulation | NamedSimulation, options: RenderOptions) -> str:
    """A fixed-width table, then each party's return threshold and each cap."""
    simulation = named(report).simulation
    model = simulation.model
    head = ["performance", "outturn"] + [
        f"{line(p.id)} ({'residual' if p.role == 'client' else 'partner'})" for p in model.parties
    ]
    rows = [head]
    for run in simulation.scenarios:
        cells = [f"{fmt_number(run.saving_percent)} %", w.money(run.outturn)]
        for result in run.results:
            share = "" if result.share is None else f"{w.share(result.share)} %"
            cells.append(f"{w.money(result.amount)}{'*' if result.cap_applied else ' '} {share:>8}")
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = w.header(model, simulation) + [""]
    for number, row in enumerate(rows):
        lines.append(
            "  ".join(cell.rjust(widths[i]) if number else cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        )
    lines += ["", "Returns (partner: fee + gainshare - painshare; client: saving against the baseline):"]
    for party in model.parties:
        lines.append(f"  {line(party.name)}: {return_words(simulation.threshold(party.id).positive)}")
    lines += ["", "Caps:"]
    lines += [f"  {cap}" for cap in w.cap_lines(simulation)] or ["  none"]
    return "\n".join(lines) + "\n"
