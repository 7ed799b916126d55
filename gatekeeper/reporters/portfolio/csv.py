"""Portfolio review as CSV: one line per alliance, the summary columns, for spreadsheets and scripts."""

from __future__ import annotations

from gatekeeper.portfolio import PortfolioResult
from gatekeeper.reporters._common.cells import csv_document
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.portfolio._columns import SUMMARY_HEADERS, summary_values


def render(result: PortfolioResult, options: RenderOptions) -> str:
    return csv_document(("Pack", *SUMMARY_HEADERS), ((row.pack, *summary_values(row)) for row in result.rows))
