"""The review service as a sponsor uses it, in headless Chromium: sign in, read the brief, record a decision, see it in the ledger.

Every page is checked with axe-core (package.json, installed by dev/setup) and must load without a
console error or a CSP violation; screenshots are saved in tests/artifacts/.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serve_support import PASSWORD, ROOT, TODAY, copy_packs, make_accounts, running

from gatekeeper.ledger import open_ledger
from gatekeeper.serve.app import ServeConfig
from tests.chromium import TIMEOUT, DevTools, launched, require_chromium

ARTIFACTS = Path(os.environ.get("GATEKEEPER_ARTIFACTS", ROOT / "tests" / "artifacts"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

require_chromium()
if not AXE.is_file():
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but axe-core is missing at {AXE}; dev/setup runs npm ci", pytrace=False)
    pytest.skip(f"axe-core not found at {AXE} (npm ci)", allow_module_level=True)
pytest.importorskip("websocket", reason="websocket-client is needed to drive Chromium")


class Tab(DevTools):
    """One Chromium tab driven over the DevTools protocol, with the events it has seen."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=self.session)
        self.metrics(900)

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.send(method, params, session=self.session)

    def metrics(self, height: int) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1200, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def loaded_after(self, start: int) -> None:
        """Wait for a page load that happened after event number `start`."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if any(e.get("method") == "Page.loadEventFired" for e in self.events[start:]):
                return
            self.receive()
        raise TimeoutError("Page.loadEventFired")

    def open(self, url: str) -> None:
        start = len(self.events)
        self.call("Page.navigate", {"url": url})
        self.loaded_after(start)

    def js(self, expression: str, *, wait: bool = False) -> Any:
        """Evaluate in the page (DevTools evaluation: the page itself runs no script) and return the value."""
        found = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": wait})
        if "exceptionDetails" in found:
            raise RuntimeError(found["exceptionDetails"])
        return found["result"].get("value")

    def click(self, selector: str) -> None:
        """Click the element and wait for the page it leads to."""
        start = len(self.events)
        self.js(f"document.querySelector({json.dumps(selector)}).click()")
        self.loaded_after(start)

    def screenshot(self, name: str) -> Path:
        height = min(int(self.js("document.documentElement.scrollHeight")), 16000)
        self.metrics(height)
        shot = self.call("Page.captureScreenshot", {"format": "png"})
        self.metrics(900)
        path = ARTIFACTS / f"serve-{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def axe(self) -> list[str]:
        """The axe-core violations of the page (rule id and the elements), empty when clean."""
        self.js(AXE.read_text(encoding="utf-8"))
        found = self.js(
            "axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify("
            "r.violations.map(v => v.id + ' ' + v.help + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))",
            wait=True,
        )
        return list(json.loads(found))

    def problems(self) -> list[str]:
        """Console errors and warnings, exceptions and error log entries (a CSP violation is one)."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
                found.append(f"console {params['type']}: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params.get('exceptionDetails')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
                found.append(f"log {params['entry']['level']}: {params['entry'].get('text')}")
        return found


@pytest.fixture
def chromium() -> Iterator[str]:
    """A headless Chromium with an empty profile; yields its browser DevTools websocket URL."""
    with launched() as url:
        yield url


def test_sponsor_signs_in_reads_the_brief_decides_and_sees_the_ledger(chromium: str, tmp_path: Path) -> None:
    """Sign in, open the alliance, read the brief, record the computed decision, find the row in the ledger: every page axe-clean."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    users = str(tmp_path / "users.sqlite3")
    make_accounts(users, {"catherine": ("fenland-water", "catherine-ashdown")})
    ledger = str(tmp_path / "ledger.sqlite3")
    config = ServeConfig(packs=copy_packs(tmp_path / "packs"), ledger=ledger, users=users, today=lambda: TODAY)
    with running(config) as base, contextlib.closing(Tab(chromium)) as tab:
        violations: dict[str, list[str]] = {}

        tab.open(f"{base}/")
        assert tab.js("location.pathname") == "/signin"
        tab.screenshot("1-signin")
        violations["signin"] = tab.axe()
        tab.js(
            f"document.querySelector('#name').value = 'catherine'; document.querySelector('#password').value = {json.dumps(PASSWORD)}"
        )
        tab.click("form.card button[type=submit]")

        assert tab.js("location.pathname") == "/"
        assert tab.js("Array.from(document.querySelectorAll('#portfolio tbody th a')).map(a => a.textContent)") == [
            "Fenland Water Alliance"
        ]
        tab.screenshot("2-portfolio")
        violations["portfolio"] = tab.axe()
        tab.click("#portfolio tbody th a")

        assert tab.js("location.pathname") == "/a/fenland-water"
        assert tab.js("document.querySelector('#computed .verdict').textContent") == "PASS"
        assert tab.js("document.querySelector('#quorum-status').textContent").startswith("Pending")
        tab.screenshot("3-alliance")
        violations["alliance"] = tab.axe()

        tab.click("#computed a")
        assert tab.js("location.pathname") == "/a/fenland-water/pack/brief.html"
        assert tab.js("document.querySelector('#decision .verdict').textContent") == "PASS"
        assert tab.js("document.scripts.length") == 0
        tab.screenshot("4-brief")
        violations["brief"] = tab.axe()

        tab.open(f"{base}/a/fenland-water/pack/report.html")
        assert tab.js("document.querySelector('#decision .verdict').textContent") == "PASS"
        assert tab.js("document.scripts.length") == 0
        tab.screenshot("4-report")
        violations["report"] = tab.axe()

        tab.open(f"{base}/a/fenland-water")
        assert tab.js("document.querySelector('input[name=decision]:checked').value") == "pass"
        tab.click("#decide button[type=submit]")
        assert tab.js("document.querySelector('.notice').textContent") == "Your decision is recorded as ledger row 1."
        assert "still to decide: Client Board" in tab.js("document.querySelector('#quorum-status').textContent")
        tab.screenshot("5-recorded")
        violations["recorded"] = tab.axe()

        tab.click("nav a[href='/ledger']")
        cells = tab.js("Array.from(document.querySelectorAll('#ledger tbody td')).map(td => td.textContent)")
        assert cells[2:9] == [
            "fenland-water",
            "creating",
            "2026-11-01",
            "pass",
            "Catherine Ashdown",
            "Sponsor",
            "catherine",
        ]
        tab.screenshot("6-ledger")
        violations["ledger"] = tab.axe()

        assert tab.problems() == []
    assert {page: found for page, found in violations.items() if found} == {}
    with open_ledger(ledger) as opened:
        assert [row.entry["decision"]["by"] for row in opened.rows()] == ["Catherine Ashdown"]
