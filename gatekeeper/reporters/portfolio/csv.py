"""Portfolio review as CSV: one line per alliance, the summary columns, for spreadsheets and scripts."""

from __future__ import annotations

import csv
import io

from gatekeeper.portfolio import PortfolioResult
from gatekeeper.reporters.portfolio._columns import SUMMARY_HEADERS, summary_values
from gatekeeper.reporters.options import RenderOptions


def render(result: PortfolioResult, options: RenderOptions) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Pack", *SUMMARY_HEADERS])
    for row in result.rows:
        writer.writerow([row.pack, *summary_values(row)])
    return out.getvalue()
