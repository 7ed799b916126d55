"""The ledger for a terminal: one line per row, one row in full, or the verification's findings.

Rows hold text typed by whoever recorded a decision (--by, --role, --note) and files named after
the pack: every such value is shown with its control characters as visible escapes.
"""

from __future__ import annotations

import json
from typing import Any

from gatekeeper.ledger.chain import Row
from gatekeeper.reporters._common.json import escape_misleading
from gatekeeper.reporters._common.text import terminal
from gatekeeper.reporters.ledger import Entry, Listing, Verification
from gatekeeper.reporters.options import RenderOptions

# The columns of `ledger list`, and where in an entry (as `gatekeeper record` writes it) each comes from.
LIST_HEADERS: tuple[str, ...] = ("sequence", "when", "alliance", "gate", "computed", "decided", "by", "role")


def _get(entry: dict[str, Any], *path: str) -> str:
    value: Any = entry
    for key in path:
        if not isinstance(value, dict):
            return ""
        value = value.get(key)
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def list_values(row: Row) -> tuple[str, ...]:
    """One row of `ledger list`, in LIST_HEADERS order; a field the entry does not hold is empty."""
    entry = row.entry
    decided = entry.get("decision")
    return (
        str(row.seq),
        row.recorded_at,
        _get(entry, "alliance", "id"),
        _get(entry, "gate"),
        _get(entry, "computed", "decision"),
        decided if isinstance(decided, str) else _get(entry, "decision", "value"),
        _get(entry, "decision", "by"),
        _get(entry, "decision", "role"),
    )


def _listing(result: Listing) -> list[str]:
    """A table with a header: every value on one line, its control characters visible, columns aligned."""
    if not result.rows:
        return ["no decisions recorded"]
    table = [LIST_HEADERS, *(tuple(terminal(v) for v in list_values(row)) for row in result.rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(LIST_HEADERS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
    return [lines[0], "  ".join("-" * w for w in widths), *lines[1:]]


def _decision_lines(row: Row) -> list[str]:
    """The human decision beside the computed one, and the files whose hashes the row recorded."""
    entry = row.entry
    computed, decided = _get(entry, "computed", "decision"), list_values(row)[5]
    lines: list[str] = []
    if isinstance(entry.get("computed"), dict) or isinstance(entry.get("decision"), dict):  # as `record` writes it
        by = ", ".join(v for v in (_get(entry, "decision", "by"), _get(entry, "decision", "role")) if v)
        differs = " (differs from the computed decision)" if computed and decided and computed != decided else ""
        lines += [
            f"alliance:    {terminal(_get(entry, 'alliance', 'id'))} {terminal(_get(entry, 'alliance', 'name'))}".rstrip(),
            f"gate:        {terminal(_get(entry, 'gate'))}, as of {terminal(_get(entry, 'as_of'))}",
            f"computed:    {terminal(computed) or '-'}",
            f"decided:     {terminal(decided) or '-'}{' by ' + terminal(by) if by else ''}{differs}",
        ]
        note = _get(entry, "decision", "note")
        if note:
            lines.append(f"note:        {terminal(note)}")
    files = entry.get("files")
    if isinstance(files, dict) and files:
        lines.append(f"files ({len(files)}, sha256):")
        width = max(len(terminal(str(name))) for name in files)
        lines += [
            f"  {terminal(str(name)).ljust(width)}  {terminal(str(digest))}" for name, digest in sorted(files.items())
        ]
    return lines


def _entry(result: Entry) -> list[str]:
    row = result.row
    return [
        f"row:         {row.seq}",
        f"key:         {terminal(row.key)}",
        f"recorded at: {terminal(row.recorded_at)}",
        f"prev hash:   {terminal(row.prev_hash)}",
        f"row hash:    {terminal(row.row_hash)}",
        f"mac:         {terminal(row.mac or '(none)')}",
        *_decision_lines(row),
        "entry:",
        # json.dumps escapes C0 controls; C1, bidi and line separators are escaped after it.
        escape_misleading(json.dumps(row.entry, indent=2, sort_keys=True, ensure_ascii=False)),
    ]


def _verification(result: Verification) -> list[str]:
    location = terminal(result.location)
    lines = [f"{location}: {terminal(finding.message)}" for finding in result.findings]
    lines += [f"{terminal(result.pack)}: {terminal(document)}" for document in result.documents]
    if not result.findings and not result.documents:
        # The head is printed so it can be kept elsewhere: only that catches deleted newest rows.
        where = "empty"
        if result.rows:
            head = result.rows[-1]
            count = "1 row" if len(result.rows) == 1 else f"{len(result.rows)} rows"
            where = f"{count}, head row {head.seq} {terminal(head.row_hash)}"
        lines.append(f"{location}: ledger intact ({where})")
    return lines


def render(result: Listing | Entry | Verification, options: RenderOptions) -> str:
    if isinstance(result, Listing):
        lines = _listing(result)
    elif isinstance(result, Entry):
        lines = _entry(result)
    else:
        lines = _verification(result)
    return "".join(f"{line}\n" for line in lines)
