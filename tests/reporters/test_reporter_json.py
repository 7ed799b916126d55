"""The JSON format: valid against evidence_schema/result.schema.json, stable key order, a faithful record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import reporter_cases

from gatekeeper.reporters import RenderOptions, render
from gatekeeper.resources import data_dir

SCHEMA = json.loads((data_dir("evidence_schema") / "result.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def _doc(case: str) -> dict[str, Any]:
    return json.loads(render(reporter_cases.CASES[case](), "json", options=RenderOptions()))


def _properties(node: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{path}.{name}", sub
            yield from _properties(sub, f"{path}.{name}")
        for key in ("items",):
            if key in node:
                yield from _properties(node[key], f"{path}[]")
        for option in node.get("oneOf", []):
            yield from _properties(option, path)


def test_schema_is_valid_and_describes_every_property() -> None:
    """The result schema is valid draft 2020-12 and every property in it has a description."""
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    undescribed = [path for path, sub in _properties(SCHEMA) if not sub.get("description")]
    assert undescribed == []
    assert len(list(_properties(SCHEMA))) > 60


@pytest.mark.parametrize("case", sorted(reporter_cases.CASES))
def test_output_validates_against_schema(case: str) -> None:
    """Every fixture's JSON, the hostile one included, is valid against the published schema."""
    assert [e.message for e in VALIDATOR.iter_errors(_doc(case))] == []


def test_key_order_is_the_schema_order() -> None:
    """Top-level and outcome keys come in the order the schema lists them, so diffs stay small."""
    doc = _doc("failing")
    assert list(doc) == list(SCHEMA["properties"])
    outcome_schema = SCHEMA["properties"]["outcomes"]["items"]
    assert list(doc["outcomes"][0]) == list(outcome_schema["properties"])
    requirement_schema = outcome_schema["properties"]["requirements"]["items"]
    assert list(doc["outcomes"][0]["requirements"][0]) == list(requirement_schema["properties"])


def test_decision_gate_and_rule_pack_are_recorded() -> None:
    """The decision, gate, as-of date, rule pack version and digest are all in the document."""
    doc = _doc("failing")
    assert doc["schema_version"] == 1
    assert doc["decision"] == "fail"
    assert doc["gate"] == "delivering"
    assert doc["gate_detail"] == {
        "title": "Leave Creating, start Delivering",
        "leaves": "creating",
        "evaluates": ["deciding", "creating"],
    }
    assert doc["as_of"] == "2025-03-31"
    assert doc["rule_pack"] == {"name": "ice-alliancing-cop", "version": "1.0.0", "digest": reporter_cases.DIGEST}
    assert doc["blocking"] == ["DEC.LEA.01", "CRE.COM.01", "CRE.BEH.01", "CRE.BEH.02"]


def test_every_outcome_carries_its_explanation() -> None:
    """Each outcome has id, cell, critical, status, reasons, the evidence used and its requirement results."""
    doc = _doc("failing")
    assert [o["status"] for o in doc["outcomes"]] == [
        "met",
        "stale",
        "waived",
        "not_applicable",
        "not_met",
        "unevidenced",
        "met",
        "error",
        "met",
    ]
    stale = doc["outcomes"][1]
    assert stale["id"] == "DEC.LEA.01" and stale["cell"] == "DEC.LEA" and stale["critical"] is True
    assert stale["reasons"] == ["DEC.LEA.01#1: the leadership charter is 400 days old; the rule allows 365"]
    assert stale["evidence_used"] == []
    assert stale["requirements"][0]["evidence"][0] == {
        "item": "EV-001",
        "title": "Implementation plan",
        "kind": "plan",
        "path": "docs/plan.pdf",
        "counted": False,
        "reason": "not approved",
    }
    assert doc["outcomes"][0]["evidence_used"] == ["EV-001"]
    assert doc["outcomes"][0]["requirements"][0]["numbers"] == [{"name": "age in days", "value": "12"}]


def test_hostile_text_is_kept_exactly() -> None:
    """JSON is the faithful record: markup, controls, bidi overrides and 100 KB strings parse back unchanged."""
    text = render(reporter_cases.hostile(), "json", options=RenderOptions())
    doc = json.loads(text)
    assert doc["alliance"]["name"] == reporter_cases.HOSTILE
    assert doc["alliance"]["client"] == reporter_cases.LONG
    assert doc["outcomes"][0]["reasons"] == [reporter_cases.HOSTILE, reporter_cases.LONG]
    assert "\u202e" not in text and "\\u202e" in text  # escaped in the file, intact in the data


def test_lone_surrogate_cannot_break_encoding() -> None:
    """A lone surrogate in evidence text becomes "?" instead of making the document unwritable."""
    import dataclasses

    result = dataclasses.replace(reporter_cases.passing(), alliance_name="bad \ud800 name")
    text = render(result, "json", options=RenderOptions())
    assert json.loads(text.encode("utf-8"))["alliance"]["name"] == "bad ? name"


def test_maturity_per_cell_theme_and_gate_and_ranked_improvements() -> None:
    """Each cell, theme and the gate carry their maturity as numbers; improvements are ranked from 1."""
    doc = _doc("passing")
    cells = {c["cell"]: c["maturity"] for c in doc["cells"]}
    assert cells["CRE.INT"] == {"score": 0.75, "earned": 1.5, "counted": 2, "met": 1, "partly_met": 1}
    assert doc["maturity"]["overall"] == {"score": 0.8333, "earned": 7.5, "counted": 9, "met": 7, "partly_met": 1}
    themes = {t["theme"]: t["maturity"]["score"] for t in doc["maturity"]["themes"]}
    assert themes == {"behaviour": 0.75, "integration": 0.75, "leadership": 1.0, "commercial": 1.0}
    assert doc["improvements"] == [
        {
            "rank": 1,
            "outcome": "CRE.BEH.02",
            "cell": "CRE.BEH",
            "theme": "behaviour",
            "critical": False,
            "status": "unevidenced",
            "reason": "gain",
            "credit": 0.0,
            "gain": 0.5,
        },
        {
            "rank": 2,
            "outcome": "CRE.INT.02",
            "cell": "CRE.INT",
            "theme": "integration",
            "critical": False,
            "status": "not_met",
            "reason": "gain",
            "credit": 0.5,
            "gain": 0.25,
        },
    ]
    empty = {c["cell"]: c["maturity"] for c in _doc("failing")["cells"]}["DEC.INT"]
    assert empty == {"score": None, "earned": 0.0, "counted": 0, "met": 0, "partly_met": 0}
