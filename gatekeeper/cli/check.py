"""`gatekeeper check` and `gatekeeper explain`: decide a gate, and explain one outcome."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from gatekeeper import api
from gatekeeper.cli.as_of import AS_OF
from gatekeeper.cli.common import EXIT_FAIL, EXIT_PASS, guarded
from gatekeeper.cli.defaults import settle
from gatekeeper.cli.outputs import detail, emit, format_option, targets
from gatekeeper.cli.presentation import presentation_options
from gatekeeper.problems import UsageError
from gatekeeper.reporters._common.text import terminal
from gatekeeper.reporters.brief import BRIEF
from gatekeeper.reporters.explain import EXPLAIN, Explanation
from gatekeeper.reporters.gate import GATE
from gatekeeper.result import GateResult

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
@format_option(
    GATE,
    more_help=" github: workflow commands annotating each blocker in the pack's files. With --summary: text, markdown, html or pdf.",
)
@click.option(
    "--summary",
    is_flag=True,
    help="Only the decision brief: the decision and each action that must happen, with its owner and date.",
)
@presentation_options
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
    settings = settle(pack, "check", profile=profile, formats=formats)
    family = BRIEF if summary else GATE
    wanted = targets(family, settings.formats)
    result = api.check(pack, gate=gate, as_of=as_of.date() if as_of else None, profile=settings.profile)
    used(result)
    emit(family, result, wanted, verdict=headline(result))
    sys.exit(EXIT_PASS if result.passed else EXIT_FAIL)


def headline(result: GateResult) -> str:
    """The decision in one line: what -q prints, and what standard error says when every output went to a file."""
    from gatekeeper.reporters.gate._view import decision_headline

    return decision_headline(result)


def used(result: GateResult) -> None:
    """With -v: the rule pack, profile and date the decision rests on."""
    profile = f"profile {terminal(result.profile_name)} ({(result.profile_digest or '')[:12]})"
    detail(
        f"gatekeeper: rule pack {terminal(result.rule_pack_name)} {terminal(result.rule_pack_version)} "
        f"({result.rule_pack_digest[:12]}); {profile if result.profile_name else 'no profile'}; "
        f"{result.gate} gate as of {result.as_of.isoformat()}"
    )


@click.command()
@pack_argument
@click.argument("outcome_id")
@gate_option
@as_of_option
@profile_option
@format_option(EXPLAIN)
@presentation_options
@guarded
def explain(
    pack: Path,
    outcome_id: str,
    gate: str | None,
    as_of: dt.datetime | None,
    profile: Path | None,
    formats: tuple[str, ...],
) -> None:
    """The full reasoning for one outcome of PACK, requirement by requirement."""
    settings = settle(pack, "explain", profile=profile, formats=formats)
    wanted = targets(EXPLAIN, settings.formats)
    result = api.check(pack, gate=gate, as_of=as_of.date() if as_of else None, profile=settings.profile)
    used(result)
    outcome_key = outcome_id.upper()
    try:
        outcome = result.outcome(outcome_key)
    except KeyError:
        raise UsageError(
            f"{outcome_key} is not in the scope of the {result.gate} gate (see `gatekeeper rules list`)"
        ) from None
    explanation = Explanation(result=result, outcome=outcome, rules=api.rules(settings.profile))
    emit(EXPLAIN, explanation, wanted)
