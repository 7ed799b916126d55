"""Special and oversized files wherever a path is read, output paths that are folders, and internal errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import gatekeeper
from gatekeeper import api
from gatekeeper.cli.main import main

ROOT = Path(gatekeeper.__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "fenland-water"
AS_OF = "2026-11-01"


def gatekeeper_process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run gatekeeper in a child process with a time limit: a hang fails the test instead of blocking it."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "GATEKEEPER_LEDGER": "", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "gatekeeper", *args],
        capture_output=True,
        text=True,
        timeout=20,
        env=full_env,
        check=False,
    )


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def one_line(stderr: str) -> str:
    """The single line on stderr (and that there is exactly one, with no traceback)."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


SPECIAL = ["fifo", "/dev/zero"]


def _special(kind: str, fifo: Path) -> str:
    return str(fifo) if kind == "fifo" else "/dev/zero"


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_special_file_as_profile_is_refused_at_once(kind: str, fifo: Path) -> None:
    """--profile naming a FIFO or /dev/zero exits 3 with one located line instead of hanging or exhausting memory."""
    path = _special(kind, fifo)
    done = gatekeeper_process("check", str(EXAMPLE), "--as-of", AS_OF, "--profile", path)
    expected = "a FIFO" if kind == "fifo" else "a device"
    assert (done.returncode, one_line(done.stderr)) == (3, f"{path}:1:1: not a regular file ({expected})")


@pytest.mark.parametrize("kind", SPECIAL)
def test_a_special_file_as_since_is_refused_at_once(kind: str, fifo: Path) -> None:
    """portfolio --since naming a FIFO or /dev/zero exits 3 with one located line."""
    path = _special(kind, fifo)
    done = gatekeeper_process("portfolio", str(EXAMPLE), "--as-of", AS_OF, "--since", path)
    expected = "a FIFO" if kind == "fifo" else "a device"
    assert (done.returncode, one_line(done.stderr)) == (3, f"{path}:1:1: not a regular file ({expected})")


def test_a_deeply_nested_since_file_is_refused(tmp_path: Path) -> None:
    """A --since file nested past Python's recursion limit is exit 3, not a crash."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    done = gatekeeper_process("portfolio", str(EXAMPLE), "--as-of", AS_OF, "--since", str(deep))
    assert (done.returncode, one_line(done.stderr)) == (
        3,
        f"{deep.as_posix()}: not a JSON portfolio result: nested too deeply",
    )


@pytest.mark.parametrize("kind", SPECIAL)
@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_special_file_as_ledger_is_refused_at_once(kind: str, how: str, fifo: Path) -> None:
    """A ledger path (--ledger or $GATEKEEPER_LEDGER) that is a FIFO or device is exit 3 for reading and recording."""
    path = _special(kind, fifo)
    expected = "a FIFO" if kind == "fifo" else "a device"
    option = ["--ledger", path] if how == "option" else []
    env = {"GATEKEEPER_LEDGER": path} if how == "environment" else {}
    listed = gatekeeper_process("ledger", "list", *option, env=env)
    assert (listed.returncode, one_line(listed.stderr)) == (
        3,
        f"{path}: cannot read the ledger: not a regular file ({expected}); a ledger is an SQLite file",
    )
    recorded = gatekeeper_process(
        "record",
        str(EXAMPLE),
        "--gate",
        "creating",
        "--decision",
        "pass",
        "--by",
        "Catherine Ashdown",
        "--role",
        "Sponsor",
        "--as-of",
        AS_OF,
        *option,
        env=env,
    )
    assert (recorded.returncode, one_line(recorded.stderr)) == (
        3,
        f"{path}: cannot record in the ledger: not a regular file ({expected}); a ledger is an SQLite file",
    )


@pytest.mark.parametrize("kind", ["fifo", "device", "huge"])
def test_a_special_or_huge_file_in_a_rules_folder_is_refused(kind: str, tmp_path: Path) -> None:
    """rules check --rules DIR with a FIFO, a device or a 5 GB sparse file among its .yml/.json files exits 3 naming it."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    if kind == "fifo":
        os.mkfifo(rules / "extra.yml")
        message = "rules/extra.yml:1:1: not a regular file (a FIFO)"
    elif kind == "device":
        (rules / "pack.yml").unlink()
        (rules / "pack.yml").symlink_to("/dev/zero")
        message = "rules/pack.yml:1:1: not a regular file (a device)"
    else:
        with open(rules / "extra.json", "wb") as handle:
            handle.truncate(5 * 1024**3)
        message = "rules/extra.json:1:1: file is larger than 2000000 bytes"
    done = gatekeeper_process("rules", "check", "--rules", str(rules), env={"GATEKEEPER_CACHE": "off"})
    assert (done.returncode, one_line(done.stderr)) == (3, message)


