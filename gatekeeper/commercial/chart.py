"""Draw a simulation: the Figure 3.4 chart as SVG (the reports around it live in gatekeeper.reporters.commercial).

The chart is byte-stable: numbers go through fixed formats, parties and lines keep the model's
order, and nothing random (ids, timestamps) is written.

The client's line shares the partners' money axis on purpose. A second axis would let two
unrelated scales look alike; one axis shows the sponsor its own exposure as it is: whatever the
partners do not take or bear, above every pain cap included, falls on the client. When the
client's amounts dwarf the partners', a note under the chart says by how much.

The plotted range is the simulation's, widened (for the chart only) to every point within a 100 %
overrun or saving where a cap starts to bite; the widened stretch is shaded and labelled, and a cap
that bites beyond it, or never, is named in a note.
"""

from __future__ import annotations

from fractions import Fraction
from html import escape

from gatekeeper.commercial.model import fmt_money, fmt_number
from gatekeeper.commercial.simulate import DOMAIN, CapPoint, Scenario, Simulation, scenario

# Colours for partners in model order (a colour-blind-safe palette), then repeated; each partner
# also has its own dash pattern, so no line is told apart by colour alone.
PALETTE: tuple[str, ...] = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
DASHES: tuple[str | None, ...] = (None, "10 4", "10 4 2 4", "4 3", "16 4 4 4", "2 3")
CLIENT_COLOUR, CLIENT_DASH = "#000000", "14 5 2 5"
CAP_DASH = "1 4"  # caps: thin dotted levels, unlike any series
TEXT, MUTED = "#1a1a1a", "#4d4d4d"  # both above 7:1 on white
WIDTH, PLOT_HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 90, 200, 64, 70
ROW = 18
DWARFS = 4  # the client's line "dwarfs" the partners' when its extent is this many times theirs


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


def _where(s: Fraction) -> str:
    """A performance in words: '12.5 % overrun', '20 % saving', 'on target'."""
    if s == 0:
        return "on target"
    return f"{fmt_number(abs(s))} % {'overrun' if s < 0 else 'saving'}"


def _cap_name(cap: CapPoint) -> str:
    return "pain cap" if cap.kind == "painshare" else "gain cap"


def plotted_range(simulation: Simulation) -> tuple[Fraction, Fraction]:
    """The simulation's range, widened to every cap's reach point that lies within DOMAIN."""
    reach = [
        c.reached_at for c in simulation.caps if c.reached_at is not None and DOMAIN[0] <= c.reached_at <= DOMAIN[1]
    ]
    return min([simulation.start, *reach]), max([simulation.stop, *reach])


def _curve_points(simulation: Simulation, x0: Fraction, x1: Fraction) -> tuple[Scenario, ...]:
    """The scenarios plus the range's ends, every band edge and every cap point inside it.

    Every amount is linear between band edges and cap points, so these corners draw the lines exactly.
    """
    model = simulation.model
    extra = {x0, x1} | {e for b in model.bands for e in (b.lower, b.upper) if e is not None}
    extra |= {c.reached_at for c in simulation.caps if c.reached_at is not None}
    known = {s.saving_percent for s in simulation.scenarios}
    added = [scenario(model, s, modifier=simulation.modifier) for s in extra if x0 <= s <= x1 and s not in known]
    return tuple(sorted(simulation.scenarios + tuple(added), key=lambda run: run.saving_percent))


def _notes(
    simulation: Simulation, x0: Fraction, x1: Fraction, partner_extent: Fraction, client_extent: Fraction
) -> list[str]:
    """The sentences under the legend: where the range was widened, caps outside it, the client's scale."""
    model = simulation.model
    names = {p.id: p.name for p in model.parties}
    notes = []
    if (x0, x1) != (simulation.start, simulation.stop):
        notes.append(
            f"Simulated from {_where(simulation.start)} to {_where(simulation.stop)}; the shaded stretch "
            "is drawn only to show where the caps bite."
        )
    for cap in simulation.caps:
        label = f"{_cap_name(cap).capitalize()} of {names[cap.party]}"
        if cap.reached_at is None:
            notes.append(f"{label} is never reached.")
        elif not x0 <= cap.reached_at <= x1:
            notes.append(f"{label} bites at {_where(cap.reached_at)}, beyond the plotted range.")
    if partner_extent > 0 and client_extent >= DWARFS * partner_extent:
        notes.append(
            f"One scale for all: the client's amounts reach {model.currency} {fmt_money(client_extent)}, "
            f"{fmt_number(client_extent / partner_extent, 1)} times any partner's."
        )
    return notes


