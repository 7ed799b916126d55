"""Dates and numbers at the edges: every one an evidence pack or the command line can give is bounded,
refused with a location (exit 3) or as a usage error (exit 2) outside its bounds, and computed with
inside them, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gatekeeper import bounds
from gatekeeper.cli.main import main
from gatekeeper.commercial.model import fmt_money, fmt_number, rounded
from gatekeeper.loading.schema import fast_validator, validator
from gatekeeper.resources import data_dir

ROOT = Path(__file__).resolve().parents[1]
SEVERN = ROOT / "examples" / "severn-highways"
WINDOW = "(1900-01-01 to 2199-12-31)"
AS_OF_WINDOW = "(1900-01-01 to 2189-12-31)"
EVIDENCE_SCHEMAS = ("claims", "commercial", "conditions", "facts", "manifest", "register", "waivers")


def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((data_dir("evidence_schema") / f"{name}.schema.json").read_text(encoding="utf-8"))
    return data


def _walk(node: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, child in node.items():
            yield from _walk(child, f"{path}/{key}")
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _walk(child, f"{path}[{i}]")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_clean(result: Result) -> None:
    """The command ended through its own exit, with no exception escaping and no traceback printed."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


# --- the windows themselves --------------------------------------------------------------------


def test_the_windows_leave_room_for_every_offset_gatekeeper_adds() -> None:
    """A due date from the top of the as-of window fits the evidence window; no computed date nears date.max."""
    assert bounds.AS_OF_MAX + dt.timedelta(days=bounds.MAX_DUE_DAYS) <= bounds.DATE_MAX
    assert bounds.DATE_MAX + dt.timedelta(days=bounds.MAX_AGE_DAYS + 1) < dt.date(2300, 1, 1)
    assert bounds.AS_OF_MAX + dt.timedelta(days=bounds.MAX_EXPIRING_WITHIN) < dt.date(2300, 1, 1)
    assert bounds.DATE_MIN - dt.timedelta(days=bounds.MAX_AGE_DAYS) > dt.date.min


def test_the_offsets_the_rule_schemas_allow_are_the_ones_the_windows_assume() -> None:
    """max_age_days and due_days are bounded in the rule schemas by exactly the numbers bounds.py reasons with."""
    found: dict[str, set[int]] = {"max_age_days": set(), "due_days": set()}
    for path in sorted((data_dir("rules") / "schema").glob("*.schema.json")):
        for _, node in _walk(json.loads(path.read_text(encoding="utf-8"))):
            for key in found:
                if isinstance(node.get("properties"), dict) and key in node["properties"]:
                    found[key].add(node["properties"][key]["maximum"])
    assert found == {"max_age_days": {bounds.MAX_AGE_DAYS}, "due_days": {bounds.MAX_DUE_DAYS}}


@pytest.mark.parametrize("name", EVIDENCE_SCHEMAS)
def test_every_date_in_every_evidence_schema_is_held_to_the_window(name: str) -> None:
    """Each `format: date` property refers to its schema's date window, whose description argues for it."""
    schema = _schema(name)
    dates = [(where, node) for where, node in _walk(schema) if node.get("format") == "date"]
    assert all(node.get("allOf") == [{"$ref": "#/$defs/date_window"}] for _, node in dates), [w for w, _ in dates]
    assert all(WINDOW.strip("()") in node["description"] for _, node in dates)
    if dates:
        assert "1900" in schema["$defs"]["date_window"]["description"]


def _both_verdicts(name: str, data: Any) -> tuple[bool, bool]:
    from fastjsonschema import JsonSchemaValueException

    try:
        fast_validator("evidence_schema", f"{name}.schema.json")(data)  # type: ignore[misc]
        fast = True
    except JsonSchemaValueException:
        fast = False
    reference = not any(True for _ in validator("evidence_schema", f"{name}.schema.json").iter_errors(data))
    return fast, reference


@pytest.mark.parametrize(
    ("day", "valid"),
    [
        ("1899-12-31", False),
        ("1900-01-01", True),
        ("2000-02-29", True),
        ("2199-12-31", True),
        ("2200-01-01", False),
        ("0001-01-01", False),
        ("9999-12-31", False),
        ("2100-02-29", False),
    ],
)
def test_both_validators_hold_a_date_to_the_window(day: str, valid: bool) -> None:
    """fastjsonschema and jsonschema give the same verdict at and just outside each end of the window."""
    data = {"schema_version": 1, "gate": "creating", "decided": day, "conditions": []}
    assert _both_verdicts("conditions", data) == (valid, valid)


def _money_paths() -> list[tuple[str, str]]:
    return [
        (name, where)
        for name in ("commercial", "facts")
        for where, node in _walk(_schema(name))
        if node.get("maximum") == bounds.MONEY_MAX
    ]


