"""`gatekeeper workbook export|import`: a lossless round trip, judgements written back, every bad workbook located."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from gatekeeper.authoring.workbook_layout import CLAIM_COLUMNS
from tests.authoring.conftest import EXAMPLE_NAMES, run, snapshot
from tests.authoring.workbook_support import edit, export, rezip, row_of


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_export_then_import_without_edits_leaves_every_pack_file_byte_identical(
    example, tmp_path: Path, name: str
) -> None:
    """On every example, importing the exported workbook unchanged writes nothing and reports every claim unchanged."""
    pack = example(name)
    before = snapshot(pack)
    book = export(pack, tmp_path / "a.xlsx")
    code, out, err = run("workbook", "import", book, pack)
    assert code == 0
    assert re.fullmatch(r"claims \([a-z]+ gate\): 0 added; 0 changed; [0-9]+ unchanged\nregister: 0 added\n", out)
    assert err == "nothing to write: the pack already holds every judgement in the workbook\n"
    assert snapshot(pack) == before


def test_export_gives_the_same_bytes_for_the_same_pack(example, tmp_path: Path) -> None:
    """Two exports of one pack are byte-identical: fixed document dates and zip timestamps."""
    pack = example("severn-highways")
    assert export(pack, tmp_path / "a.xlsx").read_bytes() == export(pack, tmp_path / "b.xlsx").read_bytes()


def test_the_exported_workbook_is_laid_out_for_assessors(example, tmp_path: Path) -> None:
    """Sheets, protection, unlocked columns, dropdowns, dates, frozen header, filter and print setup are as promised."""
    pack = example("fenland-water")
    wb = openpyxl.load_workbook(export(pack, tmp_path / "a.xlsx", "--gate", "creating"))
    assert wb.sheetnames == ["Instructions", "Claims", "Register", "Lists"]
    assert wb["Lists"].sheet_state == "hidden"
    assert wb.security.lockStructure
    ws = wb["Claims"]
    assert [c.value for c in ws[1]] == [c.header for c in CLAIM_COLUMNS]
    assert ws.max_row == 27  # the 26 Deciding outcomes
    assert ws.protection.sheet and ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:O27"
    assert (ws.page_setup.orientation, ws.page_setup.fitToWidth, ws.print_title_rows) == ("landscape", 1, "$1:$1")
    row = row_of(wb, "DEC.BEH.04")
    assert [ws[f"{c}{row}"].value for c in "ABCFGHJ"] == [
        "DEC.BEH.04",
        "DEC.BEH",
        "no",
        "partly_met",
        "Dr Miriam Achebe",
        "interview",
        "FW06, FW07",
    ]
    assert ws[f"I{row}"].is_date and ws[f"I{row}"].value == dt.datetime(2026, 9, 29)
    assert ws[f"O{row}"].value == dt.datetime(2026, 12, 18) and ws[f"N{row}"].value == "Priya Raman"
    assert [ws[f"{c}{row}"].protection.locked for c in "ABCDEFGHIJKLMNO"] == [True] * 5 + [False] * 10
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation if v.type == "list"}
    assert lists["F2:F27"] == '"met,partly_met,not_met,not_applicable"'
    assert lists["G2:G27"] == "Lists!$B$2:$B$3" and lists["J2:J27"] == "Lists!$A$2:$A$15"
    assert [wb["Lists"][f"B{r}"].value for r in (2, 3)] == ["Dr Miriam Achebe", "Tom Pryce"]
    register = wb["Register"]
    assert [c.value for c in register[2]][:4] == [
        "FW01",
        "Fens Resilience Programme: Outline Business Case v1.2",
        "business_case",
        "documents/2026-02-27-outline-business-case.md",
    ]
    assert register["A2"].protection.locked and not register["A16"].protection.locked


def _judge(wb: Any) -> None:
    ws = wb["Claims"]
    row = row_of(wb, "DEC.BEH.04")
    ws[f"F{row}"] = "met"
    ws[f"L{row}"] = "Pulse survey done: 87 % understood the benefits."
    for letter in "MNO":
        ws[f"{letter}{row}"] = None
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


def _check_judged(pack: Path, before: dict[str, bytes]) -> None:
    claims = (pack / "claims.yml").read_text()
    old = before["claims.yml"].decode()
    beh04 = old[old.index("  - outcome: DEC.BEH.04") : old.index("  - outcome: DEC.BEH.05")]
    assert beh04 in old and "  - outcome: DEC.BEH.04\n    status: met\n" in claims
    assert '    note: "Pulse survey done: 87 % understood the benefits."\n  - outcome: DEC.BEH.05' in claims
    assert '    date: "2026-10-01"\n    evidence: [FW04, FW14]\n' in claims
    register = (pack / "register.yml").read_bytes()
    assert register.startswith(before["register.yml"])
    assert (
        register[len(before["register.yml"]) :]
        .decode()
        .startswith("  - id: FW14\n    title: Co-location plan\n    kind: plan\n")
    )
    unchanged = {k: v for k, v in before.items() if k not in ("claims.yml", "register.yml")}
    assert {k: v for k, v in snapshot(pack).items() if k in unchanged} == unchanged


def test_import_writes_judgements_and_new_evidence_back_and_shows_them_first(example, tmp_path: Path) -> None:
    """Edited claims and a new Register row reach claims.yml and register.yml; --dry-run shows the same and writes nothing."""
    pack = example("fenland-water")
    (pack / "documents" / "colocation.md").write_text("# Co-location plan\n")
    before = snapshot(pack)
    book = edit(export(pack, tmp_path / "a.xlsx"), tmp_path / "edited.xlsx", _judge)
    summary = (
        "claims (creating gate): 0 added; 2 changed (DEC.BEH.04, DEC.INT.03); 24 unchanged\nregister: 1 added (FW14)\n"
    )
    assert run("workbook", "import", book, pack, "--dry-run") == (
        0,
        summary,
        "dry run: would write claims.yml, register.yml; nothing written\n",
    )
    assert snapshot(pack) == before
    assert run("workbook", "import", book, pack) == (0, summary, f"wrote {pack}/claims.yml, {pack}/register.yml\n")
    _check_judged(pack, before)
    assert run("validate", pack)[0] == 0
    assert (
        run("workbook", "import", book, pack)[1]
        == "claims (creating gate): 0 added; 0 changed; 26 unchanged\nregister: 0 added\n"
    )


def test_a_claim_is_added_for_an_outcome_without_one(example, tmp_path: Path) -> None:
    """An outcome with no claim gets one, appended in claims.yml's own layout."""
    pack = example("fenland-water")
    text = (pack / "claims.yml").read_text()
    start = text.index("  - outcome: DEC.COM.12")
    end = text.index("  - outcome: ", start + 5)
    (pack / "claims.yml").write_text(text[:start] + text[end:])

    def claim(wb: Any) -> None:
        row = row_of(wb, "DEC.COM.12")
        for letter, value in zip(
            "FGHIJ", ["not_met", "Tom Pryce", "document_review", dt.date(2026, 9, 29), "FW11"], strict=True
        ):
            wb["Claims"][f"{letter}{row}"] = value

    book = edit(export(pack, tmp_path / "a.xlsx"), tmp_path / "b.xlsx", claim)
    code, out, _ = run("workbook", "import", book, pack)
    assert (code, out.splitlines()[0]) == (0, "claims (creating gate): 1 added (DEC.COM.12); 0 changed; 25 unchanged")
    assert (
        (pack / "claims.yml")
        .read_text()
        .endswith(
            "  - outcome: DEC.COM.12\n    status: not_met\n    assessed_by: Tom Pryce\n    method: document_review\n"
            '    date: "2026-09-29"\n    evidence: [FW11]\n'
        )
    )


