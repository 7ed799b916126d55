"""The Jinja2 environments of the template-based formats, loaded once from the reporters' templates/ folder."""

from __future__ import annotations

import functools

import jinja2

from gatekeeper.reporters._common.markdown import markdown_inline
from gatekeeper.reporters.gate import _view as v


def _common(env: jinja2.Environment) -> jinja2.Environment:
    env.filters.update(
        line=v.line,
        status=v.status_label,
        phase=v.phase_label,
        theme=v.theme_label,
        percent=v.percent,
        href=v.evidence_href,
        digest=v.short_digest,
        anchor=v.anchor,
    )
    env.globals.update(v=v)
    return env


@functools.cache
def environment(*, html: bool) -> jinja2.Environment:
    """The environment for HTML (autoescape on) or for Markdown (its own escaping filter, `md`)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gatekeeper.reporters", "templates"),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_inline
    return _common(env)
