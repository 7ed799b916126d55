"""`gatekeeper validate` and `gatekeeper init`: check an evidence pack, or start one from the Code itself."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gatekeeper import api
from gatekeeper.cli.common import EXIT_INVALID, guarded
from gatekeeper.problems import InputError, UsageError
from gatekeeper.reporters._common.text import terminal
from gatekeeper.scaffold import scaffold, write_scaffold


@click.command()
@click.argument("pack", type=click.Path(path_type=Path))
@click.option(
    "--profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A profile that tailors the rule pack (its own outcomes may be claimed).",
)
@guarded
def validate(pack: Path, profile: Path | None) -> None:
    """Validate the evidence pack in folder PACK: every problem at once, sorted by file and line.

    Exit 0 when valid, 3 otherwise.
    """
    try:
        _, loaded = api.load(pack, profile=profile)
    except InputError as error:
        problems = error.problems
    else:
        problems = list(loaded.document_problems)
    for problem in sorted(problems):
        click.echo(terminal(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) in {terminal(pack)}", err=True)
        sys.exit(EXIT_INVALID)
    p = loaded.pack
    click.echo(
        f"{terminal(pack)}: valid ({terminal(p.alliance_name)}, {terminal(p.phase)}; "
        f"{len(p.claims)} claims, {len(p.register)} evidence items)"
    )


@click.command()
@click.argument("pack", type=click.Path(path_type=Path))
@click.option("--alliance", required=True, help="The alliance's name.")
@click.option(
    "--gate", required=True, metavar="GATE", help="The gate the pack is being prepared for (one the policy defines)."
)
@guarded
def init(pack: Path, alliance: str, gate: str) -> None:
    """Scaffold an evidence pack in folder PACK for the outcomes GATE evaluates.

    One claim stub per outcome, with the outcome's text and the evidence it needs as comments.
    """
    if pack.exists() and (not pack.is_dir() or any(pack.iterdir())):
        raise UsageError(f"{pack} already exists and is not an empty folder")
    rules = api.rules()
    api.require_gate(rules, gate)
    files = scaffold(rules, alliance=alliance, gate=gate)
    write_scaffold(files, pack)
    _, loaded = api.load(pack)  # the scaffold validates as soon as it is written
    click.echo(
        f"created {terminal(pack)}: {len(loaded.pack.claims)} claim stubs for the {gate} gate; next, fill in manifest.yml"
    )
    if not loaded.pack.claims:
        sys.exit(EXIT_INVALID)
