"""The ledger in one SQLite file: the default, for a team recording its own gate decisions."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gatekeeper.ledger.chain import (
    COLUMNS,
    MAX_SEQ,
    LedgerBase,
    Row,
    StoredRow,
    altered_columns,
    canonical_json,
    new_row,
)
from gatekeeper.loading.paths import file_kind
from gatekeeper.problems import InputError, Problem

TABLE = "gatekeeper_ledger"
SCHEMA_VERSION = 1

# How long a writer waits for another writer's transaction before giving up. Appends take
# milliseconds, so this only runs out when something holds the file locked for good.
BUSY_TIMEOUT_S = 60.0

NOTHING_RECORDED = "no ledger here (nothing has been recorded yet)"

_COLUMNS = ", ".join(COLUMNS)

# The triggers make the append-only rule hold for every client of the file, not only this code;
# someone determined can drop them, which is what the hash chain and MAC are for.
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    seq INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    recorded_at TEXT NOT NULL,
    entry TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    row_hash TEXT NOT NULL,
    mac TEXT
);
CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'the gatekeeper ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
BEGIN SELECT RAISE(ABORT, 'the gatekeeper ledger is append-only'); END;
PRAGMA user_version = {SCHEMA_VERSION};
"""


class SqliteLedger(LedgerBase):
    """A hash-chained ledger in an SQLite file; safe for many processes appending at once.

    Every append runs in `BEGIN IMMEDIATE`, which takes the write lock before reading the chain's
    head: with deferred transactions two writers read the same head and fork the chain.
    """

    def __init__(self, path: Path, *, secret: bytes | None) -> None:
        self.path = path
        self.location = str(path)
        self._secret = secret
        self._conn: sqlite3.Connection | None = None
        self._writable = False

    # -- public API -------------------------------------------------------------------------

    def append(self, entry: Mapping[str, Any], *, key: str) -> Row:
        """Append one decision; a key already recorded returns the stored row and writes nothing."""
        entry_text = canonical_json(dict(entry))
        conn = self._connect(write=True)
        try:
            conn.execute("BEGIN IMMEDIATE")
            existing = conn.execute(f"SELECT {_COLUMNS} FROM {TABLE} WHERE key = ?", (key,)).fetchone()
            if existing is not None:
                conn.execute("COMMIT")
                return self._parse(StoredRow(*existing))
            last = conn.execute(f"SELECT seq, row_hash FROM {TABLE} ORDER BY seq DESC LIMIT 1").fetchone()
            stored = new_row(last=last, key=key, entry_text=entry_text, secret=self._secret)
            conn.execute(f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", stored.values())
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            self._rollback(conn)
            raise self._problem("cannot record in the ledger", error) from error
        return self._parse(stored)

    def get(self, seq: int) -> Row:
        """The row numbered seq; InputError if there is none."""
        if not 1 <= seq <= MAX_SEQ:
            raise self._no_such_row(seq)
        conn = self._connect(write=False)
        try:
            found = conn.execute(f"SELECT {_COLUMNS} FROM {TABLE} WHERE seq = ?", (seq,)).fetchone()
        except sqlite3.Error as error:
            raise self._problem("cannot read the ledger", error) from error
        if found is None:
            raise self._no_such_row(seq)
        return self._parse(StoredRow(*found))

    # -- internals --------------------------------------------------------------------------

    def _stored(self) -> list[StoredRow]:
        conn = self._connect(write=False)
        try:
            found = conn.execute(f"SELECT {_COLUMNS} FROM {TABLE} ORDER BY seq").fetchall()
        except sqlite3.Error as error:
            raise self._problem("cannot read the ledger", error) from error
        return [StoredRow(*values) for values in found]

    def _connect(self, *, write: bool) -> sqlite3.Connection:
        if self._conn is not None and (self._writable or not write):
            return self._conn
        self.close()
        if write:
            self._conn = self._open_for_writing()
        else:
            self._conn = self._open_for_reading()
        self._writable = write
        return self._conn

    def _refuse_special_file(self, verb: str) -> None:
        """A FIFO, device or directory is never handed to SQLite: it would block, or write into /dev/zero.

        SQLite opens the path itself, so this is a stat (following links, as SQLite does) just before.
        """
        try:
            mode = os.stat(self.path).st_mode
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            why = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            raise InputError(Problem(self.location, message=f"{verb}: {why}")) from None
        if not stat.S_ISREG(mode):
            message = f"{verb}: not a regular file ({file_kind(mode)}); a ledger is an SQLite file"
            raise InputError(Problem(self.location, message=message))

    def _open_for_writing(self) -> sqlite3.Connection:
        verb = "cannot record in the ledger"
        self._refuse_special_file(verb)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            cause = f"cannot create the directory {self.path.parent} ({error.strerror})"
            raise InputError(Problem(self.location, message=f"{verb}: {cause}")) from error
        conn: sqlite3.Connection | None = None
        try:
            # isolation_level=None: this code issues BEGIN/COMMIT itself; Python's implicit
            # transactions start too late (at the first write) to protect the read of the head.
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            self._check_is_ledger(conn, allow_empty=True)
            # WAL lets readers (list, verify) run while someone records; FULL makes every
            # acknowledged append survive a power cut, not only a crash of the process.
            self._use_wal(conn)
            conn.execute("PRAGMA synchronous = FULL")
            if not self._has_table(conn):
                conn.executescript("BEGIN IMMEDIATE;" + _SCHEMA + "COMMIT;")
        except sqlite3.Error as error:
            if conn is not None:
                self._rollback(conn)
                conn.close()
            raise self._problem(verb, error) from error
        return conn

    @staticmethod
    def _use_wal(conn: sqlite3.Connection) -> None:
        """Switch a new ledger to WAL. SQLite answers "locked" at once, without waiting on the busy
        timeout, when another process switches it at the same moment: retry until it is done."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                    return
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if (
                    error.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
                    or time.monotonic() > deadline
                ):
                    raise
                time.sleep(0.02)

    def _open_for_reading(self) -> sqlite3.Connection:
        verb = "cannot read the ledger"
        if not self.path.exists():
            raise InputError(Problem(self.location, message=NOTHING_RECORDED))
        self._refuse_special_file(verb)
        uri = self.path.absolute().as_uri()
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            try:
                self._check_is_ledger(conn, allow_empty=False)
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_CANTOPEN:
                    raise
                # A WAL ledger in a read-only directory (an archive, a read-only share) cannot get
                # its shared-memory file; nobody can be writing there, so read the file as is.
                conn.close()
                conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
                self._check_is_ledger(conn, allow_empty=False)
        except sqlite3.Error as error:
            if conn is not None:
                conn.close()
            raise self._problem(verb, error) from error
        return conn

    def _has_table(self, conn: sqlite3.Connection) -> bool:
        found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)).fetchone()
        return found is not None

    def _check_is_ledger(self, conn: sqlite3.Connection, *, allow_empty: bool) -> None:
        """Refuse a database that is something else, rather than adding a ledger to it."""
        # One statement, one snapshot: another process may be creating the ledger right now.
        ours, others = conn.execute(
            "SELECT count(CASE WHEN type = 'table' AND name = ? THEN 1 END),"
            " count(CASE WHEN name NOT LIKE 'sqlite_%' AND tbl_name != ? THEN 1 END) FROM sqlite_master",
            (TABLE, TABLE),
        ).fetchone()
        if ours:
            found = [row[1] for row in conn.execute(f"PRAGMA table_info({TABLE})").fetchall()]
            altered = altered_columns(found)
            if altered is not None:
                conn.close()
                raise InputError(Problem(self.location, message=altered))
            return
        if others:
            conn.close()
            message = "not a gatekeeper ledger (an SQLite database without a gatekeeper_ledger table)"
            raise InputError(Problem(self.location, message=message))
        if not allow_empty:
            # An empty file is what a first append killed before its commit leaves behind.
            conn.close()
            raise InputError(Problem(self.location, message=NOTHING_RECORDED))

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        # A failed statement may already have ended the transaction (disk full does): an
        # unconditional ROLLBACK would then raise "no transaction is active" and hide the cause.
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _problem(self, verb: str, error: sqlite3.Error) -> InputError:
        return InputError(Problem(self.location, message=f"{verb}: {self._cause(error)}"))

    def _cause(self, error: sqlite3.Error) -> str:
        """Name the cause in words, keeping SQLite's own message for the record."""
        code = getattr(error, "sqlite_errorcode", None)
        primary = None if code is None else code & 0xFF
        said = str(error)
        if primary == sqlite3.SQLITE_FULL:
            return f"the disk is full ({said})"
        if primary == sqlite3.SQLITE_READONLY or (primary == sqlite3.SQLITE_CANTOPEN and not self._writable_here()):
            return f"the ledger's location is read-only ({said})"
        if primary in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            return f"the file is damaged or not an SQLite database ({said})"
        if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return f"another process kept the ledger locked for over {BUSY_TIMEOUT_S:.0f} s ({said})"
        if primary == sqlite3.SQLITE_IOERR:
            return f"input/output error ({said})"
        return said

    def _writable_here(self) -> bool:
        directory = self.path.parent
        if not os.access(directory, os.W_OK):
            return False
        return not self.path.exists() or os.access(self.path, os.W_OK)
