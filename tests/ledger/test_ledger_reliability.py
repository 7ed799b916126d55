"""The ledger under stress on both backends: concurrent writers, kill -9, a full disk, a read-only location."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from ledger_support import WRITER, Backend, python, remount_read_only, subprocess_env, try_mount_tmpfs, unmount

from gatekeeper.cli.common import guarded
from gatekeeper.ledger import Ledger, open_ledger
from gatekeeper.problems import InputError

pytestmark = pytest.mark.slow

WRITERS = 8
APPENDS_EACH = 200
KILLS = 50


def start_writer(url: str, prefix: str, start: int, count: int, mode: str) -> subprocess.Popen[str]:
    """A writer process that has imported everything and printed "ready"."""
    process = subprocess.Popen(
        [python(), str(WRITER), url, prefix, str(start), str(count), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )
    assert process.stdout is not None
    ready = process.stdout.readline()
    assert ready == "ready\n", process.stderr.read() if process.stderr else ready
    return process


def finish(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Wait for a writer; its output after "ready" and its errors.

    Read through the same buffered streams as "ready": communicate() would read the raw pipe and
    lose lines already buffered by that first readline.
    """
    assert process.stdout is not None and process.stderr is not None
    with process:  # closes every pipe and waits
        out, err = process.stdout.read(), process.stderr.read()
    return out, err


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Show a measured number in the test run's output."""
    with capsys.disabled():
        print(f"\n    {line}", end="")


def test_concurrent_writers_build_one_unbroken_chain(backend: Backend, capsys: pytest.CaptureFixture[str]) -> None:
    """8 processes recording 200 decisions each at once give 1,600 rows in one chain, each writer's in order."""
    writers = [start_writer(backend.url, f"w{n}", 0, APPENDS_EACH, "go") for n in range(WRITERS)]
    began = time.perf_counter()
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    outputs = [finish(writer) for writer in writers]
    elapsed = time.perf_counter() - began
    failed = [err[-2000:] for (_out, err), writer in zip(outputs, writers, strict=True) if writer.returncode]
    assert failed == []

    with open_ledger(backend.url) as ledger:
        rows = ledger.rows()
        assert ledger.verify() == []
    total = WRITERS * APPENDS_EACH
    assert [row.seq for row in rows] == list(range(1, total + 1))
    assert len({row.key for row in rows}) == total
    for n in range(WRITERS):
        mine = [row.key for row in rows if row.key.startswith(f"w{n}-")]
        assert mine == [f"w{n}-{number}" for number in range(APPENDS_EACH)]
    report(
        capsys, f"{backend.name}: {total} appends by {WRITERS} processes in {elapsed:.2f} s = {total / elapsed:.0f}/s"
    )


def test_kill_9_while_recording_never_damages_the_ledger(backend: Backend, capsys: pytest.CaptureFixture[str]) -> None:
    """Killing a writer at random moments 50 times leaves a ledger that verifies, with no partial or doubled row."""
    seed = int(os.environ.get("GATEKEEPER_TEST_SEED", "20240611"))
    chance = random.Random(seed)
    acknowledged = 0  # decisions whose append returned to the writer
    killed = 0
    began = time.perf_counter()
    for _attempt in range(KILLS):
        # The retry restarts at the first unacknowledged decision, which may already be recorded.
        writer = start_writer(backend.url, "k", acknowledged, 10**6, "now")
        assert writer.stdout is not None
        # Wait for the first acknowledgement (the connection is up, the retry is done), so that
        # the kill lands among appends rather than in start-up on a loaded machine.
        first = writer.stdout.readline()
        time.sleep(chance.uniform(0.0, 0.03))
        writer.send_signal(signal.SIGKILL)
        out, err = finish(writer)
        assert first.endswith("\n"), err
        assert writer.returncode == -signal.SIGKILL
        killed += 1
        acknowledged += len([line for line in (first + out).splitlines(keepends=True) if line.endswith("\n")])

        with open_ledger(backend.url) as ledger:
            rows = ledger.rows()
            problems = ledger.verify()
        assert problems == [], f"seed {seed}"
        assert [row.key for row in rows] == [f"k-{number}" for number in range(len(rows))], f"seed {seed}"
        # At most one decision can be recorded yet unacknowledged: the one being appended at the kill.
        assert acknowledged <= len(rows) <= acknowledged + 1, f"seed {seed}"
    elapsed = time.perf_counter() - began
    assert killed >= KILLS
    with open_ledger(backend.url) as ledger:
        ledger.append({"decision": "pass"}, key="after the kills")
        assert ledger.verify() == []
    report(
        capsys,
        f"{backend.name}: {killed} kill -9 during recording in {elapsed:.1f} s, {acknowledged} acknowledged rows",
    )


# --- full disk and read-only location -----------------------------------------------------------


def record_with_cli(url: str) -> click.testing.Result:
    """Append through a guarded command, as `gatekeeper record` does, to see the exit code and message."""

    @click.command()
    @guarded
    def record() -> None:
        with open_ledger(url) as ledger:
            ledger.append({"decision": "pass", "attachment": os.urandom(3000).hex()}, key="via the command line")

    return CliRunner().invoke(record, [])


