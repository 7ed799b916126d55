"""Making and editing assessment workbooks in tests: export through the CLI, edit with openpyxl or at the zip level."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from tests.authoring.conftest import run


def export(pack: Path, target: Path, *args: str) -> Path:
    code, out, err = run("workbook", "export", pack, "-o", target, *args)
    assert (code, out) == (0, ""), err
    return target


def edit(source: Path, target: Path, change: Callable[[Any], None]) -> Path:
    """Open a workbook as a person's spreadsheet program would, change it, save it under `target`."""
    wb = openpyxl.load_workbook(source)
    change(wb)
    wb.save(target)
    return target


def row_of(wb: Any, outcome: str) -> int:
    ws = wb["Claims"]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value == outcome:
            return row
    raise KeyError(outcome)


def rezip(
    source: Path,
    target: Path,
    *,
    add: dict[str, bytes] | None = None,
    replace: dict[str, Callable[[bytes], bytes]] | None = None,
) -> Path:
    """Copy a workbook's zip, adding parts or rewriting some: what a hand-made hostile file looks like."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if replace and info.filename in replace:
                data = replace[info.filename](data)
            dst.writestr(info.filename, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    target.write_bytes(out.getvalue())
    return target
