"""Every regular expression in every schema gives one verdict under both validators, as JSON Schema (ECMA-262) reads it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gatekeeper.loading.schema import ecma_pattern, ecma_schema, fast_validator, schema_problems, validator
from gatekeeper.loading.yamlstrict import load_yaml_bytes
from gatekeeper.resources import data_dir

SCHEMA_FILES = sorted(
    [*data_dir("evidence_schema").glob("*.schema.json"), *(data_dir("rules") / "schema").glob("*.schema.json")]
)


def _patterns(node: Any) -> Iterator[tuple[str, str]]:
    """Every (keyword, regex) of a schema: `pattern` values and `patternProperties` keys, data keywords skipped."""
    if isinstance(node, list):
        for child in node:
            yield from _patterns(child)
    elif isinstance(node, dict):
        for key, child in node.items():
            if key in ("const", "default", "enum", "examples"):
                continue
            if key == "pattern" and isinstance(child, str):
                yield "pattern", child
            elif key == "patternProperties" and isinstance(child, dict):
                for name, sub in child.items():
                    yield "patternProperties", name
                    yield from _patterns(sub)
            else:
                yield from _patterns(child)


PATTERNS = sorted(
    {(kind, regex) for path in SCHEMA_FILES for kind, regex in _patterns(json.loads(path.read_text(encoding="utf-8")))}
)


def _probe_schema(kind: str, regex: str) -> dict[str, Any]:
    """The smallest schema that applies `regex` the way `kind` does."""
    if kind == "pattern":
        return {"type": "string", "pattern": regex}
    return {"type": "object", "patternProperties": {regex: {}}, "additionalProperties": False}


def _instance(kind: str, text: str) -> Any:
    return text if kind == "pattern" else {text: 1}


def _verdicts(kind: str, regex: str) -> tuple[Callable[[Any], bool], Callable[[Any], bool]]:
    """jsonschema's and fastjsonschema's verdict on an instance, both given the schema as the loader gives it."""
    schema = ecma_schema(_probe_schema(kind, regex))
    reference = Draft202012Validator(schema)
    compiled = fastjsonschema.compile(schema)

    def fast(instance: Any) -> bool:
        try:
            compiled(instance)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return reference.is_valid, fast


def test_the_walk_finds_the_patterns_of_every_kind() -> None:
    """The schemas hold both kinds of regex, so the tests below check something."""
    kinds = {kind for kind, _ in PATTERNS}
    assert kinds == {"pattern", "patternProperties"}
    assert len(PATTERNS) >= 15


@pytest.mark.parametrize(("kind", "regex"), PATTERNS, ids=[f"{k}:{r}" for k, r in PATTERNS])
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_trailing_newline_is_refused_by_both_validators(kind: str, regex: str, data: st.DataObject) -> None:
    """A value the regex matches is accepted by both validators; the same value with a final newline by neither."""
    value = data.draw(st.from_regex(ecma_pattern(regex), fullmatch=True))
    reference, fast = _verdicts(kind, regex)
    assert (reference(_instance(kind, value)), fast(_instance(kind, value))) == (True, True)
    for suffix in ("\n", "\r\n", "\n\n"):
        assert (reference(_instance(kind, value + suffix)), fast(_instance(kind, value + suffix))) == (False, False)


# Strings near the edges of the schemas' regexes: line breaks, Unicode digits and letters, anchors' neighbours.
NEAR_MISSES = st.text(
    alphabet=st.sampled_from(list("aZz09_-.X$^\n\r\t ") + ["٣", "½", "é", "ß", "\u2028", "\x0b"]),
    max_size=12,
)


@pytest.mark.parametrize(("kind", "regex"), PATTERNS, ids=[f"{k}:{r}" for k, r in PATTERNS])
@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_both_validators_agree_on_generated_strings(kind: str, regex: str, data: st.DataObject) -> None:
    """On strings generated from the regex (as a search) and near-miss strings, the two validators agree."""
    text = data.draw(st.from_regex(regex) | NEAR_MISSES | st.text(max_size=8))
    reference, fast = _verdicts(kind, regex)
    assert reference(_instance(kind, text)) == fast(_instance(kind, text))


@pytest.mark.parametrize(("kind", "regex"), PATTERNS, ids=[f"{k}:{r}" for k, r in PATTERNS])
def test_a_rewritten_regex_matches_as_ecma_262_does(kind: str, regex: str) -> None:
    """After rewriting, '$' ends the text only and digit classes are ASCII: no Python-only meaning is left."""
    rewritten = ecma_pattern(regex)
    assert not re.search(r"(?<!\\)\$", rewritten.replace("\\$", ""))
    assert "\\d" not in rewritten and "\\w" not in rewritten


@pytest.mark.parametrize(
    ("pattern", "rewritten"),
    [
        ("^[a-z_]+$", "^[a-z_]+\\Z"),
        ("^\\d{4}-\\d{2}-\\d{2}$", "^[0-9]{4}-[0-9]{2}-[0-9]{2}\\Z"),
        ("\\.X[0-9]{2}$", "\\.X[0-9]{2}\\Z"),
        ("^a\\$", "^a\\$"),
        ("^[$]$", "^[\\$]\\Z"),
        ("^[^\\]$]+$", "^[^\\]\\$]+\\Z"),
        ("[\\d\\w]", "[0-9A-Za-z0-9_]"),
        ("^\\D\\W\\s$", "^[^0-9][^A-Za-z0-9_]\\s\\Z"),
    ],
)
def test_ecma_pattern_rewrites_exactly(pattern: str, rewritten: str) -> None:
    """The rewriting touches '$' and the digit and word classes, and nothing else (escaped '$' stays literal)."""
    assert ecma_pattern(pattern) == rewritten


def test_the_loaded_validators_are_given_the_rewritten_schemas() -> None:
    """Every schema the loader validates with (both validators, every folder) holds no Python-only '$'."""
    for path in SCHEMA_FILES:
        folder = "rules" if path.parent.name == "schema" else "evidence_schema"
        given_schema = validator(folder, path.name).schema
        assert sorted(_patterns(given_schema)) == sorted(
            (kind, ecma_pattern(regex)) for kind, regex in _patterns(json.loads(path.read_text(encoding="utf-8")))
        )


def test_an_id_with_a_trailing_newline_is_refused_with_the_pattern_as_written() -> None:
    """A quoted id ending in a newline fails both validators, and the message names the expected form in words."""
    manifest = (Path(__file__).resolve().parents[1] / "examples" / "fenland-water" / "manifest.yml").read_bytes()
    raw = manifest.replace(b"  id: fenland-water\n", b'  id: "fenland-water\\n"\n')
    assert raw != manifest
    doc = load_yaml_bytes(raw, display="manifest.yml")
    fast = fast_validator("evidence_schema", "manifest.schema.json")
    assert fast is not None
    with pytest.raises(fastjsonschema.JsonSchemaValueException):
        fast(doc.data)
    assert [str(p) for p in schema_problems(doc, "evidence_schema", "manifest.schema.json")] == [
        "manifest.yml:7:7: 'fenland-water\\n' is not an alliance id: 2 to 63 lower-case letters, digits or '-', "
        "e.g. fenland-water (at $.alliance.id)"
    ]