def test_two_assessors_workbooks_for_different_outcomes_import_one_after_the_other(example, tmp_path: Path) -> None:
    """Rows an assessor did not touch are left alone, so a second workbook does not undo the first one's import."""
    pack = example("fenland-water")
    exported = export(pack, tmp_path / "a.xlsx")

    def first(wb: Any) -> None:
        wb["Claims"][f"F{row_of(wb, 'DEC.BEH.04')}"] = "met"

    def second(wb: Any) -> None:
        wb["Claims"][f"L{row_of(wb, 'DEC.COM.09')}"] = "Scenarios extended to a 40 % overrun."

    one, two = edit(exported, tmp_path / "one.xlsx", first), edit(exported, tmp_path / "two.xlsx", second)
    assert run("workbook", "import", one, pack)[1].startswith("claims (creating gate): 0 added; 1 changed (DEC.BEH.04)")
    assert run("workbook", "import", two, pack)[1].startswith("claims (creating gate): 0 added; 1 changed (DEC.COM.09)")
    claims = (pack / "claims.yml").read_text()
    assert "  - outcome: DEC.BEH.04\n    status: met\n" in claims
    assert (
        "    note: >-\n      Scenarios extended to a 40 % overrun.\n    actions:" in claims
    )  # the note keeps its style


