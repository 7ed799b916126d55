"""`gatekeeper ledger list|show|verify`: output, exit codes and errors, on both backends."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from ledger_support import Backend

from gatekeeper.cli.main import main
from gatekeeper.ledger import open_ledger


def run(*args: str) -> tuple[int, str, str]:
    """Run the gatekeeper command; exit code, stdout, stderr."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def record(url: str, *entries: dict[str, object]) -> None:
    with open_ledger(url) as ledger:
        for number, entry in enumerate(entries, start=1):
            ledger.append(entry, key=f"d{number}")


def test_list_is_a_table_of_the_recorded_decisions(backend: Backend) -> None:
    """For entries as `gatekeeper record` writes them, `ledger list` is a table: sequence, when, alliance,
    gate, computed, decided, by and role; CSV has the same columns."""
    entry = {
        "alliance": {"id": "tees", "name": "Tees"},
        "gate": "creating",
        "decision": {"value": "pass", "by": "Dana", "role": "Sponsor", "note": None},
        "computed": {"decision": "pass", "reasons": []},
        "as_of": "2026-11-01",
    }
    record(backend.url, entry)
    code, out, _err = run("ledger", "list", "--ledger", backend.url)
    header, rule, line = out.splitlines()
    assert code == 0
    assert header.split() == ["sequence", "when", "alliance", "gate", "computed", "decided", "by", "role"]
    assert set(rule) == {"-", " "}
    assert line.split()[0] == "1" and line.split()[2:] == ["tees", "creating", "pass", "pass", "Dana", "Sponsor"]
    code, out, _err = run("ledger", "list", "--ledger", backend.url, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["sequence", "when", "alliance", "gate", "computed", "decided", "by", "role"]
    assert rows[1][2:] == ["tees", "creating", "pass", "pass", "Dana", "Sponsor"]


def test_list_prints_one_line_per_decision(backend: Backend) -> None:
    """`ledger list` prints seq, time, key and the entry's main fields, oldest first."""
    record(backend.url, {"decision": "pass", "gate": "creating", "files": {}}, {"decision": "fail", "gate": "review"})
    code, out, _err = run("ledger", "list", "--ledger", backend.url)
    assert code == 0
    lines = [line.split() for line in out.splitlines()[2:]]
    assert [(fields[0], fields[2], fields[3]) for fields in lines] == [
        ("1", "creating", "pass"),
        ("2", "review", "fail"),
    ]


def test_list_json_holds_every_field(backend: Backend) -> None:
    """`ledger list --format json` gives every row with all its stored fields."""
    record(backend.url, {"decision": "pass"})
    code, out, _err = run("ledger", "list", "--ledger", backend.url, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [sorted(row) for row in rows] == [["entry", "key", "mac", "prev_hash", "recorded_at", "row_hash", "seq"]]
    assert rows[0]["entry"] == {"decision": "pass"}
    assert rows[0]["prev_hash"] == "0" * 64


def test_show_prints_one_decision_in_full(backend: Backend) -> None:
    """`ledger show 2` prints that row's hashes and its whole entry."""
    record(backend.url, {"decision": "pass"}, {"decision": "fail", "who": "Zoë"})
    code, out, _err = run("ledger", "show", "2", "--ledger", backend.url)
    assert code == 0
    assert out.splitlines()[:2] == ["row:         2", "key:         d2"]
    assert "computed:" not in out  # an entry that is not a gate decision shows only what it holds
    assert out.endswith('entry:\n{\n  "decision": "fail",\n  "who": "Zoë"\n}\n')


def test_show_of_an_absent_row_exits_3(backend: Backend) -> None:
    """`ledger show` of a number with no row is an input error (exit 3) naming it."""
    record(backend.url, {"decision": "pass"})
    code, _out, err = run("ledger", "show", "5", "--ledger", backend.url)
    assert code == 3
    assert err.endswith(": no row 5 in the ledger\n")


def test_verify_of_an_intact_ledger_exits_0_and_prints_the_head(backend: Backend) -> None:
    """`ledger verify` exits 0 and prints the row count and head hash, to be kept elsewhere."""
    record(backend.url, {"decision": "pass"}, {"decision": "fail"})
    with open_ledger(backend.url) as ledger:
        head = ledger.get(2).row_hash
    code, out, _err = run("ledger", "verify", "--ledger", backend.url)
    assert (code, out) == (0, f"{open_ledger(backend.url).location}: ledger intact (2 rows, head row 2 {head})\n")


def test_verify_names_tampering_and_exits_1(backend: Backend) -> None:
    """`ledger verify` prints each finding and exits 1."""
    record(backend.url, {"decision": "pass"}, {"decision": "fail"}, {"decision": "pass"})
    backend.tamper('UPDATE gatekeeper_ledger SET entry = \'{"decision":"pass"}\' WHERE seq = 2')
    code, out, _err = run("ledger", "verify", "--ledger", backend.url)
    location = open_ledger(backend.url).location
    assert (code, out) == (1, f"{location}: row 2 was edited (its hash does not match its content)\n")


def test_verify_json_reports_findings(backend: Backend) -> None:
    """`ledger verify --format json` gives the findings as data, with the same exit code."""
    record(backend.url, {"decision": "pass"}, {"decision": "fail"})
    backend.tamper("DELETE FROM gatekeeper_ledger WHERE seq = 1")
    code, out, _err = run("ledger", "verify", "--ledger", backend.url, "--format", "json")
    assert code == 1
    assert json.loads(out)["findings"] == [{"seq": 1, "message": "row 1 is missing (deleted)"}]


def test_ledger_url_comes_from_the_environment(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --ledger, GATEKEEPER_LEDGER names the ledger."""
    record(backend.url, {"decision": "pass"})
    monkeypatch.setenv("GATEKEEPER_LEDGER", backend.url)
    code, out, _err = run("ledger", "list")
    assert (code, len(out.splitlines())) == (0, 3)  # the header, its rule and the one row


def test_a_missing_ledger_exits_3(tmp_path: Path) -> None:
    """Listing a ledger file that does not exist is an input error (exit 3), not an empty list."""
    code, out, err = run("ledger", "list", "--ledger", str(tmp_path / "none.sqlite3"))
    assert (code, out, err) == (3, "", f"{tmp_path / 'none.sqlite3'}: no ledger here (nothing has been recorded yet)\n")


def test_a_corrupt_ledger_exits_3(tmp_path: Path) -> None:
    """A file that is not an SQLite database is an input error naming the damage (exit 3)."""
    path = tmp_path / "ledger.sqlite3"
    path.write_bytes(b"this is not a database, just some text long enough to be read" * 10)
    code, _out, err = run("ledger", "verify", "--ledger", str(path))
    assert code == 3
    assert (
        err
        == f"{path}: cannot read the ledger: the file is damaged or not an SQLite database (file is not a database)\n"
    )


def test_an_unreachable_server_exits_3_without_the_password() -> None:
    """A PostgreSQL ledger that cannot be reached is exit 3, and the message never shows the password."""
    code, _out, err = run("ledger", "list", "--ledger", "postgresql://ann:hunter2@127.0.0.1:1/ledger")
    assert code == 3
    assert err.startswith("postgresql://ann@127.0.0.1:1/ledger: cannot reach the ledger:")
    assert "hunter2" not in err


def make_pack(root: Path) -> dict[str, str]:
    """An evidence pack for alliance "tees" with a manifest and two documents; sha256 by relative path."""
    (root / "docs").mkdir(parents=True)
    (root / "manifest.yml").write_text("alliance:\n  id: tees\n  name: Tees Valley Flood Alliance\n")
    (root / "docs" / "charter.txt").write_text("charter v1")
    (root / "plan.txt").write_text("plan v1")
    relpaths = ("manifest.yml", "docs/charter.txt", "plan.txt")
    return {rel: hashlib.sha256((root / rel).read_bytes()).hexdigest() for rel in relpaths}


def test_verify_pack_names_changed_and_missing_documents(backend: Backend, tmp_path: Path) -> None:
    """`ledger verify --pack` names each file changed or deleted since the latest decision for the pack's alliance."""
    pack = tmp_path / "pack"
    files = make_pack(pack)
    old = {"decision": "fail", "alliance": {"id": "tees"}, "files": {"plan.txt": "0" * 64}}
    other = {"decision": "pass", "alliance": {"id": "fenland"}, "files": {"plan.txt": "0" * 64}}
    record(backend.url, old, {"decision": "pass", "alliance": {"id": "tees"}, "files": files}, other)
    assert run("ledger", "verify", "--ledger", backend.url, "--pack", str(pack))[0] == 0
    (pack / "docs" / "charter.txt").write_text("charter v2")
    (pack / "plan.txt").unlink()
    code, out, _err = run("ledger", "verify", "--ledger", backend.url, "--pack", str(pack))
    assert (code, out) == (
        1,
        f"{pack}: docs/charter.txt: changed since the decision of row 2\n"
        f"{pack}: plan.txt: missing since the decision of row 2\n",
    )


def test_verify_pack_without_a_decision_for_it_exits_3(backend: Backend, tmp_path: Path) -> None:
    """`ledger verify --pack` for an alliance no row names is an input error pointing to --row."""
    pack = tmp_path / "pack"
    make_pack(pack)
    record(backend.url, {"decision": "pass", "alliance": {"id": "fenland"}})
    code, _out, err = run("ledger", "verify", "--ledger", backend.url, "--pack", str(pack))
    assert code == 3
    assert err.endswith(f": no decision recorded for the alliance 'tees' of {pack} (name the row with --row)\n")


def test_verify_pack_without_a_manifest_exits_3(backend: Backend, tmp_path: Path) -> None:
    """Without --row the pack's manifest names its alliance; a pack without one is an input error."""
    record(backend.url, {"decision": "pass", "alliance": {"id": "tees"}})
    code, _out, err = run("ledger", "verify", "--ledger", backend.url, "--pack", str(tmp_path))
    assert (code, err) == (3, f"{tmp_path}/manifest.yml:1:1: file not found\n")


def test_verify_pack_with_row_compares_that_decision(backend: Backend, tmp_path: Path) -> None:
    """`--row N` picks the decision whose documents are compared, whatever pack it names."""
    pack = tmp_path / "pack"
    files = make_pack(pack)
    record(backend.url, {"decision": "pass", "files": {**files, "plan.txt": "0" * 64}})
    code, out, _err = run("ledger", "verify", "--ledger", backend.url, "--pack", str(pack), "--row", "1")
    assert (code, out) == (1, f"{pack}: plan.txt: changed since the decision of row 1\n")


def test_show_puts_the_human_decision_beside_the_computed_one_and_lists_the_files(backend: Backend) -> None:
    """`ledger show` says what was computed, what was decided, by whom, and each file with its sha256."""
    entry = {
        "alliance": {"id": "tees", "name": "Tees"},
        "gate": "creating",
        "as_of": "2026-11-01",
        "computed": {"decision": "fail"},
        "decision": {"value": "pass", "by": "Dana", "role": "Sponsor", "note": "Board accepts the risk"},
        "files": {"claims.yml": "b" * 64, "manifest.yml": "a" * 64},
    }
    record(backend.url, entry)
    code, out, _err = run("ledger", "show", "1", "--ledger", backend.url)
    lines = out.splitlines()
    assert code == 0
    assert lines[6:13] == [
        "alliance:    tees Tees",
        "gate:        creating, as of 2026-11-01",
        "computed:    fail",
        "decided:     pass by Dana, Sponsor (differs from the computed decision)",
        "note:        Board accepts the risk",
        "files (2, sha256):",
        "  claims.yml    " + "b" * 64,
    ]
    assert lines[13] == "  manifest.yml  " + "a" * 64
