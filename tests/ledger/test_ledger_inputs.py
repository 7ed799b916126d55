"""Ledger locations and tables that cannot be used: each refused in one line with exit 3, never a traceback."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest
from click.testing import CliRunner
from ledger_support import Backend

from gatekeeper.cli.main import main
from gatekeeper.ledger import open_ledger


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_nul_in_a_sqlite_url_is_refused() -> None:
    """sqlite:///a%00b names no possible file: exit 3 with the URL, no traceback."""
    code, out, err = run("ledger", "list", "--ledger", "sqlite:///tmp/a%00b")
    assert (code, out, err) == (
        3,
        "",
        "sqlite:///tmp/a%00b: the ledger path contains a NUL character (%00); no file can have that name\n",
    )


def test_a_row_number_past_64_bits_is_no_row(backend: Backend) -> None:
    """`ledger show 99999999999999999999` says there is no such row (exit 3) on both backends instead of overflowing."""
    with open_ledger(backend.url) as ledger:
        ledger.append({"decision": "pass"}, key="d1")
    code, out, err = run("ledger", "show", "99999999999999999999", "--ledger", backend.url)
    location = open_ledger(backend.url).location
    assert (code, out, err) == (3, "", f"{location}: no row 99999999999999999999 in the ledger\n")


@pytest.mark.parametrize(
    ("statement", "why"),
    [
        ("ALTER TABLE gatekeeper_ledger DROP COLUMN mac", "missing mac"),
        ("ALTER TABLE gatekeeper_ledger RENAME COLUMN entry TO body", "missing entry; unexpected body"),
        ("ALTER TABLE gatekeeper_ledger ADD COLUMN extra TEXT", "unexpected extra"),
    ],
    ids=["dropped", "renamed", "added"],
)
def test_a_table_altered_by_hand_is_refused(backend: Backend, statement: str, why: str) -> None:
    """A column dropped, renamed or added by hand: list, verify and appending each refuse in one line, exit 3."""
    with open_ledger(backend.url) as ledger:
        ledger.append({"decision": "pass"}, key="d1")
        location = ledger.location
    if backend.name == "sqlite":
        with contextlib.closing(sqlite3.connect(backend.url, isolation_level=None)) as conn:
            conn.execute(statement)
    else:
        import psycopg

        with psycopg.connect(backend.url, autocommit=True) as conn:
            conn.execute(statement)
    expected = f"{location}: the ledger table's columns were altered by hand ({why}); it cannot be used\n"
    for command in (["ledger", "list"], ["ledger", "verify"], ["ledger", "show", "1"]):
        assert run(*command, "--ledger", backend.url) == (3, "", expected)
    with open_ledger(backend.url) as ledger, pytest.raises(Exception) as caught:
        ledger.append({"decision": "fail"}, key="d2")
    assert str(caught.value) == expected.rstrip("\n")
