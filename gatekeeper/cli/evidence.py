"""`gatekeeper validate` and `gatekeeper init`: check an evidence pack, or start one from the Code itself."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gatekeeper import api
from gatekeeper.cli.common import EXIT_INVALID, guarded
from gatekeeper.cli.defaults import settle
from gatekeeper.cli.outputs import emit, format_option, targets
from gatekeeper.cli.presentation import current, presentation_options
from gatekeeper.problems import InputError, UsageError
from gatekeeper.reporters._common.text import terminal
from gatekeeper.reporters.validation import VALIDATION, Validation
from gatekeeper.resources import data_dir
from gatekeeper.scaffold import for_editors, scaffold, write_scaffold


@click.command()
@click.argument("pack", type=click.Path(path_type=Path))
@click.option(
    "--profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A profile that tailors the rule pack (its own outcomes may be claimed).",
)
@format_option(VALIDATION)
@presentation_options
@guarded
def validate(pack: Path, profile: Path | None, formats: tuple[str, ...]) -> None:
    """Validate the evidence pack in folder PACK: every problem at once, sorted by file and line.

    Schema errors, cross-references and documents (missing, or whose sha256 differs from the
    register) are all checked in one run. Exit 0 when valid, 3 otherwise.
    """
    from gatekeeper.reporters.validation.text import summary

    settings = settle(pack, "validate", profile=profile, formats=formats)
    wanted = targets(VALIDATION, settings.formats)
    try:
        _, loaded = api.load(pack, profile=settings.profile)
    except InputError as error:
        result = Validation(pack=str(pack), problems=tuple(sorted(error.problems)))
    else:
        p = loaded.pack
        result = Validation(
            pack=str(pack),
            problems=tuple(sorted(loaded.document_problems)),
            alliance_id=p.alliance_id,
            alliance_name=p.alliance_name,
            phase=p.phase,
            claims=len(p.claims),
            evidence=len(p.register),
        )
    verdict = summary(result)
    emit(VALIDATION, result, wanted, verdict=verdict)
    # The count follows the problem lines on standard error, where a terminal shows it last.
    if result.problems and any(path is None for _, path in wanted) and not current().quiet:
        click.echo(verdict, err=True)
    if result.problems:
        sys.exit(EXIT_INVALID)


@click.command()
@click.argument("pack", type=click.Path(path_type=Path))
@click.option("--alliance", required=True, help="The alliance's name.")
@click.option(
    "--gate", required=True, metavar="GATE", help="The gate the pack is being prepared for (one the policy defines)."
)
@presentation_options
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
    write_scaffold(for_editors(files, pack, data_dir("evidence_schema")), pack)
    _, loaded = api.load(pack)  # the scaffold validates as soon as it is written
    click.echo(
        f"created {terminal(pack)}: {len(loaded.pack.claims)} claim stubs for the {gate} gate; next, fill in manifest.yml"
    )
    if not loaded.pack.claims:
        sys.exit(EXIT_INVALID)
