"""JSON Schema validation of loaded YAML documents, each error located by file, line, column and JSON path.

Two validators, one verdict. A compiled fastjsonschema validator (generated once, kept in the
cache) answers "valid?" in microseconds; only when it says no is jsonschema, slower to import and
to run but able to report every error with its path, asked for the errors. jsonschema is the
reference: when the two disagree, its answer stands (tests/test_schema_examples.py and
tests/test_schema_patterns.py check that they agree).

Both are given the same schema, its regular expressions first rewritten so that Python's re reads
them as JSON Schema (ECMA-262) does: left alone, `^[a-z]+$` accepts "fenland\n" under jsonschema
(Python's `$` also matches before a final newline) and refuses it under fastjsonschema (which
rewrites `$` itself, but only in `pattern`), and a digit class accepts any Unicode digit.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import marshal
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any

from gatekeeper import cache
from gatekeeper.loading.yamlstrict import Document
from gatekeeper.problems import Problem
from gatekeeper.resources import data_dir

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

_MAX_MESSAGE = 240
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# Escapes whose Python meaning is wider than ECMA-262's (Unicode rather than ASCII), outside and
# inside a character class.
_ASCII_CLASSES = {"d": "[0-9]", "D": "[^0-9]", "w": "[A-Za-z0-9_]", "W": "[^A-Za-z0-9_]"}
_ASCII_RANGES = {"d": "0-9", "w": "A-Za-z0-9_"}
# Keywords whose values are data, not schemas: a "pattern" key inside them is not a pattern.
_DATA_KEYWORDS = frozenset(("const", "default", "enum", "examples"))
# Each rewritten pattern and the pattern as the schema file writes it: messages show the latter.
_WRITTEN: dict[str, str] = {}


def _is_date(value: str) -> bool:
    """format: date, as jsonschema checks it: YYYY-MM-DD and a real day."""
    if not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def ecma_pattern(pattern: str) -> str:
    """`pattern` rewritten so that Python's re matches what ECMA-262 (the JSON Schema dialect) matches.

    `$` (outside a character class) becomes `\\Z`, the end of the text and nothing else; `\\d`, `\\D`,
    `\\w` and `\\W` become their ASCII classes; a `$` inside a class is escaped, so fastjsonschema's
    own rewriting of `$` (which does not know about classes) leaves it alone.
    """
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if in_class and escaped in _ASCII_RANGES:
                out.append(_ASCII_RANGES[escaped])
            elif not in_class and escaped in _ASCII_CLASSES:
                out.append(_ASCII_CLASSES[escaped])
            else:
                out.append(char + escaped)
            index += 2
            continue
        if in_class:
            if char == "]" and not (out[-1] == "[" or out[-1] == "[^"):
                in_class = False
            out.append("\\$" if char == "$" else char)
        elif char == "[":
            in_class = True
            if pattern.startswith("[^", index):
                out.append("[^")
                index += 2
                continue
            out.append(char)
        else:
            out.append("\\Z" if char == "$" else char)
        index += 1
    rewritten = "".join(out)
    if rewritten != pattern:
        _WRITTEN[rewritten] = pattern
    return rewritten


def _as_written(message: str) -> str:
    """A jsonschema message with every rewritten pattern it quotes shown as the schema writes it."""
    for rewritten, pattern in _WRITTEN.items():
        message = message.replace(repr(rewritten), repr(pattern))
    return message


def ecma_schema(node: Any) -> Any:
    """A copy of a schema with every `pattern` and `patternProperties` key rewritten by ecma_pattern."""
    if isinstance(node, list):
        return [ecma_schema(child) for child in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, child in node.items():
        if key in _DATA_KEYWORDS:
            out[key] = child
        elif key == "pattern" and isinstance(child, str):
            out[key] = ecma_pattern(child)
        elif key == "patternProperties" and isinstance(child, dict):
            out[key] = {ecma_pattern(name): ecma_schema(sub) for name, sub in child.items()}
        else:
            out[key] = ecma_schema(child)
    return out


def _schema_dir(folder: str) -> Path:
    """Rule schemas sit in rules/schema/, evidence schemas at the top of evidence_schema/."""
    return data_dir("rules") / "schema" if folder == "rules" else data_dir(folder)


def _schema_text(folder: str, name: str) -> bytes:
    return (_schema_dir(folder) / name).read_bytes()


@functools.cache
def validator(folder: str, name: str) -> Draft202012Validator:
    """A reusable jsonschema validator (100x faster than jsonschema.validate per document) that checks formats."""
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource

    resources = []
    for path in sorted(_schema_dir(folder).glob("*.schema.json")):
        contents = ecma_schema(json.loads(path.read_text(encoding="utf-8")))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    schema = ecma_schema(json.loads(_schema_text(folder, name)))
    return Draft202012Validator(schema, registry=Registry().with_resources(resources), format_checker=FormatChecker())


@functools.cache
def fast_validator(folder: str, name: str) -> Callable[[Any], Any] | None:
    """A compiled validator for a self-contained schema, or None (then jsonschema answers alone).

    fastjsonschema generates Python source from the schema (~10-40 ms a schema); the compiled
    code object is kept in the cache, marshalled, keyed by the schema as given to the compiler
    (patterns rewritten), fastjsonschema and Python.
    """
    schema = ecma_schema(json.loads(_schema_text(folder, name)))
    if _refers_outside(schema):
        return None  # refers to another file: leave it to jsonschema's registry
    import fastjsonschema

    given = json.dumps(schema, sort_keys=True, ensure_ascii=False).encode("utf-8")
    entry = f"schema-{cache.key([given, fastjsonschema.VERSION.encode()])}.marshal"
    code: CodeType | None = None
    stored = cache.read(entry)
    if stored is not None:
        try:
            code = marshal.loads(stored)
        except (EOFError, ValueError, TypeError):
            code = None
    if code is None:
        source = fastjsonschema.compile_to_code(schema, formats={"date": _is_date})
        first = re.search(r"^def (\w+)\(", source, re.M)
        if first is None:
            return None
        # The first function generated validates the whole document.
        code = compile(f"{source}\nvalidate = {first.group(1)}\n", f"<schema {name}>", "exec")
        cache.write(entry, marshal.dumps(code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 - code generated from our own schema
    return functools.partial(namespace["validate"], custom_formats={"date": _is_date})


def _refers_outside(node: Any) -> bool:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return True
        return any(_refers_outside(child) for child in node.values())
    if isinstance(node, list):
        return any(_refers_outside(child) for child in node)
    return False


def json_path(parts: Sequence[str | int]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


class ProblemCollector:
    """Gathers located problems across files, so one run reports all of them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def at(self, doc: Document, path: Sequence[str | int], message: str) -> None:
        line, col = doc.locate(list(path))
        self.problems.append(Problem(doc.path, line, col, message, json_path(path)))


