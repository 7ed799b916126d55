"""Generated values at and just beyond every bound: `validate` and `check` give one verdict, both
schema validators agree, and whatever is accepted is computed with (audit, simulation) without raising."""

from __future__ import annotations

import copy
import datetime as dt
import math
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastjsonschema import JsonSchemaValueException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatekeeper import api, bounds
from gatekeeper.audit import audit
from gatekeeper.commercial.simulate import simulate
from gatekeeper.loading.schema import fast_validator, validator
from gatekeeper.problems import InputError
from gatekeeper.reporters import RenderOptions
from gatekeeper.reporters.commercial import COMMERCIAL

SEVERN = Path(__file__).resolve().parents[1] / "examples" / "severn-highways"
DAY = dt.timedelta(days=1)

DATES: list[tuple[str, tuple[str | int, ...]]] = [
    ("register.yml", ("evidence", 0, "date")),
    ("register.yml", ("evidence", 0, "approvals", 0, "date")),
    ("claims.yml", ("claims", 0, "date")),
    ("claims.yml", ("claims", 75, "actions", 0, "due")),
    ("manifest.yml", ("alliance", "started")),
    ("manifest.yml", ("assessment", "date")),
    ("waivers.yml", ("waivers", 0, "granted")),
    ("waivers.yml", ("waivers", 0, "expires")),
    ("conditions.yml", ("decided",)),
    ("conditions.yml", ("conditions", 0, "due")),
    # Not the milestones: they come in order (selection after procurement_start ...), so not every date
    # in the window is accepted for one of them; test_bounds.py tests their window.
    ("facts.yml", ("surveys", 0, "date")),
]

# file, path, lowest accepted, highest accepted, integer?, lowest excluded?
NUMBERS: list[tuple[str, tuple[str | int, ...], float, float, bool, bool]] = [
    *[
        ("facts.yml", ("targets", t, k), 0, bounds.MONEY_MAX, False, False)
        for t in ("whole_life_cost", "capital_cost", "operating_cost")
        for k in ("baseline", "target")
    ],
    ("facts.yml", ("surveys", 0, "score"), 0, 5, False, False),  # its scale is 5
    ("facts.yml", ("surveys", 0, "scale"), 3.4, bounds.SCALE_MAX, False, False),  # its score is 3.4
    ("facts.yml", ("surveys", 0, "responses"), 0, bounds.MAX_RESPONDENTS, True, False),
    ("facts.yml", ("surveys", 0, "population"), 198, bounds.MAX_RESPONDENTS, True, False),  # 198 responses
    ("facts.yml", ("alliance", "duration_years"), 0, 100, False, True),
    ("commercial.yml", ("baseline_cost",), 0, bounds.MONEY_MAX, False, True),
    ("commercial.yml", ("target_cost",), 0, bounds.MONEY_MAX, False, True),
    ("commercial.yml", ("parties", 1, "fee", "amount"), 0, bounds.MONEY_MAX, False, False),
    ("commercial.yml", ("parties", 1, "painshare_cap", "amount"), 0, bounds.MONEY_MAX, False, False),
    ("commercial.yml", ("parties", 2, "gainshare_cap", "percent_of_fee"), 0, 1000, False, False),
    ("commercial.yml", ("kpi_modifier", "max"), 80, 1000, False, False),  # min is 80
    ("commercial.yml", ("simulation", "step"), 0.06, 100, False, False),  # 120 points in at most 2000 steps
]


def _date_values() -> st.SearchStrategy[str]:
    edges = [bounds.DATE_MIN, bounds.DATE_MIN - DAY, bounds.DATE_MAX, bounds.DATE_MAX + DAY, dt.date.min, dt.date.max]
    return (st.sampled_from(edges) | st.dates()).map(dt.date.isoformat)


def _number_values(low: float, high: float, integer: bool) -> st.SearchStrategy[float | int]:
    if integer:
        edges: list[float | int] = [int(low), int(low) - 1, int(high), int(high) + 1, 10**400]
        return st.sampled_from(edges) | st.integers(int(low) - 10, int(high) + 10)
    edges = [
        low,
        math.nextafter(low, -math.inf),
        high,
        math.nextafter(high, math.inf),
        1e308,
        -1e308,
        1e26,
        5e-324,
        0.0,
    ]
    return st.sampled_from(edges) | st.floats(low - 1, high * 2 + 1, allow_nan=False)


