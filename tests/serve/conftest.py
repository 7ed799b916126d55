"""Fixtures for the service tests: editable packs, an accounts database, a fresh ledger, the server's date fixed."""

from __future__ import annotations

from pathlib import Path

import pytest
from serve_support import TODAY, Service, copy_packs, make_accounts

from gatekeeper.serve.app import ServeConfig


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own ledger, accounts and data directory out of every test."""
    for name in ("GATEKEEPER_LEDGER", "GATEKEEPER_LEDGER_KEY", "GATEKEEPER_USERS", "GATEKEEPER_SERVE_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


@pytest.fixture(scope="session")
def users_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One accounts database for the session: argon2 hashing each account costs a tenth of a second."""
    location = str(tmp_path_factory.mktemp("accounts") / "users.sqlite3")
    make_accounts(location)
    return location


@pytest.fixture
def service(tmp_path: Path, users_db: str) -> Service:
    """The service over copies of Fenland Water and Northgate Rail, a fresh SQLite ledger, as of 2026-11-01."""
    packs = copy_packs(tmp_path / "packs")
    return Service(
        ServeConfig(packs=packs, ledger=str(tmp_path / "ledger.sqlite3"), users=users_db, today=lambda: TODAY)
    )