def fill_until_full(ledger: Ledger) -> tuple[int, InputError]:
    """Append large decisions until the storage is full; the number appended and the error."""
    for number in range(100_000):
        try:
            ledger.append({"decision": "pass", "attachment": os.urandom(3000).hex()}, key=f"big-{number}")
        except InputError as error:
            return number, error
    raise AssertionError("the storage never filled up")


def assert_intact(url: str, count: int) -> None:
    """The ledger still verifies and holds exactly the rows appended before the failure."""
    with open_ledger(url) as ledger:
        assert ledger.verify() == []
        assert [row.key for row in ledger.rows()] == [f"big-{n}" for n in range(count)]


@contextlib.contextmanager
def shared_mount_point() -> Iterator[Path]:
    """A directory the postgres user can reach (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="gatekeeper-ledger-"))
    base.chmod(0o755)
    try:
        yield base / "mnt"
    finally:
        unmount(base / "mnt")
        shutil.rmtree(base, ignore_errors=True)


def full_storage(backend: Backend, mount: Path) -> tuple[str, Callable[[], None]]:
    """A ledger URL whose storage is a 1 MB file system, and how to release it afterwards."""
    if backend.name == "sqlite":
        if not try_mount_tmpfs(mount, size="1m"):
            pytest.skip("cannot mount a small tmpfs here (needs root); the page-limit test covers the error path")
        return str(mount / "ledger.sqlite3"), lambda: None
    if not try_mount_tmpfs(mount, size="1m", owner="postgres"):
        pytest.skip("cannot mount a small tmpfs for a PostgreSQL tablespace here (needs root)")
    space = f"{backend.schema}_space"
    try:
        backend.query(f"CREATE TABLESPACE {space} LOCATION '{mount}'")
    except Exception as error:  # a remote server, or not a superuser
        pytest.skip(f"cannot put a tablespace on a small file system: {error}")

    def release() -> None:
        backend.drop()
        backend.query(f"DROP TABLESPACE IF EXISTS {space}")

    return backend.url_with(default_tablespace=space), release


def test_a_full_disk_is_a_clear_error_and_damages_nothing(backend: Backend) -> None:
    """When the storage fills up, append fails naming the full disk (exit 3) and the ledger stays intact."""
    with shared_mount_point() as mount:
        url, release = full_storage(backend, mount)
        try:
            with open_ledger(url) as ledger:
                count, error = fill_until_full(ledger)
            assert count > 0
            assert "disk is full" in str(error)
            result = record_with_cli(url)
            assert result.exit_code == 3
            assert "cannot record in the ledger:" in result.output
            assert "disk is full" in result.output
            assert_intact(url, count)
        finally:
            release()


def test_sqlite_page_limit_full_is_a_clear_error_and_damages_nothing(tmp_path: Path) -> None:
    """SQLite's "database or disk is full" (here from a page limit) is reported as such, not as a failed rollback."""
    url = str(tmp_path / "ledger.sqlite3")
    with open_ledger(url) as ledger:
        ledger.append({"decision": "pass"}, key="big-0")
        # The limit is per connection: set it on the one the ledger writes through.
        ledger._connect(write=True).execute("PRAGMA max_page_count = 12")  # type: ignore[attr-defined]
        for number in range(1, 1000):
            try:
                ledger.append({"decision": "pass", "attachment": "x" * 3000}, key=f"big-{number}")
            except InputError as error:
                assert str(error) == f"{url}: cannot record in the ledger: the disk is full (database or disk is full)"
                break
        else:
            raise AssertionError("the page limit was never reached")
    assert_intact(url, number)
    with contextlib.closing(sqlite3.connect(url)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def read_only_location(backend: Backend, mount: Path) -> str:
    """A ledger with three rows whose location then refuses writes (for root too)."""
    if backend.name == "postgres":
        with open_ledger(backend.url) as ledger:
            for number in range(3):
                ledger.append({"decision": "pass"}, key=f"big-{number}")
        return backend.url_with(default_transaction_read_only="on")
    if not try_mount_tmpfs(mount, size="1m"):
        if os.geteuid() == 0:
            pytest.skip("cannot mount a tmpfs here, and root ignores permission bits")
        mount.mkdir(parents=True, exist_ok=True)
    url = str(mount / "ledger.sqlite3")
    with open_ledger(url) as ledger:
        for number in range(3):
            ledger.append({"decision": "pass"}, key=f"big-{number}")
    if os.geteuid() == 0:
        remount_read_only(mount)
    else:
        (mount / "ledger.sqlite3").chmod(0o444)
        mount.chmod(0o555)
    return url


def test_a_read_only_location_is_a_clear_error_and_still_readable(backend: Backend) -> None:
    """Appending to a read-only ledger fails naming the cause (exit 3); reading and verifying still work."""
    with shared_mount_point() as mount:
        url = read_only_location(backend, mount)
        try:
            with open_ledger(url) as ledger:
                with pytest.raises(InputError, match="read-only") as raised:
                    ledger.append({"decision": "fail"}, key="refused")
            assert "cannot record in the ledger:" in str(raised.value)
            result = record_with_cli(url)
            assert result.exit_code == 3
            assert "read-only" in result.output
            assert_intact(url, 3)
        finally:
            if os.geteuid() != 0 and mount.exists():
                mount.chmod(0o755)
