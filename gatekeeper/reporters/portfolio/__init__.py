"""The portfolio review: one PortfolioResult in each format `gatekeeper portfolio --format` offers."""

from __future__ import annotations

from gatekeeper.portfolio import PortfolioResult
from gatekeeper.reporters.family import Family

FORMATS: dict[str, str] = {
    "text": "gatekeeper.reporters.portfolio.text",
    "json": "gatekeeper.reporters.portfolio.json",
    "csv": "gatekeeper.reporters.portfolio.csv",
    "markdown": "gatekeeper.reporters.portfolio.markdown",
    "html": "gatekeeper.reporters.portfolio.html",
    "xlsx": "gatekeeper.reporters.portfolio.xlsx",
}

SUFFIXES: dict[str, str] = {
    "text": ".txt",
    "json": ".json",
    "csv": ".csv",
    "markdown": ".md",
    "html": ".html",
    "xlsx": ".xlsx",
}

PORTFOLIO = Family("portfolio", PortfolioResult, FORMATS, SUFFIXES, binary=frozenset({"xlsx"}))
