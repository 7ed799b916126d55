"""`gatekeeper rules`: browse the rule pack (list, show, grid) and check it loads."""

from __future__ import annotations

from pathlib import Path

import click

from gatekeeper import api
from gatekeeper.cli.common import EXIT_INVALID, guarded
from gatekeeper.cli.defaults import settle
from gatekeeper.cli.outputs import emit, format_option, note, targets
from gatekeeper.cli.presentation import presentation_options
from gatekeeper.evaluation.kinds import describe, describe_items
from gatekeeper.loading.rules import load_rule_pack
from gatekeeper.model import PHASE_CODES, THEME_CODES, THEMES
from gatekeeper.problems import InputError
from gatekeeper.reporters._common.text import terminal
from gatekeeper.reporters.rules import RULES, OutcomeListing

GRID_PHASES = ("deciding", "creating", "delivering", "sustaining")
profile_option = click.option(
    "--profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A profile that tailors criticality, floors and requirements.",
)


@click.group()
def rules() -> None:
    """Browse and check the rule pack: the Code of Practice as rules."""


@rules.command("list")
@click.option("--phase", type=click.Choice(["suitability", *GRID_PHASES]), help="Only this phase.")
@click.option(
    "--theme", type=click.Choice([*THEMES, "favourable", "unfavourable", "definition"]), help="Only this theme."
)
@click.option("--critical", is_flag=True, help="Only critical outcomes.")
@profile_option
@format_option(RULES)
@presentation_options
@guarded
def list_(phase: str | None, theme: str | None, critical: bool, profile: Path | None, formats: tuple[str, ...]) -> None:
    """The outcomes as a table: id, cell, critical, the first words of the text (json: the whole text)."""
    settings = settle(Path.cwd(), "rules", profile=profile, formats=formats)
    wanted = targets(RULES, settings.formats)
    pack = api.rules(settings.profile)
    rows = tuple(
        o
        for o in pack.outcomes.values()
        if (phase is None or o.phase == phase) and (theme is None or o.theme == theme) and (not critical or o.critical)
    )
    listing = OutcomeListing(
        rule_pack_name=pack.name,
        rule_pack_version=pack.version,
        rule_pack_digest=pack.digest,
        profile_name=pack.profile_name,
        outcomes=rows,
    )
    emit(RULES, listing, wanted)
    note(f"{len(rows)} outcome(s), {sum(o.critical for o in rows)} critical")


@rules.command()
@click.argument("outcome_id")
@profile_option
@presentation_options
@guarded
def show(outcome_id: str, profile: Path | None) -> None:
    """One outcome in full: cell, section, text, sub-items, criticality, guidance and evidence needed."""
    pack = api.rules(profile)
    outcome = pack.outcomes.get(outcome_id.upper())
    if outcome is None:
        # A retired id is never reused: say where its text went rather than that it never existed.
        note = next((n for c in pack.cells.values() for old, n in c.retired if old == outcome_id.upper()), None)
        if note is not None:
            click.echo(f"{outcome_id.upper()} is retired: {note}")
            return
        raise click.BadParameter(f"no outcome {outcome_id!r}; see `gatekeeper rules list`", param_hint="OUTCOME_ID")
    cell = pack.cells[outcome.cell]
    kind = " (a supplementary rule of the pack, not an outcome of the Code)" if outcome.supplementary else ""
    lines = [
        f"{outcome.id}  ({outcome.phase.title()} / {outcome.theme.title()}, cell {outcome.cell}, section {outcome.section}){kind}",
        f"Sub-heading: {outcome.subheading}",
        "",
        outcome.text,
        *[f"  • {item}" for item in outcome.sub_items],
    ]
    if outcome.editorial_note:
        lines += ["", f"Editorial note (the text above is the Code's, unchanged): {outcome.editorial_note}"]
    lines += ["", f"Critical: {'yes' if outcome.critical else 'no'}"]
    if outcome.rationale:
        lines.append(f"Why: {outcome.rationale}")
    lines += ["", "What evidence satisfies it (all of):"]
    lines += [f"  {r.index}. {describe(r, pack.checklists)}" for r in outcome.requirements]
    for req in outcome.requirements:
        lines += [f"     {line}" for line in describe_items(req, pack.checklists)]
        checklist = pack.checklists.get(req.spec["checklist"]) if req.kind == "checklist" else None
        if checklist is not None and checklist.editorial_note:
            lines.append(f"     Editorial note on {checklist.source}: {checklist.editorial_note}")
    if outcome.allow_not_applicable:
        lines.append("May be claimed not applicable, with a justification.")
    if cell.editorial_note:
        lines += ["", f"Editorial note on the {outcome.cell} cell: {cell.editorial_note}"]
    if cell.guidance:
        lines += ["", f"Guidance notes of the {outcome.cell} cell:"]
        lines += [f"  | {note}" for note in cell.guidance]
    if outcome.changes:
        lines += ["", "Changed by the profile:"] + [f"  - {change}" for change in outcome.changes]
    lines += ["", f"Source: {outcome.source.file}:{outcome.source.line}"]
    click.echo("\n".join(lines))


@rules.command()
@profile_option
@presentation_options
@guarded
def grid(profile: Path | None) -> None:
    """The 4 x 4 grid, phases by themes, with outcome and critical counts per cell."""
    pack = api.rules(profile)
    width = 14
    click.echo(" " * 12 + "".join(f"{t.title():<{width}}" for t in THEMES))
    for phase in GRID_PHASES:
        row = f"{phase.title():<12}"
        for theme in THEMES:
            ids = pack.cells[f"{PHASE_CODES[phase]}.{THEME_CODES[theme]}"].outcome_ids
            crit = sum(pack.outcomes[i].critical for i in ids)
            row += f"{f'{len(ids)} ({crit} crit)':<{width}}"
        click.echo(row.rstrip())
    in_grid = [o for o in pack.outcomes.values() if o.phase in GRID_PHASES]
    extra = sum(o.supplementary for o in in_grid)
    of_which = f" ({extra} supplementary)" if extra else ""
    click.echo(
        f"{len(in_grid)} outcomes{of_which}, {sum(o.critical for o in in_grid)} critical; rule pack {pack.version} ({pack.digest[:12]})"
    )


@rules.command()
@profile_option
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Check this rule pack folder instead of the bundled one.",
)
def check(profile: Path | None, rules_dir: Path | None) -> None:
    """Load and validate the rule pack (and profile): exit 0 when valid, 3 otherwise."""
    try:
        pack = load_rule_pack(profile=profile, root=rules_dir) if rules_dir else api.rules(profile)
    except InputError as error:
        for problem in error.problems:
            click.echo(terminal(problem), err=True)
        raise SystemExit(EXIT_INVALID) from None
    suffix = f", profile {pack.profile_name!r}" if pack.profile_name else ""
    click.echo(f"rule pack {pack.version} ({pack.digest[:12]}): {len(pack.outcomes)} outcomes, valid{suffix}")
