"""Read commercial.yml on its own: strict YAML, the schema, then the rules a schema cannot state, all located."""

from __future__ import annotations

from pathlib import Path

from gatekeeper.commercial.model import CommercialModel, from_data, semantic_problems
from gatekeeper.loading.schema import json_path, schema_problems
from gatekeeper.loading.yamlstrict import Document, load_yaml
from gatekeeper.problems import InputError, Problem

FILE_NAME = "commercial.yml"
SCHEMA = "commercial.schema.json"


def model_from_document(document: Document) -> CommercialModel:
    """Validate a loaded commercial.yml and build its model; raise InputError with every problem, located."""
    problems = schema_problems(document, "evidence_schema", SCHEMA)
    if problems:  # the semantic rules rely on the shapes the schema guarantees
        raise InputError(problems)
    located = []
    for path, message in semantic_problems(document.data):
        line, col = document.locate(list(path))
        located.append(Problem(document.path, line, col, message, json_path(path)))
    if located:
        raise InputError(located)
    return from_data(document.data)


def load_model(path: Path, *, display: str | None = None) -> CommercialModel:
    """Load the commercial model from an evidence pack folder (its commercial.yml) or from the file itself."""
    shown = display if display is not None else str(path)
    if path.is_dir():
        path = path / FILE_NAME
        shown = f"{shown.rstrip('/')}/{FILE_NAME}"
        if not path.exists():
            raise InputError(
                Problem(
                    shown, 0, 0, "the pack has no commercial.yml: describe the commercial model there to simulate it"
                )
            )
    return model_from_document(load_yaml(path, display=shown))
