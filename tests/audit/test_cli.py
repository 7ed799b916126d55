"""`gatekeeper audit` on the command line: exit codes, formats, the CSV register, byte-stable output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main
from gatekeeper.reporters.audit import FORMATS as AUDIT_REPORTERS
from tests.audit.conftest import ClaimSpec, Item, TinyPack

AS_OF = ["--as-of", "2025-06-30"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["audit", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_exit_0_when_clean(tiny: TinyPack, tmp_path: Path) -> None:
    """A clean pack exits 0 and says so."""
    root = tiny.write(tmp_path / "pack")
    code, out, err = invoke(str(root), *AS_OF)
    assert (code, err) == (0, "")
    assert out.splitlines()[-2:] == ["CLEAN: no findings.", "  register: 2 items (ok 2)"]


def test_exit_0_with_only_warnings(tiny: TinyPack, tmp_path: Path) -> None:
    """Warnings (an unused item) are reported but leave the audit clean."""
    root = tiny.but(items=(*tiny.items, Item("E03", "report", "2025-02-01"))).write(tmp_path / "pack")
    code, out, _ = invoke(str(root), *AS_OF)
    assert code == 0
    assert (
        f"{root}/register.yml:17:5: [warning] E03 (Document E03) is cited by no claim and no fact (evidence-unused)"
        in out.splitlines()
    )
    assert "CLEAN: 0 errors, 1 warning." in out.splitlines()


def test_exit_1_on_problems(tiny: TinyPack, tmp_path: Path) -> None:
    """A stale item makes the audit fail with the parsable finding line."""
    root = tiny.but(items=(tiny.items[0], Item("E02", "plan", "2024-01-10"))).write(tmp_path / "pack")
    code, out, err = invoke(str(root), *AS_OF)
    assert (code, err) == (1, "")
    assert out.splitlines()[3] == (
        f"{root}/claims.yml:10:5: [error] E02 cited for DEL.INT.18 is dated 2024-01-10, 537 days old at 2025-06-30; "
        "DEL.INT.18#1 allows 365 days (evidence-stale)"
    )


def test_expiring_within_option(tiny: TinyPack, tmp_path: Path) -> None:
    """--expiring-within widens the window: an item stale in 41 days is reported with 45, not with the default 30."""
    root = tiny.but(items=(tiny.items[0], Item("E02", "plan", "2024-08-09"))).write(tmp_path / "pack")
    assert "(evidence-expiring)" not in invoke(str(root), *AS_OF)[1]
    code, out, _ = invoke(str(root), *AS_OF, "--expiring-within", "45")
    assert code == 0
    assert "from 2025-08-10 (in 41 days) (evidence-expiring)" in out


def test_exit_3_when_pack_unreadable(tiny: TinyPack, tmp_path: Path) -> None:
    """Broken YAML in the pack exits 3 with a located message on stderr and nothing on stdout."""
    root = tiny.write(tmp_path / "pack")
    (root / "claims.yml").write_text("schema_version: 1\nclaims: [\n", encoding="utf-8")
    code, out, err = invoke(str(root), *AS_OF)
    assert (code, out) == (3, "")
    assert err.startswith(f"{root}/claims.yml:")


def test_exit_3_when_pack_missing(tmp_path: Path) -> None:
    """A pack folder that does not exist exits 3."""
    code, out, err = invoke(str(tmp_path / "nope"), *AS_OF)
    assert (code, out, err) == (
        3,
        "",
        f"{tmp_path / 'nope'}: not a folder: an evidence pack is a folder of YAML files\n",
    )


def test_exit_3_when_register_escapes_pack(tiny: TinyPack, tmp_path: Path) -> None:
    """A register path with '..' is refused when the pack is read, so the audit cannot run (exit 3)."""
    root = tiny.write(tmp_path / "pack")
    register = root / "register.yml"
    register.write_text(register.read_text(encoding="utf-8").replace("documents/e02.md", "../e02.md"), encoding="utf-8")
    code, out, err = invoke(str(root), *AS_OF)
    assert (code, out) == (3, "")
    assert err.splitlines() == [
        f"{root}/register.yml:13:11: document path '../e02.md' refused: '..' is not allowed in references; "
        "the document must be inside the pack (at $.evidence[1].path)",
    ]


@pytest.mark.parametrize("formats", [["--format", "text", "--format", "json"], ["--format", "xml"]])
def test_exit_2_on_bad_formats(tiny: TinyPack, tmp_path: Path, formats: list[str]) -> None:
    """Two formats to standard output, or an unknown format, are usage errors."""
    root = tiny.write(tmp_path / "pack")
    code, out, err = invoke(str(root), *AS_OF, *formats)
    assert (code, out) == (2, "")
    assert err.startswith("Error: ")


def test_csv_register(tiny: TinyPack, tmp_path: Path) -> None:
    """The CSV is the register, one row per item with its audit status and notes, in register order."""
    items = (
        Item("E01", "plan", "2025-01-10", title='=HYPERLINK("x")'),
        Item("E02", "plan", "2024-01-10", approvals=(("Jo Reid", "Partner Director", "2024-01-11"),)),
        Item("E03", "report", "2025-02-01", title="Report, with a comma"),
    )
    root = tiny.but(items=items).write(tmp_path / "pack")
    code, out, _ = invoke(str(root), *AS_OF, "--format", "csv")
    assert code == 1
    assert out == (
        "id,title,kind,path,date,owner,approvals,used_by,status,notes\n"
        'E01,"\'=HYPERLINK(""x"")",plan,documents/e01.md,2025-01-10,Alex Morgan,,DEC.BEH.01,ok,\n'
        'E02,Document E02,plan,documents/e02.md,2024-01-10,Alex Morgan,"Jo Reid (Partner Director, 2024-01-11)",'
        'DEL.INT.18,stale,"E02 cited for DEL.INT.18 is dated 2024-01-10, 537 days old at 2025-06-30; '
        'DEL.INT.18#1 allows 365 days"\n'
        'E03,"Report, with a comma",report,documents/e03.md,2025-02-01,Alex Morgan,,,unused,'
        '"E03 (Report, with a comma) is cited by no claim and no fact"\n'
    )


def _problem_pack(tiny: TinyPack, root: Path) -> Path:
    items = (
        Item("E01", "plan", "2025-01-10", body=b"x\n", registered=b"y\n", title="<script>alert(1)</script> & plan"),
        Item("E02", "plan", "2024-01-10"),
        Item("E03", "report", "2025-01-10", title="a | b *c*"),
    )
    claims = (ClaimSpec("DEC.BEH.01", ("E01",), assessed_by="Alex Morgan"), tiny.claims[1])
    return tiny.but(items=items, claims=claims).write(root)


@pytest.mark.parametrize("fmt", list(AUDIT_REPORTERS))
def test_every_format_is_byte_stable(tiny: TinyPack, tmp_path: Path, fmt: str) -> None:
    """The same pack and date give the same bytes, to standard output and to a file (then the verdict on stderr)."""
    root = _problem_pack(tiny, tmp_path / "pack")
    first = invoke(str(root), *AS_OF, "--format", fmt)
    second = invoke(str(root), *AS_OF, "--format", fmt)
    target = tmp_path / "out" / f"audit.{fmt}"
    code, out, err = invoke(str(root), *AS_OF, "--format", f"{fmt}:{target}")
    assert first == second
    assert (code, out, err) == (1, "", f"wrote {target}\naudit FAILS: 4 error(s), 1 warning(s) in {root}\n")
    assert target.read_bytes() == first[1].encode("utf-8")


def test_json_document(tiny: TinyPack, tmp_path: Path) -> None:
    """The JSON carries the summary, every finding with its location, and the register."""
    root = _problem_pack(tiny, tmp_path / "pack")
    doc = json.loads(invoke(str(root), *AS_OF, "--format", "json")[1])
    assert (doc["clean"], doc["errors"], doc["warnings"], doc["as_of"], doc["expiring_within_days"]) == (
        False,
        4,
        1,
        "2025-06-30",
        30,
    )
    assert [(Path(f["file"]).name, f["line"], f["category"]) for f in doc["findings"]] == [
        ("claims.yml", 3, "claim-unsupported"),
        ("claims.yml", 3, "self-assessed-critical"),
        ("claims.yml", 10, "evidence-stale"),
        ("register.yml", 3, "document-changed"),
        ("register.yml", 17, "evidence-unused"),
    ]
    assert [(r["id"], r["status"]) for r in doc["register"]] == [
        ("E01", "changed"),
        ("E02", "stale"),
        ("E03", "unused"),
    ]


def test_html_escapes_evidence_text(tiny: TinyPack, tmp_path: Path) -> None:
    """Evidence text cannot inject markup into the HTML report."""
    root = _problem_pack(tiny, tmp_path / "pack")
    html = invoke(str(root), *AS_OF, "--format", "html")[1]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; plan" in html
    assert html.startswith("<!DOCTYPE html>")


def test_markdown_escapes_table_text(tiny: TinyPack, tmp_path: Path) -> None:
    """A pipe or emphasis in a title cannot break the Markdown register table."""
    root = _problem_pack(tiny, tmp_path / "pack")
    md = invoke(str(root), *AS_OF, "--format", "markdown")[1]
    assert "| E03 | a \\| b \\*c\\* | report | 2025-01-10 | Alex Morgan |  | unused |" in md
    assert "**PROBLEMS: 4 errors, 1 warning.**" in md
