"""The gate review service in process: who may read and decide what, forged and replayed forms, changed packs, documents, headers."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from serve_support import PASSWORD, Service, csrf_of, digest_of

from gatekeeper.ledger import open_ledger

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


def rows(service: Service) -> list[dict[str, object]]:
    """The ledger's entries (none before the first decision creates the file)."""
    if not Path(service.config.ledger).exists():
        return []
    with open_ledger(service.config.ledger) as ledger:
        return [row.entry for row in ledger.rows()]


def decide(client, alliance: str, **fields: str):  # type: ignore[no-untyped-def]
    """Open the alliance's page and post the decision form as a browser would, with `fields` overriding."""
    page = client.get(f"/a/{alliance}")
    form = {
        "csrf": csrf_of(page.text),
        "digest": digest_of(page.text),
        "decision": "pass",
        "role": "Sponsor",
        "note": "",
    }
    form.update(fields)
    return client.post(f"/a/{alliance}/decide", data=form)


def test_signed_out_pages_go_to_sign_in(service: Service) -> None:
    """Every page but the sign-in form redirects a request without a session to /signin."""
    client = service.client()
    for path in (
        "/",
        "/ledger",
        "/a/fenland-water",
        "/a/fenland-water/pack/report.html",
        "/a/fenland-water/pack/brief.html",
    ):
        response = client.get(path)
        assert (response.status_code, response.headers["location"]) == (303, "/signin"), path


