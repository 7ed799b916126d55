"""The HTML report in a real headless Chromium: it loads cleanly, fetches nothing, and shows what a sponsor needs."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import reporter_cases

from gatekeeper.reporters import RenderOptions, render
from tests.chromium import TIMEOUT, DevTools, launched, require_chromium

ARTIFACTS = Path(os.environ.get("GATEKEEPER_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts"))

require_chromium()
pytest.importorskip("websocket", reason="websocket-client is needed to drive Chromium")


class Browser(DevTools):
    """The DevTools client, waiting for a tab's events."""

    def wait_for(self, method: str, *, session: str) -> dict[str, Any]:
        """Wait for an event of this session (one already received counts)."""
        deadline = time.monotonic() + TIMEOUT
        seen = 0
        while time.monotonic() < deadline:
            for event in self.events[seen:]:
                if event.get("method") == method and event.get("sessionId") == session:
                    return event
            seen = len(self.events)
            self.receive()
        raise TimeoutError(method)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module, with an empty profile and no background networking."""
    with launched() as url:
        client = Browser(url)
        yield client
        client.close()


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def load(browser: Browser, page: Path, artifacts: Path, name: str) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """Open `page` in a new tab, wait for load, save a screenshot and a PDF, and return the session, its events and DOM facts."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    start = len(browser.events)
    for domain in ("Page", "Network", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session=session)
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    browser.send("Page.navigate", {"url": page.as_uri()}, session=session)
    browser.wait_for("Page.loadEventFired", session=session)
    facts = browser.send(
        "Runtime.evaluate",
        {
            "expression": """JSON.stringify({
                banner: (document.querySelector('#decision .verdict') || {}).textContent || null,
                bannerVisible: !!document.querySelector('#decision')
                    && document.querySelector('#decision').getBoundingClientRect().height > 0,
                gridCells: document.querySelectorAll('#grid tbody td').length,
                gridScope: Array.from(document.querySelectorAll('#grid td[data-cell]:not(.out)')).map(td => td.dataset.cell),
                blockers: Array.from(document.querySelectorAll('#blocking .blocker')).map(a => a.dataset.outcome),
                blockersVisible: Array.from(document.querySelectorAll('#blocking .blocker'))
                    .every(a => a.getBoundingClientRect().height > 0),
                chartBars: document.querySelectorAll('svg#maturity g.bar').length,
                scripts: document.scripts.length,
                width: document.documentElement.scrollWidth,
                height: document.documentElement.scrollHeight,
                title: document.title,
            })""",
            "returnByValue": True,
        },
        session=session,
    )["result"]["value"]
    dom = json.loads(facts)
    # A full-page screenshot: the viewport grows to the page's height.
    height = min(int(dom["height"]), 16000)
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1200, "height": height, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    (artifacts / f"report-{name}.png").write_bytes(base64.b64decode(shot["data"]))
    pdf = browser.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True}, session=session)
    (artifacts / f"report-{name}.pdf").write_bytes(base64.b64decode(pdf["data"]))
    events = [e for e in browser.events[start:] if e.get("sessionId") == session]
    browser.send("Target.closeTarget", {"targetId": target})
    return page.as_uri(), events, dom


