"""`gatekeeper check` and `gatekeeper explain`: decide a gate, and explain one outcome."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from gatekeeper import api
from gatekeeper.cli.as_of import AS_OF
from gatekeeper.cli.common import EXIT_FAIL, EXIT_PASS, guarded
from gatekeeper.cli.outputs import emit, format_option, targets
from gatekeeper.problems import UsageError
from gatekeeper.reporters import RenderOptions
from gatekeeper.reporters.brief import BRIEF
from gatekeeper.reporters.explain import EXPLAIN, Explanation
from gatekeeper.reporters.gate import GATE

pack_argument = click.argument("pack", type=click.Path(path_type=Path))
gate_option = click.option(
    "--gate",
    metavar="GATE",
    help="The gate, one the policy or profile defines (default: the next gate after the pack's phase).",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    type=AS_OF,
    help="Evaluate as of this date (YYYY-MM-DD; default today): freshness, waivers, due dates.",
)
profile_option = click.option(
    "--profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A profile that tailors criticality, floors and requirements.",
)


@click.command()
@pack_argument
@gate_option
@as_of_option
@profile_option
@format_option(GATE, more_help=" With --summary: text, markdown or html.")
@click.option(
    "--summary",
    is_flag=True,
    help="Only the decision brief: the decision and each action that must happen, with its owner and date.",
)
@guarded
def check(
    pack: Path,
    gate: str | None,
    as_of: dt.datetime | None,
    profile: Path | None,
    formats: tuple[str, ...],
    summary: bool,
) -> None:
    """Decide a gate for the evidence pack in folder PACK.

    Exit 0 when the gate passes, 1 when it fails, 3 when it cannot be evaluated.
    """
    family = BRIEF if summary else GATE
    wanted = targets(family, formats)
    result = api.check(pack, gate=gate, as_of=as_of.date() if as_of else None, profile=profile)
    emit(family, result, wanted)
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
        raise UsageError(
            f"{wanted} is not in the scope of the {result.gate} gate (see `gatekeeper rules list`)"
        ) from None
    explanation = Explanation(result=result, outcome=outcome, rules=api.rules(profile))
    click.echo(EXPLAIN.render(explanation, "text", options=RenderOptions()), nl=False)
