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


def _shown(ch: str, keep: str = "\t\n\r") -> str:
    code = ord(ch)
    if ch in keep:
        return ch
    if (
        code < 0x20
        or 0x7F <= code <= 0x9F  # DEL and the C1 controls (0x9B starts a terminal escape)
        or ch in _BIDI
        or ch in "\u2028\u2029"  # line and paragraph separators: a line break to some readers
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


def terminal(text: object) -> str:
    """One untrusted value (a path, a name, an argument) as text that cannot steer a terminal.

    Every control character, line breaks included, and every bidi override becomes a visible escape
    such as `\\x1b` or `\\u202e`: no colour, cursor move, hyperlink (OSC 8), title change, bell,
    overwritten line (CR) or forged extra line can come from input. Apply it to each piece before
    adding our own colour codes, which then still work.
    """
    shown = str(text)
    if shown.isprintable() and shown.isascii():
        return shown
    return "".join(_shown(ch, keep="") for ch in shown)


def flat(text: str | None) -> str:
    """One free text on one safe line, whole: whitespace runs become one space, controls visible."""
    if not text:
        return ""
    return visible(_SPACE_RUN.sub(" ", text).strip())


def clip(text: str, limit: int = CLIP_AT) -> str:
    """Cut a text to `limit` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\u2026 [clipped: {len(text)} characters in all]"


def line(text: str | None) -> str:
    """One free text as one safe, bounded line: whitespace runs become one space."""
    return clip(flat(text))
