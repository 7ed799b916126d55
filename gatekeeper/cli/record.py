"""`gatekeeper record`: evaluate a gate and append the human decision to the tamper-evident ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from gatekeeper import api
from gatekeeper.cli.check import as_of_option, pack_argument, profile_option
from gatekeeper.cli.common import guarded
from gatekeeper.cli.defaults import settle
from gatekeeper.cli.presentation import presentation_options
from gatekeeper.ledger import open_ledger
from gatekeeper.ledger.entry import decision_entry, entry_key
from gatekeeper.problems import UsageError
from gatekeeper.reporters._common.text import terminal


@click.command()
@pack_argument
@click.option("--gate", required=True, metavar="GATE", help="The gate decided (one the policy or profile defines).")
@click.option("--decision", required=True, type=click.Choice(["pass", "fail"]), help="The decision taken.")
@click.option("--by", "by", required=True, help="Who took the decision.")
@click.option("--role", required=True, help="In what role (e.g. Sponsor, Client Board).")
@click.option("--note", help="Why; required when the decision differs from the computed result.")
@as_of_option
@profile_option
@click.option(
    "--ledger",
    "ledger_url",
    help="Ledger file or postgresql:// URL (default $GATEKEEPER_LEDGER, else the local SQLite file).",
)
@presentation_options
@guarded
def record(
    pack: Path,
    gate: str,
    decision: str,
    by: str,
    role: str,
    note: str | None,
    as_of: dt.datetime | None,
    profile: Path | None,
    ledger_url: str | None,
) -> None:
    """Evaluate GATE for PACK and record the decision: nothing is written if the evaluation fails."""
    settings = settle(pack, "record", profile=profile, ledger=ledger_url)
    profile, ledger_url = settings.profile, settings.ledger
    result = api.check(pack, gate=gate, as_of=as_of.date() if as_of else None, profile=profile)
    if decision != result.decision and not (note and note.strip()):
        raise UsageError(f"the computed result is {result.decision}; recording {decision} needs --note with the reason")
    entry = decision_entry(result, decision=decision, by=by, role=role, note=note)
    with open_ledger(ledger_url) as ledger:
        row = ledger.append(entry, key=entry_key(entry))
        location = ledger.location
    click.echo(
        f"recorded #{row.seq}: {decision} of the {result.gate} gate for {terminal(result.alliance_id)} by {terminal(by)} "
        f"({terminal(role)}); computed {result.decision}; row hash {row.row_hash[:16]} in {terminal(location)}"
    )
