"""The ledger in PostgreSQL: for a programme office where many people record decisions at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

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
from gatekeeper.problems import InputError, Problem

if TYPE_CHECKING:
    import psycopg

TABLE = "gatekeeper_ledger"

# Key of the advisory lock that serialises creating the schema: CREATE TABLE IF NOT EXISTS run by
# two sessions at once can still fail on the catalogue's unique index.
_SCHEMA_LOCK = 0x6761746B  # "gatk"

_COLUMNS = ", ".join(COLUMNS)

# The entry is TEXT, not jsonb: jsonb re-orders and re-spaces JSON, and the hash covers the text.
_SCHEMA = [
    f"""CREATE TABLE {TABLE} (
        seq BIGINT PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        recorded_at TEXT NOT NULL,
        entry TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        row_hash TEXT NOT NULL,
        mac TEXT
    )""",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the gatekeeper ledger is append-only'; END $$""",
    f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()""",
]

CONNECT_TIMEOUT_S = 10


def redacted(url: str) -> str:
    """The URL without its password, for messages: postgresql://user@host:port/dbname."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # a malformed URL: say nothing that could hold a secret
        return "postgresql://(unparsable URL)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = str(parts.get("host") or "localhost")
    port = f":{parts['port']}" if parts.get("port") else ""
    dbname = str(parts.get("dbname") or "")
    return f"postgresql://{user}{host}{port}/{dbname}"


class PostgresLedger(LedgerBase):
    """A hash-chained ledger in a PostgreSQL table; appends are serialised by a table lock.

    `LOCK TABLE ... IN EXCLUSIVE MODE` blocks other appenders (and hand edits) but not readers,
    so each append reads the true head of the chain; unique seq and key catch anything else.
    """

    def __init__(self, url: str, *, secret: bytes | None) -> None:
        self._url = url
        self.location = redacted(url)
        self._secret = secret
        self._conn: psycopg.Connection[Any] | None = None
        self._schema_ready = False

    # -- public API -------------------------------------------------------------------------

    def append(self, entry: Mapping[str, Any], *, key: str) -> Row:
        """Append one decision; a key already recorded returns the stored row and writes nothing."""
        import psycopg

        entry_text = canonical_json(dict(entry))
        conn = self._connect()
        try:
            if not self._schema_ready:
                self._create_schema(conn)
            conn.execute("BEGIN")
            conn.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
            existing = conn.execute(f"SELECT {_COLUMNS} FROM {TABLE} WHERE key = %s", (key,)).fetchone()
            if existing is not None:
                conn.execute("COMMIT")
                return self._parse(StoredRow(*existing))
            last = conn.execute(f"SELECT seq, row_hash FROM {TABLE} ORDER BY seq DESC LIMIT 1").fetchone()
            stored = new_row(last=last, key=key, entry_text=entry_text, secret=self._secret)
            conn.execute(f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)", stored.values())
            conn.execute("COMMIT")
        except psycopg.Error as error:
            self._rollback(conn)
            raise self._problem("cannot record in the ledger", error) from error
        return self._parse(stored)

    def get(self, seq: int) -> Row:
        """The row numbered seq; InputError if there is none."""
        if not 1 <= seq <= MAX_SEQ:
            raise self._no_such_row(seq)
        found = self._read(f"SELECT {_COLUMNS} FROM {TABLE} WHERE seq = %s", (seq,))
        if not found:
            raise self._no_such_row(seq)
        return self._parse(StoredRow(*found[0]))

    # -- internals --------------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection[Any]:
        import psycopg

        if self._conn is not None and not self._conn.closed:
            return self._conn
        try:
            # autocommit: transactions are opened and closed explicitly, as in the SQLite backend.
            self._conn = psycopg.connect(self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as error:
            raise self._problem("cannot reach the ledger", error) from error
        return self._conn

    def _create_schema(self, conn: psycopg.Connection[Any]) -> None:
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        if conn.execute("SELECT to_regclass(%s)", (TABLE,)).fetchone()[0] is None:  # type: ignore[index]
            for statement in _SCHEMA:
                conn.execute(statement)
        conn.execute("COMMIT")
        self._check_columns(conn)
        self._schema_ready = True

    def _check_columns(self, conn: psycopg.Connection[Any]) -> None:
        """Refuse a table whose columns were altered by hand, before any row is read or written."""
        found = conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) AND attnum > 0"
            " AND NOT attisdropped ORDER BY attnum",
            (TABLE,),
        ).fetchall()
        altered = altered_columns([str(name) for (name,) in found])
        if altered is not None:
            raise InputError(Problem(self.location, message=altered))

    def _read(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        conn = self._connect()
        try:
            if conn.execute("SELECT to_regclass(%s)", (TABLE,)).fetchone()[0] is None:  # type: ignore[index]
                raise InputError(Problem(self.location, message="no ledger here (nothing has been recorded yet)"))
            if not self._schema_ready:
                self._check_columns(conn)
                self._schema_ready = True
            return conn.execute(query, params).fetchall()
        except psycopg.Error as error:
            raise self._problem("cannot read the ledger", error) from error

    def _stored(self) -> list[StoredRow]:
        return [StoredRow(*values) for values in self._read(f"SELECT {_COLUMNS} FROM {TABLE} ORDER BY seq")]

    @staticmethod
    def _rollback(conn: psycopg.Connection[Any]) -> None:
        # The failure may have closed the connection or ended the transaction; the original error
        # is what the user needs, never the rollback's.
        import psycopg

        try:
            if not conn.closed:
                conn.execute("ROLLBACK")
        except psycopg.Error:
            pass

    def _problem(self, verb: str, error: Exception) -> InputError:
        return InputError(Problem(self.location, message=f"{verb}: {self._cause(error)}"))

    @staticmethod
    def _cause(error: Exception) -> str:
        """Name the cause in words, keeping the server's own first line for the record."""
        from psycopg import errors

        said = (str(error).strip().splitlines() or [type(error).__name__])[0]
        if isinstance(error, errors.DiskFull) or "No space left on device" in said:
            return f"the database server's disk is full ({said})"
        if isinstance(error, errors.ReadOnlySqlTransaction):
            return f"the ledger's database is read-only ({said})"
        if isinstance(error, errors.InsufficientPrivilege):
            return f"this database user may not do that ({said})"
        if isinstance(error, errors.OperationalError):
            return f"the database server cannot be reached or failed ({said})"
        return said
