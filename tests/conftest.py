"""Session-wide settings: tests use a cache of their own, never the user's, and leave no folder behind.

Everything a session writes outside the checkout lives in one folder, `gatekeeper-tests-*` in the
temporary directory: `cache/` (GATEKEEPER_CACHE) and `tmp/` (pytest's tmp_path, unless --basetemp
is given). A session that passes removes it; one that fails keeps only the failed tests' folders
(tmp_path_retention_policy = "failed") and says where. Stopping the run with SIGTERM (`timeout`)
ends it like Ctrl-C, so the folder goes too.

Property tests are repeatable: every run, on every machine, tries the same generated examples (the
profile `repeatable`, which is what Hypothesis itself does when `CI` is set), so the test command
passes or fails the same way twice. `--hypothesis-profile=explore` draws new random examples on
every run, to look for failures the repeatable set misses; a failure it finds is added to its test
as an `@example`, so the repeatable run keeps it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "repeatable", derandomize=True, database=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("explore", derandomize=False, database=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("repeatable")  # `--hypothesis-profile NAME` overrides it after this file is read

_KEPT = pytest.StashKey[Path]()
_SESSION = Path(tempfile.mkdtemp(prefix="gatekeeper-tests-"))
_MAIN_PID = os.getpid()


def _remove_session() -> None:
    shutil.rmtree(_SESSION, ignore_errors=True)


# Also when pytest never gets to the end of a session (an error while collecting, an import error).
atexit.register(_remove_session)

# Set at import, before any test or subprocess runs, so every process the tests start inherits it.
if "GATEKEEPER_CACHE" not in os.environ:
    os.environ["GATEKEEPER_CACHE"] = str(_SESSION / "cache")


def _terminated(signum: int, frame: FrameType | None) -> None:
    """SIGTERM in the test process ends the run as Ctrl-C does (fixtures torn down, folders removed);
    a forked child that inherited this handler dies of the signal as it would have."""
    if os.getpid() != _MAIN_PID:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    raise KeyboardInterrupt


signal.signal(signal.SIGTERM, _terminated)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if config.option.basetemp is None:
        config.option.basetemp = str(_SESSION / "tmp")


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    kept = _SESSION / "tmp"
    if exitstatus in (pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.INTERNAL_ERROR) and kept.is_dir():
        shutil.rmtree(_SESSION / "cache", ignore_errors=True)
        atexit.unregister(_remove_session)
        session.config.stash[_KEPT] = kept
        return
    _remove_session()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    kept = terminalreporter.config.stash.get(_KEPT, None)
    if kept is not None:
        terminalreporter.write_line(f"the failed tests' folders are kept in {kept}")