def problems(events: list[dict[str, Any]]) -> list[str]:
    """Console errors and warnings, uncaught exceptions and error log entries (a CSP violation is one)."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            found.append(f"console {params['type']}: {params.get('args')}")
        elif method == "Runtime.exceptionThrown":
            found.append(f"exception: {params.get('exceptionDetails')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
            found.append(f"log {params['entry']['level']}: {params['entry'].get('text')}")
    return found


def requests(events: list[dict[str, Any]]) -> list[str]:
    return [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]


@pytest.mark.parametrize("case", sorted(reporter_cases.CASES))
def test_report_loads_cleanly_and_shows_decision_grid_and_blockers(
    case: str, browser: Browser, artifacts: Path, tmp_path: Path
) -> None:
    """The page loads with no console error and no request but its own file, and shows the banner, the grid and every blocker."""
    result = reporter_cases.CASES[case]()
    page = tmp_path / f"report-{case}.html"
    page.write_text(render(result, "html", options=RenderOptions()), encoding="utf-8")
    (artifacts / f"report-{case}.html").write_text(page.read_text(encoding="utf-8"), encoding="utf-8")

    url, events, dom = load(browser, page, artifacts, case)

    assert problems(events) == []
    assert [u for u in requests(events) if u != url and not u.startswith("data:")] == []
    assert url in requests(events)
    assert dom["banner"] == result.decision.upper()
    assert dom["bannerVisible"] is True
    assert dom["gridCells"] == 16
    assert sorted(dom["gridScope"]) == sorted(c.cell for c in result.cells)
    assert dom["blockers"] == list(result.blocking)
    assert dom["blockersVisible"] is True
    assert dom["chartBars"] == len([c for c in result.cells if c.phase == result.leaves])
    assert dom["scripts"] == 0
    assert dom["width"] <= 1200  # nothing, not even a 100 KB unbroken string, widens the page
    assert (artifacts / f"report-{case}.png").stat().st_size > 10_000
    assert (artifacts / f"report-{case}.pdf").read_bytes().startswith(b"%PDF-")


# --- every HTML output under axe-core (in this browser) and html-validate ---------------------

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
HTML_VALIDATE = NODE_MODULES / ".bin" / "html-validate"
EXAMPLES = ROOT / "examples"
AS_OF = "2026-11-01"
PACKS = sorted(p.name for p in EXAMPLES.iterdir() if (p / "manifest.yml").is_file())


def _need(tool: Path) -> None:
    """The npm test tools are installed by dev/setup (npm ci); in CI they must be there."""
    if tool.exists():
        return
    message = f"{tool} is missing: run `npm ci` (dev/setup does) to install axe-core and html-validate"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {message}", pytrace=False)
    pytest.skip(message)


def _outputs(folder: Path) -> dict[str, Path]:
    """Every HTML page gatekeeper writes, from the examples: the gate report of each, the brief, the audit,
    the portfolio and the commercial simulation."""
    from click.testing import CliRunner

    from gatekeeper.cli.main import main

    commands: dict[str, list[str]] = {f"report-{e}": ["check", str(EXAMPLES / e), "--as-of", AS_OF] for e in PACKS}
    commands["brief-northgate-rail"] = ["check", str(EXAMPLES / "northgate-rail"), "--as-of", AS_OF, "--summary"]
    commands["audit-northgate-rail"] = ["audit", str(EXAMPLES / "northgate-rail"), "--as-of", AS_OF]
    commands["portfolio"] = ["portfolio", str(EXAMPLES), "--as-of", AS_OF, "--jobs", "1"]
    commands["commercial"] = ["commercial", "simulate", str(EXAMPLES / "fenland-water")]
    pages = {}
    for name, args in commands.items():
        page = folder / f"{name}.html"
        result = CliRunner().invoke(main, [*args, "--format", "html"])  # `commercial simulate` writes to stdout only
        assert result.exit_code in (0, 1), (name, result.output)
        page.write_text(result.stdout, encoding="utf-8")
        pages[name] = page
    return pages


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _outputs(tmp_path_factory.mktemp("html-outputs"))


def _open(browser: Browser, page: Path, *, width: int = 1200, height: int = 900) -> tuple[str, str]:
    """A new tab showing `page` (its CSP bypassed, so axe can be injected); returns (target, session)."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.send("Page.enable", session=session)
    browser.send("Page.setBypassCSP", {"enabled": True}, session=session)
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        session=session,
    )
    browser.send("Page.navigate", {"url": page.as_uri()}, session=session)
    browser.wait_for("Page.loadEventFired", session=session)
    return target, session


def _evaluate(browser: Browser, session: str, expression: str) -> Any:
    reply = browser.send(
        "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session=session
    )
    if "exceptionDetails" in reply:
        raise RuntimeError(reply["exceptionDetails"])
    return reply["result"].get("value")


def _screenshot(browser: Browser, session: str, path: Path, *, width: int = 1200) -> None:
    height = min(int(_evaluate(browser, session, "document.documentElement.scrollHeight")), 16000)
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session=session)
    path.write_bytes(base64.b64decode(shot["data"]))


@pytest.mark.parametrize(
    "name",
    [
        *(f"report-{name}" for name in PACKS),
        "brief-northgate-rail",
        "audit-northgate-rail",
        "portfolio",
        "commercial",
    ],
)
def test_every_html_output_has_no_axe_violation(name: str, browser: Browser, outputs: dict[str, Path]) -> None:
    """axe-core, injected into the page in Chromium, finds no violation (WCAG 2.x A and AA and best practice)."""
    _need(AXE)
    target, session = _open(browser, outputs[name])
    try:
        _evaluate(browser, session, AXE.read_text(encoding="utf-8"))
        found = _evaluate(
            browser,
            session,
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
            "v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')))",
        )
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
    assert found == []


