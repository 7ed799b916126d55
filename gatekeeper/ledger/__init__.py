"""The tamper-evident decision ledger: where recorded gate decisions live, and how to open one.

A ledger is an append-only table of rows chained by SHA-256 (see `gatekeeper.ledger.chain` for the
exact formula), in an SQLite file by default or in PostgreSQL for a shared office.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import unquote

from gatekeeper.ledger.chain import KEY_ENV, Finding, Row
from gatekeeper.problems import InputError, Problem

__all__ = [
    "LEDGER_ENV",
    "KEY_ENV",
    "Finding",
    "Ledger",
    "Row",
    "changed_documents",
    "default_location",
    "open_ledger",
]

LEDGER_ENV = "GATEKEEPER_LEDGER"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")
_SQLITE_SCHEME = "sqlite://"


class Ledger(Protocol):
    """What every ledger backend offers."""

    location: str  # for messages; never holds a password

    def append(self, entry: Mapping[str, Any], *, key: str) -> Row: ...

    def rows(self) -> list[Row]: ...

    def get(self, seq: int) -> Row: ...

    def verify(self) -> list[Finding]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Ledger: ...

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None: ...


def _sqlite_path(url: str) -> Path | None:
    """The file a SQLite ledger URL or plain path names; None for a PostgreSQL URL."""
    if url.startswith(_POSTGRES_SCHEMES):
        return None
    if url.startswith(_SQLITE_SCHEME):
        rest = unquote(url[len(_SQLITE_SCHEME) :])
        if not rest.startswith("/"):
            raise InputError(Problem(url, message="a SQLite ledger URL needs an absolute path: sqlite:///abs/path"))
        if "\x00" in rest:  # %00: no file name can hold it, and SQLite would cut the name short there
            raise InputError(
                Problem(url, message="the ledger path contains a NUL character (%00); no file can have that name")
            )
        return Path(rest)
    if "://" in url:
        scheme = url.split("://", 1)[0]
        message = f"unknown ledger URL scheme {scheme!r} (use a file path, sqlite:///path or postgresql://...)"
        # Only the scheme is echoed: the rest of an unknown URL may hold a password.
        raise InputError(Problem(f"{scheme}://...", message=message))
    if "\x00" in url:
        raise InputError(
            Problem(
                url.replace("\x00", "\\x00"),
                message="the ledger path contains a NUL character; no file can have that name",
            )
        )
    return Path(url).expanduser()


def default_location() -> Path:
    """$GATEKEEPER_LEDGER when it names a file, else $XDG_DATA_HOME/gatekeeper/ledger.sqlite3."""
    configured = os.environ.get(LEDGER_ENV, "")
    if configured:
        path = _sqlite_path(configured)
        if path is not None:
            return path
    data_home = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = Path(data_home) if data_home and os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return base / "gatekeeper" / "ledger.sqlite3"


def _secret() -> bytes | None:
    value = os.environ.get(KEY_ENV, "")
    return value.encode("utf-8") if value else None


def open_ledger(url: str | None = None) -> Ledger:
    """Open the ledger at url: None uses $GATEKEEPER_LEDGER, then the default SQLite file.

    A plain path or sqlite:///abs/path is SQLite; postgresql://... is PostgreSQL (psycopg 3).
    Nothing is touched until the first read or append, so opening never fails on I/O.
    With $GATEKEEPER_LEDGER_KEY set, appends carry a MAC and verify checks it.
    """
    if url is None or url == "":
        url = os.environ.get(LEDGER_ENV, "") or str(default_location())
    path = _sqlite_path(url)
    if path is None:
        from gatekeeper.ledger.postgres import PostgresLedger

        return PostgresLedger(url, secret=_secret())
    from gatekeeper.ledger.sqlite import SqliteLedger

    return SqliteLedger(path, secret=_secret())


def changed_documents(row: Row, pack: Path) -> list[str]:
    """Each document of the row's entry ("files": {relpath: sha256}) changed or missing in pack now."""
    from gatekeeper.loading.paths import DocumentHasher, HashBudgetExceeded, check_reference

    files = row.entry.get("files") or {}
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        message = f"row {row.seq}: entry 'files' must map paths to sha256 hex digests"
        raise InputError(Problem(f"ledger row {row.seq}", message=message, json_path="$.files"))
    changed = []
    # The pack's own safe opener: stays inside the pack, refuses symlinks out, never blocks, and
    # hashes each distinct file once within the same budget as loading the pack.
    hasher = DocumentHasher(pack)
    for relpath in sorted(files):
        try:
            now = hasher.inspect(relpath)
        except HashBudgetExceeded as exceeded:
            changed.append(f"not checked further: {exceeded}")
            break
        if now.problem is None:
            if now.sha256 != files[relpath].lower():
                changed.append(f"{relpath}: changed since the decision of row {row.seq}")
        elif now.exists or check_reference(relpath) is not None:
            changed.append(f"{relpath}: {now.problem} (since the decision of row {row.seq})")
        else:
            changed.append(f"{relpath}: missing since the decision of row {row.seq}")
    return changed + _listing_changes(row, pack, skip=set(files))


def _listing_changes(row: Row, pack: Path, *, skip: set[str]) -> list[str]:
    """Files added to, removed from or changed in the whole pack since the row's listing ("pack_files")."""
    from gatekeeper.ledger.entry import pack_listing

    recorded = row.entry.get("pack_files")
    if recorded is None:  # recorded before decisions listed the whole pack
        return []
    if not isinstance(recorded, dict) or not all(isinstance(v, str) for v in recorded.values()):
        message = f"row {row.seq}: entry 'pack_files' must map paths to sha256 hex digests"
        raise InputError(Problem(f"ledger row {row.seq}", message=message, json_path="$.pack_files"))
    now = pack_listing(pack)
    changes = []
    for relpath in sorted(set(recorded) | set(now)):
        if relpath in skip:  # already compared, file by file
            continue
        if relpath not in now:
            changes.append(f"{relpath}: removed since the decision of row {row.seq}")
        elif relpath not in recorded:
            changes.append(f"{relpath}: added since the decision of row {row.seq}")
        elif now[relpath] != recorded[relpath]:
            changes.append(f"{relpath}: changed since the decision of row {row.seq}")
    return changes
