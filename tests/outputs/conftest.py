"""A hostile evidence pack: a folder name that tries to steer a terminal, and texts that try to run in a spreadsheet or a page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-10-06"

# Escape sequences a terminal would obey: colour, OSC 8 hyperlink, bell, carriage return (overwrites
# the line), a C1 CSI (clear screen), a bidi override (reverses what follows). No "/" (a folder name).
STEER = "evil\x1b[31mRED\x1b]8;;http:evil.example\x07link\x1b]8;;\x07\rFAKE\x9b2J\u202eesrever\x07"
# What evidence text can hold (the loader refuses control characters inside files): a live formula,
# markup, Markdown table syntax and a mention.
FORMULA = '=HYPERLINK("http://evil.example","click") <script>alert(1)</script> | *x* @all'


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="session")
def hostile_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding one pack, named STEER, whose alliance name, an evidence title and a party name are FORMULA."""
    root = tmp_path_factory.mktemp("hostile")
    pack = root / STEER
    shutil.copytree(ROOT / "examples" / "fenland-water", pack)
    _replace(pack / "manifest.yml", "  name: Fenland Water Alliance", f"  name: {_quoted(FORMULA)}")
    _replace(
        pack / "register.yml",
        '    title: "Fens Resilience Programme: Outline Business Case v1.2"',
        f"    title: {_quoted(FORMULA)}",
    )
    _replace(pack / "commercial.yml", "    name: Delivery partner (civils and MEICA)", f"    name: {_quoted(FORMULA)}")
    return root


@pytest.fixture(scope="session")
def hostile_pack(hostile_root: Path) -> Path:
    return hostile_root / STEER
