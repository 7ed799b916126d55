"""Helpers for the ledger tests: raw access to a ledger's table, child processes, small mounts."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import gatekeeper

ROOT = Path(gatekeeper.__file__).resolve().parents[1]
POSTGRES_SCRIPT = ROOT / ".ci" / "postgres.sh"
WRITER = Path(__file__).with_name("ledger_writer.py")

# The triggers that refuse UPDATE and DELETE: tests that play the tamperer remove them first,
# as someone editing the database by hand would.
_SQLITE_TRIGGERS = ("gatekeeper_ledger_no_update", "gatekeeper_ledger_no_delete")


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that must import this checkout of gatekeeper."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.update(extra)
    return env


@dataclass
class Backend:
    """One fresh, empty ledger on one backend, plus raw access to its table for tampering."""

    name: str
    url: str
    postgres_base: str = ""
    schema: str = ""

    def url_with(self, **settings: str) -> str:
        """The ledger URL with extra PostgreSQL session settings (search_path is always set)."""
        assert self.name == "postgres", "session settings exist only on PostgreSQL"
        options = " ".join(f"-c {k}={v}" for k, v in {"search_path": self.schema, **settings}.items())
        separator = "&" if "?" in self.postgres_base else "?"
        return f"{self.postgres_base}{separator}options={quote(options)}"

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run SQL directly on the database and return its rows."""
        if self.name == "sqlite":
            with contextlib.closing(sqlite3.connect(self.url, isolation_level=None)) as conn:
                return conn.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def tamper(self, *statements: str) -> None:
        """Change the table by hand, bypassing the append-only triggers."""
        if self.name == "sqlite":
            with contextlib.closing(sqlite3.connect(self.url, isolation_level=None)) as conn:
                for trigger in _SQLITE_TRIGGERS:
                    conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
                for statement in statements:
                    conn.execute(statement)
            return
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("ALTER TABLE gatekeeper_ledger DISABLE TRIGGER USER")
            for statement in statements:
                conn.execute(statement)

    def drop(self) -> None:
        """Remove a PostgreSQL test schema (SQLite files go with tmp_path)."""
        if self.name == "postgres" and self.schema:
            import psycopg

            with psycopg.connect(self.postgres_base, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
            self.schema = ""


def try_mount_tmpfs(target: Path, *, size: str, owner: str | None = None) -> bool:
    """Mount a small tmpfs on target; False when this machine does not allow it (not root, container)."""
    if os.geteuid() != 0:
        return False
    target.mkdir(parents=True, exist_ok=True)
    options = f"size={size}"
    if owner is not None:
        import pwd

        user = pwd.getpwnam(owner)
        options += f",uid={user.pw_uid},gid={user.pw_gid},mode=0700"
    command = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)]
    done = subprocess.run(command, capture_output=True, check=False)
    return done.returncode == 0


def unmount(target: Path) -> None:
    """Undo try_mount_tmpfs; lazily, so a forgotten open file cannot wedge the test run."""
    subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


def remount_read_only(target: Path) -> None:
    """Make a mounted tmpfs read-only: writes then fail with EROFS, for root too."""
    subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True, capture_output=True)


def python() -> str:
    """The interpreter running the tests, for child processes."""
    return sys.executable
