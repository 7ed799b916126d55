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
import importlib.util
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
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
    """A compiled validator for a self-contained schema, or None (then jsonschema answers alone)."""
    raw = _schema_text(folder, name)
    schema = json.loads(raw)
    if _refers_outside(schema):
        return None  # refers to another file: leave it to jsonschema's registry
    import fastjsonschema

    module_name = f"gk_schema_{cache.key([raw, fastjsonschema.VERSION.encode()])}"
    folder_path = cache.directory()
    source_path = folder_path / f"{module_name}.py" if folder_path else None
    if source_path is None or not source_path.is_file():
        code = fastjsonschema.compile_to_code(schema, formats={"date": _is_date})
        entry = re.search(r"^def (\w+)\(", code, re.M)
        if entry is None:
            return None
        code += f"\nvalidate = {entry.group(1)}\n"  # the first function generated validates the whole document
        if source_path is None:
            namespace: dict[str, Any] = {}
            exec(compile(code, f"<{name}>", "exec"), namespace)  # noqa: S102 - code generated from our own schema
            return functools.partial(namespace["validate"], custom_formats={"date": _is_date})
        cache.write(source_path.name, code.encode("utf-8"))
    spec = importlib.util.spec_from_file_location(module_name, source_path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # imported, so Python keeps its bytecode in __pycache__
    return functools.partial(module.validate, custom_formats={"date": _is_date})


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
        if len(message) > _MAX_MESSAGE:
            message = message[: _MAX_MESSAGE - 1] + "…"
        problems.append(Problem(document.path, line, col, message, json_path(parts)))
    return sorted(problems)

