"""The accounts a programme office manages: names, argon2 password hashes, and the declared person each acts as per pack.

Accounts live in a database of their own, apart from the ledger (an account can be disabled; a
ledger row can never change): an SQLite file by default, `$XDG_DATA_HOME/gatekeeper/users.sqlite3`,
or a `postgresql://` URL where the service runs beside a PostgreSQL ledger. An account acts in a
pack only as the person (or governance body) its link names there, by the id the pack's manifest
declares: who decided is then what sign-in established, never what somebody typed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gatekeeper.problems import InputError, Problem, UsageError

USERS_ENV = "GATEKEEPER_USERS"
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024  # argon2 hashes any length; a bound keeps one sign-in's cost bounded too
# Account names and the ids they link: what a manifest's ids look like, nothing a page must escape.
NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,99}")
LINK = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]{0,99}):([A-Za-z0-9][A-Za-z0-9._-]{0,99})")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS gatekeeper_accounts (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        office INTEGER NOT NULL DEFAULT 0,
        disabled INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS gatekeeper_account_links (
        name TEXT NOT NULL REFERENCES gatekeeper_accounts(name),
        pack TEXT NOT NULL,
        entity TEXT NOT NULL,
        PRIMARY KEY (name, pack)
    )""",
)


@dataclass(frozen=True)
class Account:
    """One account: never its password hash, which stays in the store."""

    name: str
    office: bool  # programme office: may read every alliance (deciding still needs a link and a role)
    disabled: bool
    created: str
    links: tuple[tuple[str, str], ...]  # (alliance id, declared person or body id), sorted

    def link(self, alliance_id: str) -> str | None:
        """The id of the declared person (or body) this account acts as in the alliance's pack."""
        return dict(self.links).get(alliance_id)


def default_location() -> str:
    """$GATEKEEPER_USERS, else $XDG_DATA_HOME/gatekeeper/users.sqlite3."""
    configured = os.environ.get(USERS_ENV, "")
    if configured:
        return configured
    data_home = os.environ.get("XDG_DATA_HOME", "")
    base = Path(data_home) if data_home and os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return str(base / "gatekeeper" / "users.sqlite3")


def parse_link(text: str) -> tuple[str, str]:
    """ALLIANCE_ID:PERSON_ID as a pair; UsageError otherwise."""
    found = LINK.fullmatch(text)
    if found is None:
        raise UsageError(
            f"--link {text!r}: expected ALLIANCE_ID:PERSON_ID, the ids declared in the pack's manifest.yml"
        )
    return found.group(1), found.group(2)