def test_money_has_the_stated_ceiling_everywhere() -> None:
    """Every amount of money and every cost target is bounded by MONEY_MAX, and says so."""
    paths = _money_paths()
    assert len(paths) == 10  # baseline, target, fee, cap amount; 3 targets x (baseline, target)
    for name, where in paths:
        node = dict(_walk(_schema(name)))[where]
        assert "10,000,000,000,000 (1e13)" in node["description"], where


# --- the command line: --as-of and --expiring-within -------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2190-01-01"])
@pytest.mark.parametrize("command", ["check", "explain", "audit", "portfolio", "record"])
def test_an_as_of_date_outside_the_window_is_a_usage_error_naming_it(command: str, day: str) -> None:
    """Exit 2 before anything is loaded, the message giving the date and the window."""
    args = {
        "check": ["check", str(SEVERN)],
        "explain": ["explain", str(SEVERN), "DEC.LEA.01"],
        "audit": ["audit", str(SEVERN)],
        "portfolio": ["portfolio", str(SEVERN)],
        "record": ["record", str(SEVERN), "--decision", "pass", "--by", "A", "--role", "Sponsor"],
    }[command]
    result = run(*args, "--as-of", day)
    assert_clean(result)
    assert result.exit_code == 2
    assert (
        f"Invalid value for '--as-of': {day} is outside the dates a gate can be evaluated as of {AS_OF_WINDOW}"
        in result.stderr
    )


@pytest.mark.parametrize("day", ["1900-01-01", "2189-12-31"])
def test_the_ends_of_the_as_of_window_evaluate_and_audit(day: str) -> None:
    """At either end of the window check and a widest audit finish with a decision (a due date 90 days on included)."""
    checked = run("check", str(SEVERN), "--as-of", day, "--format", "json")
    assert_clean(checked)
    assert checked.exit_code in (0, 1)
    assert json.loads(checked.stdout)["as_of"] == day
    audited = run("audit", str(SEVERN), "--as-of", day, "--expiring-within", str(bounds.MAX_EXPIRING_WITHIN))
    assert_clean(audited)
    assert audited.exit_code in (0, 1)


def test_a_pass_at_the_top_of_the_window_sets_due_dates_the_next_gate_can_hold(tmp_path: Path) -> None:
    """A gate passed as of 2189-12-31 computes its conditions' due dates (as-of + N days) inside the evidence window."""
    from gatekeeper import api
    from gatekeeper.synthetic import synthesize, write_pack

    made = synthesize(api.rules(), alliance_id="top", phase="deciding", as_of=bounds.AS_OF_MAX, seed=2, quality=0.8)
    result = api.check(write_pack(made, tmp_path / "top"), as_of=bounds.AS_OF_MAX)
    assert result.passed and result.conditions_set
    assert all(bounds.AS_OF_MAX < c.due <= bounds.DATE_MAX for c in result.conditions_set)


def test_expiring_within_beyond_its_bound_is_a_usage_error() -> None:
    """--expiring-within 36501 exits 2 naming the range; 36500 is accepted."""
    result = run("audit", str(SEVERN), "--as-of", "2026-11-01", "--expiring-within", "36501")
    assert_clean(result)
    assert result.exit_code == 2
    assert "36501 is not in the range 0<=x<=36500" in result.stderr


def test_library_callers_get_a_value_error_outside_the_window() -> None:
    """api.check and audit refuse an as-of date or horizon outside the bounds instead of overflowing later."""
    from gatekeeper import api
    from gatekeeper.audit import audit

    with pytest.raises(ValueError, match=r"9999-12-31 is outside the dates a gate can be evaluated as of"):
        api.check(SEVERN, as_of=dt.date(9999, 12, 31))
    rules, loaded = api.load(SEVERN)
    with pytest.raises(ValueError, match="expiring_within must be 0 or more days, at most 36500"):
        audit(rules, loaded, as_of=dt.date(2026, 11, 1), expiring_within=36501)


# --- evidence at the edges -----------------------------------------------------------------------


def _edit(pack: Path, file: str, old: str, new: str) -> tuple[int, int]:
    """Replace the first `old` in the pack's `file` by `new`; the line and column of the value after the last
    `: ` of new's first line."""
    path = pack / file
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + new.split("\n")[0].rindex(": ") + 3
    return line, col


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    copy = tmp_path / "pack"
    shutil.copytree(SEVERN, copy)
    return copy


def _out_of_window(day: str) -> str:
    return f"'{day}' is outside the dates an evidence pack can hold {WINDOW}"


