"""Outputs and scaffolds are written with the user's umask, like any file the user makes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main
from tests.outputs.conftest import AS_OF, ROOT


@pytest.fixture(params=[0o022, 0o027], ids=["umask022", "umask027"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_outputs_are_written_with_the_users_umask(umask: int, tmp_path: Path) -> None:
    """A report written to a file (and a folder made for it) get 0666/0777 less the umask, not 0600."""
    target = tmp_path / "new" / "report.json"
    result = CliRunner().invoke(
        main, ["check", str(ROOT / "examples" / "fenland-water"), "--as-of", AS_OF, "--format", f"json:{target}"]
    )
    assert result.exit_code == 0, result.stderr
    assert _mode(target) == 0o666 & ~umask
    assert _mode(target.parent) == 0o777 & ~umask
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temporary file left


def test_a_binary_output_replacing_a_file_gets_the_umask_too(umask: int, tmp_path: Path) -> None:
    """The portfolio workbook replacing an older private file is written with the umask's mode."""
    target = tmp_path / "review.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o600)
    result = CliRunner().invoke(
        main, ["portfolio", str(ROOT / "examples"), "--as-of", AS_OF, "--jobs", "1", "--format", f"xlsx:{target}"]
    )
    assert result.exit_code in (0, 1, 3), result.stderr
    assert _mode(target) == 0o666 & ~umask
    assert target.read_bytes()[:2] == b"PK"


def test_init_makes_an_ordinary_folder(umask: int, tmp_path: Path) -> None:
    """`init` makes the pack and its documents folder 0777 less the umask, and its files 0666 less the umask."""
    pack = tmp_path / "packs" / "tees-valley"
    result = CliRunner().invoke(
        main, ["init", str(pack), "--alliance", "Tees Valley Flood Alliance", "--gate", "creating"]
    )
    assert result.exit_code == 0, result.stderr
    assert _mode(pack) == 0o777 & ~umask
    assert _mode(pack / "documents") == 0o777 & ~umask
    assert {_mode(p) for p in pack.iterdir() if p.is_file()} == {0o666 & ~umask}
