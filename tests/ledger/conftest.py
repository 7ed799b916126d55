"""Fixtures for the ledger tests: one fresh ledger per test on each backend."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from ledger_support import POSTGRES_SCRIPT, Backend, subprocess_env


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """$GATEKEEPER_TEST_POSTGRES_URL, else a throwaway server started by .ci/postgres.sh."""
    configured = os.environ.get("GATEKEEPER_TEST_POSTGRES_URL", "")
    if configured:
        yield configured
        return
    state = Path(os.environ.get("TMPDIR", "/tmp")) / f"gatekeeper-test-postgres-{uuid.uuid4().hex}.state"
    env = subprocess_env(GATEKEEPER_TEST_POSTGRES_STATE=str(state))
    started = subprocess.run(
        ["bash", str(POSTGRES_SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    if started.returncode != 0:
        said = (started.stderr.strip().splitlines() or ["no message"])[-1]
        message = f"no PostgreSQL server for the ledger tests: {POSTGRES_SCRIPT.name} start failed: {said}"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must test PostgreSQL: install postgresql or set GATEKEEPER_TEST_POSTGRES_URL")
        pytest.skip(message)
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(POSTGRES_SCRIPT), "stop"], env=env, capture_output=True, timeout=120, check=False)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """A fresh empty ledger on each backend (PostgreSQL: a schema of its own in the test server)."""
    if request.param == "sqlite":
        yield Backend("sqlite", str(tmp_path / "ledger.sqlite3"))
        return
    base = request.getfixturevalue("postgres_server")
    import psycopg

    schema = f"ledger_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    made = Backend("postgres", "", postgres_base=base, schema=schema)
    made.url = made.url_with()
    try:
        yield made
    finally:
        made.drop()


@pytest.fixture(autouse=True)
def _no_ledger_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep the developer's own ledger, key and data directory out of every test."""
    monkeypatch.delenv("GATEKEEPER_LEDGER", raising=False)
    monkeypatch.delenv("GATEKEEPER_LEDGER_KEY", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
