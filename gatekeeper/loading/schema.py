"""JSON Schema validation of loaded YAML documents, each error located by file, line, column and JSON path.

Two validators, one verdict. A compiled fastjsonschema validator (generated once, kept in the
cache) answers "valid?" in microseconds; only when it says no is jsonschema, slower to import and
to run but able to report every error with its path, asked for the errors. jsonschema is the
reference: when the two disagree, its answer stands (tests/test_schema_examples.py checks that
they agree).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import marshal
import re
from collections.abc import Callable, Sequence
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
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_date(value: str) -> bool:
    """format: date, as jsonschema checks it: YYYY-MM-DD and a real day."""
    if not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


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
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    schema = json.loads(_schema_text(folder, name))
    return Draft202012Validator(schema, registry=Registry().with_resources(resources), format_checker=FormatChecker())


@functools.cache
def fast_validator(folder: str, name: str) -> Callable[[Any], Any] | None:
    """A compiled validator for a self-contained schema, or None (then jsonschema answers alone).

    fastjsonschema generates Python source from the schema (~10-40 ms a schema); the compiled
    code object is kept in the cache, marshalled, keyed by the schema, fastjsonschema and Python.
    """
    raw = _schema_text(folder, name)
    schema = json.loads(raw)
    if _refers_outside(schema):
        return None  # refers to another file: leave it to jsonschema's registry
    import fastjsonschema

    entry = f"schema-{cache.key([raw, fastjsonschema.VERSION.encode()])}.marshal"
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


def schema_problems(document: Document, folder: str, name: str) -> list[Problem]:
    """Every schema error of `document`, located at the value that broke the rule."""
    fast = fast_validator(folder, name)
    if fast is not None:
        from fastjsonschema import JsonSchemaValueException

        try:
            fast(document.data)
        except JsonSchemaValueException:
            pass  # invalid: ask jsonschema for every error, with its path
        else:
            return []
    problems = []
    for error in validator(folder, name).iter_errors(document.data):
        parts = list(error.absolute_path)
        line, col = document.locate(parts)
        message = error.message
        if error.validator in ("oneOf", "anyOf") and error.context:
            best = min(error.context, key=lambda e: len(e.message))
            message = f"not one of the accepted forms ({best.message})"
        elif isinstance(error.schema, dict) and isinstance(error.schema.get("errorMessage"), str):
            # A one-rule subschema (the date window) says in words what its rule means.
            message = f"{error.instance!r} {error.schema['errorMessage']}"
        if len(message) > _MAX_MESSAGE:
            message = message[: _MAX_MESSAGE - 1] + "…"
        problems.append(Problem(document.path, line, col, message, json_path(parts)))
    return sorted(problems)