# The forms the schemas' patterns stand for, in words: a message shows the form and an example,
# never the regular expression. Keyed by the pattern as the schema file writes it.
PATTERN_FORMS: dict[str, str] = {
    "^(DEC|CRE|DEL|SUS|SUI)\\.[A-Z]{3}\\.X?[0-9]{2}$": (
        "an outcome id PHASE.THEME.NN such as DEC.LEA.01 (PHASE: DEC, CRE, DEL, SUS or SUI; "
        "X before NN for a profile's own outcome)"
    ),
    "^\\d{4}-\\d{2}-\\d{2}$": "a date YYYY-MM-DD, e.g. 2026-10-01",
    "^[A-Za-z][A-Za-z0-9_.-]{0,63}$": "an id: a letter, then up to 63 letters, digits, '_', '.' or '-', e.g. E01",
    "^[a-z][a-z0-9_-]{0,39}$": "a name: a lower-case letter, then up to 39 lower-case letters, digits, '_' or '-'",
    "^[a-z0-9][a-z0-9-]{1,62}$": "an alliance id: 2 to 63 lower-case letters, digits or '-', e.g. fenland-water",
    "^[A-Z]{3}$": "a currency code of three capitals, e.g. GBP",
}
# How many locations of a repeated mistake are named.
_FIRST_LOCATIONS = 3


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def nearest(word: object, choices: Sequence[object]) -> str:
    """ " (did you mean X?)" for the closest choice to a mistyped word, or nothing."""
    if not isinstance(word, str):
        return ""
    words = [c for c in choices if isinstance(c, str)]
    folded = {c.casefold(): c for c in words}
    if word.casefold() in folded:
        return f" (did you mean {folded[word.casefold()]}?)"
    near = difflib.get_close_matches(word, words, n=1, cutoff=0.6)
    return f" (did you mean {near[0]}?)" if near else ""


