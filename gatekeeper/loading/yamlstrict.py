"""Strict YAML loading for evidence and rule files: plain JSON-like data, every value located, every surprise refused."""

from __future__ import annotations

import bisect
import datetime
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from gatekeeper.loading.paths import read_regular_file
from gatekeeper.problems import InputError, Problem

# Largest YAML file we read, in bytes. Evidence files are written by people; 2 MB is far beyond any
# real register and keeps the worst-case load (and everything downstream of it) to about a second.
MAX_BYTES = 2_000_000
# Deepest nesting of mappings and sequences (the top-level mapping is level 1). Real evidence needs
# fewer than ten; the cap is enforced while composing, because libyaml's own composer recurses in C
# and crashes the process (no exception) somewhere past 20,000 levels.
MAX_DEPTH = 64
# Most values (scalars, mappings, sequences) in one file. Bounds the memory and the work of every
# later stage (schema validation, rules) whatever the file's shape.
MAX_NODES = 200_000
# Problems reported for one file before giving up: enough to fix a file in one pass, few enough
# that a machine-generated file of garbage does not flood the output.
MAX_PROBLEMS = 50

try:  # libyaml's event parser: fast, iterative (no recursion), lazy (stops when we stop asking)
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None  # type: ignore[assignment,misc]

# Location tree: (line, col, children); children is a dict (mapping), a list (sequence) or None.
_Loc = tuple[int, int, Any]


@dataclass(frozen=True)
class Document:
    """One loaded YAML file: its display name, its data, and where each value sits in the text."""

    path: str
    data: Any
    _tree: Any = field(default=None, repr=False, compare=False)

    def locate(self, json_path: Sequence[str | int]) -> tuple[int, int]:
        """1-based (line, col) of the value at json_path; nearest existing ancestor if absent; (1, 1) for the root."""
        best = (1, 1)
        node = self._tree
        if node is None:
            return best
        children = node[2]
        for step in json_path:
            if isinstance(children, dict) and isinstance(step, str) and step in children:
                node = children[step]
            elif (
                isinstance(children, list)
                and isinstance(step, int)
                and not isinstance(step, bool)
                and 0 <= step < len(children)
            ):
                node = children[step]
            else:
                break
            best = (node[0], node[1])
            children = node[2]
        return best


def load_yaml(path: Path, *, display: str | None = None, max_bytes: int = MAX_BYTES) -> Document:
    """Read and strictly load one YAML file; raise InputError (never anything else) if it is refused.

    Read through gatekeeper.loading.paths.read_regular_file: opened non-blocking, a regular file
    only, its size checked with fstat before reading, so a FIFO or device can never hang the run.
    """
    name = display if display is not None else str(path)
    return _load(read_regular_file(path, display=name, max_bytes=max_bytes), name, max_bytes)


def load_yaml_bytes(raw: bytes, *, display: str) -> Document:
    """Strictly load YAML held in memory; raise InputError (never anything else) if it is refused."""
    return _load(bytes(raw), display, MAX_BYTES)


# --- text checks ---------------------------------------------------------------------------------

# Characters refused anywhere, even inside quotes or comments:
# - C0 controls except tab/LF/CR, DEL and C1 controls (NUL included): invisible, and libyaml's reader
#   refuses most of them without saying on which line;
# - bidirectional controls: they make text display in a different order from how it is read
#   ("Trojan Source"), so a reviewer could approve something other than what is evaluated;
# - U+2028/U+2029 and NEL (in C1): YAML 1.1 parsers count them as line breaks and editors do not,
#   so line numbers in messages would disagree with what the reader sees;
# - U+FEFF after the start, U+FFFE, U+FFFF: not text.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _char_message(ch: str, *, escaped: bool = False) -> str:
    code = f"U+{ord(ch):04X}"
    if escaped:  # a "\u..." escape in a double-quoted string: the same character, now inside the data
        if ch == "\ufeff":
            return "zero-width no-break space U+FEFF is not allowed (written as an escape)"
        return f"{_char_message(ch)} (written as an escape)"
    if ch == "\x00":
        return "NUL character is not allowed"
    if ch in _BIDI:
        return (
            f"bidirectional control character {code} is not allowed"
            " (text would display in a different order from how it is read)"
        )
    if ch in "\u2028\u2029":
        return f"line or paragraph separator {code} is not allowed (parsers and editors count lines differently)"
    if ch == "\ufeff":
        return "byte order mark U+FEFF is only allowed at the start of the file"
    if ch in "\ufffe\uffff":
        return f"non-character {code} is not allowed"
    return f"control character {code} is not allowed"


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, col) of character `index`, counting LF, CRLF and lone CR as libyaml does."""
    prefix = text[:index]
    line = prefix.count("\n") + prefix.count("\r") - prefix.count("\r\n") + 1
    start = max(prefix.rfind("\n"), prefix.rfind("\r")) + 1
    col = index - start + 1
    if start == 0 and text.startswith("\ufeff") and index > 0:
        col -= 1  # libyaml does not count the byte order mark as a column
    return line, col


def _check_text(raw: bytes, name: str) -> tuple[_Source | None, list[Problem]]:
    """The bytes as text, and its problems: not UTF-8, forbidden characters (all of them, up to the cap)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8")  # valid: the error is at the first bad byte
        line, col = _position(prefix, len(prefix))
        byte = raw[exc.start]
        return None, [Problem(name, line, col, f"not UTF-8: byte 0x{byte:02x} at line {line} col {col}")]
    source = _Source(text)
    problems: list[Problem] = []
    for match in _FORBIDDEN.finditer(text):
        if match.start() == 0 and match.group() == "\ufeff":
            continue
        line, col = source.position(match.start())
        problems.append(Problem(name, line, col, _char_message(match.group())))
        if len(problems) >= MAX_PROBLEMS:
            break
    return source, problems


