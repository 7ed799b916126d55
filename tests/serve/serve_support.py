"""Helpers for the service tests: packs copied to edit, accounts, a signed-in client, a real server on a free port."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.testclient import TestClient

import gatekeeper
from gatekeeper.serve.accounts import AccountStore
from gatekeeper.serve.app import ServeConfig, create_app

ROOT = Path(gatekeeper.__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TODAY = dt.date(2026, 11, 1)
PASSWORD = "correct horse battery staple"

# Account name -> (alliance id, declared person or body id) it acts as; "office" reads everything.
ACCOUNTS: dict[str, tuple[str, str] | None] = {
    "catherine": ("fenland-water", "catherine-ashdown"),  # Sponsor of Fenland Water
    "board": ("fenland-water", "fenland-client-board"),  # the Client Board's account
    "gareth": ("fenland-water", "gareth-lowe"),  # Programme Director: reads, holds no deciding role
    "andrew": ("northgate-rail", "andrew-whitcombe"),  # Sponsor of Northgate Rail
    "office": None,
}

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_DIGEST = re.compile(r'name="digest" value="([^"]+)"')


def copy_packs(target: Path, names: tuple[str, ...] = ("fenland-water", "northgate-rail")) -> Path:
    """The named example packs copied under `target`, so a test can edit them."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copytree(EXAMPLES / name, target / name)
    return target


def make_accounts(location: str, accounts: dict[str, tuple[str, str] | None] = ACCOUNTS) -> AccountStore:
    store = AccountStore(location)
    for name, link in accounts.items():
        store.add(name, PASSWORD, links=dict([link]) if link else {}, office=link is None)
    return store


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def digest_of(html: str) -> str:
    found = _DIGEST.search(html)
    assert found, "no decision form in the page"
    return found.group(1)


@dataclass
class Service:
    """One configured service: its app, its config, and a way to get signed-in clients."""

    config: ServeConfig

    def __post_init__(self) -> None:
        self.app = create_app(self.config)

    def client(self, name: str | None = None) -> TestClient:
        """A client, signed in as `name` when given."""
        client = TestClient(self.app, follow_redirects=False)
        if name is not None:
            page = client.get("/signin")
            response = client.post("/signin", data={"csrf": csrf_of(page.text), "name": name, "password": PASSWORD})
            assert response.status_code == 303, response.text
        return client


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running(config: ServeConfig) -> Iterator[str]:
    """The service on uvicorn on 127.0.0.1 on a free port, in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