def _message(error: Any) -> str:
    """One jsonschema error in words that guide the fix: every allowed value, the nearest one, the expected form."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "enum" and isinstance(error.validator_value, list):
        allowed = error.validator_value
        where = error.absolute_path[-1] if error.absolute_path else None
        what = f"an allowed {where}" if isinstance(where, str) else "an allowed value"
        return (
            f"{_shown(error.instance)} is not {what}{nearest(error.instance, allowed)}; "
            f"allowed: {', '.join(str(a) for a in allowed)}"
        )
    if error.validator == "pattern" and isinstance(error.validator_value, str):
        written = _WRITTEN.get(error.validator_value, error.validator_value)
        form = PATTERN_FORMS.get(written)
        if form is not None and isinstance(error.instance, str):
            upper = error.instance.upper()
            hint = (
                f" (did you mean {upper}?)"
                if upper != error.instance and re.match(error.validator_value, upper)
                else ""
            )
            return f"{_shown(error.instance)} is not {form}{hint}"
    if error.validator == "additionalProperties" and isinstance(schema.get("properties"), dict):
        known = sorted(schema["properties"])
        extra = [k for k in error.instance if k not in known] if isinstance(error.instance, dict) else []
        patterns = schema.get("patternProperties") or {}
        extra = [k for k in extra if not any(re.search(p, str(k)) for p in patterns)]
        if extra:
            first = extra[0]
            more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
            return f"unknown key {_shown(first)}{nearest(first, known)}{more}; allowed: {', '.join(known)}"
    message = _as_written(error.message)
    # jsonschema's own wording can quote a whole value: bounded. Ours above never cut a list.
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


def _grouped(found: list[tuple[Problem, tuple[Any, ...]]]) -> list[Problem]:
    """One mistake repeated in many places reported once, at its first place, with the count and the first lines.

    A mistake is the same when the same value breaks the same rule of the schema (a misspelt
    method on forty claims is one fix, not forty).
    """
    groups: dict[tuple[Any, ...], list[Problem]] = {}
    for problem, key in found:
        groups.setdefault(key, []).append(problem)
    out = []
    for problems in groups.values():
        problems.sort()
        first = problems[0]
        if len(problems) == 1:
            out.append(first)
            continue
        lines = ", ".join(str(p.line) for p in problems[:_FIRST_LOCATIONS])
        more = ", ..." if len(problems) > _FIRST_LOCATIONS else ""
        message = f"{first.message} [{len(problems)} times, at lines {lines}{more}]"
        out.append(Problem(first.file, first.line, first.col, message, first.json_path))
    return sorted(out)


# Keywords whose failure is reported where they apply, with the branches' own errors kept out of
# sight: nothing below such a place has been checked.
_OPAQUE = frozenset(("oneOf", "anyOf", "not"))


@dataclass(frozen=True)
class Shape:
    """Where a document broke its schema, so cross-file checks can use the parts that did not.

    A value is sound when no schema error lies at it or below it, and no error of a keyword that
    hides its branches' errors (oneOf, anyOf, not) lies above it. An error at an ancestor of
    another kind (a required key missing beside it, an unknown key) leaves it sound: the schema
    checked it on its own.
    """

    broken: frozenset[tuple[str | int, ...]] = frozenset()
    opaque: frozenset[tuple[str | int, ...]] = frozenset()

    @functools.cached_property
    def _under(self) -> frozenset[tuple[str | int, ...]]:
        return frozenset(path[:k] for path in self.broken for k in range(len(path) + 1))

    @property
    def valid(self) -> bool:
        return not self.broken

    def sound(self, path: Sequence[str | int]) -> bool:
        """Whether the value at `path` (when there is one) is as its schema says."""
        if not self.broken:
            return True
        where = tuple(path)
        if where in self._under:
            return False
        return not any(where[:k] in self.opaque for k in range(len(where)))


def schema_problems(document: Document, folder: str, name: str) -> list[Problem]:
    """Every schema error of `document`, located at the value that broke the rule.

    Messages name every allowed value and the nearest one, and a pattern's form in words; the
    same mistake made in many places is one problem with its count.
    """
    return schema_check(document, folder, name)[0]


def schema_check(document: Document, folder: str, name: str) -> tuple[list[Problem], Shape]:
    """schema_problems, and the Shape saying which parts of the document the errors leave sound."""
    fast = fast_validator(folder, name)
    if fast is not None:
        from fastjsonschema import JsonSchemaValueException

        try:
            fast(document.data)
        except JsonSchemaValueException:
            pass  # invalid: ask jsonschema for every error, with its path
        else:
            return [], Shape()
    found: list[tuple[Problem, tuple[Any, ...]]] = []
    broken: set[tuple[str | int, ...]] = set()
    opaque: set[tuple[str | int, ...]] = set()
    for error in validator(folder, name).iter_errors(document.data):
        parts = list(error.absolute_path)
        broken.add(tuple(parts))
        if error.validator in _OPAQUE:
            opaque.add(tuple(parts))
        line, col = document.locate(parts)
        message = _message(error)
        if error.validator in ("oneOf", "anyOf") and error.context:
            best = min(error.context, key=lambda e: len(e.message))
            message = f"not one of the accepted forms ({_message(best)})"
        elif isinstance(error.schema, dict) and isinstance(error.schema.get("errorMessage"), str):
            # A one-rule subschema (the date window) says in words what its rule means.
            message = f"{error.instance!r} {error.schema['errorMessage']}"
        key = (message, tuple(str(p) for p in error.relative_schema_path))
        found.append((Problem(document.path, line, col, message, json_path(parts)), key))
    if not broken:  # the compiled validator refused what jsonschema accepts: jsonschema's answer stands
        return [], Shape()
    return _grouped(found), Shape(frozenset(broken), frozenset(opaque))