def test_wrong_password_is_refused_without_saying_which_part(service: Service) -> None:
    """A wrong password and an unknown account get the same 401 and the same words."""
    client = service.client()
    token = csrf_of(client.get("/signin").text)
    wrong = client.post("/signin", data={"csrf": token, "name": "catherine", "password": "not the password"})
    unknown = client.post("/signin", data={"csrf": token, "name": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    message = "The account name or the password is not right, or the account is disabled."
    assert message in wrong.text and message in unknown.text


def test_sponsor_of_one_alliance_cannot_read_or_decide_another(service: Service) -> None:
    """Fenland Water's Sponsor gets 404 for Northgate Rail's page, report, documents and decision form, and nothing is recorded."""
    client = service.client("catherine")
    home = client.get("/")
    assert "/a/fenland-water" in home.text and "northgate-rail" not in home.text
    for path in (
        "/a/northgate-rail",
        "/a/northgate-rail/pack/report.html",
        "/a/northgate-rail/pack/brief.html",
        "/a/northgate-rail/pack/manifest.yml",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_of(home.text)
    forged = {"csrf": token, "digest": "0" * 64, "decision": "pass", "role": "Sponsor", "note": ""}
    assert client.post("/a/northgate-rail/decide", data=forged).status_code == 404
    assert rows(service) == []


def test_ledger_page_shows_only_the_accounts_alliances(service: Service) -> None:
    """A decision recorded for Northgate Rail is on its Sponsor's ledger page and not on Fenland Water's Sponsor's."""
    andrew = service.client("andrew")
    assert decide(andrew, "northgate-rail", decision="fail", note="").status_code == 303
    assert "northgate-rail" in andrew.get("/ledger").text
    assert "northgate-rail" not in service.client("catherine").get("/ledger").text


def test_post_without_a_csrf_token_is_refused(service: Service) -> None:
    """A decision posted with no token, or with another session's token, is refused with 403 and records nothing."""
    client = service.client("catherine")
    page = client.get("/a/fenland-water")
    fields = {"digest": digest_of(page.text), "decision": "pass", "role": "Sponsor", "note": ""}
    assert client.post("/a/fenland-water/decide", data=fields).status_code == 403
    other = csrf_of(service.client("catherine").get("/").text)
    assert client.post("/a/fenland-water/decide", data={**fields, "csrf": other}).status_code == 403
    assert rows(service) == []


def test_replaying_a_decision_gives_one_row(service: Service) -> None:
    """The same form posted three times is one ledger row, with the declared name, the role, the account and the server's date."""
    client = service.client("catherine")
    page = client.get("/a/fenland-water")
    form = {
        "csrf": csrf_of(page.text),
        "digest": digest_of(page.text),
        "decision": "pass",
        "role": "Sponsor",
        "note": "",
    }
    answers = [client.post("/a/fenland-water/decide", data=form) for _ in range(3)]
    assert [(a.status_code, a.headers["location"]) for a in answers] == [(303, "/a/fenland-water?recorded=1")] * 3
    entries = rows(service)
    assert len(entries) == 1
    assert entries[0]["decision"] == {
        "value": "pass",
        "by": "Catherine Ashdown",
        "role": "Sponsor",
        "note": None,
        "account": "catherine",
    }
    assert entries[0]["as_of"] == "2026-11-01"
    with open_ledger(service.config.ledger) as ledger:
        assert ledger.verify() == []


def test_quorum_all_is_pending_until_each_role_decides(service: Service) -> None:
    """The creating gate needs the Sponsor and the Client Board: pending after one, decided after both, each a row."""
    sponsor = service.client("catherine")
    assert decide(sponsor, "fenland-water").status_code == 303
    pending = sponsor.get("/a/fenland-water").text
    assert "Pending: every one of Sponsor, Client Board must decide; still to decide: Client Board." in pending
    board = service.client("board")
    assert decide(board, "fenland-water", role="Client Board").status_code == 303
    decided = board.get("/a/fenland-water").text
    assert '<p id="quorum-status" class="quorum">Decided: pass.</p>' in decided
    assert [(e["decision"]["role"], e["decision"]["by"]) for e in rows(service)] == [  # type: ignore[index]
        ("Sponsor", "Catherine Ashdown"),
        ("Client Board", "Fenland Water Client Board"),
    ]


def test_a_person_without_a_deciding_role_reads_but_cannot_decide(service: Service) -> None:
    """The Programme Director sees the brief without a form, and a decision posted with a valid token is refused with 403."""
    client = service.client("gareth")
    page = client.get("/a/fenland-water")
    assert page.status_code == 200
    assert "Computed decision" in page.text and 'action="/a/fenland-water/decide"' not in page.text
    assert "holds no role that decides the creating gate on 2026-11-01" in page.text
    forged = {"csrf": csrf_of(page.text), "digest": "0" * 64, "decision": "pass", "role": "Sponsor", "note": ""}
    assert client.post("/a/fenland-water/decide", data=forged).status_code == 403
    assert rows(service) == []


def test_a_role_the_person_does_not_hold_is_refused(service: Service) -> None:
    """The Sponsor posting as the Client Board is refused with 403: the role comes from the manifest, not the form."""
    response = decide(service.client("catherine"), "fenland-water", role="Client Board")
    assert response.status_code == 403
    assert "Catherine Ashdown did not hold the role Client Board on 2026-11-01" in response.text
    assert rows(service) == []


def test_overriding_the_computed_decision_needs_a_note(service: Service) -> None:
    """Recording fail where the computed decision is pass, without a note, is refused with 400 and the reason; with one it is recorded."""
    client = service.client("catherine")
    refused = decide(client, "fenland-water", decision="fail")
    assert refused.status_code == 400
    assert "The computed decision is pass: recording fail needs a note saying why." in refused.text
    assert rows(service) == []
    assert decide(client, "fenland-water", decision="fail", note="Partners not yet appointed.").status_code == 303
    assert rows(service)[0]["decision"]["note"] == "Partners not yet appointed."  # type: ignore[index]


def test_a_pack_edited_between_viewing_and_deciding_is_shown_again(service: Service) -> None:
    """A document changed after the page was opened: nothing is recorded, the page says what changed, and the new form records."""
    client = service.client("catherine")
    page = client.get("/a/fenland-water")
    form = {
        "csrf": csrf_of(page.text),
        "digest": digest_of(page.text),
        "decision": "pass",
        "role": "Sponsor",
        "note": "",
    }
    claims = service.config.packs / "fenland-water" / "claims.yml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("status: met", "status: not_met", 1), encoding="utf-8")
    again = client.post("/a/fenland-water/decide", data=form)
    assert again.status_code == 409
    assert "The pack changed since you opened this page" in again.text
    assert "<li>claims.yml: changed.</li>" in again.text
    assert rows(service) == []
    assert digest_of(again.text) != form["digest"]
    form["digest"] = digest_of(again.text)
    computed = re.search(r'<span class="verdict">(PASS|FAIL)</span>', again.text)
    assert computed is not None
    form["decision"] = computed.group(1).lower()
    assert client.post("/a/fenland-water/decide", data=form).status_code == 303
    assert len(rows(service)) == 1


def test_registered_documents_are_served_and_nothing_else(service: Service, tmp_path: Path) -> None:
    """A registered document is served as text; '..', encoded slashes, unregistered files and symlinks out of the pack are 404."""
    client = service.client("catherine")
    report = client.get("/a/fenland-water/pack/report.html")
    links = re.findall(r'href="(documents/[^"#]+)"', report.text)
    assert links
    document = client.get(f"/a/fenland-water/pack/{links[0]}")
    assert document.status_code == 200
    assert document.headers["content-type"] == "text/plain; charset=utf-8"
    assert document.headers["content-security-policy"] == "default-src 'none'; sandbox"
    secret = tmp_path / "secret.md"
    secret.write_text("outside the pack\n", encoding="utf-8")
    pack = service.config.packs / "fenland-water"
    target = pack / links[0]
    target.unlink()
    os.symlink(secret, target)
    for path in (
        links[0],
        "manifest.yml",
        "../northgate-rail/manifest.yml",
        "documents/..%2F..%2Fnorthgate-rail%2Fmanifest.yml",
        "%2e%2e/%2e%2e/secret.md",
        "documents%2F..%2F..%2F..%2Fsecret.md",
    ):
        response = client.get(f"/a/fenland-water/pack/{path}")
        assert response.status_code == 404, path
        assert "outside the pack" not in response.text


def test_every_page_carries_the_security_headers(service: Service) -> None:
    """Pages carry a CSP without scripts, no framing, no sniffing; the report's own styles are allowed by hash only."""
    client = service.client("catherine")
    for path in ("/", "/ledger", "/a/fenland-water", "/signin", "/a/nowhere"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CSP, path
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
    for page in ("report.html", "brief.html"):
        policy = client.get(f"/a/fenland-water/pack/{page}").headers["content-security-policy"]
        assert re.fullmatch(
            r"default-src 'none'; style-src( 'unsafe-hashes')?( 'sha256-[A-Za-z0-9+/]{43}=')+; img-src 'self' data:; "
            r"form-action 'self'; "
            r"frame-ancestors 'none'; base-uri 'none'",
            policy,
        ), page


def test_session_cookie_is_signed_httponly_and_strict(service: Service) -> None:
    """The session cookie is HttpOnly and SameSite=Strict, and a tampered cookie is no session."""
    client = service.client()
    page = client.get("/signin")
    response = client.post("/signin", data={"csrf": csrf_of(page.text), "name": "catherine", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    value = client.cookies["gatekeeper_session"]
    client.cookies.clear()
    client.cookies.set("gatekeeper_session", value[:5] + ("A" if value[5] != "A" else "B") + value[6:])
    assert client.get("/").status_code == 303


def test_secure_cookies_behind_tls(tmp_path: Path, users_db: str) -> None:
    """With TLS (or a TLS proxy) the cookie is Secure and HSTS is sent."""
    from dataclasses import replace

    from serve_support import TODAY, copy_packs

    from gatekeeper.serve.app import ServeConfig

    config = ServeConfig(
        packs=copy_packs(tmp_path / "p", ("fenland-water",)), ledger=str(tmp_path / "l"), users=users_db
    )
    secure = Service(replace(config, secure_cookies=True, today=lambda: TODAY))
    client = secure.client()
    page = client.get("/signin")
    response = client.post("/signin", data={"csrf": csrf_of(page.text), "name": "catherine", "password": PASSWORD})
    assert "secure" in response.headers["set-cookie"].lower()
    assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_sign_in_is_rate_limited_per_account_and_per_address(service: Service) -> None:
    """After five failures an account is refused with 429 even with its right password, and so is the client address."""
    client = service.client()
    token = csrf_of(client.get("/signin").text)
    for _ in range(5):
        assert client.post("/signin", data={"csrf": token, "name": "board", "password": "wrong"}).status_code == 401
    blocked = client.post("/signin", data={"csrf": token, "name": "board", "password": PASSWORD})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    # The same client address is blocked for every account now.
    assert client.post("/signin", data={"csrf": token, "name": "andrew", "password": PASSWORD}).status_code == 429


def test_sign_in_form_without_token_is_refused(service: Service) -> None:
    """A sign-in posted without the form's token (login CSRF) is refused with 403."""
    client = service.client()
    client.get("/signin")
    assert client.post("/signin", data={"name": "catherine", "password": PASSWORD}).status_code == 403


def test_a_disabled_account_loses_its_session(service: Service) -> None:
    """Disabling an account ends its open session at the next request."""
    from serve_support import make_accounts

    from gatekeeper.serve.accounts import AccountStore

    location = str(Path(service.config.ledger).with_name("own-users.sqlite3"))
    make_accounts(location, {"dana": ("fenland-water", "catherine-ashdown")})
    from dataclasses import replace

    own = Service(replace(service.config, users=location))
    client = own.client("dana")
    assert client.get("/").status_code == 200
    AccountStore(location).disable("dana")
    assert client.get("/").status_code == 303


def test_office_reads_every_alliance_but_decides_none(service: Service) -> None:
    """The programme office sees both alliances in the portfolio and reads each page, without a decision form."""
    client = service.client("office")
    home = client.get("/").text
    assert 'href="/a/fenland-water"' in home and 'href="/a/northgate-rail"' in home
    page = client.get("/a/northgate-rail")
    assert page.status_code == 200 and 'action="/a/northgate-rail/decide"' not in page.text


def test_input_is_escaped(service: Service) -> None:
    """A note with markup is shown as text on the ledger page, never as markup."""
    client = service.client("catherine")
    note = '<img src=x onerror="alert(1)"> & <b>bold</b>'
    assert decide(client, "fenland-water", decision="fail", note=note).status_code == 303
    page = client.get("/ledger").text
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<img src=x" not in page


@pytest.mark.parametrize("status", ["pass", "fail"])
def test_decision_page_shows_what_changed_since_the_last_decision(service: Service, status: str) -> None:
    """After a recorded decision, a changed document is listed under "Since the last decision"."""
    client = service.client("catherine")
    note = "" if status == "pass" else "Held back."
    assert decide(client, "fenland-water", decision=status, note=note).status_code == 303
    facts = service.config.packs / "fenland-water" / "facts.yml"
    facts.write_text(facts.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    page = client.get("/a/fenland-water").text
    assert f"Last recorded: row 1, creating gate, {status} (computed pass) as of 2026-11-01" in page
    assert "<li>facts.yml: changed since the decision of row 1</li>" in page


def test_the_decision_brief_is_served_alone_and_linked_from_the_alliance_page(service: Service) -> None:
    """The alliance page links the one-page brief, which carries the decision and nothing of the full detail."""
    client = service.client("catherine")
    assert '/a/fenland-water/pack/brief.html"' in client.get("/a/fenland-water").text
    brief = client.get("/a/fenland-water/pack/brief.html")
    full = client.get("/a/fenland-water/pack/report.html")
    assert brief.status_code == 200 and "PASS" in brief.text
    assert len(brief.text) < len(full.text) / 2
