"""The Jinja2 environments of the template-based formats, loaded once from the package's templates/ folder."""

from __future__ import annotations

import functools
import re

import jinja2

from gatekeeper.reporters import _view as v

# Characters with a meaning inside a line of CommonMark or GitHub/GitLab-flavoured Markdown
# (emphasis, code, links, tables, strikethrough, maths, mentions and issue references). Each is
# backslash-escaped; "<", ">" and "&" become entities so no evidence text can open raw HTML. Text is
# only ever placed mid-line (after a list marker or in a table cell), so line-start syntax such as
# "#", "-" or "1." cannot take effect and is left alone for readability.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~$])")
# Mentions ("@all") and issue references ("#12") only start after whitespace or an opening bracket.
_MD_REFERENCE = re.compile(r"(?<![^\s(])([@#])")


def markdown_inline(text: str | None) -> str:
    """One free text as safe inline Markdown, usable in a table cell or after a list marker."""
    safe = v.line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_REFERENCE.sub(r"\\\1", _MD_SPECIAL.sub(r"\\\1", safe))


def _common(env: jinja2.Environment) -> jinja2.Environment:
    env.filters.update(
        line=v.line,
        status=v.status_label,
        phase=v.phase_label,
        theme=v.theme_label,
        percent=v.percent,
        href=v.evidence_href,
        digest=v.short_digest,
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
