"""Profiles are visible: what a profile changed against the rule pack, in every gate format, in
`explain`, in the portfolio and in the ledger entry; a decision the profile turned says so first."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper import api
from gatekeeper.cli.main import main
from gatekeeper.ledger.entry import decision_entry
from gatekeeper.result import ChangeArea, ProfileChange

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NORTHGATE = str(EXAMPLES / "northgate-rail")
AS_OF = dt.date(2026, 11, 1)
# Northgate fails the delivering gate on four critical outcomes; this profile makes all four
# non-critical and lowers the floor, so the gate passes only because of the profile.
LENIENT = """\
schema_version: 1
name: Lenient board
critical:
  CRE.INT.11: {critical: false, rationale: Roles are settled at the first board.}
  CRE.LEA.01: {critical: false, rationale: The board accepts the delegation schedule later.}
  CRE.LEA.04: {critical: false, rationale: Advocacy is judged at the next review.}
  CRE.COM.13: {critical: false, rationale: The deed of variation follows.}
  DEC.BEH.01: {critical: true, rationale: Restates the pack.}
policy:
  floors: {default: 0.2}
  waivers: {critical_waivable: true}
"""
FIRST_LINE = (
    "PASS with 5 conditions: the alliance may leave Creating. "
    "The profile 'Lenient board' changed this decision: the rule pack alone gives FAIL."
)


@pytest.fixture
def lenient(tmp_path: Path) -> Path:
    path = tmp_path / "lenient.yml"
    path.write_text(LENIENT, encoding="utf-8")
    return path


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", NORTHGATE, "--as-of", AS_OF.isoformat(), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def test_the_change_list_is_computed_once_from_the_pack_before_and_after(lenient: Path) -> None:
    """Each real difference is one change, as data, in a fixed order; restating the pack's value is no change."""
    rules = api.rules(lenient)
    assert rules.profile_changes == (
        ProfileChange(ChangeArea.CRITICALITY, "CRE.INT.11", True, False, "Roles are settled at the first board."),
        ProfileChange(
            ChangeArea.CRITICALITY, "CRE.LEA.01", True, False, "The board accepts the delegation schedule later."
        ),
        ProfileChange(ChangeArea.CRITICALITY, "CRE.LEA.04", True, False, "Advocacy is judged at the next review."),
        ProfileChange(ChangeArea.CRITICALITY, "CRE.COM.13", True, False, "The deed of variation follows."),
        ProfileChange(ChangeArea.FLOOR, "default", 0.5, 0.2),
        ProfileChange(ChangeArea.WAIVERS, "critical_waivable", False, True),
    )
    assert api.rules().profile_changes == ()


def test_a_decision_the_profile_turned_says_so_on_its_first_line(lenient: Path) -> None:
    """With the profile the gate passes (exit 0), and the first line says the rule pack alone fails."""
    assert check()[0] == 1
    code, out = check("--profile", str(lenient))
    assert code == 0
    assert out.splitlines()[0] == FIRST_LINE
    assert "What the profile changed against the rule pack (6)" in out
    assert "  - floor for every theme: 20 % (the pack: 50 %)" in out.splitlines()
    assert "  - waivers: a critical outcome may be waived: yes (the pack: no)" in out.splitlines()


@pytest.mark.parametrize("fmt", ["markdown", "html", "junit"])
def test_every_text_format_lists_the_changes_and_the_turned_decision(lenient: Path, fmt: str) -> None:
    """Markdown, HTML and JUnit each carry every change and the sentence that the profile turned the decision."""
    out = check("--profile", str(lenient), "--format", fmt)[1]
    quote = "&#39;" if fmt == "html" else "'"
    assert f"The profile {quote}Lenient board{quote} changed this decision: the rule pack alone gives FAIL." in out
    copies = out.count("<testsuite ") if fmt == "junit" else 1  # JUnit repeats its properties in each suite
    assert out.count("made not critical (the pack: critical)") == 4 * copies


