"""Eight sponsors deciding at once through the service, on a PostgreSQL ledger: eight rows, one unbroken chain."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from serve_support import PASSWORD, TODAY, copy_packs, csrf_of, digest_of, make_accounts, running

from gatekeeper.cli.main import main
from gatekeeper.ledger import open_ledger
from gatekeeper.serve.app import ServeConfig

httpx = pytest.importorskip("httpx2")
SPONSORS = 8


@pytest.fixture
def postgres_ledger() -> Iterator[str]:
    """A ledger URL on $GATEKEEPER_TEST_POSTGRES_URL with a schema of its own (required when CI is set)."""
    base = os.environ.get("GATEKEEPER_TEST_POSTGRES_URL", "")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("CI is set but GATEKEEPER_TEST_POSTGRES_URL is not: .ci/run starts PostgreSQL", pytrace=False)
        pytest.skip("GATEKEEPER_TEST_POSTGRES_URL is not set")
    from urllib.parse import quote

    import psycopg

    schema = f"serve_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-c search_path={schema}')}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _alliances(folder: Path) -> list[str]:
    """Eight copies of Fenland Water under their own alliance ids, each with its own Sponsor account."""
    ids = []
    for n in range(SPONSORS):
        alliance = f"fenland-water-{n}"
        copy_packs(folder / "tmp", ("fenland-water",))
        (folder / "tmp" / "fenland-water").rename(folder / alliance)
        manifest = folder / alliance / "manifest.yml"
        manifest.write_text(
            manifest.read_text(encoding="utf-8").replace("id: fenland-water", f"id: {alliance}", 1), encoding="utf-8"
        )
        ids.append(alliance)
    (folder / "tmp").rmdir()
    return ids


@pytest.mark.slow
def test_eight_sponsors_at_once_give_one_unbroken_chain(tmp_path: Path, postgres_ledger: str) -> None:
    """Eight signed-in Sponsors post their decisions at the same moment: eight rows, seq 1-8, `ledger verify` clean."""
    packs = tmp_path / "packs"
    alliances = _alliances(packs)
    users = str(tmp_path / "users.sqlite3")
    make_accounts(users, {f"sponsor{n}": (alliance, "catherine-ashdown") for n, alliance in enumerate(alliances)})
    config = ServeConfig(packs=packs, ledger=postgres_ledger, users=users, today=lambda: TODAY)
    with running(config) as base:
        clients, forms = [], []
        for n, alliance in enumerate(alliances):
            client = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
            token = csrf_of(client.get("/signin").text)
            assert (
                client.post("/signin", data={"csrf": token, "name": f"sponsor{n}", "password": PASSWORD}).status_code
                == 303
            )
            page = client.get(f"/a/{alliance}").text
            clients.append(client)
            forms.append(
                {"csrf": csrf_of(page), "digest": digest_of(page), "decision": "pass", "role": "Sponsor", "note": ""}
            )
        barrier = threading.Barrier(SPONSORS)
        answers: list[int] = [0] * SPONSORS

        def decide(n: int) -> None:
            barrier.wait()
            answers[n] = clients[n].post(f"/a/{alliances[n]}/decide", data=forms[n]).status_code

        threads = [threading.Thread(target=decide, args=(n,)) for n in range(SPONSORS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        for client in clients:
            client.close()
    assert answers == [303] * SPONSORS
    with open_ledger(postgres_ledger) as ledger:
        found = ledger.rows()
    assert [row.seq for row in found] == list(range(1, SPONSORS + 1))
    assert sorted(row.entry["alliance"]["id"] for row in found) == sorted(alliances)
    assert {row.entry["decision"]["account"] for row in found} == {f"sponsor{n}" for n in range(SPONSORS)}
    result = CliRunner().invoke(main, ["ledger", "verify", "--ledger", postgres_ledger])
    assert result.exit_code == 0, result.output
