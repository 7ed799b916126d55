"""The portfolio workbook on paper and on screen: printed by LibreOffice to PDF in few landscape pages,
the review's facts on the Summary sheet, decisions coloured, links to each alliance's report."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pypdf
import pypdfium2
import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ARTIFACTS = Path(os.environ.get("GATEKEEPER_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts"))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
AS_OF = "2026-11-01"


@pytest.fixture
def review(tmp_path: Path) -> Path:
    """The examples' review as a workbook beside their HTML reports (--reports)."""
    book = tmp_path / "review.xlsx"
    result = CliRunner().invoke(
        main,
        ["portfolio", str(EXAMPLES), "--as-of", AS_OF, "--jobs", "1", "--reports", str(tmp_path / "reports"),
         "--format", f"xlsx:{book}", "--format", f"html:{tmp_path / 'review.html'}"],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # two of the three examples fail
    return book


def test_summary_sheet_names_the_review_colours_decisions_and_links_reports(review: Path) -> None:
    """The Summary sheet says as of, rule pack and profile; decisions and overdue counts are conditionally
    formatted; packs are relative; each alliance links to its own report, which exists."""
    ws = openpyxl.load_workbook(review)["Summary"]
    facts = {row[0]: row[1] for row in ws.iter_rows(max_row=5, max_col=2, values_only=True)}
    assert facts["Portfolio review as of"] == AS_OF and facts["Profile"] == "none"
    assert str(facts["Rule pack"]).startswith("Alliancing Code of Practice 2.0.0 (sha256 ")
    header = next(r for r in ws.iter_rows() if r[0].value == "Pack")[0].row
    rows = list(ws.iter_rows(min_row=header + 1, values_only=True))
    assert [r[0] for r in rows] == [f"examples/{n}" for n in ("fenland-water", "northgate-rail", "severn-highways")]
    rules = {str(ref): [r.formula for r in cf.rules] for ref, cf in ((c.sqref, c) for c in ws.conditional_formatting)}
    assert rules[f"F{header + 1}:F{header + 3}"] == [['"pass"'], ['"fail"'], ['"error"']]
    assert rules[f"J{header + 1}:J{header + 3}"] == [["0"]]
    links = [ws.cell(row=header + i, column=2).hyperlink.target for i in (1, 2, 3)]
    assert links == [f"reports/{n}.html" for n in ("fenland-water", "northgate-rail", "severn-highways")]
    assert all((review.parent / link).is_file() for link in links)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == f"${header}:${header}"
    html = (review.parent / "review.html").read_text(encoding="utf-8")
    assert all(f'<a href="{link}">' in html for link in links)


@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) is not installed")
def test_the_workbook_prints_in_one_landscape_page_per_sheet(review: Path, tmp_path: Path) -> None:
    """LibreOffice prints the four-sheet review of the examples in four landscape pages (one per sheet,
    fitted to width; it was 18 portrait pages), and a picture of the Summary page is saved."""
    assert SOFFICE is not None, "LibreOffice (soffice) is required in CI: run dev/setup"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(review)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    printed = tmp_path / "pdf" / "review.pdf"
    reader = pypdf.PdfReader(printed)
    assert len(reader.pages) == 4
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Portfolio review as of 2026-11-01" in text and "northgate-rail" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(printed, ARTIFACTS / "portfolio-workbook.pdf")
    pypdfium2.PdfDocument(str(printed))[0].render(scale=1.5).to_pil().save(ARTIFACTS / "portfolio-workbook-page1.png")
    assert (ARTIFACTS / "portfolio-workbook-page1.png").stat().st_size > 10_000
