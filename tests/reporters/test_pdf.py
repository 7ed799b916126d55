"""PDF for board papers: WeasyPrint typesets the same page as the HTML, byte-stable, read back as text."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ARTIFACTS = Path(os.environ.get("GATEKEEPER_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts"))
AS_OF = "2026-11-01"
# The full northgate report (every outcome in scope with its requirements and evidence) prints in at
# most this many A4 pages; the brief on exactly one.
FULL_PAGES = 36


def pdf(example: str, *args: str, out: Path) -> pypdf.PdfReader:
    result = CliRunner().invoke(
        main, ["check", str(EXAMPLES / example), "--as-of", AS_OF, *args, "--format", f"pdf:{out}"]
    )
    assert result.exit_code in (0, 1), result.output
    return pypdf.PdfReader(io.BytesIO(out.read_bytes()))


def test_the_brief_prints_on_one_page_with_the_decision_and_each_action(tmp_path: Path) -> None:
    """`check --summary --format pdf` is one page that reads back with the decision and the actions' owners and dates."""
    reader = pdf("northgate-rail", "--summary", out=tmp_path / "brief.pdf")
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "FAIL: 4 blocking outcomes; the alliance may not leave Creating." in text
    assert "(owner: Nadia Rahman, by 2026-11-30)" in text
    assert "(owner: Andrew Whitcombe, by 2027-03-31)" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "brief-northgate-rail.pdf").write_bytes((tmp_path / "brief.pdf").read_bytes())


def test_the_same_input_gives_the_same_bytes_dated_as_of(tmp_path: Path) -> None:
    """Two renders are identical, and the metadata dates are the as-of date, not the time of writing."""
    first = pdf("fenland-water", "--summary", out=tmp_path / "a.pdf")
    pdf("fenland-water", "--summary", out=tmp_path / "b.pdf")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert first.metadata is not None
    assert (first.metadata["/CreationDate"], first.metadata["/ModDate"]) == ("D:20261101000000Z",) * 2


@pytest.mark.slow
def test_the_full_northgate_report_prints_in_a_reasonable_number_of_pages(tmp_path: Path) -> None:
    """The full report starts with the brief on page one, holds every outcome, and stays within FULL_PAGES pages."""
    reader = pdf("northgate-rail", out=tmp_path / "full.pdf")
    assert 2 <= len(reader.pages) <= FULL_PAGES
    first = " ".join(reader.pages[0].extract_text().split())
    assert first.startswith("DECISION BRIEF") and "Before the gate can pass" in first
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "CRE.COM.13" in text and "What this decision rests on" in text