EVIDENCE_CASES = [
    (
        "register.yml",
        '    date: "2019-09-20"',
        '    date: "9999-12-31"',
        "$.evidence[0].date",
        _out_of_window("9999-12-31"),
    ),
    (
        "register.yml",
        '        date: "2019-11-14"',
        '        date: "0001-01-01"',
        "$.evidence[0].approvals[0].date",
        _out_of_window("0001-01-01"),
    ),
    (
        "claims.yml",
        '    date: "2026-10-28"',
        '    date: "9999-12-31"',
        "$.claims[0].date",
        _out_of_window("9999-12-31"),
    ),
    (
        "manifest.yml",
        '  started: "2026-04-21"',
        '  started: "2200-01-01"',
        "$.alliance.started",
        _out_of_window("2200-01-01"),
    ),
    (
        "waivers.yml",
        '    expires: "2027-03-31"',
        '    expires: "9999-12-31"',
        "$.waivers[0].expires",
        _out_of_window("9999-12-31"),
    ),
    (
        "waivers.yml",
        '    granted: "2026-04-21"',
        '    granted: "1899-12-31"',
        "$.waivers[0].granted",
        _out_of_window("1899-12-31"),
    ),
    ("conditions.yml", 'decided: "2026-04-21"', 'decided: "9999-12-31"', "$.decided", _out_of_window("9999-12-31")),
    (
        "conditions.yml",
        '    due: "2026-07-31"',
        '    due: "9999-12-31"',
        "$.conditions[0].due",
        _out_of_window("9999-12-31"),
    ),
    (
        "facts.yml",
        '    date: "2020-03-02"',
        '    date: "9999-12-31"',
        "$.milestones.procurement_start.date",
        _out_of_window("9999-12-31"),
    ),
    (
        "facts.yml",
        '    date: "2025-09-26"',
        '    date: "9999-12-31"',
        "$.surveys[0].date",
        _out_of_window("9999-12-31"),
    ),
    (
        "facts.yml",
        "    score: 3.4",
        "    score: 1.0e+308",
        "$.surveys[0].score",
        "1e+308 is greater than the maximum of 1000",
    ),
    (
        "facts.yml",
        "    score: 3.4",
        "    score: 500",
        "$.surveys[0].score",
        "score 500 is above the scale's maximum of 5: a mean score lies between 0 and the scale",
    ),
    (
        "facts.yml",
        "    scale: 5",
        "    scale: 1.0e+308",
        "$.surveys[0].scale",
        "1e+308 is greater than the maximum of 1000",
    ),
    (
        "facts.yml",
        "    responses: 198",
        "    responses: 10000001",
        "$.surveys[0].responses",
        "10000001 is greater than the maximum of 1000000",
    ),
    (
        "facts.yml",
        "    responses: 198",
        "    responses: 198\n    population: 150",
        "$.surveys[0].responses",
        "198 responses from a population of 150: no more people can respond than were asked",
    ),
    (
        "facts.yml",
        "    target: 148",
        "    target: -1.0e+308",
        "$.targets.capital_cost.target",
        "-1e+308 is less than the minimum of 0",
    ),
    (
        "facts.yml",
        "    baseline: 1110",
        "    baseline: 1.0e+14",
        "$.targets.whole_life_cost.baseline",
        "100000000000000.0 is greater than the maximum of 10000000000000",
    ),
    (
        "commercial.yml",
        "target_cost: 148000000",
        "target_cost: 1.0e+26",
        "$.target_cost",
        "1e+26 is greater than the maximum of 10000000000000",
    ),
    (
        "commercial.yml",
        "baseline_cost: 155000000",
        "baseline_cost: 1.0e+26",
        "$.baseline_cost",
        "1e+26 is greater than the maximum of 10000000000000",
    ),
    (
        "commercial.yml",
        "fee: {amount: 8900000",
        "fee: {amount: 10000000000001",
        "$.parties[1].fee.amount",
        "10000000000001 is greater than the maximum of 10000000000000",
    ),
    (
        "commercial.yml",
        "painshare_cap: {percent_of_fee: 100}",
        "painshare_cap: {percent_of_fee: 1001}",
        "$.parties[1].painshare_cap.percent_of_fee",
        "1001 is greater than the maximum of 1000",
    ),
    (
        "commercial.yml",
        "painshare_cap: {percent_of_fee: 100}",
        "painshare_cap: {amount: -1.0e+308}",
        "$.parties[1].painshare_cap.amount",
        "a cap on painshare cannot be negative (-1" + "0" * 308 + "): 0 means the partner takes no painshare at all",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "json_path", "message"),
    EVIDENCE_CASES,
    ids=[f"{c[0]}:{c[3]}={c[2].split(': ')[-1][:14]}" for c in EVIDENCE_CASES],
)
@pytest.mark.parametrize("command", ["validate", "check"])
def test_evidence_outside_its_bounds_is_refused_with_its_location(
    pack: Path, command: str, file: str, old: str, new: str, json_path: str, message: str
) -> None:
    """validate and check both exit 3 with one `file:line:col: message (at path)` line for the value."""
    line, col = _edit(pack, file, old, new)
    args = [command, str(pack)] + (["--as-of", "2026-11-01"] if command == "check" else [])
    result = run(*args)
    assert_clean(result)
    assert result.exit_code == 3
    printed = result.stdout if command == "validate" else result.stderr
    assert f"{pack}/{file}:{line}:{col}: {message} (at {json_path})" in printed.splitlines()


