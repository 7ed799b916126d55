"""The gate review service: a Starlette application where sponsors read the brief and record decisions, and the programme office reviews the portfolio.

Who decided is established here, not typed: the signed-in account, the declared person (or body)
it is linked to in the pack, the role that person holds on the server's date, and the server's
clock. A decision is recorded only against the evaluation the person saw (its digest travels in
the form); if the pack changed meanwhile, nothing is recorded and the page says what changed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import mimetypes
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from gatekeeper.ledger import Row, open_ledger
from gatekeeper.ledger.decision import Quorum, RoleNotHeld, RoleRefused, decider_name, deciding_roles, quorum
from gatekeeper.ledger.entry import decision_entry, entry_key, pack_listing
from gatekeeper.people import NameRefused, check_visible
from gatekeeper.problems import InputError
from gatekeeper.result import GateResult
from gatekeeper.serve import evaluation as ev
from gatekeeper.serve.accounts import Account, AccountStore
from gatekeeper.serve.identity import PasswordIdentity, RateLimiter, Refused

TEMPLATES = Path(__file__).with_name("templates")
STYLESHEET = TEMPLATES / "serve.css"
MAX_NOTE_CHARS = 4000
_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def report_html(result: GateResult) -> str:
    """The full gate report (it opens with the decision brief), as `check --format html` writes it."""
    from gatekeeper.reporters import RenderOptions
    from gatekeeper.reporters.gate import GATE

    rendered = GATE.render(result, "html", options=RenderOptions())
    return rendered if isinstance(rendered, str) else rendered.decode("utf-8")


def brief_html(result: GateResult) -> str:
    """The decision brief alone, the one page a decider reads before deciding (`check --summary`)."""
    from gatekeeper.reporters import RenderOptions
    from gatekeeper.reporters.brief import BRIEF

    rendered = BRIEF.render(result, "html", options=RenderOptions())
    return rendered if isinstance(rendered, str) else rendered.decode("utf-8")


@dataclass(frozen=True)
class ServeConfig:
    """What the service serves and where it records: fixed when it starts."""

    packs: Path
    ledger: str
    users: str | None = None
    profile: Path | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    secure_cookies: bool = False  # Secure cookies and HSTS: behind TLS, ours or the proxy's
    today: Callable[[], dt.date] = dt.date.today  # the server's date is the as-of date
    sign_in_attempts: int = 5  # failed sign-ins per account and per client address per 15 minutes


def _environment() -> jinja2.Environment:
    from gatekeeper.reporters.gate import _view as v

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(line=v.line, status=v.status_label, phase=v.phase_label)
    return env


class Service:
    """The routes and what they share: the config, the accounts, the templates, what each person was shown."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.store = AccountStore(config.users)
        self.identity = PasswordIdentity(self.store, limiter=RateLimiter(attempts=config.sign_in_attempts))
        self.templates = _environment()
        self.seen = ev.SeenCache()

    # -- helpers -------------------------------------------------------------------------------

    def page(self, request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        account = context.pop("account", None)
        text = self.templates.get_template(template).render(account=account, csrf=csrf_token(request), **context)
        return HTMLResponse(text, status_code=status)

    async def account(self, request: Request) -> Account:
        """The signed-in account; 303 to the sign-in page otherwise."""
        found = await run_in_threadpool(self.identity.current, request.session)
        if found is None:
            raise HTTPException(303, headers={"Location": "/signin"})
        return found

    def readable(self, account: Account, alliance_id: str) -> bool:
        return account.office or account.link(alliance_id) is not None

    async def pack_of(self, account: Account, alliance_id: str) -> Path:
        """The pack of an alliance the account may read; 404 alike for unknown and not permitted."""
        if not self.readable(account, alliance_id):
            raise HTTPException(404)
        found = (await run_in_threadpool(ev.packs, self.config.packs)).get(alliance_id)
        if found is None:
            raise HTTPException(404)
        return found

    async def evaluate(self, path: Path) -> ev.Evaluation:
        try:
            return await run_in_threadpool(ev.evaluate, path, as_of=self.config.today(), profile=self.config.profile)
        except InputError as error:
            raise HTTPException(422, detail="\n".join(str(p) for p in error.problems[:20])) from error

    def rows(self) -> list[Row]:
        """Every ledger row; none before the first decision creates the ledger file."""
        from gatekeeper.ledger.sqlite import NOTHING_RECORDED

        try:
            with open_ledger(self.config.ledger or None) as ledger:
                return ledger.rows()
        except InputError as error:
            if [p.message for p in error.problems] == [NOTHING_RECORDED]:
                return []
            raise HTTPException(503, detail="\n".join(str(p) for p in error.problems)) from error

    # -- sign-in -------------------------------------------------------------------------------

    async def signin_form(self, request: Request) -> Response:
        return self.page(request, "signin.html.j2", error=None, name="")

    async def signin(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        check_csrf(request, form.get("csrf"))
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        client = request.client.host if request.client else "unknown"
        outcome = await run_in_threadpool(self.identity.sign_in, request.session, name, password, client=client)
        if isinstance(outcome, Refused):
            headers = {"Retry-After": str(outcome.retry_after)} if outcome.retry_after else None
            response = self.page(
                request, "signin.html.j2", status=429 if outcome.retry_after else 401, error=outcome.message, name=name
            )
            if headers:
                response.headers.update(headers)
            return response
        new_csrf(request)
        return RedirectResponse("/", status_code=303)

    async def signout(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        check_csrf(request, form.get("csrf"))
        self.identity.sign_out(request.session)
        return RedirectResponse("/signin", status_code=303)

    # -- the programme office's page -----------------------------------------------------------

    async def portfolio(self, request: Request) -> Response:
        account = await self.account(request)
        packs = await run_in_threadpool(ev.packs, self.config.packs)
        day = self.config.today()
        rows = []
        for alliance_id, path in packs.items():
            if self.readable(account, alliance_id):
                rows.append(await run_in_threadpool(ev.row, path, as_of=day, profile=self.config.profile))
        return self.page(request, "portfolio.html.j2", account=account, rows=rows, as_of=day)

    # -- one alliance: the brief, the decisions, the form --------------------------------------

    async def alliance(self, request: Request) -> Response:
        account = await self.account(request)
        alliance_id = request.path_params["alliance"]
        evaluated = await self.evaluate(await self.pack_of(account, alliance_id))
        return await self.alliance_page(request, account, evaluated)

    async def alliance_page(
        self,
        request: Request,
        account: Account,
        evaluated: ev.Evaluation,
        *,
        status: int = 200,
        error: str | None = None,
        changed: list[str] | None = None,
        form: dict[str, str] | None = None,
    ) -> Response:
        result = evaluated.result
        digest = evaluated.digest
        self.seen.put(digest, ev.seen(result))
        rows = await run_in_threadpool(self.rows)
        gate = evaluated.rules.policy.gates[result.gate]
        standing = quorum(gate, rows, alliance_id=result.alliance_id, as_of=result.as_of)
        link = account.link(result.alliance_id)
        ref = _ref(evaluated, link)
        roles = deciding_roles(gate, evaluated.pack, ref, result.as_of) if ref else ()
        acting = _name(evaluated, ref)
        since = await run_in_threadpool(_since_last, rows, result, evaluated.path)
        recorded = request.query_params.get("recorded")
        return self.page(
            request,
            "alliance.html.j2",
            status=status,
            account=account,
            r=result,
            gate=gate,
            digest=digest,
            quorum=standing,
            quorum_text=_quorum_text(standing),
            roles=roles,
            acting=acting,
            since=since,
            error=error,
            changed=changed,
            form=form or {},
            recorded=recorded if recorded and recorded.isdigit() else None,
        )

    async def decide(self, request: Request) -> Response:
        account = await self.account(request)
        form = await request.form(max_files=0, max_fields=10, max_part_size=16 * 1024)
        check_csrf(request, form.get("csrf"))
        alliance_id = request.path_params["alliance"]
        path = await self.pack_of(account, alliance_id)
        fields = {k: str(form.get(k, "")) for k in ("digest", "decision", "role", "note")}
        evaluated = await self.evaluate(path)
        result = evaluated.result
        gate = evaluated.rules.policy.gates[result.gate]
        ref = _ref(evaluated, account.link(alliance_id))
        if ref is None or not deciding_roles(gate, evaluated.pack, ref, result.as_of):
            raise HTTPException(403, detail=f"You hold no role that decides the {result.gate} gate on {result.as_of}.")
        if not hmac.compare_digest(fields["digest"], evaluated.digest):
            changes = ev.changes(self.seen.get(fields["digest"]), result)
            return await self.alliance_page(request, account, evaluated, status=409, changed=changes, form=fields)
        problem = _form_problem(fields, result)
        if problem:
            return await self.alliance_page(request, account, evaluated, status=400, error=problem, form=fields)
        try:
            by = decider_name(gate, evaluated.pack, ref=ref, role=fields["role"], day=result.as_of)
        except (RoleRefused, RoleNotHeld) as refused:
            raise HTTPException(403, detail=str(refused)) from None
        note = fields["note"].strip() or None
        row = await run_in_threadpool(
            self.append, evaluated, decision=fields["decision"], by=by, role=fields["role"], note=note, account=account
        )
        return RedirectResponse(f"/a/{alliance_id}?recorded={row.seq}", status_code=303)

    def append(
        self, evaluated: ev.Evaluation, *, decision: str, by: str, role: str, note: str | None, account: Account
    ) -> Row:
        """Append the decision as `gatekeeper record` would, with the signed-in account; a replay is the same row."""
        entry = decision_entry(
            evaluated.result,
            decision=decision,
            by=by,
            role=role,
            note=note,
            pack_files=pack_listing(evaluated.path),
            account=account.name,
        )
        with open_ledger(self.config.ledger or None) as ledger:
            return ledger.append(entry, key=entry_key(entry))

    # -- the report and its documents ----------------------------------------------------------

    async def report(self, request: Request) -> Response:
        account = await self.account(request)
        evaluated = await self.evaluate(await self.pack_of(account, request.path_params["alliance"]))
        html = report_html(evaluated.result)
        return HTMLResponse(html, headers={"Content-Security-Policy": report_csp(html)})

    async def brief(self, request: Request) -> Response:
        account = await self.account(request)
        evaluated = await self.evaluate(await self.pack_of(account, request.path_params["alliance"]))
        html = brief_html(evaluated.result)
        return HTMLResponse(html, headers={"Content-Security-Policy": report_csp(html)})

    async def document(self, request: Request) -> Response:
        """A document the pack's register lists, read through the pack's safe opener; 404 for anything else."""
        from gatekeeper.loading.paths import MAX_DOCUMENT_BYTES, check_reference, read_document

        account = await self.account(request)
        path = await self.pack_of(account, request.path_params["alliance"])
        relpath = request.path_params["path"]
        evaluated = await self.evaluate(path)
        registered = {item.path for item in evaluated.pack.register.values()}
        if relpath not in registered or check_reference(relpath) is not None:
            raise HTTPException(404)
        found, data = await run_in_threadpool(read_document, path, relpath, max_bytes=MAX_DOCUMENT_BYTES)
        if found.problem is not None or data is None:
            raise HTTPException(404)
        kind = mimetypes.guess_type(relpath)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("image/svg+xml", "application/xhtml+xml", "application/xml"):
            kind = "text/plain; charset=utf-8"  # shown as text, never run as a page of this site
        name = relpath.rsplit("/", 1)[-1]
        return Response(
            data,
            media_type=kind,
            headers={
                "Content-Disposition": f"inline; filename*=UTF-8''{_quote(name)}",
                "Content-Security-Policy": "default-src 'none'; sandbox",
            },
        )

    # -- the ledger ----------------------------------------------------------------------------

    async def ledger(self, request: Request) -> Response:
        account = await self.account(request)
        rows = await run_in_threadpool(self.rows)
        shown = []
        for row in rows:
            alliance = row.entry.get("alliance")
            alliance_id = alliance.get("id") if isinstance(alliance, dict) else None
            if isinstance(alliance_id, str) and self.readable(account, alliance_id):
                shown.append(row)
        return self.page(request, "ledger.html.j2", account=account, rows=list(reversed(shown)))

    async def stylesheet(self, request: Request) -> Response:
        return Response(STYLESHEET.read_bytes(), media_type="text/css; charset=utf-8")

    async def error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 303 and exc.headers:
            return RedirectResponse(exc.headers["Location"], status_code=303)
        titles = {403: "Not allowed", 404: "Not found", 405: "Method not allowed", 422: "The pack cannot be evaluated"}
        titles[503] = "The ledger cannot be read"
        detail = exc.detail if exc.status_code in (403, 422, 503) else None
        return self.page(
            request,
            "error.html.j2",
            status=exc.status_code,
            title=titles.get(exc.status_code, "Error"),
            detail=detail,
        )


def report_csp(html: str) -> str:
    """The CSP of a self-contained report: its inline stylesheet and style attributes allowed by their hashes only.

    The report is written to be one file that works anywhere (inline <style>, a few style
    attributes); served here, each of those exact texts is allowed and nothing else is.
    """
    import html as markup

    blocks = dict.fromkeys(_STYLE.findall(html))
    attributes = dict.fromkeys(markup.unescape(a) for a in _STYLE_ATTRIBUTE.findall(html))
    hashes = [_sha256(text) for text in (*blocks, *attributes)]
    if attributes:
        hashes.insert(0, "'unsafe-hashes'")
    return _CSP.replace("style-src 'self'", f"style-src {' '.join(hashes) or chr(39) + 'none' + chr(39)}")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


# --- CSRF: one token per session, in every form -------------------------------------------------


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made when first needed."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = new_csrf(request)
    return token


def new_csrf(request: Request) -> str:
    token = secrets.token_urlsafe(32)
    request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: object) -> None:
    """403 unless the form carries the session's token (a forged cross-site form cannot know it)."""
    token = request.session.get("csrf")
    if not (isinstance(token, str) and isinstance(sent, str) and hmac.compare_digest(token, sent)):
        raise HTTPException(
            403,
            detail="The form was not sent from this service (its security token is missing or stale). Reload the page and try again.",
        )


# --- what the alliance page says --------------------------------------------------------------


def _ref(evaluated: ev.Evaluation, link: str | None) -> str | None:
    """The entity reference ("person:ID" or "body:ID") the account's link names in this pack, if declared."""
    if link is None:
        return None
    if link in evaluated.pack.people:
        return f"person:{link}"
    if link in evaluated.pack.bodies:
        return f"body:{link}"
    return None


def _name(evaluated: ev.Evaluation, ref: str | None) -> str | None:
    from gatekeeper.people import entity

    found = entity(evaluated.pack, ref) if ref else None
    return found.name if found is not None else None


def _form_problem(fields: dict[str, str], result: GateResult) -> str | None:
    if fields["decision"] not in ("pass", "fail"):
        return "Choose pass or fail."
    note = fields["note"].strip()
    if len(note) > MAX_NOTE_CHARS:
        return f"The note is longer than {MAX_NOTE_CHARS} characters."
    if fields["decision"] != result.decision and not note:
        return f"The computed decision is {result.decision}: recording {fields['decision']} needs a note saying why."
    if note:
        try:
            check_visible(" ".join(note.split()))
        except NameRefused as refused:
            return f"The note {refused}."
    return None


def _quorum_text(standing: Quorum) -> str:
    if standing.disagree:
        return "The deciders recorded different decisions: pending until they agree."
    outcome = standing.outcome
    if outcome is not None:
        return f"Decided: {outcome}."
    if standing.rule == "all":
        return f"Pending: every one of {', '.join(standing.deciders)} must decide; still to decide: {', '.join(standing.missing)}."
    return f"Pending: one of {', '.join(standing.deciders)} decides."


@dataclass(frozen=True)
class Since:
    """The alliance's last recorded decision and what changed in its pack since."""

    row: Row
    decision_then: str
    computed_then: str
    changes: tuple[str, ...]


def _since_last(rows: list[Row], result: GateResult, path: Path) -> Since | None:
    from gatekeeper.ledger import changed_documents

    last = None
    for row in rows:
        alliance = row.entry.get("alliance")
        if isinstance(alliance, dict) and alliance.get("id") == result.alliance_id:
            last = row
    if last is None:
        return None
    decided = last.entry.get("decision")
    computed = last.entry.get("computed")
    decided = decided if isinstance(decided, dict) else {}
    computed = computed if isinstance(computed, dict) else {}
    try:
        changes = tuple(changed_documents(last, path))
    except InputError as error:
        changes = tuple(str(p) for p in error.problems)
    return Since(last, str(decided.get("value")), str(computed.get("decision")), changes)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


# --- the application --------------------------------------------------------------------------


class SecurityHeaders:
    """Every response: a strict CSP (no script at all), no framing, no sniffing, no referrer, no caching."""

    def __init__(self, app: Callable[..., Awaitable[None]], *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = {
                    b"content-security-policy": _CSP.encode(),
                    b"x-content-type-options": b"nosniff",
                    b"x-frame-options": b"DENY",
                    b"referrer-policy": b"no-referrer",
                    b"cache-control": b"no-store",
                    b"cross-origin-opener-policy": b"same-origin",
                }
                if self.hsts:
                    extra[b"strict-transport-security"] = b"max-age=31536000"
                headers += [(k, v) for k, v in extra.items() if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(config: ServeConfig) -> Starlette:
    """The ASGI application serving `config.packs`, recording to `config.ledger`."""
    service = Service(config)
    routes = [
        Route("/", service.portfolio),
        Route("/signin", service.signin_form, methods=["GET"]),
        Route("/signin", service.signin, methods=["POST"]),
        Route("/signout", service.signout, methods=["POST"]),
        Route("/ledger", service.ledger),
        Route("/static/serve.css", service.stylesheet),
        Route("/a/{alliance}", service.alliance),
        Route("/a/{alliance}/decide", service.decide, methods=["POST"]),
        Route("/a/{alliance}/pack/report.html", service.report),
        Route("/a/{alliance}/pack/brief.html", service.brief),
        Route("/a/{alliance}/pack/{path:path}", service.document),
    ]
    middleware = [
        Middleware(SecurityHeaders, hsts=config.secure_cookies),
        # SameSite=Strict: no page of the service is meant to be reached signed-in from another
        # site, and a cross-site request then carries no session at all (CSRF tokens still check).
        Middleware(
            SessionMiddleware,
            secret_key=config.secret,
            session_cookie="gatekeeper_session",
            max_age=8 * 3600,
            same_site="strict",
            https_only=config.secure_cookies,
        ),
    ]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: service.error})
