"""JSON text that is safe to view: every string encodable, and nothing in the file that can mislead whoever prints it."""

from __future__ import annotations

import json
import re

# Characters that are legal in a JSON string but can mislead whoever views the file: C1 controls
# (0x9b starts a terminal escape), bidi overrides and line separators. They are written as \uXXXX
# escapes, so the text of the file is safe to print and the parsed data is unchanged. So are lone
# surrogates (a file name that is not UTF-8), which could not be written at all otherwise.
_MISLEADING = re.compile("[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def safe_text(value: str) -> str:
    """Text as JSON can carry it: lone surrogates become "?", everything else is kept."""
    # Lone surrogates would make the document unencodable as UTF-8; they become "?". Everything
    # else is kept as is (json.dumps escapes control characters): the JSON is the faithful record.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def safe_opt(value: str | None) -> str | None:
    return None if value is None else safe_text(value)


def escape_misleading(text: str) -> str:
    """JSON text with C1 controls, bidi overrides, line separators and lone surrogates written as \\uXXXX escapes.

    Only valid for text that json.dumps wrote: such characters can only occur inside strings there,
    where the escape parses back to the same character.
    """
    return _MISLEADING.sub(_escape, text)


def json_document(data: object, *, sort_keys: bool = False) -> str:
    """`data` as JSON text safe to print: two-space indent, UTF-8 text, misleading characters escaped, one final newline."""
    return escape_misleading(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=sort_keys)) + "\n"
