"""`gatekeeper check`, `explain` and `validate` as a user runs them: outputs, exit codes, errors."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper import api
from gatekeeper.cli.main import main
from gatekeeper.synthetic import synthesize, write_pack

AS_OF = "2026-11-01"


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    rules = api.rules()
    root = tmp_path_factory.mktemp("packs")
    made = dt.date.fromisoformat(AS_OF)
    good = write_pack(
        synthesize(rules, alliance_id="good", phase="deciding", as_of=made, seed=1, quality=1.0), root / "good"
    )
    bad = synthesize(rules, alliance_id="bad", phase="deciding", as_of=made, seed=1, quality=1.0)
    bad.files["claims.yml"]["claims"] = [c for c in bad.files["claims.yml"]["claims"] if c["outcome"] != "DEC.LEA.01"]
    return {"good": good, "bad": write_pack(bad, root / "bad")}


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_passing_gate_exits_0_and_a_failing_one_exits_1(packs) -> None:
    """The exit code is the decision: 0 pass, 1 fail."""
    assert run("check", str(packs["good"]), "--as-of", AS_OF).exit_code == 0
    failed = run("check", str(packs["bad"]), "--as-of", AS_OF)
    assert failed.exit_code == 1
    assert "DEC.LEA.01" in failed.stdout


def test_json_output_has_the_documented_fields(packs) -> None:
    """--format json writes decision, gate, as_of and every outcome with id, status, critical and reasons."""
    result = run("check", str(packs["bad"]), "--as-of", AS_OF, "--format", "json")
    data = json.loads(result.stdout)
    assert (data["decision"], data["gate"], data["as_of"]) == ("fail", "creating", AS_OF)
    outcome = next(o for o in data["outcomes"] if o["id"] == "DEC.LEA.01")
    assert outcome["status"] == "unevidenced" and outcome["critical"] is True
    assert outcome["reasons"] == ["no claim has been made for this outcome"]


def test_several_formats_in_one_run_and_files_written_whole(packs, tmp_path: Path) -> None:
    """One format to standard output, others to files; standard output carries only the requested format."""
    target = tmp_path / "out" / "result.json"
    result = run("check", str(packs["good"]), "--as-of", AS_OF, "--format", "markdown", "--format", f"json:{target}")
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["decision"] == "pass"
    assert f"wrote {target}" in result.stderr and "wrote" not in result.stdout
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_the_same_inputs_give_byte_identical_reports(packs) -> None:
    """Same rules, evidence and --as-of date: the same bytes, in every text format."""
    for fmt in ("text", "json", "markdown", "junit", "html"):
        first = run("check", str(packs["bad"]), "--as-of", AS_OF, "--format", fmt).stdout_bytes
        assert first == run("check", str(packs["bad"]), "--as-of", AS_OF, "--format", fmt).stdout_bytes, fmt


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "docx"), "unknown format 'docx'"),
        (("--format", "json", "--format", "text"), "only one format can go to standard output"),
        (
            ("--gate", "launch"),
            "unknown gate 'launch'; the policy's gates: suitability, creating, delivering, sustaining, review",
        ),
        (("--as-of", "2026-02-30"), "'2026-02-30' does not match the format"),
    ],
)
def test_usage_errors_exit_2(packs, args, message) -> None:
    """Bad options are usage errors: exit 2 and a message, no traceback."""
    result = run("check", str(packs["good"]), *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_a_pack_that_cannot_be_read_exits_3_with_located_problems(packs, tmp_path: Path) -> None:
    """A duplicate key in claims.yml: file:line:col: message on standard error, exit 3, nothing on standard output."""
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("manifest.yml", "register.yml", "facts.yml"):
        (broken / name).write_bytes((packs["good"] / name).read_bytes())
    (broken / "documents").symlink_to(packs["good"] / "documents")
    (broken / "claims.yml").write_text("schema_version: 1\nclaims: []\nclaims: []\n", encoding="utf-8")
    result = run("check", str(broken), "--as-of", AS_OF)
    assert result.exit_code == 3 and result.stdout == ""
    assert f"{broken}/claims.yml:3:1: duplicate key 'claims'" in result.stderr


def test_a_folder_that_is_not_a_pack_exits_3(tmp_path: Path) -> None:
    """A missing manifest is named, with exit 3."""
    result = run("check", str(tmp_path), "--as-of", AS_OF)
    assert result.exit_code == 3
    assert f"{tmp_path}/manifest.yml: missing: every evidence pack has this file" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_document_that_is_a_fifo_is_refused_without_hanging(packs, tmp_path: Path) -> None:
    """A register path naming a FIFO is refused, not opened for reading forever."""
    pack = tmp_path / "fifo"
    pack.mkdir()
    for name in ("manifest.yml", "claims.yml", "facts.yml", "commercial.yml"):
        (pack / name).write_bytes((packs["good"] / name).read_bytes())
    (pack / "documents").mkdir()
    register = (packs["good"] / "register.yml").read_text(encoding="utf-8")
    for doc in (packs["good"] / "documents").iterdir():
        (pack / "documents" / doc.name).write_bytes(doc.read_bytes())
    first = sorted((pack / "documents").iterdir())[0]
    first.unlink()
    os.mkfifo(first)
    (pack / "register.yml").write_text(register, encoding="utf-8")
    result = run("validate", str(pack))
    assert result.exit_code == 3
    assert f"documents/{first.name}: document is not a regular file (a FIFO)" in result.stdout


def test_explain_gives_the_reasoning_requirement_by_requirement(packs) -> None:
    """explain prints the Code's words, each requirement with its status, and what would make it pass."""
    result = run("explain", str(packs["bad"]), "DEC.LEA.01", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.stdout.startswith("DEC.LEA.01: UNEVIDENCED (critical) - blocks the gate\n")
    flat = " ".join(result.stdout.split())
    assert "Client Board or Sponsor approval to alliancing as the preferred delivery model." in flat
    assert (
        "✗ DEC.LEA.01#1 [missing] needs at least 1 evidence item of kind decision record, approved by Client Board or Sponsor"
        in flat
    )
    assert "What would make it pass:" in result.stdout


def test_explain_of_an_outcome_outside_the_gate_is_a_usage_error(packs) -> None:
    """An outcome not in the gate's scope is named as such (exit 2)."""
    result = run("explain", str(packs["good"]), "SUS.LEA.01", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert "SUS.LEA.01 is not in the scope of the creating gate" in result.stderr


def test_validate_reports_a_valid_pack(packs) -> None:
    """validate says the pack is valid and exits 0."""
    result = run("validate", str(packs["good"]))
    assert result.exit_code == 0 and "valid (" in result.stdout


def test_init_scaffolds_a_pack_that_validates_at_once(tmp_path: Path) -> None:
    """init writes one claim stub per outcome the gate evaluates, and the pack validates."""
    target = tmp_path / "new"
    result = run("init", str(target), "--alliance", "Tees Valley Flood Alliance", "--gate", "delivering")
    assert result.exit_code == 0
    assert "70 claim stubs for the delivering gate" in result.stdout
    assert run("validate", str(target)).exit_code == 0
    claims = (target / "claims.yml").read_text(encoding="utf-8")
    assert "# CRE.COM.13 (critical) - Alliance agreement under pinned by key principles" in claims
    assert run("init", str(target), "--alliance", "X", "--gate", "creating").exit_code == 2