# --- the source text around the parser's events -----------------------------------------------
#
# libyaml accepts some text that YAML 1.2 (and other parsers) refuse or read differently. Its events
# carry marks (line, column), so the composer looks at the text around them:
# - '#' starts a comment only after white space; libyaml also takes "value"#c, [a]#c and >#c as
#   comments, where other parsers refuse the file or read the '#' as part of a value;
# - in a flow collection, libyaml reads ?foo as an explicit key 'foo' where YAML 1.2 reads the plain
#   scalar '?foo'; a plain value starting with '-' there is also read differently by parsers;
# - the lines of a quoted scalar or a flow collection that spans lines must be indented past their
#   parent block collection, with spaces; libyaml takes any indentation, tabs included.

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NON_BLANK = re.compile(r"[^ \t]")
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]{0,2}")
_COMMENT_NEEDS_SPACE = "a comment needs a space before '#'"
_TAB_INDENT = "tab used as indentation; indent with spaces"


def _glued_hashes(text: str) -> list[int]:
    """Offsets of every '#' right after something that is not white space (a glued comment, or text)."""
    found = []
    at = text.find("#", 1)
    while at >= 0:
        if text[at - 1] not in " \t\r\n\ufeff":  # '#' right after the byte order mark starts a line
            found.append(at)
        at = text.find("#", at + 1)
    return found