def test_the_same_outcome_edited_in_two_workbooks_is_a_located_conflict(example, tmp_path: Path) -> None:
    """The second import of a claim that changed in the pack since the export is refused at that row; nothing is written."""
    pack = example("fenland-water")
    exported = export(pack, tmp_path / "a.xlsx")
    one = edit(
        exported, tmp_path / "one.xlsx", lambda wb: wb["Claims"].__setitem__(f"F{row_of(wb, 'DEC.BEH.04')}", "met")
    )
    two = edit(
        exported, tmp_path / "two.xlsx", lambda wb: wb["Claims"].__setitem__(f"F{row_of(wb, 'DEC.BEH.04')}", "not_met")
    )
    assert run("workbook", "import", one, pack)[0] == 0
    before = snapshot(pack)
    assert run("workbook", "import", two, pack) == (
        3,
        "",
        (
            f"{two}:Claims!A5: DEC.BEH.04 was edited here and its claim in claims.yml changed since the export: "
            "export again and redo this row\n"
        ),
    )
    assert snapshot(pack) == before


# --- bad workbooks: each a located error, exit 3, nothing written ------------------------------


def _cell(sheet: str, cell: str, value: Any) -> Any:
    def change(wb: Any) -> None:
        wb[sheet][cell] = value

    return change


def _swap_rows(wb: Any) -> None:
    ws = wb["Claims"]
    for column in range(1, 16):
        upper, lower = ws.cell(3, column), ws.cell(4, column)
        upper.value, lower.value = lower.value, upper.value


def _rename(wb: Any) -> None:
    wb["Register"].title = "Evidence"


def _remove(wb: Any) -> None:
    del wb["Instructions"]


def _merge(wb: Any) -> None:
    wb["Claims"].merge_cells("K5:L5")


