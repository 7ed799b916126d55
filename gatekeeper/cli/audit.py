"""`gatekeeper audit`: check an evidence pack's completeness, integrity, freshness and approvals."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from gatekeeper import api
from gatekeeper.audit import DEFAULT_EXPIRING_WITHIN
from gatekeeper.audit import audit as run_audit
from gatekeeper.bounds import MAX_EXPIRING_WITHIN
from gatekeeper.cli.check import as_of_option, pack_argument, profile_option
from gatekeeper.cli.common import EXIT_FAIL, EXIT_PASS, guarded
from gatekeeper.cli.defaults import settle
from gatekeeper.cli.outputs import emit, format_option, targets
from gatekeeper.cli.presentation import presentation_options
from gatekeeper.reporters._common.text import terminal
from gatekeeper.reporters.audit import AUDIT


@click.command()
@pack_argument
@as_of_option
@click.option(
    "--expiring-within",
    "expiring_within",
    type=click.IntRange(0, MAX_EXPIRING_WITHIN),
    default=DEFAULT_EXPIRING_WITHIN,
    show_default=True,
    metavar="DAYS",
    help="Warn about evidence and waivers that will expire within DAYS days of the as-of date.",
)
@profile_option
@format_option(AUDIT, more_help=" csv is the evidence register with each item's audit status.")
@presentation_options
@guarded
def audit(
    pack: Path, as_of: dt.datetime | None, expiring_within: int, profile: Path | None, formats: tuple[str, ...]
) -> None:
    """Audit the evidence pack in folder PACK.

    Reports, sorted by location: met claims without the evidence their rule requires; evidence no
    claim or fact cites; documents missing, unreadable, outside the pack or changed since they were
    registered (sha256); evidence stale, or expiring within the window; approvals by roles the
    rule does not accept; self-assessed claims on critical outcomes; waivers expired or expiring;
    conditions overdue.

    Exit 0 when the audit is clean (warnings about the window and unused evidence allowed), 1 when
    it finds errors, 3 when the pack cannot be read.
    """
    settings = settle(pack, "audit", profile=profile, formats=formats)
    wanted = targets(AUDIT, settings.formats)
    rules, loaded = api.load(pack, profile=settings.profile)
    result = run_audit(rules, loaded, as_of=as_of.date() if as_of else dt.date.today(), expiring_within=expiring_within)
    verdict = (
        f"audit {'clean' if result.clean else 'FAILS'}: {result.errors} error(s), {result.warnings} warning(s) "
        f"in {terminal(pack)}"
    )
    emit(AUDIT, result, wanted, verdict=verdict)
    sys.exit(EXIT_PASS if result.clean else EXIT_FAIL)
