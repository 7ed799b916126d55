"""Checks on an untrusted .xlsx before any spreadsheet library opens it: size, macros, encryption, links, merges.

A workbook is input like any evidence file. An .xlsx is a zip of XML parts: its central directory
declares each part's size, which a zip bomb understates, so parts are also decompressed here, in
chunks, up to a bound, and the declared and actual sizes compared before openpyxl sees the file.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

# A workbook exported by gatekeeper has about 15 parts and under 1 MB of XML; Excel or LibreOffice
# add a few parts and some styling. These bounds leave room for that and refuse anything far larger.
MAX_FILE_BYTES = 20_000_000
MAX_ENTRIES = 300
MAX_TOTAL_UNCOMPRESSED = 100_000_000
MAX_ENTRY_UNCOMPRESSED = 60_000_000
MAX_RATIO = 200  # uncompressed / compressed, for parts over 1 MB: XML compresses ~10-30x, bombs ~1000x
_CHUNK = 1 << 20
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+[0-9]+)(?::[A-Z]+[0-9]+)?"')
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class GuardFinding:
    """One reason the file cannot be imported; `cell` is 'Sheet!A1' when it is about one place."""

    message: str
    cell: str | None = None


@dataclass(frozen=True)
class GuardResult:
    findings: tuple[GuardFinding, ...]
    merged: tuple[str, ...] = field(default=())  # 'Sheet!A1' of each merged range's first cell


def inspect_xlsx(path: Path) -> GuardResult:
    """Everything that makes the file unsafe or unfit to open, found without a spreadsheet library."""
    if path.suffix.lower() in (".xlsm", ".xltm", ".xlam"):
        return GuardResult((GuardFinding("a macro-enabled workbook is refused: save it as .xlsx (Excel Workbook)"),))
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        return GuardResult((GuardFinding(f"cannot be read: {error.strerror or error}"),))
    if not path.is_file():
        return GuardResult((GuardFinding("not a regular file"),))
    if head == _OLE2:
        return GuardResult(
            (
                GuardFinding(
                    "an encrypted (password-protected) workbook or an old .xls file: save it as an unprotected .xlsx"
                ),
            )
        )
    if size > MAX_FILE_BYTES:
        return GuardResult((GuardFinding(f"the file is larger than {MAX_FILE_BYTES} bytes"),))
    try:
        with zipfile.ZipFile(path) as archive:
            return _inspect_archive(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        return GuardResult((GuardFinding(f"not an .xlsx workbook (not a readable zip: {error})"),))


def _inspect_archive(archive: zipfile.ZipFile) -> GuardResult:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        return GuardResult((GuardFinding(f"the workbook has {len(infos)} parts, more than {MAX_ENTRIES}: refused"),))
    findings: list[GuardFinding] = []
    declared = sum(i.file_size for i in infos)
    if declared > MAX_TOTAL_UNCOMPRESSED:
        return GuardResult(
            (
                GuardFinding(
                    f"the workbook would expand to {declared} bytes, more than {MAX_TOTAL_UNCOMPRESSED}: refused"
                ),
            )
        )
    names = {i.filename for i in infos}
    if any(i.flag_bits & 0x1 for i in infos):
        return GuardResult((GuardFinding("parts of the workbook are encrypted: save it as an unprotected .xlsx"),))
    if any(posixpath.basename(n).lower() == "vbaproject.bin" for n in names):
        findings.append(GuardFinding("the workbook contains macros (vbaProject.bin): save it as .xlsx without macros"))
    if any(n.startswith("xl/externalLinks/") for n in names):
        findings.append(GuardFinding("the workbook links to other workbooks (external links): remove the links"))
    for info in infos:
        if info.file_size > MAX_ENTRY_UNCOMPRESSED:
            return GuardResult((GuardFinding(f"part {info.filename} would expand to {info.file_size} bytes: refused"),))
        if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return GuardResult(
                (
                    GuardFinding(
                        f"part {info.filename} is compressed {info.file_size // max(info.compress_size, 1)} to 1: refused as a zip bomb"
                    ),
                )
            )
    sheets = _sheet_parts(archive, names)
    merged: list[str] = []
    total = 0
    for info in infos:
        try:
            actual, merges = _read_bounded(archive, info, sheet=sheets.get(info.filename))
        except (_TooLarge, zipfile.BadZipFile):  # zipfile stops at the declared size, then the CRC fails
            return GuardResult(
                (GuardFinding(f"part {info.filename} is damaged or expands past its declared size: refused"),)
            )
        except (EOFError, OSError, ValueError, NotImplementedError, zipfile.LargeZipFile) as error:
            return GuardResult((GuardFinding(f"part {info.filename} cannot be read: {error}"),))
        total += actual
        merged += merges
    if total > MAX_TOTAL_UNCOMPRESSED:
        return GuardResult((GuardFinding("the workbook expands past its declared size: refused"),))
    if "[Content_Types].xml" in names:
        types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in types:
            findings.append(GuardFinding("a macro-enabled workbook is refused: save it as .xlsx (Excel Workbook)"))
    return GuardResult(tuple(findings), tuple(merged))


class _TooLarge(Exception):
    pass


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, sheet: str | None) -> tuple[int, list[str]]:
    """Decompress one part in chunks, never past its declared size; collect merged ranges of a sheet."""
    size = 0
    merges: list[str] = []
    tail = b""
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > info.file_size or size > MAX_ENTRY_UNCOMPRESSED:
                raise _TooLarge
            if sheet is not None:
                window = tail + chunk
                merges += [f"{sheet}!{m.group(1).decode()}" for m in _MERGE.finditer(window)]  # repeats dropped below
                tail = window[-200:]
    return size, sorted(set(merges))


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Part name -> sheet name, from the workbook part and its relationships (small XML, bounded above)."""
    try:
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return {}
        if (
            archive.getinfo("xl/workbook.xml").file_size > 5_000_000
            or archive.getinfo("xl/_rels/workbook.xml.rels").file_size > 5_000_000
        ):
            return {}
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (ElementTree.ParseError, KeyError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    targets = {}
    for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
    parts = {}
    for sheet in book.iter(f"{_MAIN_NS}sheet"):
        part = targets.get(sheet.get(f"{_REL_NS}id"))
        if part is not None:
            parts[part] = sheet.get("name", "")
    return parts