class _Source:
    """The decoded text of a file, turning libyaml's 0-based (line, column) marks into offsets and back."""

    __slots__ = ("text", "_starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        """Offset of the first character of each line (built once, on first use: one linear pass)."""
        if self._starts is None:
            # libyaml does not count a byte order mark as a column.
            first = 1 if self.text.startswith("\ufeff") else 0
            self._starts = [first, *(match.end() for match in _LINE_BREAK.finditer(self.text))]
        return self._starts

    def offset(self, line: int, column: int) -> int:
        """Offset of the character at a 0-based mark."""
        starts = self.starts
        return (starts[line] if line < len(starts) else len(self.text)) + column

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, col) of the character at `offset`."""
        starts = self.starts
        line = max(bisect.bisect_right(starts, offset) - 1, 0)
        return line + 1, offset - starts[line] + 1

    def line(self, line: int) -> tuple[int, int]:
        """Offsets of the start and end (before its line break) of 0-based `line`."""
        starts = self.starts
        start = starts[line]
        end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
        while end > start and self.text[end - 1] in "\r\n":
            end -= 1
        return start, end


# --- plain scalar resolution ---------------------------------------------------------------------

# Scalars are read by the YAML 1.2 core schema. A plain scalar that YAML 1.1 (PyYAML, and many other
# tools) would read as something else is refused, so every reader of an evidence file agrees on it.
#
# Resolution is linear in the length of the scalar, whatever its shape (a 2 MB file can hold one
# 2 MB scalar): every pattern is anchored at the start and uses possessive repeats where a failed
# match would otherwise retry each split of a run of digits, no number is converted to or from
# decimal text beyond Python's 4,300-digit limit, and the YAML 1.1 value of a long base-60, binary
# or underscored number (which only a message would show) is never computed.
_NULLS = frozenset(("~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))
_BOOL11 = frozenset(
    "y Y yes Yes YES n N no No NO on On ON off Off OFF".split()
)  # YAML 1.1 booleans that YAML 1.2 reads as strings
_BOOLISH = frozenset(("yes", "no", "on", "off", "y", "n", "true", "false"))
# Only plain scalars starting with one of these can be anything but a string (fast path).
_SPECIAL_FIRST = frozenset("0123456789+-.~nNtTfFyYoO<=")
# Largest integer accepted, in bits: 10**4300, the most Python converts to and from decimal text,
# so an integer written in hex or octal can still be printed, compared and written out as JSON.
_MAX_INT_BITS = math.floor(4300 * math.log2(10))
# Longest scalar quoted whole in a message; longer ones are cut, and the YAML 1.1 value of a long
# scalar is not shown (computing a 1 MB base-60 number takes minutes).
_SHOWN = 40

_INT12_DEC = re.compile(r"[-+]?[0-9]++\Z")
_INT12_OCT = re.compile(r"0o[0-7]++\Z")
_INT12_HEX = re.compile(r"0x[0-9a-fA-F]++\Z")
_FLOAT12 = re.compile(r"[-+]?(?:\.[0-9]++|[0-9]++(?:\.[0-9]*+)?)(?:[eE][-+]?[0-9]++)?\Z")
_NANINF = re.compile(r"[-+]?\.(?:inf|nan)\Z", re.IGNORECASE)
# YAML 1.1 int and float as PyYAML's resolver has them (the same language, without backtracking).
_INT11 = re.compile(
    r"""(?:[-+]?0b[0-1_]++
    |[-+]?0[0-7_]++
    |[-+]?(?:0|[1-9][0-9_]*+)
    |[-+]?0x[0-9a-fA-F_]++
    |[-+]?[1-9][0-9_]*+(?>:[0-5]?[0-9])++)\Z""",
    re.X,
)
_FLOAT11 = re.compile(
    r"""(?:[-+]?[0-9][0-9_]*+\.[0-9_]*+(?:[eE][-+][0-9]++)?
    |\.[0-9][0-9_]*+(?:[eE][-+][0-9]++)?
    |[-+]?[0-9][0-9_]*+(?>:[0-5]?[0-9])++\.[0-9_]*+
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))\Z""",
    re.X,
)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_TIMESTAMP = re.compile(
    r"""([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})
    (?:[Tt]|[ \t]++)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]*+)?
    (?:[ \t]*+(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?\Z""",
    re.X,
)


class _NotNumber:
    """Marker: the text is not a number under that YAML version."""


_NOT_NUMBER = _NotNumber()


class _Unshown:
    """Marker: YAML 1.1 reads the text as a number too long to compute or show in a message."""


_UNSHOWN = _Unshown()


def _shown(text: str) -> str:
    """A scalar as quoted in a message: whole when short, else its start and its length."""
    if len(text) <= _SHOWN:
        return text
    return f"{text[:_SHOWN]}… ({len(text)} characters)"


def _number12(text: str) -> int | float | _NotNumber:
    if _INT12_DEC.match(text):
        return int(text)  # ValueError past 4,300 digits
    if _INT12_HEX.match(text):
        return int(text[2:], 16)
    if _INT12_OCT.match(text):
        return int(text[2:], 8)
    if _FLOAT12.match(text):
        return float(text)
    return _NOT_NUMBER


def _number11(text: str) -> int | float | _NotNumber | _Unshown:
    """The number YAML 1.1 (as PyYAML constructs it) reads from `text`, or _NOT_NUMBER.

    Base-60, binary and underscored numbers are never numbers in YAML 1.2, so their YAML 1.1 value
    only ever appears in a message: for a long text it is not computed (_UNSHOWN).
    """
    if _INT11.match(text):
        value = text.replace("_", "")
        sign = -1 if value[0] == "-" else 1
        if value[0] in "+-":
            value = value[1:]
        if value == "0":
            return 0
        if len(text) > _SHOWN and (":" in value or "_" in text or value.startswith("0b")):
            return _UNSHOWN
        if value.startswith("0b"):
            return sign * int(value[2:], 2)
        if value.startswith("0x"):
            return sign * int(value[2:], 16)
        if value[0] == "0":
            return sign * int(value, 8)
        if ":" in value:
            return sign * _base60(value)
        return sign * int(value)
    if _FLOAT11.match(text):
        value = text.replace("_", "").lower()
        fsign = -1.0 if value[0] == "-" else 1.0
        if value[0] in "+-":
            value = value[1:]
        if value == ".inf":
            return fsign * math.inf
        if value == ".nan":
            return math.nan
        if len(text) > _SHOWN and (":" in value or "_" in text):
            return _UNSHOWN
        if ":" in value:
            whole, _, fraction = value.rpartition(":")
            return fsign * (_base60(whole) * 60 + float(fraction))
        return fsign * float(value)
    return _NOT_NUMBER


def _base60(text: str) -> int:
    """Value of '1:30:00'-style digits; only called on short texts (the loop is quadratic in the parts)."""
    total = 0
    for part in text.split(":"):
        total = total * 60 + int(part)
    return total


def _yaml11_float(value: float) -> str:
    """Write a float so that YAML 1.1 and 1.2 both read it as that float (dot, signed exponent)."""
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        if exponent[0] not in "+-":
            exponent = "+" + exponent
        text = f"{mantissa}e{exponent}"
    return text


def _check_timestamp(text: str) -> str | None:
    """Why a date- or date-time-shaped plain scalar is not a real date, or None (it stays a string)."""
    match = _DATE.match(text)
    if match:
        try:
            datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return f"invalid date {text}"
        return None
    match = _TIMESTAMP.match(text)
    if match:
        try:
            year, month, day, hour, minute, second = (int(match[i]) for i in range(1, 7))
            datetime.datetime(year, month, day, hour, minute, second)
        except ValueError:
            return f"invalid date-time {_shown(text)}"
    return None


def resolve_plain(text: str) -> tuple[Any, str | None]:
    """Value of a plain (unquoted, untagged) scalar under YAML 1.2 core, and why it is refused (or None)."""
    if not text:
        return None, None
    if text[0] not in _SPECIAL_FIRST:
        return text, None
    if text in _NULLS:
        return None, None
    if text in _TRUES:
        return True, None
    if text in _FALSES:
        return False, None
    if text in _BOOL11:
        return text, f"'{text}' is ambiguous: YAML 1.1 reads it as a boolean; write true/false or quote it"
    lower = text.lower()
    if lower in _BOOLISH:
        return text, f"'{text}' looks like a boolean but is read as a string; write true/false or quote it"
    if lower == "null":
        return text, f"'{text}' looks like null but is read as a string; write null or quote it"
    if text == "<<":
        return text, "merge keys (<<) are not allowed"
    if text == "=":
        return text, "'=' is ambiguous: YAML 1.1 reads it as a 'value' key; quote it"
    if text[0] in "0123456789":
        why = _check_timestamp(text)
        if why is not None or _DATE.match(text) or _TIMESTAMP.match(text):
            return text, why  # dates are strings in YAML 1.2; the JSON Schema checks their format
    if _NANINF.match(text):
        return text, f"NaN and infinity are not allowed ({text})"
    try:
        new = _number12(text)
    except ValueError:  # more digits than Python converts (4,300)
        return text, f"integer is too long ({len(text)} characters)"
    if isinstance(new, float) and not math.isfinite(new):
        return text, f"NaN and infinity are not allowed ({_shown(text)} is too large for a float)"
    if isinstance(new, int) and new.bit_length() > _MAX_INT_BITS:  # hex or octal past 10**4300
        return text, f"integer is too long ({len(text)} characters)"
    if isinstance(new, int) and _INT12_DEC.match(text) and len(text.lstrip("+-")) > 1 and text.lstrip("+-")[0] == "0":
        return text, f"'{_shown(text)}' is ambiguous: YAML 1.1 reads a leading zero as octal; drop the zero or quote it"
    try:
        old = _number11(text)
    except ValueError:  # YAML 1.1 calls it a number but has no digits left once '_' is dropped ('0b_')
        return text, f"'{_shown(text)}' is ambiguous: YAML 1.1 reads it as a number with no digits; quote it"
    if isinstance(new, _NotNumber):
        if isinstance(old, _NotNumber):
            return text, None
        return text, _ambiguous11(text, old)
    if isinstance(old, _NotNumber):
        hint = _yaml11_float(new) if isinstance(new, float) else str(new)
        shown = _shown(text)
        if len(hint) > _SHOWN:
            return text, f"'{shown}' is ambiguous: YAML 1.2 reads it as a number but YAML 1.1 as a string; quote it"
        return text, (
            f"'{shown}' is ambiguous: YAML 1.2 reads it as the number {hint} but YAML 1.1 as a string; "
            f"write {hint} or quote it"
        )
    if type(old) is not type(new) or old != new:
        if len(text) > _SHOWN:
            return text, f"'{_shown(text)}' is ambiguous: YAML 1.1 and YAML 1.2 read it as different numbers; quote it"
        return text, f"'{text}' is ambiguous: YAML 1.1 reads it as {old!r} and YAML 1.2 as {new!r}; quote it"
    return new, None


def _ambiguous11(text: str, old: int | float | _Unshown) -> str:
    """Message for a plain scalar that YAML 1.2 reads as a string but YAML 1.1 as a number."""
    shown = _shown(text)
    if ":" in text:
        kind = "base-60 number"
    elif "0b" in text:
        kind = "binary number"
    else:
        kind = "number"
    value = "" if isinstance(old, _Unshown) or len(text) > _SHOWN else f" {old!r}"
    article = "a" if not value else "the"
    if "_" in text and kind == "number":
        return (
            f"'{shown}' is ambiguous: YAML 1.1 reads it as {article} number{value} (underscores are ignored); quote it"
        )
    return f"'{shown}' is ambiguous: YAML 1.1 reads it as {article} {kind}{value}; quote it"


# --- composition ---------------------------------------------------------------------------------

_NO_KEY = object()  # a mapping frame waiting for its next key
_BAD_KEY = object()  # the pending key was refused; its value is composed but dropped

_KIND_NAMES = {bool: "a boolean", int: "an integer", float: "a number", type(None): "null"}


class _Fatal(Exception):
    """Composition cannot go on; the problems gathered so far are reported."""


class _Frame:
    __slots__ = ("data", "locs", "is_map", "key", "seen", "indent")

    def __init__(self, data: Any, locs: Any, is_map: bool, indent: int) -> None:
        self.data = data
        self.locs = locs
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.seen: dict[Any, int] = {}  # normalised key -> line of its first occurrence
        self.indent = indent  # 0-based column of a block collection's entries; -1 for a flow collection


class _FlowNode:
    """A quoted scalar or outermost flow collection that may span lines: what its later lines must respect."""

    __slots__ = ("line", "parent", "quoted")

    def __init__(self, line: int, parent: int) -> None:
        self.line = line  # 0-based line where it starts
        self.parent = parent  # 0-based column of the enclosing block collection's entries (-1: none)
        self.quoted: set[int] = set()  # later lines inside a quoted scalar: text, never comments


def _show_tag(tag: str) -> str:
    if tag.startswith("tag:yaml.org,2002:"):
        return "!!" + tag[len("tag:yaml.org,2002:") :]
    return tag


def _key_identity(value: Any) -> Any:
    """What makes two keys the same key once resolved: 1, 0x1 and 1.0 collide; true and 1 do not."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ("bool", value)
    if value is None:
        return ("null",)
    return ("number", value)


class _Composer:
    """Builds plain data from parser events with an explicit stack: no recursion, bounded depth and size."""

    def __init__(self, name: str, source: _Source) -> None:
        self.name = name
        self.source = source
        self.problems: list[Problem] = []
        self.nodes = 0
        # Offsets of every '#' glued to the character before it, and the spans of the scalars that
        # could hold one: a glued '#' outside every scalar is a comment without its space. The lines
        # holding such a '#' (most files have none) and the lines holding a '?' (checked only in flow
        # collections) keep the per-event work small.
        text = source.text
        self.glued = _glued_hashes(text)
        self.glued_lines = {source.position(at)[0] - 1 for at in self.glued}
        self.question_lines = (
            {source.position(match.start())[0] - 1 for match in re.finditer(r"\?", text)} if "?" in text else set()
        )
        self.spans: list[tuple[int, int]] = []

    def report(self, line: int, col: int, message: str) -> None:
        """Record a problem; past MAX_PROBLEMS, stop composing."""
        self.problems.append(Problem(self.name, line, col, message))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(
                Problem(self.name, line, col, f"more than {MAX_PROBLEMS} problems; stopped reading here")
            )
            raise _Fatal

    def compose(self, raw: bytes) -> tuple[Any, _Loc | None]:
        """The data and location tree of the single document in `raw` (problems are gathered, not raised)."""
        parser = _CParser(raw) if _CParser is not None else yaml.BaseLoader(raw)
        get = parser.get_event
        get()  # StreamStartEvent
        event = get()
        if type(event) is StreamEndEvent:
            self.check_comments(complete=True)
            self.report(1, 1, "the file is empty")
            return None, None
        self._check_directives(event)
        root, tree = self._compose_document(get)
        event = get()
        if type(event) is DocumentStartEvent:
            mark = event.start_mark
            assert mark is not None  # libyaml marks every event
            self.report(mark.line + 1, mark.column + 1, "several documents in one file")
        self.check_comments(complete=True)
        return root, tree

    def _check_directives(self, event: Any) -> None:
        mark = event.start_mark
        if event.version is not None and tuple(event.version) != (1, 2):
            version = ".".join(str(part) for part in event.version)
            self.report(mark.line + 1, mark.column + 1, f"%YAML {version} is not allowed: files are read as YAML 1.2")
        if event.tags:
            self.report(mark.line + 1, mark.column + 1, "%TAG directives are not allowed")

    def _compose_document(self, get: Any) -> tuple[Any, _Loc | None]:
        # One flat loop over events; containers are attached to their parent when they start, so
        # nothing needs to be returned up a call stack. Hot path: keep lookups local.
        stack: list[_Frame] = []
        root: Any = None
        root_tree: _Loc | None = None
        root_event: Any = None
        resolve = resolve_plain
        report = self.report
        max_nodes = MAX_NODES
        text = self.source.text
        spans = self.spans if self.glued else None
        glued_lines = self.glued_lines
        question_lines = self.question_lines
        starts = self.source.starts if spans is not None or question_lines else []
        flow: _FlowNode | None = None  # the outermost flow collection open, if any
        flow_depth = 0
        while True:
            event = get()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                if stack.pop().indent < 0:
                    flow_depth -= 1
                    if flow_depth == 0 and flow is not None:
                        if event.end_mark.line > flow.line:
                            self._check_lines(flow, event.end_mark.line)
                        flow = None
                continue
            if kind is DocumentEndEvent:
                break
            mark = event.start_mark
            line = mark.line + 1
            col = mark.column + 1
            self.nodes += 1
            if self.nodes > max_nodes:
                report(line, col, f"too many values: more than {max_nodes} in one file")
                raise _Fatal
            top = stack[-1] if stack else None
            # The mapping waiting for a key, if any: the next scalar is that key, not a value.
            keyed = top if top is not None and top.is_map and top.key is _NO_KEY else None
            if flow_depth and mark.line in question_lines:
                at = starts[mark.line] + mark.column
                if at > 0 and text[at - 1] == "?":
                    report(
                        line,
                        col - 1,
                        "'?' directly before a value in a flow collection: libyaml reads an explicit key, "
                        "YAML 1.2 part of the value; write '? ' with a space, or quote the value",
                    )
            if kind is ScalarEvent:
                if event.anchor is not None:
                    report(line, col, f"anchors and aliases are not allowed (&{event.anchor})")
                value: Any = event.value
                style = event.style
                why = None
                if spans is not None:
                    end = event.end_mark
                    if mark.line in glued_lines or end.line in glued_lines or end.line > mark.line + 1:
                        spans.append((starts[mark.line] + mark.column, starts[end.line] + end.column))
                if event.tag is not None:
                    report(line, col, f"explicit tags are not allowed ({_show_tag(event.tag)})")
                elif event.implicit[0]:
                    value, why = resolve(value)
                    if why is not None:
                        report(line, col, why)
                    elif flow_depth and value.__class__ is str and value[:1] == "-":
                        why = (
                            f"'{_shown(value)}' in a flow collection: YAML parsers disagree on a plain value"
                            " starting with '-'; quote it"
                        )
                        report(line, col, why)
                elif style == '"' and (escaped := _FORBIDDEN.search(value)) is not None:
                    # Escapes ("\u202e", "\0") put into the data what the text checks keep out of the file.
                    why = _char_message(escaped.group(), escaped=True)
                    report(line, col, why)
                if style and style in "|>":
                    self._check_block_header(mark)
                elif style and event.end_mark.line > mark.line:  # a quoted scalar over several lines
                    if flow is not None:
                        flow.quoted.update(range(mark.line + 1, event.end_mark.line + 1))
                    else:
                        node = _FlowNode(mark.line, top.indent if top else -1)
                        node.quoted.update(range(mark.line + 1, event.end_mark.line + 1))
                        self._check_lines(node, event.end_mark.line)
                if keyed is not None:
                    if why is None and not isinstance(value, str):
                        shown = event.value or "an empty key"
                        report(
                            line, col, f"keys must be strings: {shown} reads as {_KIND_NAMES[type(value)]}; quote it"
                        )
                    self._take_key(keyed, value, line, col, refused=why is not None or not isinstance(value, str))
                    continue
                loc: _Loc = (line, col, None)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    report(line, col, f"nesting deeper than {MAX_DEPTH} levels")
                    raise _Fatal
                if event.anchor is not None:
                    report(line, col, f"anchors and aliases are not allowed (&{event.anchor})")
                if event.tag is not None:
                    report(line, col, f"explicit tags are not allowed ({_show_tag(event.tag)})")
                is_map = kind is MappingStartEvent
                value = {} if is_map else []
                children: Any = {} if is_map else []
                loc = (line, col, children)
                if event.flow_style:
                    if flow_depth == 0:
                        flow = _FlowNode(mark.line, top.indent if top else -1)
                    flow_depth += 1
                    stack.append(_Frame(value, children, is_map, -1))
                else:
                    stack.append(_Frame(value, children, is_map, mark.column))
                if keyed is not None:
                    # Composed so the event stream stays in step, then dropped with its value.
                    report(line, col, f"keys must be strings, not {'mappings' if is_map else 'sequences'}")
                    keyed.key = _BAD_KEY
                    continue
            elif kind is AliasEvent:
                report(line, col, f"anchors and aliases are not allowed (*{event.anchor})")
                if keyed is not None:
                    keyed.key = _BAD_KEY
                    continue
                value, loc = None, (line, col, None)
            else:  # pragma: no cover - the parser yields no other event inside a document
                report(line, col, f"unexpected YAML event {kind.__name__}")
                raise _Fatal
            if top is None:  # the document's root node
                root_event = event
                root, root_tree = value, (1, 1, loc[2])
            elif top.is_map:
                key = top.key
                top.key = _NO_KEY
                if key is not _BAD_KEY:
                    top.data[key] = value
                    top.locs[key] = loc
            else:
                top.data.append(value)
                top.locs.append(loc)
        self._check_root(root, root_event)
        return root, root_tree

    def _check_block_header(self, mark: Any) -> None:
        """A block scalar's header (|, >, with chomping and indentation indicators) followed directly by '#'."""
        text = self.source.text
        header = _BLOCK_HEADER.match(text, self.source.offset(mark.line, mark.column))
        if header is not None and text[header.end() : header.end() + 1] == "#":
            self.report(mark.line + 1, mark.column + 1 + len(header.group()), _COMMENT_NEEDS_SPACE)

    def _check_lines(self, node: _FlowNode, last: int) -> None:
        """Lines after the first of a quoted scalar or flow collection: indented past the parent, with spaces.

        Blank lines, and comment lines between the items of a flow collection, need no indentation.
        Only the first offending line is reported: one fix (indenting the node) mends them all.
        """
        source = self.source
        text = source.text
        for number in range(node.line + 1, last + 1):
            start, end = source.line(number)
            first = _NON_BLANK.search(text, start, end)
            if first is None:
                continue
            at = first.start()
            if text[at] == "#" and number not in node.quoted:
                continue  # a comment line
            spaces = len(text[start:at]) - len(text[start:at].lstrip(" "))
            if spaces > node.parent:
                continue
            tab = text.find("\t", start, at)
            if tab >= 0:
                self.report(number + 1, tab - start + 1, _TAB_INDENT)
            else:
                need = node.parent + 1
                self.report(
                    number + 1,
                    at - start + 1,
                    f"not indented enough to continue the value from line {node.line + 1}:"
                    f" indent it by at least {need} {'space' if need == 1 else 'spaces'}",
                )
            return

    def check_comments(self, *, complete: bool) -> None:
        """Report every glued '#' outside the scalars seen; unless `complete`, only those before the last scalar."""
        glued, self.glued = self.glued, []
        if not glued:
            return
        source = self.source
        text = source.text
        spans = self.spans
        limit = len(text) if complete else (spans[-1][1] if spans else 0)
        index = 0
        for at in glued:
            if at >= limit:
                break
            while index < len(spans) and spans[index][1] <= at:
                index += 1
            if index < len(spans) and spans[index][0] <= at:
                continue  # inside a scalar: text, not a comment
            line, col = source.position(at)
            # Between the last scalar (or the start of the line) and this '#', any '#' starts a
            # comment that runs to the end of the line, and this one is part of its text.
            after = max(source.starts[line - 1], spans[index - 1][1] if index else 0)
            if text.find("#", after, at) >= 0:
                continue
            self.report(line, col, _COMMENT_NEEDS_SPACE)

    def _take_key(self, frame: _Frame, key: Any, line: int, col: int, *, refused: bool) -> None:
        """Make `key` the pending key of `frame`, reporting it if an earlier key resolved the same."""
        frame.key = _BAD_KEY if refused else key
        identity = _key_identity(key)
        first = frame.seen.get(identity)
        if first is None:
            frame.seen[identity] = line
        else:
            self.report(line, col, f"duplicate key {_show_key(key)} (first at line {first})")

    def _check_root(self, root: Any, event: Any) -> None:
        if isinstance(root, dict):
            return
        if event is None or (type(event) is ScalarEvent and event.value == "" and event.implicit[0]):
            self.report(1, 1, "the file is empty")
            return
        mark = event.start_mark
        found = {list: "a sequence", str: "a string", **_KIND_NAMES}.get(type(root), "a value")
        self.report(mark.line + 1, mark.column + 1, f"the top level must be a mapping, found {found}")


def _show_key(key: Any) -> str:
    """A key as the file would spell it: strings quoted, others as YAML writes them."""
    if isinstance(key, str):
        return repr(key)
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return repr(key)


def _load(raw: bytes, name: str, max_bytes: int) -> Document:
    """Check, parse and compose `raw`; every refusal, whatever its cause, becomes an InputError."""
    if len(raw) > max_bytes:
        raise InputError(Problem(name, 1, 1, f"file is larger than {max_bytes} bytes"))
    try:
        source, problems = _check_text(raw, name)
        if problems or source is None:
            raise InputError(problems)
        composer = _Composer(name, source)
        data: Any = None
        tree: _Loc | None = None
        try:
            data, tree = composer.compose(raw)
        except _Fatal:
            pass  # its problems are already in composer.problems
        except yaml.MarkedYAMLError as exc:
            if _is_depth_refusal(exc):
                composer.problems = _depth_problems(composer, exc)
            else:
                try:
                    composer.check_comments(complete=False)
                except _Fatal:
                    pass
                composer.problems.append(_syntax_problem(exc, source, name))
        except yaml.YAMLError as exc:  # no mark (a reader error): the text checks should have caught it
            composer.problems.append(Problem(name, 1, 1, f"invalid YAML: {exc}"))
        if composer.problems:
            raise InputError(composer.problems)
        return Document(name, data, tree)
    except InputError:
        raise
    except RecursionError:
        raise InputError(Problem(name, 1, 1, "the file is too deeply nested to read")) from None
    except MemoryError:
        raise InputError(Problem(name, 1, 1, "the file needs too much memory to read")) from None
    except Exception as exc:  # the contract is InputError only; say plainly that this one is ours
        raise InputError(
            Problem(name, 1, 1, f"internal error while reading YAML: {type(exc).__name__}: {exc}")
        ) from exc


def _is_depth_refusal(exc: yaml.MarkedYAMLError) -> bool:
    """libyaml 0.2.6 and later refuse deep flow nesting themselves, before our composer sees the depth.

    Its parser looks up to 1,024 characters ahead for a possible key, so with "[[[[..." it reaches
    its own limit (1,000 levels) while the composer is still near the top.
    """
    return "nesting depth" in (exc.problem or "")


def _depth_problems(composer: _Composer, exc: yaml.MarkedYAMLError) -> list[Problem]:
    """The problems of a file libyaml refused as too deep, as if our depth limit had been reached first.

    The text up to where libyaml stopped holds more than MAX_DEPTH levels and is within libyaml's
    limit, so composing it again stops at our limit, at the same place with the same message
    whatever libyaml version is installed.
    """
    message = f"nesting deeper than {MAX_DEPTH} levels"
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line, mark.column) if mark is not None else (0, 0)
    prefix = composer.source.text[: composer.source.offset(line, column)]
    again = _Composer(composer.name, _Source(prefix))
    try:
        again.compose(prefix.encode("utf-8"))
    except (_Fatal, yaml.YAMLError):
        pass
    if any(problem.message == message for problem in again.problems):
        return again.problems
    return [*composer.problems, Problem(composer.name, line + 1, column + 1, message)]


def _syntax_problem(exc: yaml.MarkedYAMLError, source: _Source, name: str) -> Problem:
    """A parser error as a located problem; the context ("while parsing a block mapping") says where it began.

    A tab that libyaml refuses in the indentation of a line gets our own message, at the first tab.
    """
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if mark is not None and mark.line < len(source.starts):
        text = source.text
        start, end = source.line(mark.line)
        at = source.offset(mark.line, mark.column)
        if at < end and text[at] == "\t" and not text[start:at].strip(" \t"):
            tab = text.index("\t", start)
            context = exc.context_mark
            opened = source.offset(context.line, context.column) if context is not None else -1
            if opened >= 0 and text[opened : opened + 1] in ("|", ">"):
                return Problem(
                    name,
                    line,
                    tab - start + 1,
                    "tab in the indentation of a block scalar; indent with spaces"
                    " (a tab that starts the text needs an indentation indicator, such as |2)",
                )
            return Problem(name, line, tab - start + 1, _TAB_INDENT)
    what = exc.problem or exc.context or "syntax error"
    if exc.context and exc.problem:
        where = ""
        if exc.context_mark is not None:
            where = f" started at line {exc.context_mark.line + 1}"
        what = f"{what} ({exc.context}{where})"
    return Problem(name, line, col, f"invalid YAML: {what}")
