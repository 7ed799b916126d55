"""One rule for every spreadsheet cell: text is shown, never run; numbers and dates stay what they are."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main
from gatekeeper.reporters._common.cells import csv_document, spreadsheet_cell
from tests.outputs.conftest import AS_OF, FORMULA


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+2", "'+1+2"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'=1"),  # leading whitespace goes, the formula is still caught
        ("\r\n=1", "'=1"),
        ("a\x1b[31mb\x07", "a\\x1b[31mb\\x07"),  # controls visible: an xlsx writer would refuse them
        ("line one\nline two", "line one line two"),
        ("\u202eevil", "\\u202eevil"),
        ("-1500.00", "-1500.00"),  # a plain number is data
        ("+12.5", "+12.5"),
        ("plain text", "plain text"),
        (None, ""),
    ],
)
def test_text_is_neutralised(value: str | None, cell: str) -> None:
    """Formula starts get an apostrophe, controls become visible escapes, line breaks spaces; plain numbers stay."""
    assert spreadsheet_cell(value) == cell


@pytest.mark.parametrize("value", [0, -3, 2.5, Decimal("-1.25"), dt.date(2026, 10, 6), True])
def test_numbers_and_dates_stay_as_they_are(value: object) -> None:
    """Numbers and dates are returned as themselves, so a workbook keeps them numeric and dated."""
    assert spreadsheet_cell(value) is value  # type: ignore[arg-type]


def test_csv_document_applies_the_rule_to_every_cell() -> None:
    """A CSV built by csv_document neutralises every cell but keeps the header and numbers as written."""
    text = csv_document(("a", "b", "c"), [("=1+1", 3, "x\ny")])
    assert text == "a,b,c\n'=1+1,3,x y\n"


@pytest.mark.parametrize(
    ("args", "carries_text"),
    [
        (["audit", "{pack}", "--as-of", AS_OF, "--format", "csv"], True),
        (["portfolio", "{root}", "--as-of", AS_OF, "--jobs", "1", "--format", "csv"], True),
        (["commercial", "simulate", "{pack}", "--format", "csv"], False),  # ids and numbers only
    ],
    ids=["audit", "portfolio", "commercial"],
)
def test_every_csv_family_neutralises_the_same_way(
    args: list[str], carries_text: bool, hostile_root: Path, hostile_pack: Path
) -> None:
    """Every CSV holds the hostile text as "'=...", and no cell but a plain number starts like a formula."""
    argv = [a.format(pack=hostile_pack, root=hostile_root) for a in args]
    result = CliRunner().invoke(main, argv)
    cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row]
    assert len(cells) > 10
    assert ("'" + FORMULA in cells) is carries_text
    assert [c for c in cells if c.startswith(("=", "@")) or (c.startswith(("+", "-")) and not _number(c))] == []
    if not carries_text:
        assert any(c.startswith("-") and _number(c) for c in cells)  # negative amounts stay numbers


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