def test_a_fifo_in_the_cache_folder_is_ignored(tmp_path: Path) -> None:
    """A cache entry that is a FIFO is treated as absent (rebuilt), not read: the command still succeeds."""
    cache_dir = tmp_path / "cache"
    first = gatekeeper_process("rules", "grid", env={"GATEKEEPER_CACHE": str(cache_dir)})
    assert first.returncode == 0
    for entry in cache_dir.glob("rules-*.pickle"):
        entry.unlink()
        os.mkfifo(entry)
    again = gatekeeper_process("rules", "grid", env={"GATEKEEPER_CACHE": str(cache_dir)})
    assert (again.returncode, again.stdout) == (0, first.stdout)


@pytest.mark.parametrize(
    "command",
    [
        ["check", str(EXAMPLE), "--as-of", AS_OF, "--format", "json:{dir}"],
        ["audit", str(EXAMPLE), "--as-of", AS_OF, "--format", "csv:{dir}"],
        ["portfolio", str(EXAMPLE), "--as-of", AS_OF, "--format", "xlsx:{dir}"],
    ],
    ids=["check", "audit", "portfolio"],
)
def test_a_directory_as_output_path_is_a_usage_error(command: list[str], tmp_path: Path) -> None:
    """--format NAME:DIR is exit 2 naming the directory, for every command that writes outputs; nothing is written."""
    args = [part.replace("{dir}", str(tmp_path)) for part in command]
    result = CliRunner().invoke(main, args)
    name = args[-1].split(":")[0]
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {tmp_path} is a directory: give a file name for the {name} output\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_an_output_under_a_file_is_a_usage_error(tmp_path: Path) -> None:
    """An output path whose parent is a file is exit 2 saying so."""
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(EXAMPLE), "--as-of", AS_OF, "--format", f"json:{blocker}/out.json"])
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: cannot write {blocker}/out.json: {blocker} is not a directory\n",
    )


# --- internal errors ---------------------------------------------------------------------------


def _boom(*args: object, **kwargs: object) -> None:
    raise ZeroDivisionError("simulated fault\nsecond line")


def test_an_unexpected_exception_is_an_internal_error_exit_70(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug anywhere exits 70 (not 1, "the gate fails") with one line naming the exception and how to see the traceback."""
    monkeypatch.delenv("GATEKEEPER_DEBUG", raising=False)
    monkeypatch.setattr(api, "check", _boom)
    result = CliRunner().invoke(main, ["check", str(EXAMPLE), "--as-of", AS_OF])
    assert result.exit_code == 70
    assert result.stderr == (
        "gatekeeper: internal error (a bug, not a problem with the input): ZeroDivisionError: simulated fault; "
        "run again with --debug (or GATEKEEPER_DEBUG=1) for the traceback\n"
    )


@pytest.mark.parametrize("how", ["option", "environment"])
def test_debug_shows_the_traceback_of_an_internal_error(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --debug or GATEKEEPER_DEBUG=1 the traceback is printed before the one-line message, and the exit is still 70."""
    monkeypatch.setattr(api, "check", _boom)
    args = ["check", str(EXAMPLE), "--as-of", AS_OF]
    if how == "option":
        monkeypatch.delenv("GATEKEEPER_DEBUG", raising=False)
        args = ["--debug", *args]
    else:
        monkeypatch.setenv("GATEKEEPER_DEBUG", "1")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 70
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "ZeroDivisionError: simulated fault" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "gatekeeper: internal error (a bug, not a problem with the input): ZeroDivisionError: simulated fault"
    )


