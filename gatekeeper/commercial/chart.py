"""Present a simulation: the Figure 3.4 chart as inline SVG, and text, JSON, CSV and HTML reports.

Every output is byte-stable: numbers go through fixed formats, parties and lines keep the model's
order, and nothing random (ids, timestamps) is written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from fractions import Fraction
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from gatekeeper.commercial.checks import performance, return_words
from gatekeeper.commercial.model import CommercialModel, fmt_money, fmt_number, rounded
from gatekeeper.commercial.simulate import Scenario, Simulation, scenario

# Colours for partners in model order (a colour-blind-safe palette), then repeated.
PALETTE: tuple[str, ...] = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
WIDTH, PLOT_HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 90, 200, 50, 70
LEGEND_ROW = 18


def _c(value: Fraction | float) -> str:
    """A coordinate, always two decimals, so the same chart is the same bytes."""
    return f"{float(value):.2f}"


def _nice_step(span: Fraction, target_ticks: int) -> Fraction:
    """1, 2 or 5 times a power of ten, giving about `target_ticks` intervals over `span`."""
    if span <= 0:
        return Fraction(1)
    raw = span / target_ticks
    power = Fraction(1)
    while power * 10 <= raw:
        power *= 10
    while power > raw:
        power /= 10
    for multiple in (1, 2, 5, 10):
        if power * multiple >= raw:
            return power * multiple
    return power * 10  # pragma: no cover - the loop always returns


def _compact_money(value: Fraction) -> str:
    """Axis labels: 1500000 -> '1.5m', 250000 -> '250k'."""
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        return f"{fmt_number(value / 1_000_000)}m"
    if magnitude >= 1_000:
        return f"{fmt_number(value / 1_000)}k"
    return fmt_number(value)


def _curve_points(simulation: Simulation) -> tuple[Scenario, ...]:
    """The scenarios plus every band edge and cap point inside the range, so corners are drawn exactly."""
    model = simulation.model
    extra = {e for b in model.bands for e in (b.lower, b.upper) if e is not None}
    extra |= {c.reached_at for c in simulation.caps if c.reached_at is not None}
    known = {s.saving_percent for s in simulation.scenarios}
    added = [scenario(model, s, modifier=simulation.modifier) for s in extra if simulation.start < s < simulation.stop and s not in known]
    return tuple(sorted(simulation.scenarios + tuple(added), key=lambda run: run.saving_percent))


def svg(simulation: Simulation) -> str:
    """Figure 3.4 for this model: each partner's painshare (below) and gainshare (above) against
    cost overrun (left) and cost saving (right), with each partner's cap marked."""
    model = simulation.model
    partners = model.partners
    runs = _curve_points(simulation)
    values = [r.amount for run in runs for r in run.results if r.role == "partner"]
    values += [c.money if c.kind == "gainshare" else -c.money for c in simulation.caps]
    extent = max([abs(v) for v in values] + [Fraction(1)])
    y_step = _nice_step(extent, 4)
    y_max = y_step * -(-extent // y_step)  # round up to a whole tick
    x0, x1 = simulation.start, simulation.stop
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_HEIGHT
    # The legend sits under the chart, one row per partner, so no label can cover a line.
    height = TOP + plot_h + BOTTOM + LEGEND_ROW * len(partners)

    def x(s: Fraction) -> str:
        return _c(LEFT + (s - x0) / (x1 - x0) * plot_w)

    def y(v: Fraction) -> str:
        return _c(TOP + (y_max - v) / (2 * y_max) * plot_h)

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        'font-family="Helvetica, Arial, sans-serif" font-size="12" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">Painshare and gainshare against outturn ({escape(model.currency)})</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{_c(LEFT)}" y="24" font-size="14" font-weight="bold">Reward and risk sharing, '
        f"KPI modifier {fmt_number(simulation.modifier)} %</text>",
    ]
    # Grid and ticks.
    x_step = _nice_step(x1 - x0, 12)
    tick = x_step * -(-x0 // x_step)
    while tick <= x1:
        out.append(f'<line x1="{x(tick)}" y1="{_c(TOP)}" x2="{x(tick)}" y2="{_c(TOP + plot_h)}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{x(tick)}" y="{_c(TOP + plot_h + 16)}" text-anchor="middle">{fmt_number(tick)}</text>')
        tick += x_step
    level = -y_max
    while level <= y_max:
        out.append(f'<line x1="{_c(LEFT)}" y1="{y(level)}" x2="{_c(LEFT + plot_w)}" y2="{y(level)}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{_c(LEFT - 6)}" y="{_c(float(y(level)) + 4)}" text-anchor="end">{_compact_money(level)}</text>')
        level += y_step
    # Axes through zero, as in the figure.
    if x0 <= 0 <= x1:
        out.append(f'<line x1="{x(Fraction(0))}" y1="{_c(TOP)}" x2="{x(Fraction(0))}" y2="{_c(TOP + plot_h)}" stroke="#333333"/>')
    out.append(f'<line x1="{_c(LEFT)}" y1="{y(Fraction(0))}" x2="{_c(LEFT + plot_w)}" y2="{y(Fraction(0))}" stroke="#333333"/>')
    axis_y = TOP + plot_h
    out.append(f'<text x="{_c(LEFT)}" y="{_c(axis_y + 36)}">&#8592; Cost overrun</text>')
    out.append(f'<text x="{_c(LEFT + plot_w)}" y="{_c(axis_y + 36)}" text-anchor="end">Cost saving &#8594;</text>')
    out.append(
        f'<text x="{_c(LEFT + plot_w / 2)}" y="{_c(axis_y + 52)}" text-anchor="middle" fill="#555555">'
        "per cent of target cost</text>"
    )
    out.append(f'<text x="{_c(LEFT + 6)}" y="{_c(TOP + 14)}" font-weight="bold">Gainshare</text>')
    out.append(f'<text x="{_c(LEFT + 6)}" y="{_c(TOP + plot_h - 6)}" font-weight="bold">Painshare</text>')
    out.append(
        f'<text x="18" y="{_c(TOP + plot_h / 2)}" text-anchor="middle" transform="rotate(-90 18 {_c(TOP + plot_h / 2)})">'
        f"{escape(model.currency)}</text>"
    )
    # Caps: a dashed level per partner, and a dot where the painshare cap starts to bite.
    for index, partner in enumerate(partners):
        colour = PALETTE[index % len(PALETTE)]
        for cap in (c for c in simulation.caps if c.party == partner.id):
            level_y = y(-cap.money if cap.kind == "painshare" else cap.money)
            label = "Cap" if cap.kind == "painshare" else "Gain cap"
            out.append(
                f'<line x1="{_c(LEFT)}" y1="{level_y}" x2="{_c(LEFT + plot_w)}" y2="{level_y}" stroke="{colour}" '
                f'stroke-dasharray="6 4" stroke-width="1"><title>{label}, {escape(partner.name)}: '
                f"{escape(model.currency)} {fmt_money(cap.money)}</title></line>"
            )
            out.append(
                f'<text x="{_c(LEFT + plot_w + 6)}" y="{_c(float(level_y) + 4)}" fill="{colour}">{label} '
                f"({escape(partner.id)})</text>"
            )
            if cap.reached_at is not None and x0 <= cap.reached_at <= x1:
                dot_y = y(-cap.money if cap.kind == "painshare" else cap.money)
                out.append(f'<circle cx="{x(cap.reached_at)}" cy="{dot_y}" r="4" fill="{colour}"/>')
    # One line per partner.
    for index, partner in enumerate(partners):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(f"{x(run.saving_percent)},{y(run.result(partner.id).amount)}" for run in runs)
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">'
            f"<title>{escape(partner.name)}</title></polyline>"
        )
        legend_y = TOP + plot_h + BOTTOM + LEGEND_ROW * index
        out.append(
            f'<line x1="{_c(LEFT)}" y1="{_c(legend_y - 4)}" x2="{_c(LEFT + 20)}" y2="{_c(legend_y - 4)}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text x="{_c(LEFT + 26)}" y="{_c(legend_y)}">{escape(partner.name)} ({escape(partner.id)})</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _money(value: Fraction) -> str:
    return fmt_money(value)


def _share(value: Fraction | None) -> str:
    return "" if value is None else f"{rounded(value):f}"


def _number(value: Fraction) -> float:
    """A JSON number rounded to the penny (or hundredth of a per cent)."""
    return float(rounded(value))


def _cap_lines(simulation: Simulation) -> list[str]:
    model = simulation.model
    lines = []
    for cap in simulation.caps:
        name = next(p.name for p in model.parties if p.id == cap.party)
        where = "never reached" if cap.reached_at is None else f"reached at {performance(cap.reached_at)}"
        lines.append(f"{name}: {cap.kind} cap {model.currency} {fmt_money(cap.money)}, {where}")
    return lines


def _header(model: CommercialModel, simulation: Simulation) -> list[str]:
    return [
        f"Target cost {model.currency} {fmt_money(model.target_cost)}; baseline {model.currency} {fmt_money(model.baseline_cost)}; "
        f"KPI modifier assumed {fmt_number(simulation.modifier)} %.",
        "Performance is a per cent of target cost: negative is an overrun (painshare), positive a saving (gainshare).",
        "Each party's amount is what it receives (+) or bears (-), with its share of the overrun or saving;",
        "* marks a cap applied. The client keeps or bears the residual, including any overrun above a partner's cap.",
    ]


def text(simulation: Simulation) -> str:
    """A fixed-width table, then each party's return threshold and each cap."""
    model = simulation.model
    head = ["performance", "outturn"] + [f"{p.id} ({'residual' if p.role == 'client' else 'partner'})" for p in model.parties]
    rows = [head]
    for run in simulation.scenarios:
        cells = [f"{fmt_number(run.saving_percent)} %", _money(run.outturn)]
        for result in run.results:
            share = "" if result.share is None else f"{_share(result.share)} %"
            cells.append(f"{_money(result.amount)}{'*' if result.cap_applied else ' '} {share:>8}")
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = _header(model, simulation) + [""]
    for number, row in enumerate(rows):
        lines.append("  ".join(cell.rjust(widths[i]) if number else cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    lines += ["", "Returns (partner: fee + gainshare - painshare; client: saving against the baseline):"]
    for party in model.parties:
        lines.append(f"  {party.name}: {return_words(simulation.threshold(party.id).positive)}")
    lines += ["", "Caps:"]
    lines += [f"  {line}" for line in _cap_lines(simulation)] or ["  none"]
    return "\n".join(lines) + "\n"


def as_data(simulation: Simulation) -> dict[str, Any]:
    """The simulation as plain data (the JSON report), money and per cents rounded to two decimals."""
    model = simulation.model
    return {
        "currency": model.currency,
        "baseline_cost": _number(model.baseline_cost),
        "target_cost": _number(model.target_cost),
        "kpi_modifier": _number(simulation.modifier),
        "range": {"from": _number(simulation.start), "to": _number(simulation.stop), "step": _number(simulation.step)},
        "parties": [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "fee": None if p.fee is None else _number(p.fee.amount),
                "fee_treatment": None if p.fee is None else p.fee.treatment,
                "fee_includes_overhead": None if p.fee is None else p.fee.includes_overhead,
                "painshare_cap": None if p.pain_cap_money() is None else _number(p.pain_cap_money() or Fraction(0)),
                "gainshare_cap": None if p.gain_cap_money() is None else _number(p.gain_cap_money() or Fraction(0)),
            }
            for p in model.parties
        ],
        "scenarios": [
            {
                "performance": _number(run.saving_percent),
                "outturn": _number(run.outturn),
                "variance": _number(run.variance),
                "client_residual": _number(run.client_residual),
                "parties": [
                    {
                        "party": r.party,
                        "amount": _number(r.amount),
                        "share": None if r.share is None else _number(r.share),
                        "uncapped": _number(r.uncapped),
                        "cap_applied": r.cap_applied,
                        "fee_paid": _number(r.fee_paid),
                        "return": _number(r.net_return),
                    }
                    for r in run.results
                ],
            }
            for run in simulation.scenarios
        ],
        "thresholds": [
            {
                "party": t.party,
                "positive": [{"from": _number(low), "to": _number(high)} for low, high in t.positive],
                "starts": [_number(v) for v in t.starts],
                "stops": [_number(v) for v in t.stops],
            }
            for t in simulation.thresholds
        ],
        "caps": [
            {
                "party": c.party,
                "kind": c.kind,
                "amount": _number(c.money),
                "reached_at": None if c.reached_at is None else _number(c.reached_at),
            }
            for c in simulation.caps
        ],
    }


def as_json(simulation: Simulation) -> str:
    return json.dumps(as_data(simulation), indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS: tuple[str, ...] = (
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


def as_csv(simulation: Simulation) -> str:
    """One row per scenario and party; the client's row carries its residual."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for run in simulation.scenarios:
        for r in run.results:
            writer.writerow(
                [
                    fmt_number(run.saving_percent),
                    f"{_money(run.outturn)}".replace(",", ""),
                    r.party,
                    r.role,
                    _money(r.amount).replace(",", ""),
                    _share(r.share),
                    _money(r.uncapped).replace(",", ""),
                    "true" if r.cap_applied else "false",
                    _money(r.fee_paid).replace(",", ""),
                    _money(r.net_return).replace(",", ""),
                ]
            )
    return buffer.getvalue()


_ENVIRONMENT = Environment(
    loader=PackageLoader("gatekeeper.commercial", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    keep_trailing_newline=True,
)


def html(simulation: Simulation) -> str:
    """One self-contained page: the header, the chart inline, the table, thresholds and caps."""
    model = simulation.model
    template = _ENVIRONMENT.get_template("simulation.html.j2")
    rows = []
    for run in simulation.scenarios:
        rows.append(
            {
                "performance": f"{fmt_number(run.saving_percent)} %",
                "outturn": _money(run.outturn),
                "cells": [
                    {
                        "amount": _money(r.amount),
                        "share": "" if r.share is None else f"{_share(r.share)} %",
                        "capped": r.cap_applied,
                    }
                    for r in run.results
                ],
            }
        )
    return template.render(
        header=_header(model, simulation),
        chart=Markup(svg(simulation)),  # built here from escaped parts; the only unescaped value
        parties=model.parties,
        rows=rows,
        thresholds=[(p.name, return_words(simulation.threshold(p.id).positive)) for p in model.parties],
        caps=_cap_lines(simulation),
    )


# Output formats by name; the CLI's --format choices come from this table.
FORMATS: dict[str, Callable[[Simulation], str]] = {
    "text": text,
    "json": as_json,
    "csv": as_csv,
    "svg": svg,
    "html": html,
}


def render(simulation: Simulation, fmt: str) -> str:
    """The simulation in format `fmt` (one of FORMATS)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    return FORMATS[fmt](simulation)
