"""What the commercial formats share: money and shares in fixed formats, the header and the cap lines."""

from __future__ import annotations

from fractions import Fraction

from gatekeeper.commercial.checks import performance
from gatekeeper.commercial.model import CommercialModel, fmt_money, fmt_number, rounded
from gatekeeper.commercial.simulate import Simulation
from gatekeeper.reporters._common.text import line


def money(value: Fraction) -> str:
    return fmt_money(value)


def share(value: Fraction | None) -> str:
    return "" if value is None else f"{rounded(value):f}"


def number(value: Fraction) -> float:
    """A JSON number rounded to the penny (or hundredth of a per cent)."""
    return float(rounded(value))


def cap_lines(simulation: Simulation) -> list[str]:
    model = simulation.model
    lines = []
    for cap in simulation.caps:
        name = next(p.name for p in model.parties if p.id == cap.party)
        where = "never reached" if cap.reached_at is None else f"reached at {performance(cap.reached_at)}"
        lines.append(f"{line(name)}: {cap.kind} cap {line(model.currency)} {fmt_money(cap.money)}, {where}")
    return lines


def header(model: CommercialModel, simulation: Simulation) -> list[str]:
    return [
        f"Target cost {line(model.currency)} {fmt_money(model.target_cost)}; "
        f"baseline {line(model.currency)} {fmt_money(model.baseline_cost)}; "
        f"KPI modifier assumed {fmt_number(simulation.modifier)} %.",
        "Performance is a per cent of target cost: negative is an overrun (painshare), positive a saving (gainshare).",
        "Each party's amount is what it receives (+) or bears (-), with its share of the overrun or saving;",
        "* marks a cap applied. The client keeps or bears the residual, including any overrun above a partner's cap.",
    ]
