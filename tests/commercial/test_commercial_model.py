"""Validation of commercial.yml: the schema, and the rules only code can check, each refused with its location."""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from gatekeeper.commercial.load import load_model
from gatekeeper.commercial.model import exact, fmt_money, fmt_number, from_data, semantic_problems
from gatekeeper.problems import InputError
from gatekeeper.resources import data_dir

MODELS = Path(__file__).parent / "models"
INVALID = MODELS / "invalid"

# fixture -> every problem reported, as (line, col, message, json path)
EXPECTED: dict[str, list[tuple[int, int, str, str]]] = {
    "shares_not_100.yml": [
        (21, 13, "the shares add up to 95 %, not 100 %", "$.bands[1].shares"),
    ],
    "overlapping_bands.yml": [
        (
            22,
            11,
            "overlap: performance between -5 % and 0 % falls in two bands (bands[1] ends at 0 %)",
            "$.bands[2].from",
        ),
    ],
    "gap_in_bands.yml": [
        (25, 11, "gap: performance between 10 % and 15 % falls in no band (bands[2] ends at 10 %)", "$.bands[3].from"),
    ],
    "missing_outer_band.yml": [
        (
            17,
            11,
            "overruns larger than 30 % fall in no band: omit `from` on the first band so it covers every larger overrun",
            "$.bands[0].from",
        ),
    ],
    "negative_cap.yml": [
        (
            14,
            29,
            "a cap on painshare cannot be negative (-45000): 0 means the partner takes no painshare at all",
            "$.parties[1].painshare_cap.amount",
        ),
    ],
    "missing_share.yml": [
        (26, 13, "no share for 'builder' (state 0 for a party that takes none)", "$.bands[3].shares"),
        (26, 35, "'bulider' is not a party of the model", "$.bands[3].shares.bulider"),
    ],
    "share_over_100.yml": [
        (18, 22, "-20 is less than the minimum of 0", "$.bands[0].shares.client"),
        (18, 36, "120 is greater than the maximum of 100", "$.bands[0].shares.builder"),
    ],
    "two_clients.yml": [
        (7, 3, "no party has role partner: an alliance has at least one partner", "$.parties"),
        (12, 11, "a second client (the first is parties[0]): exactly one party is the client", "$.parties[1].role"),
        (13, 10, "the client has no fee: it keeps or bears whatever the partners do not", "$.parties[1].fee"),
        (
            14,
            20,
            "the client has no painshare cap: it keeps or bears whatever the partners do not",
            "$.parties[1].painshare_cap",
        ),
        (
            15,
            20,
            "the client has no gainshare cap: it keeps or bears whatever the partners do not",
            "$.parties[1].gainshare_cap",
        ),
    ],
}


def test_every_invalid_fixture_has_an_expectation() -> None:
    """Each file under models/invalid/ is covered by a test case, so none is silently skipped."""
    assert sorted(p.name for p in INVALID.glob("*.yml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_model_is_refused_with_its_location(name: str) -> None:
    """A malformed model raises InputError listing every problem at its line, column and JSON path."""
    with pytest.raises(InputError) as caught:
        load_model(INVALID / name, display=f"models/{name}")
    found = [(p.line, p.col, p.message, p.json_path) for p in caught.value.problems]
    assert found == EXPECTED[name]
    assert {p.file for p in caught.value.problems} == {f"models/{name}"}


def _small() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((MODELS / "small.yml").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["bands"][3].update({"to": 50}),
            [
                (
                    ("bands", 3, "to"),
                    "savings larger than 50 % fall in no band: omit `to` on the last band (or make it 100) so it covers every larger saving",
                )
            ],
        ),
        (
            lambda d: d["bands"][1].pop("from"),
            [(("bands", 1), "only the first band may omit `from`: state where this band starts")],
        ),
        (
            lambda d: d["bands"][1].update({"from": 0, "to": 0}),
            [
                (("bands", 1), "the band runs from 0 % to 0 %: `from` must be below `to`"),
                (
                    ("bands", 1, "from"),
                    "gap: performance between -10 % and 0 % falls in no band (bands[0] ends at -10 %)",
                ),
            ],
        ),
        (
            lambda d: d["parties"][1].update({"gainshare_cap": {"percent_of_fee": -1}}),
            [
                (
                    ("parties", 1, "gainshare_cap", "percent_of_fee"),
                    "a cap on gainshare cannot be negative (-1): 0 means the partner takes no gainshare at all",
                )
            ],
        ),
        (
            lambda d: d["parties"][1].update({"id": "client"}),
            [(("parties", 1, "id"), "party id 'client' is already used by parties[0]")]
            + [(("bands", i, "shares", "builder"), "'builder' is not a party of the model") for i in range(4)],
        ),
        (
            lambda d: d["parties"][1].pop("fee"),
            [(("parties", 1), "partner 'builder' has no fee: state its fee (0 if it has none) and its treatment")],
        ),
        (
            lambda d: d["kpi_modifier"].update({"min": 120}),
            [(("kpi_modifier", "min"), "min (120 %) is above max (110 %)")],
        ),
        (
            lambda d: d["kpi_modifier"].update({"assumed": 80}),
            [(("kpi_modifier", "assumed"), "the assumed modifier (80 %) is outside min and max (90 % to 110 %)")],
        ),
        (
            lambda d: d.update({"simulation": {"from": 10, "to": -10}}),
            [(("simulation",), "the range runs from 10 % to -10 %: `from` must be below `to`")],
        ),
        (
            lambda d: d.update({"simulation": {"from": -100, "to": 100, "step": 0.01}}),
            [(("simulation", "step"), "the range and step give more than 2001 scenarios")],
        ),
    ],
)
def test_semantic_problems(change: Any, expected: list[tuple[tuple[str | int, ...], str]]) -> None:
    """Each rule the schema cannot state is reported at the JSON path of the value at fault."""
    data = _small()
    change(data)
    assert semantic_problems(data) == expected


