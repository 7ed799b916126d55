"""A workbook edited and saved by LibreOffice imports like one saved by Excel: the file must really be LibreOffice's."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.authoring.conftest import run
from tests.authoring.workbook_support import edit, export, row_of

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) is not installed; dev/setup installs it, and CI never skips this",
)


def through_libreoffice(book: Path, folder: Path) -> Path:
    """Open `book` in headless LibreOffice Calc and save it as .xlsx again, with a private profile."""
    assert SOFFICE is not None, "LibreOffice (soffice) is required in CI: run dev/setup"
    out = folder / "libreoffice"
    out.mkdir()
    profile = (folder / "lo-profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = out / book.name
    with zipfile.ZipFile(saved) as archive:
        assert b"LibreOffice" in archive.read("docProps/app.xml")  # written by LibreOffice, not by openpyxl
    return saved


def test_a_workbook_saved_by_libreoffice_imports_its_judgements(example, tmp_path: Path) -> None:
    """Edits made before LibreOffice re-saves the workbook arrive in claims.yml and register.yml; untouched rows stay untouched."""
    pack = example("fenland-water")
    (pack / "documents" / "colocation.md").write_text("# Co-location plan\n")

    def judge(wb: Any) -> None:
        ws = wb["Claims"]
        row = row_of(wb, "DEC.INT.03")
        ws[f"F{row}"] = "met"
        ws[f"I{row}"] = dt.date(2026, 10, 1)
        ws[f"J{row}"] = "FW04, FW14"
        for letter, value in zip(
            "ABCDEF",
            ["FW14", "Co-location plan", "plan", "documents/colocation.md", dt.date(2026, 9, 30), "Priya Raman"],
            strict=True,
        ):
            wb["Register"][f"{letter}16"] = value

    edited = edit(export(pack, tmp_path / "a.xlsx"), tmp_path / "assessment.xlsx", judge)
    saved = through_libreoffice(edited, tmp_path)
    code, out, err = run("workbook", "import", saved, pack)
    assert (code, out) == (
        0,
        "claims (creating gate): 0 added; 1 changed (DEC.INT.03); 25 unchanged\nregister: 1 added (FW14)\n",
    ), err
    claims = (pack / "claims.yml").read_text()
    assert (
        "  - outcome: DEC.INT.03\n    status: met\n" in claims
        and '    date: "2026-10-01"\n    evidence: [FW04, FW14]\n' in claims
    )
    assert "  - id: FW14\n    title: Co-location plan\n" in (pack / "register.yml").read_text()
    assert run("validate", pack)[0] == 0


def test_an_unedited_workbook_saved_by_libreoffice_changes_nothing(example, tmp_path: Path) -> None:
    """LibreOffice's own way of writing dates, text and empty cells reads back as the same judgements."""
    pack = example("severn-highways")
    before = {p.name: p.read_bytes() for p in pack.glob("*.yml")}
    saved = through_libreoffice(export(pack, tmp_path / "assessment.xlsx"), tmp_path)
    code, out, _ = run("workbook", "import", saved, pack)
    assert (code, out) == (0, "claims (review gate): 0 added; 0 changed; 145 unchanged\nregister: 0 added\n")
    assert {p.name: p.read_bytes() for p in pack.glob("*.yml")} == before
