"""`gatekeeper bundle`: an auditor's BagIt bag of a pack, its decision, its audit and its ledger rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from gatekeeper.cli.check import as_of_option, gate_option, pack_argument, profile_option
from gatekeeper.cli.common import guarded
from gatekeeper.cli.ledger import ledger_option


@click.command()
@pack_argument
@ledger_option
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="The bag's folder, which must not exist yet.",
)
@gate_option
@as_of_option
@profile_option
@guarded
def bundle(
    pack: Path, ledger_url: str | None, out: Path, gate: str | None, as_of: dt.datetime | None, profile: Path | None
) -> None:
    """Write a BagIt bag (RFC 8493) for the evidence pack in folder PACK: the pack, the gate result as
    JSON and HTML, the audit, and the ledger rows recorded for its alliance with the ledger's head hash.

    Any BagIt tool checks the bag's completeness; the decision can be re-run offline from data/pack.
    Exit 0 when the bag is written, 2 for a bad option or an existing OUT, 3 when the pack or ledger
    cannot be read.
    """
    from gatekeeper.bundle import write_bundle

    made = write_bundle(
        pack, out, ledger_url=ledger_url, as_of=as_of.date() if as_of else dt.date.today(), gate=gate, profile=profile
    )
    head = f"head row {made.head['seq']} {made.head['row_hash']}" if made.head else "an empty ledger"
    click.echo(
        f"wrote {made.path}: {made.alliance_id}, {made.gate} gate ({made.decision}), "
        f"{made.ledger_rows} ledger row(s) of {head}",
        err=True,
    )
