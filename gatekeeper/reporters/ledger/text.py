"""The ledger for a terminal: one line per row, one row in full, or the verification's findings.

Rows hold text typed by whoever recorded a decision (--by, --role, --note) and files named after
the pack: every such value is shown with its control characters as visible escapes.
"""

from __future__ import annotations

import json

from gatekeeper.ledger.chain import Row
from gatekeeper.reporters._common.json import escape_misleading
from gatekeeper.reporters._common.text import terminal
from gatekeeper.reporters.ledger import Entry, Listing, Verification
from gatekeeper.reporters.options import RenderOptions

# The fields `ledger list` shows first when an entry has them (as `gatekeeper record` writes them).
LIST_FIELDS = ("alliance.id", "gate", "decision", "decision.value", "decision.by", "as_of", "computed.decision")


def _summary(row: Row, *, width: int = 160) -> str:
    """The entry's plain fields (one level of nesting, as a.b) as k=v, for one line of `ledger list`."""
    plain: dict[str, object] = {}
    for key, value in row.entry.items():
        if isinstance(value, dict):
            plain.update({f"{key}.{k}": v for k, v in value.items() if isinstance(v, (str, int, float, bool))})
        elif isinstance(value, (str, int, float, bool)):
            plain[key] = value
    chosen = [name for name in LIST_FIELDS if name in plain] or sorted(plain)
    text = " ".join(f"{terminal(name)}={terminal(plain[name])}" for name in chosen)
    return text if len(text) <= width else text[: width - 1] + "…"


def _listing(result: Listing) -> list[str]:
    return [f"{row.seq}\t{terminal(row.recorded_at)}\t{terminal(row.key)}\t{_summary(row)}" for row in result.rows]


def _entry(result: Entry) -> list[str]:
    row = result.row
    return [
        f"row:         {row.seq}",
        f"key:         {terminal(row.key)}",
        f"recorded at: {terminal(row.recorded_at)}",
        f"prev hash:   {terminal(row.prev_hash)}",
        f"row hash:    {terminal(row.row_hash)}",
        f"mac:         {terminal(row.mac or '(none)')}",
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