def test_sound_model_reads_exactly() -> None:
    """semantic_problems on a sound model is empty, and from_data reads it exactly."""
    data = _small()
    assert semantic_problems(data) == []
    model = from_data(data)
    assert (model.target_cost, model.baseline_cost, model.currency) == (1_000_000, 1_020_000, "GBP")
    assert [p.id for p in model.partners] == ["builder"]
    assert model.kpi_modifier is not None and model.kpi_modifier.assumed == 100
    assert model.bands[0].lower is None and model.bands[-1].upper is None
    assert model.bands[1].shares == (("client", Fraction(60)), ("builder", Fraction(40)))


def test_assumed_modifier_defaults_to_nearest_bound() -> None:
    """Without `assumed`, the modifier is 100 % when the bounds allow it, else the nearest bound."""
    data = _small()
    data["kpi_modifier"] = {"min": 105, "max": 130}
    model = from_data(data)
    assert model.kpi_modifier is not None and model.kpi_modifier.assumed == 105


def test_exact_reads_decimal_text() -> None:
    """0.1 from YAML becomes exactly 1/10, and non-finite numbers are refused."""
    assert exact(0.1) == Fraction(1, 10)
    assert exact(12.5) == Fraction(25, 2)
    with pytest.raises(ValueError):
        exact(float("nan"))
    with pytest.raises(TypeError):
        exact(True)


def test_number_formats() -> None:
    """Numbers render with fixed rounding (half away from zero), and never as -0."""
    assert [fmt_number(Fraction(v)) for v in ("10/3", "-1/1000", "5/2", "-60")] == ["3.33", "0", "2.5", "-60"]
    assert [fmt_money(Fraction(v)) for v in ("1234567.005", "-1/1000", "0")] == ["1,234,567.01", "0.00", "0.00"]


def _properties_without_description(node: Any, path: str) -> list[str]:
    missing = []
    if isinstance(node, dict):
        for name, child in node.get("properties", {}).items():
            if "description" not in child:
                missing.append(f"{path}.{name}")
        for key, child in node.items():
            missing += _properties_without_description(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            missing += _properties_without_description(child, f"{path}[{index}]")
    return missing


def test_schema_describes_every_property() -> None:
    """The schema is draft 2020-12 and every property in it carries a description."""
    schema = json.loads((data_dir("evidence_schema") / "commercial.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert _properties_without_description(schema, "") == []


def test_every_fixture_is_schema_valid() -> None:
    """The valid fixtures load; a deep copy of one is not changed by loading (from_data does not mutate)."""
    for path in sorted(MODELS.glob("*.yml")):
        load_model(path)
    data = _small()
    before = copy.deepcopy(data)
    from_data(data)
    assert data == before
