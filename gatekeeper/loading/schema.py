"""JSON Schema validation of loaded YAML documents, each error located by file, line, column and JSON path."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from gatekeeper.loading.yamlstrict import Document
from gatekeeper.problems import Problem
from gatekeeper.resources import data_dir

_MAX_MESSAGE = 240


def _schema_dir(folder: str) -> Path:
    """Rule schemas sit in rules/schema/, evidence schemas at the top of evidence_schema/."""
    return data_dir("rules") / "schema" if folder == "rules" else data_dir(folder)


@functools.cache
def _registry(folder: str) -> Registry:
    """Every schema of a folder, by its $id, so schemas can refer to each other."""
    resources = []
    for path in sorted(_schema_dir(folder).glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


@functools.cache
def validator(folder: str, name: str) -> Draft202012Validator:
    """A reusable validator (100x faster than jsonschema.validate per document) that checks formats."""
    schema = json.loads((_schema_dir(folder) / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=_registry(folder), format_checker=FormatChecker())


def json_path(parts: Sequence[str | int]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def schema_problems(document: Document, folder: str, name: str) -> list[Problem]:
    """Every schema error of `document`, located at the value that broke the rule."""
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
