"""Untrusted text made safe to show: visible control characters, one bounded line."""

from __future__ import annotations

import re

# Free text comes from evidence files that anyone on an alliance can edit. A reason of 100 KB
# would bury a terminal, a merge-request comment or a board paper; the JSON keeps every character.
CLIP_AT = 2000

# Bidirectional controls reorder what a reader sees (a reason can be made to read backwards);
# they are shown as escapes like control characters, never obeyed.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACE_RUN = re.compile(r"[\s\u2028\u2029]+")


def _shown(ch: str) -> str:
    code = ord(ch)
    if ch in "\t\n\r":
        return ch
    if (
        code < 0x20
        or 0x7F <= code <= 0x9F  # DEL and the C1 controls (0x9B starts a terminal escape)
        or ch in _BIDI
        or 0xD800 <= code <= 0xDFFF  # lone surrogates cannot be encoded as UTF-8
        or code in (0xFFFE, 0xFFFF)  # not characters, illegal in XML
    ):
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return ch


def visible(text: str) -> str:
    """Replace control, bidi-override and unencodable characters by a visible escape such as `\\x1b`.

    The result is legal XML 1.0, cannot move a terminal's cursor or colour, and reads in the order
    it is stored.
    """
    if text.isprintable() and text.isascii():
        return text
    return "".join(_shown(ch) for ch in text)


def clip(text: str, limit: int = CLIP_AT) -> str:
    """Cut a text to `limit` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\u2026 [clipped: {len(text)} characters in all]"


def line(text: str | None) -> str:
    """One free text as one safe, bounded line: whitespace runs become one space."""
    if not text:
        return ""
    return clip(visible(_SPACE_RUN.sub(" ", text).strip()))