def test_a_survey_scoring_above_its_scale_no_longer_meets_a_requirement(pack: Path) -> None:
    """500 on a scale of 5 used to read as 10,000 % and meet every survey requirement; now the pack is refused."""
    _edit(pack, "facts.yml", "    score: 3.6", "    score: 500")
    result = run("explain", str(pack), "SUS.BEH.02", "--as-of", "2026-11-01")
    assert_clean(result)
    assert result.exit_code == 3
    assert "score 500 is above the scale's maximum of 5" in result.stderr


def test_values_at_their_bounds_are_accepted_and_computed_with(pack: Path) -> None:
    """Money of exactly 1e13, dates at both ends of the window, a score equal to its scale: check and simulate run."""
    _edit(pack, "commercial.yml", "target_cost: 148000000", "target_cost: 10000000000000")
    _edit(pack, "commercial.yml", "baseline_cost: 155000000", "baseline_cost: 10000000000000")
    _edit(pack, "commercial.yml", "painshare_cap: {percent_of_fee: 100}", "painshare_cap: {percent_of_fee: 1000}")
    _edit(pack, "facts.yml", '    date: "2021-04-12"', '    date: "2199-12-31"')  # the last milestone
    _edit(pack, "facts.yml", "    score: 3.4", "    score: 5")
    _edit(pack, "facts.yml", "    responses: 198", "    responses: 1000000\n    population: 1000000")
    _edit(pack, "register.yml", '    date: "2019-09-20"', '    date: "1900-01-01"')
    for args in (
        ["validate", str(pack)],
        ["check", str(pack), "--as-of", "2189-12-31", "--format", "html:" + str(pack / "r.html")],
        ["audit", str(pack), "--as-of", "1900-01-01"],
        ["commercial", "simulate", str(pack), "--format", "json"],
    ):
        result = run(*args)
        assert_clean(result)
        assert result.exit_code in (0, 1), (args, result.output)


def test_the_original_crashes_end_in_a_located_error_in_a_real_process(pack: Path) -> None:
    """The two inputs that gave tracebacks on the command line now exit 2 and 3, within seconds, without one."""
    gatekeeper = [sys.executable, "-m", "gatekeeper"]
    as_of = subprocess.run(
        [*gatekeeper, "check", str(pack), "--as-of", "9999-12-31"], capture_output=True, text=True, timeout=60
    )
    assert (as_of.returncode, "Traceback" in as_of.stderr) == (2, False)
    line, col = _edit(pack, "commercial.yml", "target_cost: 148000000", "target_cost: 1.0e+26")
    money = subprocess.run(
        [*gatekeeper, "check", str(pack), "--as-of", "2026-11-01"], capture_output=True, text=True, timeout=60
    )
    assert (money.returncode, "Traceback" in money.stderr) == (3, False)
    assert money.stderr.splitlines() == [
        f"{pack}/commercial.yml:{line}:{col}: 1e+26 is greater than the maximum of 10000000000000 (at $.target_cost)"
    ]


# --- exact rounding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number", "money"),
    [
        (Fraction(10**26), "100000000000000000000000000", "100,000,000,000,000,000,000,000,000.00"),
        (Fraction(-1, 1000), "0", "0.00"),
        (Fraction(5, 1000), "0.01", "0.01"),
        (Fraction(-5, 1000), "-0.01", "-0.01"),
        (Fraction(10**13, 7), "1428571428571.43", "1,428,571,428,571.43"),
        (Fraction(1, 3), "0.33", "0.33"),
    ],
)
def test_amounts_round_half_away_from_zero_exactly_at_any_size(value: Fraction, number: str, money: str) -> None:
    """fmt_number and fmt_money never run out of precision (Decimal's 28 digits broke at 1e26)."""
    assert (fmt_number(value), fmt_money(value)) == (number, money)


def test_a_negative_amount_that_rounds_to_zero_keeps_its_sign_as_before() -> None:
    """rounded() matches Decimal.quantize's -0.00, so reports that showed it are byte-identical."""
    assert str(rounded(Fraction(-1, 1000))) == "-0.00"
