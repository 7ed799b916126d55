"""No output can be turned against its reader: a hostile pack through every command and every format."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from gatekeeper.cli.main import main
from gatekeeper.reporters import family
from tests.outputs.conftest import AS_OF, FORMULA, STEER

# Our own output uses newlines and, in `ledger list`, tabs between columns; nothing else below U+0020.
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")


def raw_controls(text: str) -> set[str]:
    """Every character in `text` that a terminal or a viewer would obey rather than show."""
    return {
        ch
        for ch in text
        if (ord(ch) < 0x20 and ch not in "\n\t")
        or 0x7F <= ord(ch) <= 0x9F
        or ch in _BIDI
        or 0xD800 <= ord(ch) <= 0xDFFF
    }


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def assert_safe(result: Result) -> None:
    """Neither standard output nor standard error carries a raw control or bidi character."""
    assert raw_controls(result.stdout) == set(), result.stdout[-500:]
    assert raw_controls(result.stderr) == set(), result.stderr[-500:]


def _shown_path() -> str:
    # How every terminal output names the hostile folder: each control a visible escape.
    return "evil\\x1b[31mRED\\x1b]8;;http:evil.example\\x07link\\x1b]8;;\\x07\\x0dFAKE\\x9b2J\\u202eesrever\\x07"


def _cell_path() -> str:
    # How a spreadsheet cell names it: on one line (a line break becomes a space), controls visible.
    return _shown_path().replace("\\x0d", " ")


def test_validate_names_the_folder_with_visible_escapes(hostile_pack: Path) -> None:
    """`validate` prints the pack path with every control character as a visible escape."""
    result = run("validate", str(hostile_pack))
    assert_safe(result)
    assert result.exit_code == 0
    assert result.stdout.startswith(str(hostile_pack.parent) + "/" + _shown_path() + ": valid (")


def test_validate_problems_name_the_folder_safely(hostile_pack: Path, tmp_path: Path) -> None:
    """Located problems in a broken pack under a hostile folder reach standard output without raw controls."""
    broken = tmp_path / STEER
    broken.mkdir()
    (broken / "manifest.yml").write_text("schema_version: [\n", encoding="utf-8")
    result = run("validate", str(broken))
    assert_safe(result)
    assert result.exit_code == 3
    assert f"{_shown_path()}/manifest.yml:" in result.stdout
    assert result.stderr.endswith(f"problem(s) in {tmp_path}/{_shown_path()}\n")


@pytest.mark.parametrize("fmt", [f for f in family("gate").choices if f not in family("gate").binary])
def test_check_every_format(hostile_pack: Path, fmt: str) -> None:
    """`check` in every format: no raw controls, no live markup."""
    result = run("check", str(hostile_pack), "--as-of", AS_OF, "--format", fmt)
    assert_safe(result)
    assert result.exit_code in (0, 1)
    assert_no_markup(fmt, result.stdout)


def test_check_pdf_shows_hostile_text_as_visible_escapes(hostile_pack: Path, tmp_path: Path) -> None:
    """The PDF (a binary format, so written to a file) reads back with no raw control or bidi character."""
    import pypdf

    target = tmp_path / "report.pdf"
    result = run("check", str(hostile_pack), "--as-of", AS_OF, "--format", f"pdf:{target}")
    assert_safe(result)
    assert result.exit_code in (0, 1)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
    assert "=HYPERLINK(" in text and raw_controls(text) == set()  # the hostile name is shown as text


def test_check_to_a_file_says_where_safely(hostile_pack: Path, tmp_path: Path) -> None:
    """The "wrote PATH" line names a hostile output path with visible escapes; the verdict follows it."""
    target = tmp_path / STEER / "report.json"
    result = run("check", str(hostile_pack), "--as-of", AS_OF, "--format", f"json:{target}")
    assert_safe(result)
    assert result.stderr.splitlines()[0] == f"wrote {tmp_path}/{_shown_path()}/report.json"
    assert len(result.stderr.splitlines()) == 2
    assert target.is_file()


def test_check_of_a_missing_hostile_path(tmp_path: Path) -> None:
    """An unreadable pack's problem, printed by the shared error handler, carries no raw controls."""
    result = run("check", str(tmp_path / STEER / "nowhere"), "--as-of", AS_OF)
    assert_safe(result)
    assert result.exit_code == 3
    assert _shown_path() in result.stderr


def test_explain(hostile_pack: Path) -> None:
    """`explain` shows the hostile alliance name as text."""
    result = run("explain", str(hostile_pack), "DEC.LEA.01", "--as-of", AS_OF)
    assert_safe(result)
    assert result.stdout.splitlines()[1].startswith(FORMULA + ", creating gate")


@pytest.mark.parametrize("fmt", family("audit").choices)
def test_audit_every_format(hostile_pack: Path, fmt: str) -> None:
    """`audit` in every format: no raw controls, no live markup, no formula cell."""
    result = run("audit", str(hostile_pack), "--as-of", AS_OF, "--format", fmt)
    assert_safe(result)
    assert_no_markup(fmt, result.stdout)
    if fmt == "csv":
        assert_no_formula(result.stdout)


