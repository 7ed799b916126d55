"""CI outputs: JUnit that reads green when the gate passes, and GitHub workflow commands located at each blocker."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from gatekeeper.cli.main import main
from gatekeeper.reporters.gate.github import command, escape_data, escape_property

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-01"


def _check(example: str, fmt: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", f"examples/{example}", "--as-of", AS_OF, "--format", fmt])
    return result.exit_code, result.stdout


def test_a_passing_gate_is_green_in_junit(monkeypatch) -> None:
    """fenland-water passes (exit 0): no failure or error anywhere, the decision a passed case."""
    monkeypatch.chdir(ROOT)
    code, xml = _check("fenland-water", "junit")
    assert code == 0
    root = ET.fromstring(xml)
    assert (root.get("failures"), root.get("errors")) == ("0", "0")
    assert root.findall(".//failure") == [] and root.findall(".//error") == []
    decision = root.find(".//testcase[@name='decision']")
    assert decision is not None and decision.get("classname") == "gatekeeper.creating"
    assert (decision.findtext("system-out") or "").startswith("PASS with 4 conditions")


def test_a_condition_is_a_passed_case_with_the_condition_in_its_output(monkeypatch) -> None:
    """An outcome that becomes a condition passes, its output naming the owner and due date."""
    monkeypatch.chdir(ROOT)
    _, xml = _check("fenland-water", "junit")
    case = ET.fromstring(xml).find(".//testcase[@name='DEC.BEH.04']")
    assert case is not None and len(case) == 1 and case[0].tag == "system-out"
    assert "Condition (set by this gate): owner Priya Raman, due 2026-12-18" in (case[0].text or "")


def test_a_failing_gate_fails_its_decision_case_and_each_blocker(monkeypatch) -> None:
    """northgate-rail fails (exit 1): the decision and the four blockers are failures, nothing else."""
    monkeypatch.chdir(ROOT)
    code, xml = _check("northgate-rail", "junit")
    assert code == 1
    root = ET.fromstring(xml)
    failed = [case.get("name") for case in root.iter("testcase") if case.find("failure") is not None]
    assert failed == ["decision", "CRE.INT.11", "CRE.LEA.01", "CRE.LEA.04", "CRE.COM.13"]
    assert root.get("failures") == "5"


def test_github_annotates_each_blocker_at_its_claim(monkeypatch) -> None:
    """Each blocker is an ::error on its claim's line in claims.yml; the decision comes last."""
    monkeypatch.chdir(ROOT)
    code, out = _check("northgate-rail", "github")
    assert code == 1
    lines = out.splitlines()
    errors = [line.split("::")[1] for line in lines if line.startswith("::error file=")]
    assert errors == [
        "error file=examples/northgate-rail/claims.yml,line=298,col=5,title=CRE.INT.11 blocks the delivering gate",
        "error file=examples/northgate-rail/claims.yml,line=349,col=5,title=CRE.LEA.01 blocks the delivering gate",
        "error file=examples/northgate-rail/claims.yml,line=379,col=5,title=CRE.LEA.04 blocks the delivering gate",
        "error file=examples/northgate-rail/claims.yml,line=486,col=5,title=CRE.COM.13 blocks the delivering gate",
    ]
    assert lines[-1].startswith(
        "::error title=gatekeeper delivering gate::FAIL: 4 blocking outcomes; the alliance may not leave Creating.%0A"
    )


def test_github_passing_gate_has_no_error(monkeypatch) -> None:
    """A passing gate gives warnings for its conditions and a notice, never an ::error."""
    monkeypatch.chdir(ROOT)
    code, out = _check("fenland-water", "github")
    assert code == 0
    assert not any(line.startswith("::error") for line in out.splitlines())
    assert out.splitlines()[-1].startswith("::notice title=gatekeeper creating gate::PASS with 4 conditions")


def test_github_escapes_as_documented() -> None:
    """%, CR and LF are escaped in messages; properties also escape : and ,."""
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("error", "x\ny", title="t:1,2", at=("dir,1/claims.yml", 3, 5)) == (
        "::error file=dir%2C1/claims.yml,line=3,col=5,title=t%3A1%2C2::x%0Ay"
    )