def test_json_carries_the_changes_as_data(lenient: Path) -> None:
    """The JSON report's profile holds each change's area, subject and both values, and the decision without it."""
    profile = json.loads(check("--profile", str(lenient), "--format", "json")[1])["profile"]
    assert profile["decision_without_profile"] == "fail" and profile["changed_decision"] is True
    assert profile["changes"][4] == {
        "area": "floor",
        "subject": "default",
        "pack": 0.5,
        "profile": 0.2,
        "rationale": None,
        "text": "floor for every theme: 20 % (the pack: 50 %)",
    }


def test_without_a_profile_nothing_is_evaluated_twice_and_nothing_is_said() -> None:
    """No profile: no changes, no second decision, and the report's first line is the decision alone."""
    result = api.check(Path(NORTHGATE), as_of=AS_OF)
    assert (result.profile_changes, result.decision_without_profile) == ((), None)
    assert check()[1].splitlines()[0] == "FAIL: 4 blocking outcomes; the alliance may not leave Creating."


def test_explain_says_why_an_outcome_is_not_critical_and_what_the_profile_changed(lenient: Path) -> None:
    """`explain` no longer says "Why it is critical" for an outcome the profile made non-critical."""
    result = CliRunner().invoke(
        main, ["explain", NORTHGATE, "CRE.LEA.01", "--as-of", AS_OF.isoformat(), "--profile", str(lenient)]
    )
    lines = result.stdout.splitlines()
    assert lines[2] == "The profile 'Lenient board' changed this decision: the rule pack alone gives FAIL."
    assert "Why it is critical:" not in lines
    assert lines[lines.index("Why it is not critical:") + 1] == "  The board accepts the delegation schedule later."
    assert "What the profile 'Lenient board' changed for this outcome:" in lines


def test_the_ledger_entry_records_the_change_list(lenient: Path) -> None:
    """The ledger entry's profile_changes holds each change as data (empty without a profile)."""
    result = api.check(Path(NORTHGATE), as_of=AS_OF, profile=lenient)
    entry = decision_entry(result, decision="pass", by="Dana Whitfield", role="Sponsor", note=None)
    assert entry["profile_changes"][0] == {
        "area": "criticality",
        "subject": "CRE.INT.11",
        "pack": True,
        "profile": False,
        "rationale": "Roles are settled at the first board.",
    }
    assert len(entry["profile_changes"]) == 6
    plain = decision_entry(api.check(Path(NORTHGATE), as_of=AS_OF), decision="fail", by="D", role="Sponsor", note=None)
    assert plain["profile_changes"] == []


def test_the_portfolio_names_the_changes_and_each_decision_the_profile_turned(lenient: Path) -> None:
    """Text, JSON and the workbook's Summary sheet list the changes; northgate's row says the rule pack alone fails."""
    run = CliRunner().invoke(
        main, ["portfolio", str(EXAMPLES), "--as-of", AS_OF.isoformat(), "--profile", str(lenient), "--jobs", "1"]
    )
    lines = run.stdout.splitlines()
    assert "Profile Lenient board: 6 change(s) against the rule pack" in lines
    assert "Decisions the profile changed: northgate-rail (pass; the rule pack alone: fail)" in lines
    data = json.loads(
        CliRunner()
        .invoke(
            main,
            [
                "portfolio",
                str(EXAMPLES),
                "--as-of",
                AS_OF.isoformat(),
                "--profile",
                str(lenient),
                "--jobs",
                "1",
                "--format",
                "json",
            ],
        )
        .stdout
    )
    assert len(data["rule_pack"]["profile_changes"]) == 6
    assert {a["alliance_id"]: (a["decision"], a["decision_without_profile"]) for a in data["alliances"]} == {
        "fenland-water": ("pass", "pass"),
        "northgate-rail": ("pass", "fail"),
        "severn-highways": ("fail", "fail"),
    }
