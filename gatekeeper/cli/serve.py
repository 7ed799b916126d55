"""`gatekeeper serve`: the gate review service, for sponsors and the programme office, on uvicorn."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import replace
from pathlib import Path

import click

from gatekeeper.cli.common import guarded
from gatekeeper.cli.defaults import settle
from gatekeeper.ledger import LEDGER_ENV
from gatekeeper.problems import UsageError

SECRET_ENV = "GATEKEEPER_SERVE_SECRET"


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach: 127.0.0.0/8, ::1, localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, *, tls_cert: Path | None, tls_key: Path | None, behind_proxy: bool) -> None:
    """UsageError for a non-loopback address without TLS or an explicit statement that a TLS proxy is in front."""
    if (tls_cert is None) != (tls_key is None):
        raise UsageError("--tls-cert and --tls-key go together: give both, or neither")
    if is_loopback(host) or tls_cert is not None or behind_proxy:
        return
    raise UsageError(
        f"--host {host} is reachable from other machines: passwords and session cookies would cross the network "
        "in clear. Give --tls-cert and --tls-key, or --insecure-behind-proxy when a reverse proxy in front "
        "terminates TLS"
    )


def check_port(host: str, port: int) -> None:
    """UsageError when the address cannot be listened on (in use, not this machine's): said before uvicorn
    would log it and exit 1, which here means "the gate fails"."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as error:
        raise UsageError(f"cannot listen on {host} port {port}: {error.strerror or error}") from None


def _secret(secret_file: Path | None) -> str | None:
    if secret_file is not None:
        try:
            text = secret_file.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise UsageError(f"--secret-file {secret_file}: {error.strerror}") from None
        if len(text) < 32:
            raise UsageError(f"--secret-file {secret_file}: the secret must have at least 32 characters")
        return text
    return os.environ.get(SECRET_ENV) or None


@click.command()
@click.argument("packs", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="PACKS_DIR")
@click.option(
    "--ledger",
    "ledger_url",
    metavar="URL",
    envvar=LEDGER_ENV,
    show_envvar=True,
    help="Ledger: a file path, sqlite:///path or postgresql://... (default: the local SQLite file).",
)
@click.option(
    "--users",
    "users_url",
    metavar="URL",
    envvar="GATEKEEPER_USERS",
    show_envvar=True,
    help="Accounts database (`gatekeeper users`): a file path or postgresql://...",
)
@click.option(
    "--profile",
    type=click.Path(dir_okay=False, path_type=Path),
    help="An organisation's profile tailoring the rule pack.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TLS certificate (PEM).")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TLS private key (PEM).")
@click.option(
    "--insecure-behind-proxy",
    is_flag=True,
    help="Listen on a non-loopback address without TLS because a reverse proxy in front terminates it: "
    "cookies are marked Secure and X-Forwarded-For/-Proto are trusted from --forwarded-allow-ips.",
)
@click.option(
    "--forwarded-allow-ips",
    default="127.0.0.1",
    show_default=True,
    help="Proxies whose X-Forwarded-* headers are trusted.",
)
@click.option(
    "--secret-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"File holding the session signing secret (else ${SECRET_ENV}, else a new one at each start).",
)
@guarded
def serve(
    packs: Path,
    ledger_url: str | None,
    users_url: str | None,
    profile: Path | None,
    host: str,
    port: int,
    tls_cert: Path | None,
    tls_key: Path | None,
    insecure_behind_proxy: bool,
    forwarded_allow_ips: str,
    secret_file: Path | None,
) -> None:
    """Serve the gate review for the evidence packs under PACKS_DIR: sign in, read, decide, record."""
    check_exposure(host, tls_cert=tls_cert, tls_key=tls_key, behind_proxy=insecure_behind_proxy)
    check_port(host, port)
    settings = settle(packs, "serve", profile=profile, ledger=ledger_url)
    import uvicorn

    from gatekeeper import api
    from gatekeeper.serve.app import ServeConfig, create_app

    api.rules(settings.profile)  # a broken rule pack or profile stops the start, not the first request
    secret = _secret(secret_file)
    config = ServeConfig(
        packs=packs,
        ledger=settings.ledger or "",
        users=users_url,
        profile=settings.profile,
        secure_cookies=tls_cert is not None or insecure_behind_proxy,
    )
    if secret:
        config = replace(config, secret=secret)
    app = create_app(config)
    scheme = "https" if tls_cert else "http"
    click.echo(f"gatekeeper: serving {packs} on {scheme}://{host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        ssl_certfile=str(tls_cert) if tls_cert else None,
        ssl_keyfile=str(tls_key) if tls_key else None,
        proxy_headers=insecure_behind_proxy,
        forwarded_allow_ips=forwarded_allow_ips if insecure_behind_proxy else None,
        server_header=False,
        log_level="warning",
    )
