"""Draw a simulation: the Figure 3.4 chart as SVG (the reports around it live in gatekeeper.reporters.commercial).

The chart is byte-stable: numbers go through fixed formats, parties and lines keep the model's
order, and nothing random (ids, timestamps) is written.
"""

from __future__ import annotations

from fractions import Fraction
from html import escape

from gatekeeper.commercial.model import fmt_money, fmt_number
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
    added = [
        scenario(model, s, modifier=simulation.modifier)
        for s in extra
        if simulation.start < s < simulation.stop and s not in known
    ]
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
        out.append(
            f'<text x="{_c(LEFT - 6)}" y="{_c(float(y(level)) + 4)}" text-anchor="end">{_compact_money(level)}</text>'
        )
        level += y_step
    # Axes through zero, as in the figure.
    if x0 <= 0 <= x1:
        out.append(
            f'<line x1="{x(Fraction(0))}" y1="{_c(TOP)}" x2="{x(Fraction(0))}" y2="{_c(TOP + plot_h)}" stroke="#333333"/>'
        )
    out.append(
        f'<line x1="{_c(LEFT)}" y1="{y(Fraction(0))}" x2="{_c(LEFT + plot_w)}" y2="{y(Fraction(0))}" stroke="#333333"/>'
    )
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
