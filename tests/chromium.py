"""Headless Chromium for the tests that look at pages as a reader does: one launcher, one DevTools client.

The HTML report tests and the review service's browser test both drive Debian's `chromium` over the
DevTools protocol (no Selenium, no driver binary to match). When `CI` is set a missing Chromium is a
failure, not a skip: the pages must really have been rendered.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("GATEKEEPER_CHROMIUM", "/usr/bin/chromium")
TIMEOUT = 30.0


def require_chromium() -> None:
    """Skip the calling test module without Chromium, or fail it when CI is set; call at module level."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        if os.environ.get("CI"):
            pytest.fail(
                f"CI is set but Chromium is missing at {CHROMIUM}; dev/setup installs Debian's chromium", pytrace=False
            )
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


@contextlib.contextmanager
def launched() -> Iterator[str]:
    """A headless Chromium with an empty profile and no background networking; yields its DevTools URL.

    Everything it leaves is removed afterwards, including the singleton-socket folder Chromium keeps
    in TMPDIR outside its profile (the profile's SingletonSocket link names it).
    """
    profile = Path(tempfile.mkdtemp(prefix="gatekeeper-chromium-"))
    process = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--remote-debugging-port=0",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"Chromium did not start (exit {process.poll()})")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        yield f"ws://127.0.0.1:{port}{path}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        socket = profile / "SingletonSocket"
        if socket.is_symlink():
            folder = Path(os.readlink(socket)).parent
            if folder.name.startswith("org.chromium.Chromium."):
                shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)


class DevTools:
    """A minimal DevTools protocol client over one browser websocket, with flattened sessions.

    Events that arrive while a command waits for its reply are kept in `events`, in order.
    """

    def __init__(self, url: str) -> None:
        import websocket  # websocket-client, a test dependency

        self.ws = websocket.create_connection(url, timeout=TIMEOUT, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None) -> dict[str, Any]:
        """Send one command and return its result."""
        message_id = next(self.ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise TimeoutError(method)

    def receive(self) -> None:
        """Wait for the next event and keep it."""
        self.events.append(json.loads(self.ws.recv()))

    def close(self) -> None:
        self.ws.close()
