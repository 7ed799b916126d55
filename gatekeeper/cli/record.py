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
from gatekeeper.ledger.decision import RoleNotHeld, RoleRefused, decider_name, roles_recorded
from gatekeeper.ledger.entry import decision_entry, entry_key, pack_listing
from gatekeeper.model import EvidencePack, Gate
from gatekeeper.people import NameRefused, check_visible, directory
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
    for option, text in (("--by", by), ("--role", role), ("--note", note)):
        if text is None:
            continue
        try:
            check_visible(text.replace("\n", " ") if option == "--note" else text)
        except NameRefused as refused:
            raise UsageError(f"{option} {refused}") from None
    result, rule_pack, loaded = api.check_loaded(
        pack, gate=gate, as_of=as_of.date() if as_of else None, profile=profile
    )
    if decision != result.decision and not note:
        raise UsageError(f"the computed result is {result.decision}; recording {decision} needs --note with the reason")
    by = _decider(rule_pack.policy.gates[result.gate], loaded.pack, by=by, role=role, day=result.as_of)
    entry = decision_entry(result, decision=decision, by=by, role=role, note=note, pack_files=pack_listing(pack))
    spec = rule_pack.policy.gates[result.gate]
    with open_ledger(ledger_url) as ledger:
        row = ledger.append(entry, key=entry_key(entry))
        location = ledger.location
        recorded = roles_recorded(ledger.rows(), entry) if spec.quorum == "all" else set()
    click.echo(
        f"recorded #{row.seq}: {decision} of the {result.gate} gate for {terminal(result.alliance_id)} by {terminal(by)} "
        f"({terminal(role)}); computed {result.decision}; row hash {row.row_hash[:16]} in {terminal(location)}"
    )
    if spec.quorum == "all" and spec.deciders:
        missing = [d for d in spec.deciders if d not in recorded]
        click.echo(
            f"quorum (all of {', '.join(spec.deciders)}): "
            + (f"still to record the same decision: {', '.join(missing)}" if missing else "complete")
        )


def _decider(gate: Gate, pack: EvidencePack, *, by: str, role: str, day: dt.date) -> str:
    """The declared name of the person or body recording the decision; UsageError unless they held a
    decider role of the gate (rules/policy.yml `deciders`) on the as-of date."""
    try:
        ref = directory(pack).lookup(by, ("person", "body"))
    except NameRefused as refused:
        raise UsageError(f"--by {by!r} {refused}") from None
    try:
        return decider_name(gate, pack, ref=ref, role=role, day=day)
    except RoleRefused as refused:
        raise UsageError(f"--role {refused}") from None
    except RoleNotHeld as refused:
        raise UsageError(f"--by {refused}") from None
