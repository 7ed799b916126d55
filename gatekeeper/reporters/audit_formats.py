"""The audit's output formats: the registry the `audit` command's --format choices come from."""

from __future__ import annotations

from collections.abc import Callable

from gatekeeper.audit import AuditResult
from gatekeeper.reporters import (
    audit_csv,
    audit_html,
    audit_json,
    audit_markdown,
    audit_text,
)
from gatekeeper.reporters.options import RenderOptions

AUDIT_REPORTERS: dict[str, Callable[[AuditResult, RenderOptions], str]] = {
    "text": audit_text.render,
    "json": audit_json.render,
    "markdown": audit_markdown.render,
    "html": audit_html.render,
    "csv": audit_csv.render,
}


def render_audit(result: AuditResult, fmt: str, *, options: RenderOptions) -> str:
    """Render an audit in format `fmt` (a key of AUDIT_REPORTERS); the same inputs give the same text."""
    try:
        reporter = AUDIT_REPORTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown audit format {fmt!r}; choose from {', '.join(AUDIT_REPORTERS)}") from None
    return reporter(result, options)
