"""Where a ledger lives (URLs, environment, default file) and how recorded documents are re-checked."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from gatekeeper.ledger import Row, changed_documents, default_location, open_ledger
from gatekeeper.ledger.postgres import PostgresLedger
from gatekeeper.ledger.sqlite import SqliteLedger
from gatekeeper.problems import InputError


def test_default_location_is_under_xdg_data_home(tmp_path: Path) -> None:
    """Without GATEKEEPER_LEDGER the ledger is $XDG_DATA_HOME/gatekeeper/ledger.sqlite3."""
    assert default_location() == tmp_path / "xdg-data" / "gatekeeper" / "ledger.sqlite3"


def test_default_location_ignores_a_relative_xdg_data_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A relative XDG_DATA_HOME is invalid by the XDG spec, so ~/.local/share is used."""
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_location() == tmp_path / ".local" / "share" / "gatekeeper" / "ledger.sqlite3"


def test_default_location_follows_a_ledger_path_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """GATEKEEPER_LEDGER as a path or sqlite:/// URL is the default location; a PostgreSQL URL is not."""
    monkeypatch.setenv("GATEKEEPER_LEDGER", "sqlite:///srv/gates/ledger.db")
    assert default_location() == Path("/srv/gates/ledger.db")
    monkeypatch.setenv("GATEKEEPER_LEDGER", "/srv/other.db")
    assert default_location() == Path("/srv/other.db")
    monkeypatch.setenv("GATEKEEPER_LEDGER", "postgresql://db.example/gates")
    assert default_location().name == "ledger.sqlite3"


def test_open_ledger_picks_the_backend_from_the_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths and sqlite:/// open SQLite, postgresql:// opens PostgreSQL, None falls back to the environment."""
    plain = open_ledger(str(tmp_path / "a.db"))
    assert isinstance(plain, SqliteLedger) and plain.location == str(tmp_path / "a.db")
    url = open_ledger(f"sqlite://{tmp_path}/with%20space.db")
    assert isinstance(url, SqliteLedger) and url.location == str(tmp_path / "with space.db")
    remote = open_ledger("postgresql://ann:hunter2@db.example:5433/gates?sslmode=require")
    assert isinstance(remote, PostgresLedger) and remote.location == "postgresql://ann@db.example:5433/gates"
    monkeypatch.setenv("GATEKEEPER_LEDGER", str(tmp_path / "env.db"))
    assert open_ledger(None).location == str(tmp_path / "env.db")
    monkeypatch.delenv("GATEKEEPER_LEDGER")
    assert open_ledger(None).location == str(tmp_path / "xdg-data" / "gatekeeper" / "ledger.sqlite3")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://root:pw@host/db",
            "mysql://...: unknown ledger URL scheme 'mysql' (use a file path, sqlite:///path or postgresql://...)",
        ),
        (
            "sqlite://relative.db",
            "sqlite://relative.db: a SQLite ledger URL needs an absolute path: sqlite:///abs/path",
        ),
    ],
)
def test_open_ledger_refuses_other_urls(url: str, message: str) -> None:
    """An unusable ledger URL is an InputError that does not echo a possible password."""
    with pytest.raises(InputError) as raised:
        open_ledger(url)
    assert str(raised.value) == message


def test_first_append_creates_the_directory(tmp_path: Path) -> None:
    """Recording into the default location creates its directory."""
    with open_ledger(None) as ledger:
        ledger.append({"decision": "pass"}, key="one")
    assert (tmp_path / "xdg-data" / "gatekeeper" / "ledger.sqlite3").is_file()


def test_another_sqlite_database_is_not_taken_over(tmp_path: Path) -> None:
    """Pointing the ledger at an unrelated SQLite database is refused rather than adding a table to it."""
    import sqlite3

    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="not a gatekeeper ledger"), open_ledger(str(path)) as ledger:
        ledger.append({"decision": "pass"}, key="one")


def row_with(files: dict[str, str]) -> Row:
    return Row(1, "k", "2024-01-01T00:00:00.000000Z", {"files": files}, "0" * 64, "f" * 64, None)


def test_changed_documents_refuses_paths_out_of_the_pack(tmp_path: Path) -> None:
    """A recorded path now reached through ../, a symlink or a FIFO is not the recorded document."""
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    digest = hashlib.sha256(b"secret").hexdigest()
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "link.txt").symlink_to(outside)
    os.mkfifo(pack / "pipe")
    (pack / "good.txt").write_text("secret")
    row = row_with({"../outside.txt": digest, "link.txt": digest, "pipe": digest, "good.txt": digest})
    assert changed_documents(row, pack) == [
        "../outside.txt: '..' is not allowed in references; the document must be inside the pack"
        " (since the decision of row 1)",
        "link.txt: document is outside the pack (a symbolic link leads out of it) (since the decision of row 1)",
        "pipe: document is not a regular file (a FIFO) (since the decision of row 1)",
    ]


def test_changed_documents_without_files_is_empty(tmp_path: Path) -> None:
    """A decision that recorded no documents has nothing to compare."""
    assert changed_documents(Row(1, "k", "t", {}, "0" * 64, "f" * 64, None), tmp_path) == []
