"""The auditor's bundle: a BagIt bag that bagit's own validator accepts, holding the pack, the decision,
the audit and the alliance's ledger rows with the head hash, from which the decision re-runs offline."""

from __future__ import annotations

import json
from pathlib import Path

import bagit
import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = "2026-11-01"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """A ledger with a decision for fenland-water and one for northgate-rail."""
    path = tmp_path / "ledger.sqlite3"
    decided = (
        ("fenland-water", "creating", "pass", "Catherine Ashdown"),
        ("northgate-rail", "delivering", "fail", "Andrew Whitcombe"),
    )
    for pack, gate, decision, sponsor in decided:
        code, _, err = run(
            "record", str(EXAMPLES / pack), "--gate", gate, "--as-of", AS_OF, "--decision", decision,
            "--by", sponsor, "--role", "Sponsor", "--ledger", str(path),
        )  # fmt: skip
        assert code == 0, err
    return path


def test_the_bag_validates_and_holds_the_pack_decision_audit_and_ledger_rows(ledger: Path, tmp_path: Path) -> None:
    """bagit's validator accepts the bag; data/ holds every pack file, result, report, audit and the alliance's row."""
    out = tmp_path / "bag"
    code, _, err = run(
        "bundle", str(EXAMPLES / "fenland-water"), "--ledger", str(ledger), "-o", str(out), "--as-of", AS_OF
    )
    assert code == 0, err
    bag = bagit.Bag(str(out))
    bag.validate()  # raises BagValidationError on any missing, extra or changed file
    assert bag.info["Bagging-Date"] == AS_OF and bag.info["Bag-Group-Identifier"] == "fenland-water"
    payload = {p.relative_to(out / "data").as_posix() for p in (out / "data").rglob("*") if p.is_file()}
    pack_files = {
        p.relative_to(EXAMPLES / "fenland-water").as_posix()
        for p in (EXAMPLES / "fenland-water").rglob("*")
        if p.is_file()
    }
    assert payload == {"result.json", "report.html", "audit.json", "audit.html", "ledger.json"} | {
        f"pack/{f}" for f in pack_files
    }
    recorded = json.loads((out / "data" / "ledger.json").read_text(encoding="utf-8"))
    assert [row["entry"]["alliance"]["id"] for row in recorded["rows"]] == ["fenland-water"]
    assert recorded["head"]["seq"] == 2 and recorded["rows_in_ledger"] == 2 and recorded["findings"] == []
    assert bag.info["Ledger-Head"] == f"2 {recorded['head']['row_hash']}"
    assert json.loads((out / "data" / "result.json").read_text(encoding="utf-8"))["decision"] == "pass"


def test_the_decision_re_runs_offline_from_the_bag(ledger: Path, tmp_path: Path) -> None:
    """`check data/pack` gives the same result document as the bag's result.json, and the recorded file hashes match."""
    out = tmp_path / "bag"
    assert (
        run("bundle", str(EXAMPLES / "fenland-water"), "--ledger", str(ledger), "-o", str(out), "--as-of", AS_OF)[0]
        == 0
    )
    rerun = json.loads(run("check", str(out / "data" / "pack"), "--as-of", AS_OF, "--format", "json")[1])
    bagged = json.loads((out / "data" / "result.json").read_text(encoding="utf-8"))
    assert rerun == bagged
    recorded = json.loads((out / "data" / "ledger.json").read_text(encoding="utf-8"))["rows"][0]["entry"]["files"]
    assert recorded == {f["path"]: f["sha256"] for f in bagged["evidence_files"]}


def test_a_changed_file_makes_the_bag_invalid(ledger: Path, tmp_path: Path) -> None:
    """Editing one payload file after bagging is caught by the BagIt validator."""
    out = tmp_path / "bag"
    assert (
        run("bundle", str(EXAMPLES / "fenland-water"), "--ledger", str(ledger), "-o", str(out), "--as-of", AS_OF)[0]
        == 0
    )
    claims = out / "data" / "pack" / "claims.yml"
    claims.write_text(claims.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(out)).validate()


def test_an_existing_target_is_refused_and_nothing_is_left_behind(ledger: Path, tmp_path: Path) -> None:
    """An OUT that exists is a usage error (exit 2), untouched; an unreadable ledger is exit 3 and leaves no folder."""
    out = tmp_path / "bag"
    out.mkdir()
    code, _, err = run("bundle", str(EXAMPLES / "fenland-water"), "--ledger", str(ledger), "-o", str(out))
    assert (code, err) == (2, f"Error: {out} exists: give a new folder for the bundle\n")
    assert list(out.iterdir()) == []
    missing = tmp_path / "none.sqlite3"
    code, _, _ = run(
        "bundle",
        str(EXAMPLES / "fenland-water"),
        "--ledger",
        str(missing),
        "-o",
        str(tmp_path / "b2"),
        "--as-of",
        AS_OF,
    )
    assert code == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bag", "ledger.sqlite3"]
