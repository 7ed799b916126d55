"""The HTML format, statically: self-contained, no script or external URL, every section and outcome present."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import reporter_cases

from gatekeeper.reporters import RenderOptions, render


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(case: str) -> tuple[str, _Collector]:
    page = render(reporter_cases.CASES[case](), "html", options=RenderOptions())
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return page, collector


@pytest.mark.parametrize("case", sorted(reporter_cases.CASES))
def test_page_is_self_contained(case: str) -> None:
    """No script, frame, object or stylesheet link, and no attribute points off the page except to data: URLs."""
    page, parsed = _parse(case)
    tags = {tag for tag, _ in parsed.tags}
    assert tags.isdisjoint({"script", "iframe", "object", "embed", "base", "form", "audio", "video", "source"})
    assert "<script" not in page.lower()
    assert [a for t, a in parsed.tags if t == "link"] == [{"rel": "icon", "href": "data:,"}]
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action", "srcset", "xlink:href", "poster"):
                parts = urlsplit(value or "")
                assert parts.scheme in ("", "data") and parts.netloc == "", (tag, name, value)
            assert "http" not in (value or "").lower() or name == "content", (tag, name, value)


def test_content_security_policy_forbids_fetching() -> None:
    """The page declares a policy that allows no script and no network fetch at all."""
    _, parsed = _parse("passing")
    csp = [a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]


def test_banner_grid_chart_and_blockers_present() -> None:
    """The decision banner, the 16-cell grid, a bar per theme of the phase and each blocker are in the page."""
    _, parsed = _parse("failing")
    by_id = {a.get("id"): (t, a) for t, a in parsed.tags if a.get("id")}
    assert by_id["decision"][1]["data-decision"] == "fail"
    assert by_id["decision"][1]["class"] == "banner fail"
    cells = [a["data-cell"] for t, a in parsed.tags if t == "td" and "data-cell" in a]
    assert len(cells) == 16 and cells[:4] == ["DEC.BEH", "CRE.BEH", "DEL.BEH", "SUS.BEH"]
    assert by_id["maturity"][0] == "svg"
    themes = [a["data-theme"] for t, a in parsed.tags if t == "g" and "data-theme" in a]
    assert themes == ["behaviour", "leadership", "commercial"]
    assert [a["data-outcome"] for t, a in parsed.tags if t == "article" and a.get("class") == "blocker"] == [
        "DEC.LEA.01",
        "CRE.COM.01",
        "CRE.BEH.01",
        "CRE.BEH.02",
    ]


def test_every_outcome_with_text_status_and_evidence_links() -> None:
    """Each outcome appears with its Code of Practice text, status and a relative link to its evidence."""
    page, parsed = _parse("failing")
    result = reporter_cases.failing()
    ids = [a["id"] for t, a in parsed.tags if t == "article" and a.get("id", "").startswith("outcome-")]
    assert ids == [f"outcome-{o.id.replace('.', '-')}" for o in result.outcomes]
    links = [a["href"] for t, a in parsed.tags if t == "a" and not a["href"].startswith("#")]
    assert links == ["docs/plan.pdf"] * len(result.outcomes)
    assert page.count('<span class="chip s-waived">waived</span>') == 1
    assert "Code of Practice 2.1 &middot; Identifying the required behaviours" in page


def test_hostile_text_is_escaped_and_links_stay_relative() -> None:
    """Script tags arrive as text, quotes cannot end an attribute, and javascript: or remote paths get no link."""
    page, parsed = _parse("hostile")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &#34;double&#34; &#39;single&#39; &amp; \\x00" in page
    hrefs = [a["href"] for t, a in parsed.tags if t == "a" and not a["href"].startswith("#")]
    assert hrefs == ["docs/plan.pdf"]  # only the met outcome's in-pack document is linked
    assert "(EV-2, //evil.example/x.pdf: not a document in the pack)" in page
    assert "(EV-&lt;b&gt;, javascript:alert(1): not a document in the pack)" in page


def test_print_stylesheet() -> None:
    """The page carries print rules: an A4 page, colours kept, no breaks inside the banner or a blocker."""
    page, _ = _parse("passing")
    assert "@page { size: A4;" in page
    assert "print-color-adjust: exact" in page
    assert ".banner, .blocker, #grid, .chart, tr { break-inside: avoid; }" in page


@pytest.mark.parametrize(
    ("path", "href"),
    [
        ("docs/plan.pdf", "docs/plan.pdf"),
        ("docs/board minutes #3.pdf", "docs/board%20minutes%20%233.pdf"),
        ("docs\\win.pdf", "docs/win.pdf"),
        ("javascript:alert(1)", None),
        ("https://evil.example/x.pdf", None),
        ("//evil.example/x.pdf", None),
        ("/etc/passwd", None),
        ("../outside.pdf", None),
        ("C:/docs/plan.pdf", None),
        ("", None),
    ],
)
def test_evidence_links_stay_inside_the_pack(path: str, href: str | None) -> None:
    """Only a relative path inside the pack becomes a link, percent-encoded; anything else gets none."""
    from gatekeeper.reporters.gate._view import evidence_href

    assert evidence_href(path) == href


def test_commercial_chart_is_an_image_never_markup() -> None:
    """The commercial chart is drawn from the result's simulation and embedded as a data: image, names escaped."""
    import base64

    page, parsed = _parse("hostile")
    images = [a["src"] for t, a in parsed.tags if t == "img"]
    assert len(images) == 1 and images[0].startswith("data:image/svg+xml;base64,")
    image = base64.b64decode(images[0].split(",", 1)[1])
    assert image.startswith(b"<svg ") and b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;" in image
    assert b"<script" not in image
    assert "<script" not in page.lower()
    _, passing = _parse("passing")
    assert [t for t, _ in passing.tags].count("img") == 1
    _, failing = _parse("failing")
    assert [t for t, _ in failing.tags].count("img") == 0


def test_grid_shows_maturity_and_improvements_are_ranked_with_links() -> None:
    """Each grid cell shows its maturity beside its status; the ranked improvements link to each outcome."""
    page, _ = _parse("failing")
    assert '<span class="count">1 of 3 met</span><span class="count">maturity 33 %</span>' in page
    assert "Every outcome in scope: 43 %." in page
    section = page[page.index('<section id="improvements">') :]
    section = section[: section.index("</section>")]
    ranked = [section.index(f'href="#outcome-{i}"') for i in ("DEC-LEA-01", "CRE-COM-01", "CRE-BEH-01", "CRE-BEH-02")]
    assert ranked == sorted(ranked)
    assert "lifts CRE.BEH over its floor" in section and "+33.3 points to CRE.BEH" in section
