"""Positive and negative example files per evidence schema; every schema documents every property."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gatekeeper.loading.schema import schema_problems
from gatekeeper.loading.yamlstrict import load_yaml
from gatekeeper.resources import data_dir

EXAMPLES = Path(__file__).parent / "schema_examples"
CASES = sorted(EXAMPLES.glob("*/*/*.yml"))


def _schema(path: Path) -> str:
    return f"{path.parents[1].name}.schema.json"


@pytest.mark.parametrize("path", [p for p in CASES if p.parent.name == "valid"], ids=lambda p: f"{p.parents[1].name}/{p.name}")
def test_valid_examples_validate(path: Path) -> None:
    """Each file in a valid/ folder passes its schema."""
    assert schema_problems(load_yaml(path), "evidence_schema", _schema(path)) == []


@pytest.mark.parametrize("path", [p for p in CASES if p.parent.name == "invalid"], ids=lambda p: f"{p.parents[1].name}/{p.name}")
def test_invalid_examples_fail_with_the_expected_located_error(path: Path) -> None:
    """Each file in an invalid/ folder fails with the message its `# expect:` line names, at a real line."""
    expected = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect: ")
    problems = schema_problems(load_yaml(path), "evidence_schema", _schema(path))
    matching = [p for p in problems if expected in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].line > 1 and matching[0].json_path.startswith("$")


def _properties(node, where: str):
    if isinstance(node, dict):
        for name, child in node.get("properties", {}).items():
            yield f"{where}.{name}", child
        for key, child in node.items():
            if key in ("if", "not"):  # conditions that select, not properties that describe
                continue
            if isinstance(child, (dict, list)):
                yield from _properties(child, f"{where}/{key}")
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _properties(child, f"{where}[{i}]")


@pytest.mark.parametrize("schema", sorted(p.name for p in data_dir("evidence_schema").glob("*.schema.json")))
def test_every_property_of_every_evidence_schema_has_a_description(schema: str) -> None:
    """The schema is the format's reference: no property goes undescribed."""
    data = json.loads((data_dir("evidence_schema") / schema).read_text(encoding="utf-8"))
    missing = [where for where, prop in _properties(data, "$") if "description" not in prop and "$ref" not in prop]
    assert missing == []
