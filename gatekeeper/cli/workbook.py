"""`gatekeeper workbook export|import`: assessors record judgements in a workbook; the pack stays the source of truth."""

from __future__ import annotations

from pathlib import Path

import click

from gatekeeper import api
from gatekeeper.cli.common import guarded
from gatekeeper.problems import UsageError


@click.group()
def workbook() -> None:
    """Export an assessment workbook for a gate, and import the judgements recorded in it."""


@workbook.command("export")
@click.argument("pack", type=click.Path(path_type=Path))
@click.option(
    "--gate",
    metavar="GATE",
    help="The gate, one the policy or profile defines (default: the next gate after the pack's phase).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The workbook to write (.xlsx).",
)
@guarded
def export(pack: Path, gate: str | None, output: Path) -> None:
    """Write an assessment workbook for the outcomes GATE evaluates in the evidence pack PACK.

    The same pack gives the same bytes. Exit 0 when written, 3 when the pack is invalid.
    """
    from gatekeeper.authoring.commit import write_output
    from gatekeeper.authoring.workbook_export import export_workbook
    from gatekeeper.evaluation.gate import default_gate

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"{output}: the workbook's name must end in .xlsx")
    rules, loaded = api.load(pack)
    api.require_gate(rules, gate)
    chosen = gate or default_gate(rules, loaded.pack)
    data = export_workbook(rules, loaded.pack, gate=chosen)
    write_output(output, data)
    scope = len(rules.in_phases(rules.policy.gates[chosen].evaluates))
    click.echo(
        f"wrote {output}: {scope} outcomes of the {chosen} gate, {len(loaded.pack.register)} evidence items", err=True
    )


@workbook.command("import")
@click.argument("workbook_path", metavar="WORKBOOK", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("pack", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@guarded
def import_(workbook_path: Path, pack: Path, dry_run: bool) -> None:
    """Write the judgements in WORKBOOK back into the evidence pack PACK (claims.yml, register.yml).

    Every problem is reported at once as `WORKBOOK:Sheet!Cell: message`, and nothing is written
    unless the whole import is valid and the pack validates afterwards. Exit 0 when imported
    (or nothing changed), 2 for a wrong argument, 3 when the workbook or the pack cannot be used.
    """
    from gatekeeper.authoring.commit import validate_edit, write_files
    from gatekeeper.authoring.workbook_import import apply_import, read_workbook

    if not workbook_path.exists():
        raise UsageError(f"{workbook_path}: no such file")
    rules, loaded = api.load(pack)
    plan = read_workbook(workbook_path, pack, rules, loaded.pack)
    new_files = apply_import(plan, pack)
    for line in plan.summary():
        click.echo(line)
    if not new_files:
        click.echo("nothing to write: the pack already holds every judgement in the workbook", err=True)
        return
    validate_edit(pack, rules, new_files)
    if dry_run:
        click.echo(f"dry run: would write {', '.join(sorted(new_files))}; nothing written", err=True)
        return
    write_files(pack, new_files)
    click.echo(f"wrote {', '.join(f'{pack}/{name}' for name in sorted(new_files))}", err=True)
