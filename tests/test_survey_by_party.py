"""A survey's responses by party name the parties manifest.yml declares, or the pack cannot be evaluated."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main

SEVERN = Path(__file__).resolve().parents[1] / "examples" / "severn-highways"
ROW = "      - {party: talbot-lowe, responses: 31}\n"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    copy = tmp_path / "pack"
    shutil.copytree(SEVERN, copy)
    return copy


def _name_in_first_row(pack: Path, party: str) -> tuple[int, int]:
    """Put `party` in the first by_party row naming Talbot Lowe; the line and column of the name."""
    facts = pack / "facts.yml"
    text = facts.read_text(encoding="utf-8")
    at = text.index(ROW)
    facts.write_text(text[:at] + ROW.replace("talbot-lowe", party) + text[at + len(ROW) :], encoding="utf-8")
    return text.count("\n", 0, at) + 1, ROW.index("talbot-lowe") + 1


@pytest.mark.parametrize("command", ["validate", "check"])
def test_a_mistyped_party_is_a_located_error_with_the_nearest_party(pack: Path, command: str) -> None:
    """ "Talbot Low Consulting Ltd" in by_party exits 3 with file:line:col, naming Talbot Lowe Consulting Ltd."""
    line, col = _name_in_first_row(pack, "Talbot Low Consulting Ltd")
    result = CliRunner().invoke(main, [command, str(pack), *(["--as-of", "2026-11-10"] if command == "check" else [])])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    printed = result.stdout if command == "validate" else result.stderr
    assert (
        f"{pack}/facts.yml:{line}:{col}: 'Talbot Low Consulting Ltd' is not declared in manifest.yml"
        " (as one of its organisations) (did you mean Talbot Lowe Consulting Ltd?)"
        " (at $.surveys[1].by_party[2].party)"
    ) in printed.splitlines()


def test_an_organisation_that_is_no_party_is_refused(pack: Path) -> None:
    """The assessors' firm is declared, but its people's responses are no party's view: a located error."""
    line, col = _name_in_first_row(pack, "tidewater")
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 3
    assert (
        f"{pack}/facts.yml:{line}:{col}: 'tidewater' is not a party to the alliance: `by_party` counts the"
        " responses of the client and each partner declared under `parties` in manifest.yml"
        " (at $.surveys[1].by_party[2].party)"
    ) in result.stdout.splitlines()


def test_a_name_far_from_every_party_gets_no_suggestion(pack: Path) -> None:
    """A name like no party is refused without a guess."""
    line, col = _name_in_first_row(pack, "Acme")
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 3
    assert (
        f"{pack}/facts.yml:{line}:{col}: 'Acme' is not declared in manifest.yml (as one of its organisations)"
        " (at $.surveys[1].by_party[2].party)"
    ) in result.stdout.splitlines()


def test_a_party_given_twice_is_refused_at_its_second_row(pack: Path) -> None:
    """Two rows for Kestrel (once by id, once by name) would count its people twice: the second row is a located error."""
    line, col = _name_in_first_row(pack, "Kestrel Highways Ltd")
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 3
    assert (
        f"{pack}/facts.yml:{line}:{col}: 'Kestrel Highways Ltd' is the party of by_party row 2 too:"
        " give each party's responses once (at $.surveys[1].by_party[2].party)"
    ) in result.stdout.splitlines()


def test_responses_by_party_cannot_add_up_to_more_than_the_survey(pack: Path) -> None:
    """212 responses of which 58 + 96 + 131 + 17 by party is impossible: located at by_party, exit 3."""
    facts = pack / "facts.yml"
    text = facts.read_text(encoding="utf-8")
    at = text.index(ROW)
    facts.write_text(text[:at] + ROW.replace("31", "131") + text[at + len(ROW) :], encoding="utf-8")
    line = text.count("\n", 0, text.rindex("    by_party:\n", 0, at)) + 2  # the list's first row
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 3
    assert (
        f"{pack}/facts.yml:{line}:7: the responses by party add up to 302, more than the survey's 212 responses"
        " (at $.surveys[1].by_party)"
    ) in result.stdout.splitlines()
