"""`gatekeeper ledger list|show|verify`: the decision ledger on the command line (`record` writes to it)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gatekeeper.cli.common import EXIT_FAIL, EXIT_PASS, guarded
from gatekeeper.cli.defaults import settle
from gatekeeper.cli.outputs import emit, targets
from gatekeeper.cli.outputs import format_option as family_format_option
from gatekeeper.cli.presentation import presentation_options
from gatekeeper.ledger import (
    LEDGER_ENV,
    Ledger,
    Row,
    changed_documents,
    default_location,
    open_ledger,
)
from gatekeeper.loading.yamlstrict import load_yaml
from gatekeeper.problems import InputError, Problem
from gatekeeper.reporters.ledger import LEDGER, Entry, Listing, Verification

ledger_option = click.option(
    "--ledger",
    "ledger_url",
    metavar="URL",
    envvar=LEDGER_ENV,
    show_envvar=True,
    default=None,
    help=f"Ledger: a file path, sqlite:///path or postgresql://... [default: {default_location()}]",
)
format_option = family_format_option(LEDGER)


@click.group()
def ledger() -> None:
    """List, show and verify recorded gate decisions.

    The ledger is append-only and hash-chained: `verify` names every row edited, deleted,
    inserted or reordered since it was recorded. Set GATEKEEPER_LEDGER_KEY to sign rows with a
    MAC, which also catches a chain rewritten from scratch.
    """


@ledger.command("list")
@ledger_option
@format_option
@presentation_options
@guarded
def list_rows(*, ledger_url: str | None, formats: tuple[str, ...]) -> None:
    """List every recorded decision, oldest first."""
    settings = settle(Path.cwd(), "ledger", ledger=ledger_url, formats=formats)
    wanted = targets(LEDGER, settings.formats)
    opened = open_ledger(settings.ledger)
    try:
        rows = opened.rows()
    finally:
        opened.close()
    emit(LEDGER, Listing(rows=tuple(rows)), wanted)


@ledger.command("show")
@click.argument("seq", metavar="ID", type=click.IntRange(min=1))
@ledger_option
@format_option
@presentation_options
@guarded
def show(seq: int, *, ledger_url: str | None, formats: tuple[str, ...]) -> None:
    """Show one recorded decision in full (ID is its row number from `ledger list`)."""
    settings = settle(Path.cwd(), "ledger", ledger=ledger_url, formats=formats)
    wanted = targets(LEDGER, settings.formats)
    opened = open_ledger(settings.ledger)
    try:
        row = opened.get(seq)
    finally:
        opened.close()
    emit(LEDGER, Entry(row=row), wanted)


def _alliance_id(pack: Path) -> object:
    """The alliance id in the pack's manifest.yml: what a recorded decision names its pack by."""
    manifest = load_yaml(pack / "manifest.yml", display=f"{pack}/manifest.yml")
    alliance = manifest.data.get("alliance") if isinstance(manifest.data, dict) else None
    return alliance.get("id") if isinstance(alliance, dict) else None


def _decision_for(rows: list[Row], pack: Path, seq: int | None, location: str) -> Row:
    """The row whose documents are compared with the pack: --row, else the latest for its alliance."""
    if seq is not None:
        for row in rows:
            if row.seq == seq:
                return row
        raise InputError(Problem(location, message=f"no row {seq} in the ledger"))
    # Only the manifest is read, not the whole pack: a pack whose documents changed must still load.
    alliance_id = _alliance_id(pack)
    for row in reversed(rows):
        recorded = row.entry.get("alliance")
        if alliance_id is not None and isinstance(recorded, dict) and recorded.get("id") == alliance_id:
            return row
    message = f"no decision recorded for the alliance {alliance_id!r} of {pack} (name the row with --row)"
    raise InputError(Problem(location, message=message))


@ledger.command("verify")
@click.option(
    "--pack",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also check that this evidence pack's files are unchanged since the latest decision for its alliance.",
)
@click.option(
    "--row",
    "seq",
    type=click.IntRange(min=1),
    help="With --pack: the decision to compare with [default: the latest for the pack].",
)
@ledger_option
@format_option
@presentation_options
@guarded
def verify(*, pack: Path | None, seq: int | None, ledger_url: str | None, formats: tuple[str, ...]) -> None:
    """Check the ledger's hash chain (and MACs); exit 1 if anything was tampered with."""
    settings = settle(pack if pack is not None else Path.cwd(), "ledger", ledger=ledger_url, formats=formats)
    wanted = targets(LEDGER, settings.formats)
    opened: Ledger = open_ledger(settings.ledger)
    try:
        findings = opened.verify()
        try:
            rows: list[Row] | None = opened.rows()
        except InputError:
            if not findings:
                raise
            rows = None  # a row too damaged to read: the findings already name it
    finally:
        opened.close()
    documents: list[str] = []
    if pack is not None and rows is not None:
        documents = changed_documents(_decision_for(rows, pack, seq, opened.location), pack)
    verification = Verification(
        location=opened.location,
        rows=None if rows is None else tuple(rows),
        findings=tuple(findings),
        pack=None if pack is None else str(pack),
        documents=tuple(documents),
    )
    tampered = bool(findings or documents)
    verdict = f"ledger {'FAILS' if tampered else 'verifies'}: {len(findings)} finding(s), {len(documents)} document(s) changed"
    emit(LEDGER, verification, wanted, verdict=verdict)
    sys.exit(EXIT_FAIL if tampered else EXIT_PASS)
