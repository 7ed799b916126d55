"""`gatekeeper users` and `gatekeeper serve` on the command line: accounts managed, exposure refused, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from serve_support import EXAMPLES, PASSWORD

from gatekeeper.cli.main import main
from gatekeeper.serve.accounts import AccountStore


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_users_add_list_disable(tmp_path: Path) -> None:
    """An account is added with its links, listed, disabled, and then refused at sign-in; its hash is argon2id."""
    db = str(tmp_path / "users.sqlite3")
    code, out, _ = run(
        "users",
        "add",
        "dana",
        "--link",
        "fenland-water:catherine-ashdown",
        "--password-stdin",
        "--users",
        db,
        stdin=PASSWORD + "\n",
    )
    assert code == 0
    assert out == f"added dana, linked to fenland-water:catherine-ashdown, in {db}\n"
    assert run("users", "list", "--users", db)[:2] == (0, "dana\tenabled\t-\tfenland-water:catherine-ashdown\n")
    store = AccountStore(db)
    assert store.authenticate("dana", PASSWORD) is not None
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as conn:
        (hashed,) = conn.execute("SELECT password_hash FROM gatekeeper_accounts").fetchone()
    assert hashed.startswith("$argon2id$")
    assert run("users", "disable", "dana", "--users", db)[:2] == (0, f"disabled dana in {db}\n")
    assert run("users", "list", "--users", db)[1] == "dana\tdisabled\t-\tfenland-water:catherine-ashdown\n"
    assert store.authenticate("dana", PASSWORD) is None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("dana",), "short\n", "Error: the password must have at least 12 characters\n"),
        (
            ("dana", "--link", "fenland-water"),
            PASSWORD + "\n",
            "Error: --link 'fenland-water': expected ALLIANCE_ID:PERSON_ID, the ids declared in the pack's manifest.yml\n",
        ),
        (
            ("Dana Whitfield",),
            PASSWORD + "\n",
            "Error: account name 'Dana Whitfield': lower-case letters, digits and . _ @ -, starting with a letter or digit\n",
        ),
    ],
)
def test_users_add_refuses_bad_input(tmp_path: Path, args: tuple[str, ...], stdin: str, message: str) -> None:
    """A short password, a malformed link or account name is a usage error (exit 2) and adds nothing."""
    db = str(tmp_path / "users.sqlite3")
    code, _, err = run("users", "add", *args, "--password-stdin", "--users", db, stdin=stdin)
    assert (code, err) == (2, message)
    assert AccountStore(db).accounts() == []


def test_users_add_twice_is_refused(tmp_path: Path) -> None:
    """A second account of the same name is a usage error."""
    db = str(tmp_path / "users.sqlite3")
    assert run("users", "add", "dana", "--password-stdin", "--users", db, stdin=PASSWORD + "\n")[0] == 0
    code, _, err = run("users", "add", "dana", "--password-stdin", "--users", db, stdin=PASSWORD + "\n")
    assert (code, err) == (2, f"Error: an account named 'dana' already exists in {db}\n")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "example.org"])
def test_serve_refuses_a_public_address_without_tls(tmp_path: Path, host: str) -> None:
    """A non-loopback --host without --tls-cert/--tls-key or --insecure-behind-proxy is refused with exit 2 before anything starts."""
    code, _, err = run("serve", str(EXAMPLES), "--host", host, "--ledger", str(tmp_path / "l.sqlite3"))
    assert code == 2
    assert err.startswith(f"Error: --host {host} is reachable from other machines")
    assert "--insecure-behind-proxy" in err
    assert not (tmp_path / "l.sqlite3").exists()


def test_serve_needs_both_tls_files(tmp_path: Path) -> None:
    """--tls-cert without --tls-key is a usage error."""
    cert = tmp_path / "cert.pem"
    cert.write_text("not used\n", encoding="utf-8")
    code, _, err = run("serve", str(EXAMPLES), "--host", "0.0.0.0", "--tls-cert", str(cert))
    assert (code, err) == (2, "Error: --tls-cert and --tls-key go together: give both, or neither\n")


@pytest.mark.parametrize(
    ("host", "proxy", "loopback"),
    [("127.0.0.1", False, True), ("::1", False, True), ("localhost", False, True), ("10.0.0.5", True, False)],
)
def test_exposure_allowed(host: str, proxy: bool, loopback: bool) -> None:
    """Loopback addresses need nothing; another address with the explicit proxy flag is accepted."""
    from gatekeeper.cli.serve import check_exposure, is_loopback

    assert is_loopback(host) is loopback
    check_exposure(host, tls_cert=None, tls_key=None, behind_proxy=proxy)


def test_serve_starts_on_loopback_and_serves_the_sign_in_page(tmp_path: Path) -> None:
    """`gatekeeper serve` on 127.0.0.1 answers /signin with the page and its headers, and stops on SIGTERM."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    from serve_support import free_port

    port = free_port()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from gatekeeper.cli.main import main; main()",
            "serve",
            str(EXAMPLES),
            "--port",
            str(port),
            "--ledger",
            str(tmp_path / "l.sqlite3"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=5) as response:
                    body = response.read().decode("utf-8")
                    headers = response.headers
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert "<h1>Sign in</h1>" in body
        assert headers["X-Frame-Options"] == "DENY"
        assert "server" not in {k.lower() for k in headers}
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert err.startswith(f"gatekeeper: serving {EXAMPLES} on http://127.0.0.1:{port}/")


def test_serve_on_a_busy_port_is_a_usage_error(tmp_path: Path) -> None:
    """A port another process listens on is refused with exit 2 and says so, not uvicorn's exit 1 ("the gate fails")."""
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run("serve", str(EXAMPLES), "--port", str(port), "--ledger", str(tmp_path / "l.sqlite3"))
    assert (code, err) == (2, f"Error: cannot listen on 127.0.0.1 port {port}: Address already in use\n")
