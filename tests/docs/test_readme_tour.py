"""The README's short tour runs as written, line by line, from a copy of the repository's examples."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _tour() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## A short tour\n.*?```sh\n(.*?)```", text, flags=re.S)
    assert block is not None, "the README has no tour"
    lines = [line.split("  #")[0].strip() for line in block.group(1).splitlines()]
    return [line for line in lines if line]


def test_the_tour_has_the_commands_a_newcomer_needs() -> None:
    """The tour shows every command group at least once."""
    used = {line.split()[1] for line in _tour() if line.startswith("gatekeeper ")}
    assert {"rules", "init", "validate", "check", "explain", "audit", "record", "ledger", "portfolio"} <= used


def test_every_tour_line_runs_with_the_exit_code_it_should(tmp_path: Path) -> None:
    """Each line exits 0, 1 where it shows a failing gate or audit, or 3 where it validates the pack with
    a changed document; none is a usage error or a crash."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    shutil.copy(REPO / "README.md", tmp_path / "README.md")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "NO_COLOR": "1",
    }
    env.pop("GATEKEEPER_LEDGER", None)
    for line in _tour():
        done = subprocess.run(
            ["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
        )
        allowed = (0, 3) if line.startswith("gatekeeper validate examples/northgate-rail") else (0, 1)
        assert done.returncode in allowed, f"{line}\n{done.stderr}"
        assert "Traceback" not in done.stderr, line
    assert (tmp_path / "packs" / "tees-valley" / "manifest.yml").is_file()
    assert (tmp_path / "review.xlsx").is_file()


@pytest.mark.parametrize("line", [line for line in _tour() if "northgate-rail" in line and "check" in line])
def test_the_failing_example_lines_show_a_failing_gate(line: str, tmp_path: Path) -> None:
    """The lines that check northgate-rail show its failing gate (exit 1), as the tour's comments say."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-c", line], cwd=tmp_path, env=env, capture_output=True, timeout=120, check=False)
    assert done.returncode == 1, done.stderr.decode(errors="replace")