@pytest.mark.parametrize("fmt", [f for f in family("portfolio").choices if f != "xlsx"])
def test_portfolio_every_text_format(hostile_root: Path, fmt: str) -> None:
    """`portfolio` in every text format: no raw controls, no live markup, no formula cell."""
    result = run("portfolio", str(hostile_root), "--as-of", AS_OF, "--jobs", "1", "--format", fmt)
    assert_safe(result)
    assert result.exit_code in (0, 1)
    assert_no_markup(fmt, result.stdout)
    if fmt == "csv":
        assert_no_formula(result.stdout)
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert rows[1][:3] == [f"{hostile_root}/{_cell_path()}", "fenland-water", "'" + FORMULA]


def test_portfolio_workbook_holds_text_never_a_formula(hostile_root: Path, tmp_path: Path) -> None:
    """The workbook is written despite control characters in the folder name, and the formula is text."""
    target = tmp_path / "review.xlsx"
    result = run("portfolio", str(hostile_root), "--as-of", AS_OF, "--jobs", "1", "--format", f"xlsx:{target}")
    assert_safe(result)
    assert result.exit_code in (0, 1), result.stderr
    workbook = openpyxl.load_workbook(target)
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    texts = [v for v in values if isinstance(v, str)]
    assert all(raw_controls(t) == set() for t in texts)
    assert "'" + FORMULA in texts
    assert f"{hostile_root.name}/{_cell_path()}" in texts  # relative: no absolute path of this machine
    assert any(isinstance(v, int) for v in values)  # numbers stay numbers


@pytest.mark.parametrize("fmt", family("commercial").choices)
def test_commercial_every_format(hostile_pack: Path, fmt: str) -> None:
    """`commercial simulate` in every format: no raw controls, no live markup, no formula cell."""
    result = run("commercial", "simulate", str(hostile_pack), "--format", fmt)
    assert_safe(result)
    assert result.exit_code == 0
    assert_no_markup(fmt, result.stdout)
    if fmt == "csv":
        assert_no_formula(result.stdout)


def test_init_with_a_hostile_folder_and_name(tmp_path: Path) -> None:
    """`init` names a hostile folder safely, whatever it makes of a hostile alliance name."""
    result = run("init", str(tmp_path / STEER / "new"), "--alliance", "Tees\x1b[2J\u202eValley", "--gate", "creating")
    assert_safe(result)
    assert _shown_path() in result.stdout + result.stderr


def test_record_refuses_escape_sequences_in_what_is_typed(hostile_pack: Path, tmp_path: Path) -> None:
    """--by, --role or --note with escape sequences is a usage error that shows them as visible escapes, and nothing is written."""
    ledger = tmp_path / "ledger.sqlite3"
    typed = "Dana\x1b[8m hidden\x1b[0m\r\x9b31m\u202eWhitfield\x07"
    for option in ("--by", "--role", "--note"):
        args = {"--by": "Catherine Ashdown", "--role": "Sponsor", "--note": "reason", option: typed}
        recorded = run(
            "record",
            str(hostile_pack),
            "--gate",
            "creating",
            "--decision",
            "fail",
            *(x for pair in args.items() for x in pair),
            "--as-of",
            AS_OF,
            "--ledger",
            str(ledger),
        )
        assert_safe(recorded)
        assert recorded.exit_code == 2, recorded.stderr
        assert f"{option} contains invisible or control characters (U+001B" in recorded.stderr
        assert not ledger.exists()


def test_record_and_ledger_show_what_was_typed_as_text(hostile_pack: Path, tmp_path: Path) -> None:
    """A note that would run in a spreadsheet or page is stored as typed and shown safely by every ledger command."""
    ledger = str(tmp_path / "ledger.sqlite3")
    recorded = run(
        "record",
        str(hostile_pack),
        "--gate",
        "creating",
        "--decision",
        "fail",
        "--by",
        "catherine  ashdown",
        "--role",
        "Sponsor",
        "--note",
        FORMULA,
        "--as-of",
        AS_OF,
        "--ledger",
        ledger,
    )
    assert_safe(recorded)
    assert recorded.exit_code == 0, recorded.stderr
    assert "by Catherine Ashdown (Sponsor);" in recorded.stdout
    for args in (["list"], ["show", "1"], ["verify", "--pack", str(hostile_pack)]):
        for fmt in family("ledger").choices:
            result = run("ledger", *args, "--ledger", ledger, "--format", fmt)
            assert_safe(result)
            assert result.exit_code == 0, (args, fmt, result.stdout)
    assert "Catherine Ashdown" in run("ledger", "list", "--ledger", ledger).stdout


def assert_no_formula(text: str) -> None:
    """No CSV cell starts as a formula unless it is a plain number or neutralised with an apostrophe."""
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                float(cell)  # only a number may start like a formula


def assert_no_markup(fmt: str, text: str) -> None:
    """Markdown and HTML carry the evidence's markup as text (plain text and data formats may carry it as is)."""
    if fmt in ("markdown", "html", "svg"):
        assert "<script>" not in text


def test_rules_check_names_a_hostile_profile_safely(tmp_path: Path) -> None:
    """`rules check` prints the problems of a profile in a hostile folder with visible escapes."""
    folder = tmp_path / STEER
    folder.mkdir()
    (folder / "profile.yml").write_text("x: [\n", encoding="utf-8")
    result = run("rules", "check", "--profile", str(folder / "profile.yml"))
    assert_safe(result)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{tmp_path}/{_shown_path()}/profile.yml:")
