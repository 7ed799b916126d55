"""Options a command line left out, filled from the project's gatekeeper.toml (the command line always wins)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gatekeeper import config
from gatekeeper.cli.outputs import note
from gatekeeper.ledger import LEDGER_ENV
from gatekeeper.reporters._common.text import terminal


@dataclass(frozen=True)
class Settings:
    """What one command runs with: each value from its option when given, else from the config file."""

    profile: Path | None
    ledger: str | None
    jobs: int | None
    formats: tuple[str, ...]
    source: Path | None  # the config file used, if any


def settle(
    start: Path,
    command: str,
    *,
    profile: Path | None = None,
    ledger: str | None = None,
    jobs: int | None = None,
    formats: tuple[str, ...] = (),
) -> Settings:
    """Find the config that applies to `start` (a pack, or the working folder) and fill the gaps from it.

    The file used is named on standard error (not with -q), so a default that came from a file
    is never a surprise.
    """
    found = config.discover(start)
    if found is None:
        return Settings(profile=profile, ledger=ledger, jobs=jobs, formats=formats, source=None)
    note(f"gatekeeper: defaults from {terminal(found.source)}")
    return Settings(
        profile=profile if profile is not None else found.profile,
        # $GATEKEEPER_LEDGER is the user's word too: it outranks the file, as it does on every command.
        ledger=ledger if ledger is not None or os.environ.get(LEDGER_ENV) else found.ledger,
        jobs=jobs if jobs is not None else found.jobs,
        formats=formats or found.formats_for(command),
        source=found.source,
    )