BAD_EDITS = {
    "formula": (
        _cell("Claims", "L5", '=HYPERLINK("http://x")'),
        ['{book}:Claims!L5: a formula (=HYPERLINK("http://x")): formulas are not evaluated; type the value itself'],
    ),
    "locked column": (
        _cell("Claims", "D5", "Something else"),
        [
            "{book}:Claims!D5: locked: the column 'Outcome (Code of Practice)' of DEC.BEH.04 was edited; only the white columns can change"
        ],
    ),
    "row moved": (
        _swap_rows,
        [
            "{book}:Claims!A3: row moved: this row was exported for DEC.BEH.02 and now holds DEC.BEH.03; rows must stay in place",
            "{book}:Claims!A4: row moved: this row was exported for DEC.BEH.03 and now holds DEC.BEH.02; rows must stay in place",
        ],
    ),
    "date as text": (
        _cell("Claims", "I5", "1 Oct 2026"),
        ["{book}:Claims!I5: a date typed as text ('1 Oct 2026'): enter it as a date (YYYY-MM-DD)"],
    ),
    "status outside the dropdown": (
        _cell("Claims", "F5", "done"),
        ["{book}:Claims!F5: 'done' is not a status: choose one of met, partly_met, not_met, not_applicable"],
    ),
    "assessor outside the dropdown": (
        _cell("Claims", "G5", "Someone Else"),
        [
            "{book}:Claims!G5: 'Someone Else' is not an assessor declared in manifest.yml: choose one of Dr Miriam Achebe, Tom Pryce"
        ],
    ),
    "evidence outside the register": (
        _cell("Claims", "J5", "FW06, FW99"),
        ["{book}:Claims!J5: evidence 'FW99' is not in the register (see the Register sheet)"],
    ),
    "register row edited": (
        _cell("Register", "B3", "Another title"),
        [
            "{book}:Register!B3: locked: FW02 is in register.yml; change it there (or with `gatekeeper register refresh`)"
        ],
    ),
    "new evidence outside the pack": (
        lambda wb: [
            wb["Register"].__setitem__(f"{c}16", v)
            for c, v in zip("ABCDEF", ["FW14", "X", "minute", "../x.md", "2026-10-01", "Priya Raman"], strict=True)
        ],
        [
            "{book}:Register!C16: unknown kind 'minute'; did you mean 'minutes'? Allowed kinds: agreement, assessment_record, "
            "business_case, communication, decision_record, interview_record, minutes, model, organisation_chart, plan, process, "
            "register, report, role_description, strategy, survey_result, terms_of_reference",
            "{book}:Register!D16: ../x.md: document path '../x.md' refused: '..' is not allowed in references; the document must be inside the pack",
            "{book}:Register!E16: a date typed as text ('2026-10-01'): enter it as a date (YYYY-MM-DD)",
        ],
    ),
    "sheet renamed": (
        _rename,
        [
            "{book}: sheet 'Register' is missing (renamed or removed?); the workbook has 'Evidence': export the workbook again"
        ],
    ),
    "sheet removed": (
        _remove,
        ["{book}: sheet 'Instructions' is missing (renamed or removed?): export the workbook again"],
    ),
    "merged cells": (
        _merge,
        ["{book}:Claims!K5: merged cells are not allowed: unmerge them (each cell holds one value)"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_EDITS))
def test_a_bad_edit_is_a_located_error_and_nothing_is_written(example, tmp_path: Path, case: str) -> None:
    """Formulas, locked cells, moved rows, text dates, values outside a dropdown, renamed sheets, merges: located, exit 3."""
    pack = example("fenland-water")
    change, expected = BAD_EDITS[case]
    book = edit(export(pack, tmp_path / "a.xlsx"), tmp_path / "bad.xlsx", change)
    before = snapshot(pack)
    assert run("workbook", "import", book, pack) == (3, "", "".join(line.format(book=book) + "\n" for line in expected))
    assert snapshot(pack) == before


def test_every_problem_is_reported_at_once_in_reading_order(example, tmp_path: Path) -> None:
    """Problems in several cells come together, sorted by sheet, then row, then column (F9 before F14)."""
    pack = example("fenland-water")

    def many(wb: Any) -> None:
        wb["Claims"]["F14"] = "done"
        wb["Claims"]["H9"] = "guess"
        wb["Claims"]["F9"] = "done"

    book = edit(export(pack, tmp_path / "a.xlsx"), tmp_path / "bad.xlsx", many)
    code, _, err = run("workbook", "import", book, pack)
    assert code == 3
    assert [line.split(": ")[0] for line in err.splitlines()] == [
        f"{book}:Claims!F9",
        f"{book}:Claims!H9",
        f"{book}:Claims!F14",
    ]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("xlsm", "{book}: a macro-enabled workbook is refused: save it as .xlsx (Excel Workbook)"),
        ("vba", "{book}: the workbook contains macros (vbaProject.bin): save it as .xlsx without macros"),
        (
            "encrypted",
            "{book}: an encrypted (password-protected) workbook or an old .xls file: save it as an unprotected .xlsx",
        ),
        ("external link", "{book}: the workbook links to other workbooks (external links): remove the links"),
        ("declared bomb", "{book}: part xl/bomb.xml would expand to 80000000 bytes: refused"),
        ("lying sizes", "{book}: part xl/worksheets/sheet2.xml is damaged or expands past its declared size: refused"),
        ("not a zip", "{book}: not an .xlsx workbook (not a readable zip: File is not a zip file)"),
    ],
)
def test_hostile_files_are_refused_before_openpyxl_opens_them(example, tmp_path: Path, case: str, message: str) -> None:
    """Macros, encryption, external links, zip bombs and non-zips are refused from the zip itself, exit 3."""
    pack = example("fenland-water")
    exported = export(pack, tmp_path / "a.xlsx")
    book = tmp_path / "bad.xlsx"
    if case == "xlsm":
        book = tmp_path / "bad.xlsm"
        shutil.copyfile(exported, book)
    elif case == "vba":
        rezip(exported, book, add={"xl/vbaProject.bin": b"\x00" * 64})
    elif case == "encrypted":
        book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    elif case == "external link":
        rezip(exported, book, add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    elif case == "declared bomb":
        rezip(exported, book, add={"xl/bomb.xml": b"\x00" * 80_000_000})
    elif case == "lying sizes":
        _understate(exported, book, "xl/worksheets/sheet2.xml")
    else:
        book.write_bytes(b"PK not really a zip")
    before = snapshot(pack)
    assert run("workbook", "import", book, pack) == (3, "", message.format(book=book) + "\n")
    assert snapshot(pack) == before


def _understate(source: Path, target: Path, name: str) -> None:
    """Rewrite one part's declared uncompressed size (local header and central directory) to 100 bytes."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(name)
    # Local file header: uncompressed size at offset 22.
    struct.pack_into("<I", data, info.header_offset + 22, 100)
    # Central directory entry: find it by its signature and name, uncompressed size at offset 24.
    encoded = name.encode()
    index = data.find(b"PK\x01\x02")
    while index != -1:
        length = struct.unpack_from("<H", data, index + 28)[0]
        if bytes(data[index + 46 : index + 46 + length]) == encoded:
            struct.pack_into("<I", data, index + 24, 100)
            break
        index = data.find(b"PK\x01\x02", index + 4)
    target.write_bytes(bytes(data))


def test_a_workbook_of_100000_rows_is_refused_quickly_at_the_first_row_too_many(example, tmp_path: Path) -> None:
    """A Claims sheet padded to 100,000 rows is refused at the first row past the bound, without reading the rest."""
    pack = example("fenland-water")
    exported = export(pack, tmp_path / "a.xlsx")
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(28, 100_028))

    def pad(xml: bytes) -> bytes:
        text = xml.decode()
        text = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:O100027"/>', text)
        return text.replace("</sheetData>", rows + "</sheetData>").encode()

    book = rezip(exported, tmp_path / "big.xlsx", replace={"xl/worksheets/sheet2.xml": pad})
    started = dt.datetime.now()
    code, out, err = run("workbook", "import", book, pack)
    elapsed = (dt.datetime.now() - started).total_seconds()
    assert (code, out) == (3, "")
    assert err.splitlines()[0] == f"{book}:Claims!A28: a row below the 26 exported outcomes: rows cannot be added here"
    assert (
        err.splitlines()[-1]
        == f"{book}:Claims!A1028: the sheet has more than 1026 rows; it holds only the 26 exported outcomes: refused"
    )
    assert elapsed < 30  # measured ~1 s; generous for a loaded machine
