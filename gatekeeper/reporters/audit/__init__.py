"""The evidence audit: one AuditResult in each format `gatekeeper audit --format` offers."""

from __future__ import annotations

from gatekeeper.audit import AuditResult
from gatekeeper.reporters.family import Family

FORMATS: dict[str, str] = {
    "text": "gatekeeper.reporters.audit.text",
    "json": "gatekeeper.reporters.audit.json",
    "markdown": "gatekeeper.reporters.audit.markdown",
    "html": "gatekeeper.reporters.audit.html",
    "csv": "gatekeeper.reporters.audit.csv",
}

SUFFIXES: dict[str, str] = {"text": ".txt", "json": ".json", "markdown": ".md", "html": ".html", "csv": ".csv"}

AUDIT = Family("audit", AuditResult, FORMATS, SUFFIXES)
