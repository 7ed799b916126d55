"""Golden files: every output format of `gatekeeper check` on every worked example, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main
from gatekeeper.reporters import REPORTERS, SUFFIXES

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
AS_OF = {"fenland-water": "2026-10-06", "northgate-rail": "2026-10-20", "severn-highways": "2026-11-10"}
UPDATE = os.environ.get("GATEKEEPER_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
@pytest.mark.parametrize("example", sorted(AS_OF))
def test_check_output_matches_its_golden_file(example: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same rules, evidence and --as-of date give these exact bytes (set GATEKEEPER_UPDATE_GOLDEN=1 to renew)."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["check", f"examples/{example}", "--as-of", AS_OF[example], "--format", fmt])
    assert result.exit_code in (0, 1), result.stderr
    golden = GOLDEN / f"{example}{SUFFIXES[fmt]}"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(result.stdout_bytes)
    assert result.stdout_bytes == golden.read_bytes()
