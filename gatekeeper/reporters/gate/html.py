"""The sponsor's report: one self-contained HTML page (banner, heatmap, maturity chart, outcomes) that prints well."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from gatekeeper.reporters._common.templates import environment
from gatekeeper.reporters.gate import _view as v
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult, OutcomeResult, Status, ThemeSummary

# Stacking order of the maturity bars: in place first (left), then the statuses that still need
# work, worst last, so a bar reads as "how far along" from the left.
CHART_ORDER: tuple[Status, ...] = (
    Status.MET,
    Status.WAIVED,
    Status.NOT_APPLICABLE,
    Status.STALE,
    Status.UNEVIDENCED,
    Status.NOT_MET,
    Status.ERROR,
)

# Geometry of the maturity chart, in SVG user units.
_LABEL_W = 120
_BAR_W = 400
_BAR_H = 24
_ROW_H = 40
_TOP = 28
_RIGHT_W = 150


@dataclass(frozen=True)
class Segment:
    status: str
    x: float
    width: float
    n: int


@dataclass(frozen=True)
class ChartRow:
    theme: str
    y: float
    segments: tuple[Segment, ...]
    met: int
    total: int
    percent_met: int
    cell: ThemeSummary


@dataclass(frozen=True)
class Chart:
    """The per-theme maturity chart of the phase being left, laid out for the template."""

    phase: str
    rows: tuple[ChartRow, ...]
    width: int
    height: int
    label_w: int
    bar_w: int
    bar_h: int
    ticks: tuple[tuple[float, str], ...]  # (x, label) for 0, 25, 50, 75, 100 %


def chart(result: GateResult) -> Chart:
    """Lay out one stacked bar per theme: the share of the phase's outcomes in each status."""
    rows = []
    for i, cell in enumerate(v.phase_cells(result)):
        counts = dict(cell.counts)
        total = sum(counts.values())
        x = float(_LABEL_W)
        segments = []
        for status in CHART_ORDER:
            n = counts.get(status, 0)
            if n and total:
                width = round(_BAR_W * n / total, 2)
                segments.append(Segment(status, round(x, 2), width, n))
                x += width
        met = counts.get(Status.MET, 0)
        rows.append(
            ChartRow(
                theme=cell.theme,
                y=_TOP + i * _ROW_H,
                segments=tuple(segments),
                met=met,
                total=total,
                percent_met=round(100 * met / total) if total else 0,
                cell=cell,
            )
        )
    ticks = tuple((_LABEL_W + _BAR_W * p / 100, f"{p} %") for p in (0, 25, 50, 75, 100))
    return Chart(
        phase=result.leaves,
        rows=tuple(rows),
        width=_LABEL_W + _BAR_W + _RIGHT_W,
        height=_TOP + max(len(rows), 1) * _ROW_H + 4,
        label_w=_LABEL_W,
        bar_w=_BAR_W,
        bar_h=_BAR_H,
        ticks=ticks,
    )


def _cells(result: GateResult) -> tuple[tuple[str, tuple[OutcomeResult, ...]], ...]:
    """Outcomes grouped by cell, in the result's order."""
    groups: dict[str, list[OutcomeResult]] = {}
    for outcome in result.outcomes:
        groups.setdefault(outcome.cell, []).append(outcome)
    return tuple((cell, tuple(outcomes)) for cell, outcomes in groups.items())


def _commercial_svg(result: GateResult) -> str | None:
    """Figure 3.4 for the pack's commercial model, drawn from the simulation the result carries."""
    if result.commercial_simulation is None:
        return None
    from gatekeeper.commercial.chart import svg

    return svg(result.commercial_simulation, alliance=result.alliance_name)


def _image(svg: str | None) -> str | None:
    # The commercial chart is embedded as an image, never as markup: inside <img> an SVG can run
    # no script and fetch nothing, whatever text it carries.
    if svg is None:
        return None
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8", "replace")).decode("ascii")


def render(result: GateResult, options: RenderOptions) -> str:
    """Render `result` as one self-contained HTML page: no scripts, no external resources."""
    template = environment(html=True).get_template("report.html.j2")
    return template.render(
        **v.report_context(result),
        chart=chart(result),
        chart_order=CHART_ORDER,
        cells=_cells(result),
        commercial_image=_image(_commercial_svg(result)),
    )
