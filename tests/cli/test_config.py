"""gatekeeper.toml and [tool.gatekeeper] found from the pack upwards: defaults the command line can override."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gatekeeper.cli.main import main
from gatekeeper.config import discover, find

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-01"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"GATEKEEPER_LEDGER": ""})


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """A programme office folder: the example profile and a pack two levels down."""
    shutil.copytree(ROOT / "examples" / "fenland-water", tmp_path / "packs" / "fenland-water")
    shutil.copy(ROOT / "examples" / "my-org.yml", tmp_path / "my-org.yml")
    return tmp_path


def test_gatekeeper_toml_supplies_profile_and_formats_and_is_named(office: Path) -> None:
    """A gatekeeper.toml above the pack gives --profile and --format, relative to itself, and the output names it."""
    (office / "gatekeeper.toml").write_text(
        'profile = "my-org.yml"\n[format]\ncheck = ["json:reports/result.json"]\n', encoding="utf-8"
    )
    result = run("check", str(office / "packs" / "fenland-water"), "--as-of", AS_OF)
    assert result.exit_code == 1  # the example profile raises the bar the pack meets by default
    assert result.stderr.splitlines()[0] == f"gatekeeper: defaults from {office / 'gatekeeper.toml'}"
    data = json.loads((office / "reports" / "result.json").read_text(encoding="utf-8"))
    assert data["profile"]["name"] == "My organisation's assurance profile"


def test_the_command_line_wins_over_the_config(office: Path) -> None:
    """--format given on the command line replaces the config's formats."""
    (office / "gatekeeper.toml").write_text('[format]\ncheck = ["json:reports/result.json"]\n', encoding="utf-8")
    result = run("check", str(office / "packs" / "fenland-water"), "--as-of", AS_OF, "--format", "text", "-q")
    assert result.exit_code == 0
    assert result.stdout == "PASS with 4 conditions: the alliance may leave Deciding.\n"
    assert not (office / "reports").exists()


def test_pyproject_tool_table_is_found_and_one_without_it_is_passed_over(office: Path) -> None:
    """[tool.gatekeeper] in pyproject.toml counts; a pyproject.toml without it does not stop the search."""
    (office / "pyproject.toml").write_text('[tool.gatekeeper]\nprofile = "my-org.yml"\n', encoding="utf-8")
    (office / "packs" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    found = discover(office / "packs" / "fenland-water")
    assert found is not None
    assert (found.source, found.profile) == (office / "pyproject.toml", office / "my-org.yml")


def test_gatekeeper_toml_is_preferred_in_the_same_folder(tmp_path: Path) -> None:
    """In one folder gatekeeper.toml is read before pyproject.toml."""
    (tmp_path / "pyproject.toml").write_text("[tool.gatekeeper]\njobs = 1\n", encoding="utf-8")
    (tmp_path / "gatekeeper.toml").write_text("jobs = 2\n", encoding="utf-8")
    assert find(tmp_path) == tmp_path / "gatekeeper.toml"


def test_a_mistyped_setting_is_located_with_a_suggestion(office: Path) -> None:
    """An unknown key exits 3 with file:line:col, the nearest setting and every setting."""
    (office / "gatekeeper.toml").write_text('jobs = 2\nprofil = "my-org.yml"\n', encoding="utf-8")
    result = run("check", str(office / "packs" / "fenland-water"))
    assert result.exit_code == 3
    assert result.stderr == (
        f"{office / 'gatekeeper.toml'}:2:1: unknown setting 'profil' (did you mean profile?); "
        "the settings: profile, ledger, jobs, format\n"
    )


def test_broken_toml_is_located(office: Path) -> None:
    """A file that is not TOML exits 3 with its line and column."""
    (office / "gatekeeper.toml").write_text("jobs = 2\nprofile = \n", encoding="utf-8")
    result = run("validate", str(office / "packs" / "fenland-water"))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{office / 'gatekeeper.toml'}:2:11: not valid TOML: ")


def test_config_ledger_is_used_by_record_and_ledger_list(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ledger = "..." in the config is where record writes and ledger list reads (from the office folder)."""
    (office / "gatekeeper.toml").write_text('ledger = "decisions.sqlite3"\n', encoding="utf-8")
    pack = str(office / "packs" / "fenland-water")
    recorded = run(
        "record", pack, "--gate", "creating", "--decision", "pass", "--by", "Catherine Ashdown", "--role", "Sponsor",
        "--as-of", AS_OF,
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.stderr
    assert (office / "decisions.sqlite3").is_file()
    monkeypatch.chdir(office)
    listed = run("ledger", "list", "--format", "json")
    assert [row["seq"] for row in json.loads(listed.stdout)] == [1]
