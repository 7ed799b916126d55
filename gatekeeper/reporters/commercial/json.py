"""The simulation as one JSON document: money and per cents as numbers rounded to two decimals."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from gatekeeper.commercial.simulate import Simulation
from gatekeeper.reporters._common.json import json_document
from gatekeeper.reporters.commercial import NamedSimulation, named
from gatekeeper.reporters.commercial import _words as w
from gatekeeper.reporters.options import RenderOptions


def as_data(simulation: Simulation) -> dict[str, Any]:
    """The simulation as plain data (the JSON report), money and per cents rounded to two decimals."""
    model = simulation.model
    return {
        "currency": model.currency,
        "baseline_cost": w.number(model.baseline_cost),
        "target_cost": w.number(model.target_cost),
        "kpi_modifier": w.number(simulation.modifier),
        "range": {
            "from": w.number(simulation.start),
            "to": w.number(simulation.stop),
            "step": w.number(simulation.step),
        },
        "parties": [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "fee": None if p.fee is None else w.number(p.fee.amount),
                "fee_treatment": None if p.fee is None else p.fee.treatment,
                "fee_includes_overhead": None if p.fee is None else p.fee.includes_overhead,
                "painshare_cap": None if p.pain_cap_money() is None else w.number(p.pain_cap_money() or Fraction(0)),
                "gainshare_cap": None if p.gain_cap_money() is None else w.number(p.gain_cap_money() or Fraction(0)),
            }
            for p in model.parties
        ],
        "scenarios": [
            {
                "performance": w.number(run.saving_percent),
                "outturn": w.number(run.outturn),
                "variance": w.number(run.variance),
                "client_residual": w.number(run.client_residual),
                "parties": [
                    {
                        "party": r.party,
                        "amount": w.number(r.amount),
                        "share": None if r.share is None else w.number(r.share),
                        "uncapped": w.number(r.uncapped),
                        "cap_applied": r.cap_applied,
                        "fee_paid": w.number(r.fee_paid),
                        "return": w.number(r.net_return),
                    }
                    for r in run.results
                ],
            }
            for run in simulation.scenarios
        ],
        "thresholds": [
            {
                "party": t.party,
                "positive": [{"from": w.number(low), "to": w.number(high)} for low, high in t.positive],
                "starts": [w.number(v) for v in t.starts],
                "stops": [w.number(v) for v in t.stops],
            }
            for t in simulation.thresholds
        ],
        "caps": [
            {
                "party": c.party,
                "kind": c.kind,
                "amount": w.number(c.money),
                "reached_at": None if c.reached_at is None else w.number(c.reached_at),
            }
            for c in simulation.caps
        ],
    }


def render(report: Simulation | NamedSimulation, options: RenderOptions) -> str:
    simulation = named(report).simulation
    return json_document(as_data(simulation))