def check_password(password: str) -> None:
    """UsageError for a password too short or too long to accept."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise UsageError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise UsageError(f"the password must have at most {MAX_PASSWORD_CHARS} characters")


class AccountStore:
    """The accounts database: SQLite (a path or sqlite:///path) or PostgreSQL (postgresql://...)."""

    def __init__(self, location: str | None = None) -> None:
        self.url = location or default_location()
        self.postgres = self.url.startswith(("postgresql://", "postgres://"))
        if self.postgres:
            from gatekeeper.ledger.postgres import redacted

            self.location = redacted(self.url)
        else:
            path = self.url[len("sqlite://") :] if self.url.startswith("sqlite://") else self.url
            self.path = Path(path).expanduser()
            self.location = str(self.path)
        from argon2 import PasswordHasher

        self._hasher = PasswordHasher()
        # Hashed once, checked against when a name is unknown: an unknown name costs what a wrong
        # password costs, so timing does not tell which names exist.
        self._decoy = self._hasher.hash("decoy password, never an account's")

    # -- the connection ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self) -> Iterator[Any]:
        """One connection in one transaction, with the tables in place; errors as located InputError."""
        if self.postgres:
            import psycopg

            try:
                with psycopg.connect(self.url, connect_timeout=10) as conn:
                    for statement in _SCHEMA:
                        conn.execute(statement.replace("INTEGER", "BIGINT"))
                    yield _Postgres(conn)
            except psycopg.Error as error:
                raise InputError(Problem(self.location, message=f"accounts database: {error}".strip())) from error
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lite = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise InputError(Problem(self.location, message=f"cannot open the accounts database: {error}")) from error
        try:
            lite.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                lite.execute(statement)
            yield lite
            lite.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                lite.execute("ROLLBACK")
            raise InputError(Problem(self.location, message=f"accounts database: {error}")) from error
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                lite.execute("ROLLBACK")
            raise
        finally:
            lite.close()

    # -- what `gatekeeper users` does ----------------------------------------------------------

    def add(self, name: str, password: str, *, links: Mapping[str, str], office: bool = False) -> Account:
        """Create an account; UsageError when the name is taken or malformed or the password too short."""
        if NAME.fullmatch(name) is None:
            raise UsageError(
                f"account name {name!r}: lower-case letters, digits and . _ @ -, starting with a letter or digit"
            )
        check_password(password)
        hashed = self._hasher.hash(password)
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._connect() as conn:
            if conn.execute("SELECT 1 FROM gatekeeper_accounts WHERE name = ?", (name,)).fetchone():
                raise UsageError(f"an account named {name!r} already exists in {self.location}")
            conn.execute(
                "INSERT INTO gatekeeper_accounts (name, password_hash, office, disabled, created) VALUES (?, ?, ?, 0, ?)",
                (name, hashed, int(office), created),
            )
            for pack, entity in sorted(links.items()):
                conn.execute(
                    "INSERT INTO gatekeeper_account_links (name, pack, entity) VALUES (?, ?, ?)", (name, pack, entity)
                )
        found = self.get(name)
        assert found is not None
        return found

    def disable(self, name: str) -> None:
        """Disable an account: it can no longer sign in, and its open sessions stop working at once."""
        with self._connect() as conn:
            if not conn.execute("SELECT 1 FROM gatekeeper_accounts WHERE name = ?", (name,)).fetchone():
                raise UsageError(f"no account named {name!r} in {self.location}")
            conn.execute("UPDATE gatekeeper_accounts SET disabled = 1 WHERE name = ?", (name,))

    def accounts(self) -> list[Account]:
        """Every account, by name."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT name, office, disabled, created FROM gatekeeper_accounts ORDER BY name"
            ).fetchall()
            links = conn.execute(
                "SELECT name, pack, entity FROM gatekeeper_account_links ORDER BY name, pack"
            ).fetchall()
        by_name: dict[str, list[tuple[str, str]]] = {}
        for name, pack, entity in links:
            by_name.setdefault(name, []).append((pack, entity))
        return [
            Account(name, bool(office), bool(disabled), str(created), tuple(by_name.get(name, [])))
            for name, office, disabled, created in rows
        ]

    def get(self, name: str) -> Account | None:
        """The account named `name`, disabled or not, or None."""
        return next((a for a in self.accounts() if a.name == name), None)

    def authenticate(self, name: str, password: str) -> Account | None:
        """The enabled account whose password this is, or None (unknown, disabled or wrong: one answer)."""
        from argon2.exceptions import VerificationError

        if len(password) > MAX_PASSWORD_CHARS:
            return None
        with self._connect() as conn:
            found = conn.execute(
                "SELECT password_hash, disabled FROM gatekeeper_accounts WHERE name = ?", (name,)
            ).fetchone()
        hashed, disabled = (found[0], bool(found[1])) if found else (self._decoy, True)
        try:
            self._hasher.verify(hashed, password)
        except VerificationError:
            return None
        except Exception:  # noqa: BLE001 - a damaged hash in the store is a refusal, never a crash
            return None
        return None if disabled else self.get(name)


class _Postgres:
    """The few calls the store makes, on a psycopg connection, with SQLite's ? placeholders."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self._conn.execute(sql.replace("?", "%s"), params)