def test_an_internal_error_in_a_subprocess_has_no_traceback(tmp_path: Path) -> None:
    """As a real process: an exception the code does not expect gives exit 70 and one line on stderr."""
    plugin = tmp_path / "sitecustomize.py"
    plugin.write_text(
        "import gatekeeper.loading.evidence as e\n"
        "def boom(*a, **k):\n    raise RuntimeError('simulated')\n"
        "e.load_pack = boom\nimport gatekeeper.api as api\napi.load_pack = boom\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "gatekeeper", "check", str(EXAMPLE), "--as-of", AS_OF],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]), "GATEKEEPER_DEBUG": ""},
    )
    assert (done.returncode, one_line(done.stderr)) == (
        70,
        "gatekeeper: internal error (a bug, not a problem with the input): RuntimeError: simulated; "
        "run again with --debug (or GATEKEEPER_DEBUG=1) for the traceback",
    )


def test_keyboard_interrupt_exits_130_without_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C during a command exits 130 with one line and no traceback."""

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "check", interrupt)
    result = CliRunner().invoke(main, ["check", str(EXAMPLE), "--as-of", AS_OF])
    assert (result.exit_code, result.stderr) == (130, "gatekeeper: interrupted\n")


def test_the_exit_codes_are_documented_in_the_help() -> None:
    """`gatekeeper --help` lists every exit code, the internal-error and interrupt codes included."""
    out = CliRunner().invoke(main, ["--help"]).stdout
    for line in (
        "0    the gate passes",
        "1    it fails",
        "2    usage error",
        "3    the input could not be evaluated",
        "70   internal error",
        "130  interrupted",
    ):
        assert line in out


# --- hashing budget ----------------------------------------------------------------------------


def _pack_with_copies(tmp_path: Path, copies: int, body: bytes, *, distinct: bool = False) -> Path:
    """The example pack plus `copies` register items pointing at one document (or one document each)."""
    import hashlib

    pack = tmp_path / "pack"
    shutil.copytree(EXAMPLE, pack)
    lines = []
    for i in range(copies):
        name = f"documents/extra-{i if distinct else 0}.bin"
        if not (pack / name).exists():
            (pack / name).write_bytes(body)
        sha = hashlib.sha256(body).hexdigest()
        lines.append(
            f"  - id: ZZ{i:05d}\n    title: c\n    kind: report\n    path: {name}\n    sha256: {sha}\n"
            '    date: "2026-01-01"\n    owner: Gareth Lowe\n'
        )
    with open(pack / "register.yml", "a", encoding="utf-8") as handle:
        handle.write("".join(lines))
    return pack


def test_many_items_pointing_at_one_large_file_hash_it_once(tmp_path: Path) -> None:
    """200 register items at one 40 MB document load in well under the time of hashing it 200 times (8 GB);
    the 199 registrations after the first are reported, since one document counts once."""
    pack = _pack_with_copies(tmp_path, 200, b"x" * 40_000_000)
    done = gatekeeper_process("validate", str(pack))
    assert done.returncode == 3, done.stderr
    assert done.stderr.endswith("199 problem(s) in " + str(pack) + "\n")
    assert done.stdout.count("documents/extra-0.bin: same content as ZZ00000: one document counts once") == 199


def test_a_pack_over_the_hashing_budget_is_refused_with_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents adding up to more than the budget make the pack unevaluable: exit 3, one problem at the item that crossed it."""
    import gatekeeper.loading.paths as paths

    own = sum(p.stat().st_size for p in (EXAMPLE / "documents").iterdir())  # the example's own documents come first
    monkeypatch.setattr(paths, "HASH_BUDGET_BYTES", own + 2_500)
    pack = _pack_with_copies(tmp_path, 5, b"y" * 1_000, distinct=True)
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 3
    lines = [line for line in result.stdout.splitlines() if "budget" in line or "add up" in line]
    text = (pack / "register.yml").read_text(encoding="utf-8").splitlines()
    line = text.index("    path: documents/extra-2.bin") + 1
    assert lines == [
        f"{pack}/register.yml:{line}:11: documents/extra-2.bin: the pack's documents add up to more than {own + 2_500} bytes, "
        "the most one load hashes (each distinct file counted once) (at $.evidence[16].path)"
    ]
