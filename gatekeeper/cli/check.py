"""`gatekeeper check` and `gatekeeper explain`: decide a gate, and explain one outcome."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import click

from gatekeeper import api
from gatekeeper.cli.common import EXIT_FAIL, EXIT_PASS, guarded
from gatekeeper.problems import UsageError
from gatekeeper.reporters import REPORTERS, RenderOptions, color_wanted, render
from gatekeeper.reporters.explain import explain_outcome

pack_argument = click.argument("pack", type=click.Path(path_type=Path))
gate_option = click.option(
    "--gate", metavar="GATE",
    help="The gate, one the policy or profile defines (default: the next gate after the pack's phase).",
)
as_of_option = click.option(
    "--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Evaluate as of this date (YYYY-MM-DD; default today): freshness, waivers, due dates.",
)
profile_option = click.option(
    "--profile", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A profile that tailors criticality, floors and requirements.",
)


def parse_formats(values: tuple[str, ...], *, choices: tuple[str, ...]) -> list[tuple[str, Path | None]]:
    """`NAME[:PATH]` pairs; at most one format may go to standard output."""
    targets: list[tuple[str, Path | None]] = []
    for value in values or ("text",):
        name, _, path = value.partition(":")
        if name not in choices:
            raise UsageError(f"unknown format {name!r}; choose from {', '.join(choices)}")
        targets.append((name, Path(path) if path else None))
    if sum(1 for _, path in targets if path is None) > 1:
        raise UsageError("only one format can go to standard output; give the others a PATH (NAME:PATH)")
    return targets


def write_outputs(outputs: list[tuple[str | bytes, Path | None]]) -> None:
    """Write every rendered output (text, or bytes for a binary format); files are replaced
    atomically, so none is ever half-written."""
    for data, path in outputs:
        if path is None:
            if isinstance(data, bytes):
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                sys.stdout.write(data)
                sys.stdout.flush()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data if isinstance(data, bytes) else data.encode("utf-8"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        click.echo(f"wrote {path}", err=True)


@click.command()
@pack_argument
@gate_option
@as_of_option
@profile_option
@click.option("--format", "formats", multiple=True, metavar="NAME[:PATH]",
              help=f"Output format, repeatable: {', '.join(REPORTERS)}; to PATH, or standard output.")
@guarded
def check(pack: Path, gate: str | None, as_of: dt.datetime | None, profile: Path | None, formats: tuple[str, ...]) -> None:
    """Decide a gate for the evidence pack in folder PACK.

    Exit 0 when the gate passes, 1 when it fails, 3 when it cannot be evaluated.
    """
    targets = parse_formats(formats, choices=tuple(REPORTERS))
    result = api.check(pack, gate=gate, as_of=as_of.date() if as_of else None, profile=profile)
    outputs = [
        (render(result, name, options=RenderOptions(color=path is None and name == "text" and color_wanted(sys.stdout))), path)
        for name, path in targets
    ]
    write_outputs(outputs)
    sys.exit(EXIT_PASS if result.passed else EXIT_FAIL)


@click.command()
@pack_argument
@click.argument("outcome_id")
@gate_option
@as_of_option
@profile_option
@guarded
def explain(pack: Path, outcome_id: str, gate: str | None, as_of: dt.datetime | None, profile: Path | None) -> None:
    """The full reasoning for one outcome of PACK, requirement by requirement."""
    result = api.check(pack, gate=gate, as_of=as_of.date() if as_of else None, profile=profile)
    wanted = outcome_id.upper()
    try:
        outcome = result.outcome(wanted)
    except KeyError:
        raise UsageError(f"{wanted} is not in the scope of the {result.gate} gate (see `gatekeeper rules list`)") from None
    rule_pack = api.rules(profile)
    click.echo(explain_outcome(result, outcome, rule_pack), nl=False)
