"""`gatekeeper commercial simulate`: run an alliance's pain/gain model across a range of outturns."""

from __future__ import annotations

from pathlib import Path

import click

from gatekeeper.cli.common import guarded
from gatekeeper.cli.defaults import settle
from gatekeeper.cli.outputs import emit, format_option, targets
from gatekeeper.cli.presentation import presentation_options
from gatekeeper.commercial.load import load_model
from gatekeeper.commercial.simulate import simulate
from gatekeeper.loading.yamlstrict import load_yaml
from gatekeeper.problems import InputError, UsageError
from gatekeeper.reporters.commercial import COMMERCIAL, NamedSimulation


def alliance_name(pack: Path) -> str | None:
    """The alliance's name from the pack's manifest, for the chart's title; None without a readable one.

    Only commercial.yml is validated here: a manifest that is missing or refused leaves the chart
    unnamed rather than failing a command that does not judge it.
    """
    manifest = pack / "manifest.yml"
    if not pack.is_dir() or not manifest.is_file():
        return None
    try:
        data = load_yaml(manifest).data
    except InputError:
        return None
    alliance = data.get("alliance") if isinstance(data, dict) else None
    name = alliance.get("name") if isinstance(alliance, dict) else None
    return name if isinstance(name, str) and name.strip() else None


@click.group()
def commercial() -> None:
    """Simulate an alliance's commercial model (pain/gain, Figure 3.4 of the Code of Practice)."""


@commercial.command("simulate")
@click.argument("pack", type=click.Path(path_type=Path))
@click.option(
    "--from",
    "start",
    type=float,
    help="First outturn, per cent of target; negative is an overrun (default: the model's, else -60).",
)
@click.option(
    "--to",
    "stop",
    type=float,
    help="Last outturn, per cent of target; positive is a saving (default: the model's, else 60).",
)
@click.option("--step", type=float, help="Percentage points between outturns (default: the model's, else 5).")
@click.option(
    "--kpi-modifier",
    "modifier",
    type=float,
    help="KPI modifier of the partners' gain to assume, per cent (default: the model's).",
)
@format_option(COMMERCIAL)
@presentation_options
@guarded
def simulate_command(
    pack: Path,
    start: float | None,
    stop: float | None,
    step: float | None,
    modifier: float | None,
    formats: tuple[str, ...],
) -> None:
    """Each party's pain or gain at each outturn, caps applied, the client's residual, and where each
    party starts and stops generating a return.

    PACK is an evidence pack folder (its commercial.yml is read) or a commercial.yml file.
    Exit 0 with the report on standard output; 3 if the model is invalid.
    """
    settings = settle(pack, "commercial", formats=formats)
    wanted = targets(COMMERCIAL, settings.formats)
    model = load_model(pack)
    try:
        simulation = simulate(model, start=start, stop=stop, step=step, modifier=modifier)
    except ValueError as error:
        raise UsageError(str(error)) from None
    emit(COMMERCIAL, NamedSimulation(simulation, alliance_name(pack)), wanted)
