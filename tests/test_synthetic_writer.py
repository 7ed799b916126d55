"""Synthetic packs are written by libyaml's emitter, byte for byte what PyYAML's own would write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from gatekeeper import api
from gatekeeper.synthetic import synthesize, write_pack


class _PythonDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


@pytest.mark.parametrize(
    ("phase", "quality", "seed"), [("deciding", 1.0, 1), ("creating", 0.7, 2), ("sustaining", 0.4, 3)]
)
def test_written_files_are_the_bytes_pyyaml_would_write(tmp_path: Path, phase: str, quality: float, seed: int) -> None:
    """Each YAML file of a written pack equals PyYAML's pure-Python dump of the same data."""
    pack = synthesize(api.rules(), alliance_id="w", phase=phase, as_of=dt.date(2026, 11, 1), seed=seed, quality=quality)
    root = write_pack(pack, tmp_path / "pack")
    for name, data in pack.files.items():
        expected = yaml.dump(data, Dumper=_PythonDumper, sort_keys=False, allow_unicode=True)
        assert (root / name).read_text(encoding="utf-8") == expected, name