def _accepted(value: Any, low: float, high: float, low_excluded: bool) -> bool:
    return (value > low if low_excluded else value >= low) and value <= high


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, tuple[str | int, ...], Any, bool | None]:
    """A file, a path in it, a value, and whether the bounds accept it (None: not derived here)."""
    if draw(st.booleans()):
        file, path = draw(st.sampled_from(DATES))
        value = draw(_date_values())
        return file, path, value, bounds.DATE_MIN.isoformat() <= value <= bounds.DATE_MAX.isoformat()
    file, path, low, high, integer, low_excluded = draw(st.sampled_from(NUMBERS))
    value = draw(_number_values(low, high, integer))
    return file, path, value, _accepted(value, low, high, low_excluded)


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("edges") / "pack"
    shutil.copytree(SEVERN, target)
    return target


def _set(data: Any, path: tuple[str | int, ...], value: Any) -> None:
    *parents, key = path
    for part in parents[:-1]:
        data = data[part]
    if parents and str(parents[-1]).endswith("_cap"):  # a cap is given exactly one way: replace it whole
        data[parents[-1]] = {key: value}
        return
    if parents:
        data = data[parents[-1]]
    data[key] = value


def _verdict(call: Any) -> bool:
    try:
        call()
    except InputError:
        return False
    return True


def _schema_verdicts(name: str, data: Any) -> Iterator[bool]:
    try:
        fast_validator("evidence_schema", f"{name}.schema.json")(data)  # type: ignore[misc]
        yield True
    except JsonSchemaValueException:
        yield False
    yield not any(True for _ in validator("evidence_schema", f"{name}.schema.json").iter_errors(data))


def _judge(pack: Path, file: str, path: tuple[str | int, ...], value: Any, expected: bool, as_of: dt.date) -> None:
    original = (pack / file).read_text(encoding="utf-8")
    data = copy.deepcopy(yaml.safe_load(original))
    _set(data, path, value)
    try:
        (pack / file).write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
        )
        fast, reference = _schema_verdicts(file.removesuffix(".yml"), data)
        assert fast == reference
        validated = _verdict(lambda: api.load(pack))
        checked = _verdict(lambda: api.check(pack, as_of=as_of))
        assert validated == checked == expected, (file, path, value)
        if validated:
            rules, loaded = api.load(pack)
            audit(rules, loaded, as_of=as_of, expiring_within=bounds.MAX_EXPIRING_WITHIN)
            simulation = simulate(loaded.pack.commercial)
            for name in COMMERCIAL.choices:
                COMMERCIAL.render(simulation, name, options=RenderOptions())
    finally:
        (pack / file).write_text(original, encoding="utf-8")


def _edges() -> Iterator[tuple[str, tuple[str | int, ...], Any, bool]]:
    for file, path in DATES:
        for day in (bounds.DATE_MIN, bounds.DATE_MIN - DAY, bounds.DATE_MAX, bounds.DATE_MAX + DAY):
            yield file, path, day.isoformat(), bounds.DATE_MIN <= day <= bounds.DATE_MAX
    for file, path, low, high, integer, low_excluded in NUMBERS:
        below = int(low) - 1 if integer else math.nextafter(low, -math.inf)
        above = int(high) + 1 if integer else math.nextafter(high, math.inf)
        for value in (low, below, high, above):
            yield file, path, value, _accepted(value, low, high, low_excluded)


@pytest.mark.parametrize(
    ("file", "path", "value", "expected"),
    list(_edges()),
    ids=lambda v: str(v) if not isinstance(v, tuple) else ".".join(map(str, v)),
)
def test_validate_and_check_agree_at_and_just_beyond_each_bound(
    pack: Path, file: str, path: tuple[str | int, ...], value: Any, expected: bool
) -> None:
    """Each bound exactly, and the nearest value beyond it: accepted and refused alike by validate and check."""
    _judge(pack, file, path, value, expected, dt.date(2026, 11, 1))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(change=mutations(), as_of=st.sampled_from([bounds.AS_OF_MIN, dt.date(2026, 11, 1), bounds.AS_OF_MAX]))
def test_validate_and_check_agree_on_generated_values_and_nothing_raises(
    pack: Path, change: Any, as_of: dt.date
) -> None:
    """Both accept or both refuse, as the bounds say; an accepted pack is audited and simulated cleanly."""
    _judge(pack, *change, as_of)
