"""Workbooks as bytes that depend only on their content: the same input gives the same file."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any


def workbook_bytes(workbook: Any, *, dated: dt.date) -> bytes:
    """`workbook` (openpyxl) saved as .xlsx bytes, every zip member dated `dated` (1980 at the earliest).

    ExcelWriter rather than Workbook.save, which stamps "modified" with the time now; and the zip
    re-dated, since the zip format stamps each member with the time it was written.
    """
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    day = max(dated, dt.date(1980, 1, 1))
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