def test_axe_does_find_a_violation_when_there_is_one(browser: Browser, tmp_path: Path) -> None:
    """The control: white text on the old orange chip (2.84:1) is a colour-contrast violation to axe here."""
    _need(AXE)
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
        '<h1>Control</h1><p style="color:#fff;background:#e67e22">unevidenced</p></main></body></html>',
        encoding="utf-8",
    )
    target, session = _open(browser, page)
    try:
        _evaluate(browser, session, AXE.read_text(encoding="utf-8"))
        found = _evaluate(browser, session, "axe.run(document).then(r => r.violations.map(v => v.id))")
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
    assert found == ["color-contrast"]


def test_every_html_output_is_valid_under_html_validate(outputs: dict[str, Path], tmp_path: Path) -> None:
    """html-validate's recommended rules (ids, header scopes, no inline styles, ...) find nothing in any page."""
    _need(HTML_VALIDATE)
    config = tmp_path / "htmlvalidate.json"
    config.write_text('{"extends": ["html-validate:recommended"]}', encoding="utf-8")
    run = subprocess.run(
        [str(HTML_VALIDATE), "--config", str(config), *map(str, outputs.values())],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (run.returncode, run.stdout + run.stderr) == (0, "")


def test_the_audit_register_keeps_each_column_readable(
    browser: Browser, outputs: dict[str, Path], artifacts: Path
) -> None:
    """In the evidence register no column is squeezed: ids and dates stay on one line, every column is at
    least 4 characters wide; a screenshot of the register is saved."""
    target, session = _open(browser, outputs["audit-northgate-rail"])
    try:
        facts = _evaluate(
            browser,
            session,
            """JSON.stringify((() => {
                const table = document.querySelector('#register');
                const em = parseFloat(getComputedStyle(table).fontSize);
                const widths = Array.from(table.querySelectorAll('thead th')).map(th => th.getBoundingClientRect().width / em);
                const lines = cell => Math.round(cell.getBoundingClientRect().height / parseFloat(getComputedStyle(cell).lineHeight || em * 1.5));
                const rows = Array.from(table.querySelectorAll('tbody tr'));
                return {
                    widths: widths,
                    idLines: Math.max(...rows.map(r => r.cells[0].querySelectorAll('br').length + (r.cells[0].scrollHeight > 2.2 * em + 12 ? 2 : 1))),
                    dateOneLine: rows.every(r => { const c = r.cells[4]; const range = document.createRange(); range.selectNodeContents(c); return range.getClientRects().length === 1; }),
                    idOneLine: rows.every(r => { const range = document.createRange(); range.selectNodeContents(r.cells[0]); return range.getClientRects().length === 1; }),
                    pageWidth: document.documentElement.scrollWidth,
                };
            })())""",
        )
        _screenshot(browser, session, artifacts / "audit-register-northgate-rail.png")
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
    dom = json.loads(facts)
    assert min(dom["widths"]) >= 4, dom["widths"]
    assert dom["dateOneLine"] and dom["idOneLine"]
    assert dom["pageWidth"] <= 1200


def test_the_brief_screenshot_and_a_phone_width_reflow(
    browser: Browser, outputs: dict[str, Path], artifacts: Path
) -> None:
    """The northgate brief is saved as a screenshot; at 375 px wide the report scrolls no further than the screen."""
    target, session = _open(browser, outputs["brief-northgate-rail"])
    try:
        _screenshot(browser, session, artifacts / "brief-northgate-rail.png")
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
    assert (artifacts / "brief-northgate-rail.png").stat().st_size > 10_000
    for name in ("report-northgate-rail", "audit-northgate-rail", "portfolio", "commercial"):
        target, session = _open(browser, outputs[name], width=375, height=800)
        try:
            width = _evaluate(browser, session, "document.documentElement.scrollWidth")
        finally:
            browser.send("Target.closeTarget", {"targetId": target})
        assert width <= 375, name


def test_the_commercial_chart_screenshot_shows_every_party(
    browser: Browser, outputs: dict[str, Path], artifacts: Path
) -> None:
    """The commercial page is saved as a screenshot; its chart is drawn with a line for the client and each partner."""
    target, session = _open(browser, outputs["commercial"])
    try:
        drawn = _evaluate(
            browser,
            session,
            "({lines: document.querySelectorAll('figure svg polyline').length,"
            " width: document.querySelector('figure svg').getBoundingClientRect().width})",
        )
        _screenshot(browser, session, artifacts / "commercial-fenland-water.png")
    finally:
        browser.send("Target.closeTarget", {"targetId": target})
    assert drawn["lines"] == 3  # Fenland Water and its two partners
    assert drawn["width"] > 300
    assert (artifacts / "commercial-fenland-water.png").stat().st_size > 10_000
