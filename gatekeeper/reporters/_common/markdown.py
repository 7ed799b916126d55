"""Free text as inline Markdown that renders as the same text: no markup, no raw HTML, no mentions."""

from __future__ import annotations

import re

from gatekeeper.reporters._common.text import line

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
    safe = line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_REFERENCE.sub(r"\\\1", _MD_SPECIAL.sub(r"\\\1", safe))
