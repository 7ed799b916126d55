"""`gatekeeper record`: evaluate a gate and append the human decision to the tamper-evident ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import click

from gatekeeper import __version__, api
from gatekeeper.cli.check import as_of_option, pack_argument, profile_option
from gatekeeper.cli.common import guarded
from gatekeeper.ledger import open_ledger
from gatekeeper.ledger.chain import canonical_json
from gatekeeper.problems import UsageError
from gatekeeper.result import GateResult


def decision_entry(result: GateResult, *, decision: str, by: str, role: str, note: str | None) -> dict[str, Any]:
    """What a ledger row records: enough to re-check the decision against the exact evidence and rules."""
    return {
        "alliance": {"id": result.alliance_id, "name": result.alliance_name},
        "gate": result.gate,
        "as_of": result.as_of.isoformat(),
        "computed": {
            "decision": result.decision,
            "reasons": list(result.decision_reasons),
            "blocking": list(result.blocking),
            "conditions": [{"outcome": c.outcome, "owner": c.owner, "due": c.due.isoformat()} for c in result.conditions_set],
        },
        "decision": {"value": decision, "by": by, "role": role, "note": note},
        "rule_pack": {"name": result.rule_pack_name, "version": result.rule_pack_version, "digest": result.rule_pack_digest},
        "profile": {"name": result.profile_name, "digest": result.profile_digest} if result.profile_digest else None,
        "files": dict(result.evidence_files),
        "gatekeeper": __version__,
    }


@click.command()
@pack_argument
@click.option("--gate", required=True, metavar="GATE", help="The gate decided (one the policy or profile defines).")
@click.option("--decision", required=True, type=click.Choice(["pass", "fail"]), help="The decision taken.")
@click.option("--by", "by", required=True, help="Who took the decision.")
@click.option("--role", required=True, help="In what role (e.g. Sponsor, Client Board).")
@click.option("--note", help="Why; required when the decision differs from the computed result.")
@as_of_option
@profile_option
@click.option("--ledger", "ledger_url", help="Ledger file or postgresql:// URL (default $GATEKEEPER_LEDGER, else the local SQLite file).")
@guarded
def record(pack: Path, gate: str, decision: str, by: str, role: str, note: str | None, as_of: dt.datetime | None,
           profile: Path | None, ledger_url: str | None) -> None:
    """Evaluate GATE for PACK and record the decision: nothing is written if the evaluation fails."""
    result = api.check(pack, gate=gate, as_of=as_of.date() if as_of else None, profile=profile)
    if decision != result.decision and not (note and note.strip()):
        raise UsageError(
            f"the computed result is {result.decision}; recording {decision} needs --note with the reason"
        )
    entry = decision_entry(result, decision=decision, by=by, role=role, note=note)
    key = hashlib.sha256(canonical_json(entry).encode("utf-8")).hexdigest()
    with open_ledger(ledger_url) as ledger:
        row = ledger.append(entry, key=key)
        location = ledger.location
    click.echo(
        f"recorded #{row.seq}: {decision} of the {result.gate} gate for {result.alliance_id} by {by} ({role}); "
        f"computed {result.decision}; row hash {row.row_hash[:16]} in {location}"
    )
