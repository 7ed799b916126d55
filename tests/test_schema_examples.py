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


@pytest.mark.parametrize(
    "path", [p for p in CASES if p.parent.name == "valid"], ids=lambda p: f"{p.parents[1].name}/{p.name}"
)
def test_valid_examples_validate(path: Path) -> None:
    """Each file in a valid/ folder passes its schema."""
    assert schema_problems(load_yaml(path), "evidence_schema", _schema(path)) == []


@pytest.mark.parametrize(
    "path", [p for p in CASES if p.parent.name == "invalid"], ids=lambda p: f"{p.parents[1].name}/{p.name}"
)
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


# --- the fast validator agrees with the reference --------------------------------------------

import copy  # noqa: E402

from fastjsonschema import JsonSchemaValueException  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from gatekeeper.loading.schema import fast_validator, validator  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {
    name: load_yaml(ROOT / "examples" / "severn-highways" / f"{name}.yml").data
    for name in ("manifest", "claims", "register", "facts", "waivers", "conditions", "commercial")
}
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2026-02-30", "2026-10-01", "met", "E01", "DEC.LEA.01", "interview"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _paths(child, (*prefix, i))


def _fast_says_valid(name: str, data) -> bool:
    try:
        fast_validator("evidence_schema", f"{name}.schema.json")(data)
    except JsonSchemaValueException:
        return False
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SEEDS)), data=st.data(), value=JSON_VALUES)
def test_the_fast_validator_and_jsonschema_agree(name, data, value) -> None:
    """Changing any value of a valid file to anything: both validators give the same verdict."""
    doc = copy.deepcopy(SEEDS[name])
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths))
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    reference = not any(True for _ in validator("evidence_schema", f"{name}.schema.json").iter_errors(doc))
    assert _fast_says_valid(name, doc) == reference


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parents[1].name}/{p.parent.name}/{p.name}")
def test_the_fast_validator_agrees_on_every_example_file(path: Path) -> None:
    """Valid examples pass both validators; invalid ones (an impossible date among them) fail both."""
    data = load_yaml(path).data
    name = path.parents[1].name
    assert _fast_says_valid(name, data) == (path.parent.name == "valid")