def svg(simulation: Simulation, *, alliance: str | None) -> str:
    """Figure 3.4 for this model: each partner's and the client's painshare (below) and gainshare (above)
    against cost overrun (left) and cost saving (right), with each partner's caps marked.

    `alliance` is the alliance's name for the title (commercial.yml names none); None when unknown.
    """
    model = simulation.model
    partners = model.partners
    client = model.client
    currency = escape(model.currency)
    x0, x1 = plotted_range(simulation)
    runs = _curve_points(simulation, x0, x1)
    partner_values = [r.amount for run in runs for r in run.results if r.role == "partner"]
    partner_values += [c.money for c in simulation.caps]
    client_values = [run.client_residual for run in runs]
    partner_extent = max([abs(v) for v in partner_values] + [Fraction(0)])
    client_extent = max([abs(v) for v in client_values] + [Fraction(0)])
    extent = max(partner_extent, client_extent, Fraction(1))
    y_step = _nice_step(extent, 4)
    y_max = y_step * -(-extent // y_step)  # round up to a whole tick
    notes = _notes(simulation, x0, x1, partner_extent, client_extent)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PLOT_HEIGHT
    legend_top = TOP + plot_h + BOTTOM
    legend_rows = 1 + len(partners) + 1  # the client, each partner, and the cap marking
    height = legend_top + ROW * (legend_rows + len(notes))

    def x(s: Fraction) -> str:
        return _c(LEFT + (s - x0) / (x1 - x0) * plot_w)

    def y(v: Fraction) -> str:
        return _c(TOP + (y_max - v) / (2 * y_max) * plot_h)

    named = escape(alliance) if alliance else "Alliance not named"
    target = f"target cost {currency} {fmt_money(model.target_cost)}"
    title = f"{named}: pain/gain sharing, {target}"
    caps_said = "; ".join(
        f"{_cap_name(c)} of {next(p.name for p in partners if p.id == c.party)} {model.currency} {fmt_money(c.money)}, "
        + ("never reached" if c.reached_at is None else f"bites at {_where(c.reached_at)}")
        for c in simulation.caps
    )
    desc = (
        f"Line chart of each party's gain (above zero) or pain (below zero) in {model.currency} against performance "
        f"from {_where(x0)} to {_where(x1)}, KPI modifier {fmt_number(simulation.modifier)} %: the client "
        f"{client.name} and the partners {', '.join(p.name for p in partners)}. "
        + (f"Caps: {caps_said}." if caps_said else "No caps.")
    )
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        'font-family="Helvetica, Arial, sans-serif" font-size="12" fill="#1a1a1a" role="img" '
        'aria-labelledby="chart-title chart-desc">',
        f'<title id="chart-title">{title}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{_c(LEFT)}" y="22" font-size="15" font-weight="bold">{named}</text>',
        f'<text x="{_c(LEFT)}" y="42">Pain/gain sharing, {target}, KPI modifier {fmt_number(simulation.modifier)} %</text>',
    ]
    # The stretches drawn beyond the simulated range, shaded so they are not read as simulated.
    for low, high in ((x0, simulation.start), (simulation.stop, x1)):
        if high > low:
            out.append(
                f'<rect x="{x(low)}" y="{_c(TOP)}" width="{_c(float(x(high)) - float(x(low)))}" height="{_c(plot_h)}" '
                'fill="#f2f2f2"><title>Beyond the simulated range</title></rect>'
            )
    # Grid and ticks.
    x_step = _nice_step(x1 - x0, 12)
    tick = x_step * -(-x0 // x_step)
    while tick <= x1:
        out.append(f'<line x1="{x(tick)}" y1="{_c(TOP)}" x2="{x(tick)}" y2="{_c(TOP + plot_h)}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{x(tick)}" y="{_c(TOP + plot_h + 16)}" text-anchor="middle">{fmt_number(tick)}</text>')
        tick += x_step
    level = -y_max
    while level <= y_max:
        out.append(f'<line x1="{_c(LEFT)}" y1="{y(level)}" x2="{_c(LEFT + plot_w)}" y2="{y(level)}" stroke="#e0e0e0"/>')
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
        f'<text x="{_c(LEFT + plot_w / 2)}" y="{_c(axis_y + 52)}" text-anchor="middle" fill="{MUTED}">'
        "per cent of target cost</text>"
    )
    out.append(f'<text x="{_c(LEFT + 6)}" y="{_c(TOP + 14)}" font-weight="bold">Gainshare</text>')
    out.append(f'<text x="{_c(LEFT + 6)}" y="{_c(TOP + plot_h - 6)}" font-weight="bold">Painshare</text>')
    out.append(
        f'<text x="18" y="{_c(TOP + plot_h / 2)}" text-anchor="middle" transform="rotate(-90 18 {_c(TOP + plot_h / 2)})">'
        f"{currency}</text>"
    )
    # Caps: a dotted level per cap in the partner's colour, a ring where it starts to bite, and a
    # label in the right margin, pushed apart so no two labels overlap.
    labels: list[tuple[float, str]] = []
    for index, partner in enumerate(partners):
        colour = PALETTE[index % len(PALETTE)]
        for cap in (c for c in simulation.caps if c.party == partner.id):
            level_y = y(-cap.money if cap.kind == "painshare" else cap.money)
            where = "never reached" if cap.reached_at is None else f"bites at {_where(cap.reached_at)}"
            out.append(
                f'<line x1="{_c(LEFT)}" y1="{level_y}" x2="{_c(LEFT + plot_w)}" y2="{level_y}" stroke="{colour}" '
                f'stroke-dasharray="{CAP_DASH}" stroke-width="1.5"><title>{_cap_name(cap)}, {escape(partner.name)}: '
                f"{currency} {fmt_money(cap.money)}, {where}</title></line>"
            )
            labels.append((float(level_y) + 4, f"{_cap_name(cap)} ({escape(partner.id)})"))
            if cap.reached_at is not None and x0 <= cap.reached_at <= x1:
                out.append(
                    f'<circle cx="{x(cap.reached_at)}" cy="{level_y}" r="5" fill="#ffffff" stroke="{colour}" '
                    f'stroke-width="2"><title>{_cap_name(cap)}, {escape(partner.name)}: {where}</title></circle>'
                )
    floor = -1e9
    for label_y, words in sorted(labels):
        label_y = max(label_y, floor + 14)
        floor = label_y
        out.append(f'<text x="{_c(LEFT + plot_w + 6)}" y="{_c(label_y)}">{words}</text>')
    # One line per party: the client's first (underneath), then each partner's.
    series: list[tuple[str, str, str, str, str | None, str]] = [
        (client.id, f"{client.name} (client)", f"client, {client.id}", CLIENT_COLOUR, CLIENT_DASH, "2.5")
    ]
    series += [
        (p.id, p.name, p.id, PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)], "2") for i, p in enumerate(partners)
    ]
    for row, (party, name, tag, colour, dash, width) in enumerate(series):
        points = " ".join(f"{x(run.saving_percent)},{y(run.result(party).amount)}" for run in runs)
        dashed = "" if dash is None else f' stroke-dasharray="{dash}"'
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{width}"{dashed}>'
            f"<title>{escape(name)}</title></polyline>"
        )
        legend_y = legend_top + ROW * row
        out.append(
            f'<line x1="{_c(LEFT)}" y1="{_c(legend_y - 4)}" x2="{_c(LEFT + 36)}" y2="{_c(legend_y - 4)}" '
            f'stroke="{colour}" stroke-width="{width}"{dashed}/>'
        )
        legend = f"{client.name if party == client.id else name} ({tag})"
        out.append(f'<text x="{_c(LEFT + 44)}" y="{_c(legend_y)}">{escape(legend)}</text>')
    cap_row = legend_top + ROW * len(series)
    out.append(
        f'<line x1="{_c(LEFT)}" y1="{_c(cap_row - 4)}" x2="{_c(LEFT + 36)}" y2="{_c(cap_row - 4)}" stroke="{MUTED}" '
        f'stroke-width="1.5" stroke-dasharray="{CAP_DASH}"/>'
    )
    out.append(
        f'<circle cx="{_c(LEFT + 18)}" cy="{_c(cap_row - 4)}" r="5" fill="#ffffff" stroke="{MUTED}" stroke-width="2"/>'
    )
    out.append(
        f'<text x="{_c(LEFT + 44)}" y="{_c(cap_row)}">pain cap / gain cap: a partner\'s limit; the ring marks where it bites</text>'
    )
    for index, note in enumerate(notes):
        out.append(f'<text x="{_c(LEFT)}" y="{_c(cap_row + ROW * (index + 1))}" fill="{MUTED}">{escape(note)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
