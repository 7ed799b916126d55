"""`gatekeeper portfolio`: review the gates of every alliance under some folders, in one table."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gatekeeper.cli.as_of import AS_OF
from gatekeeper.cli.common import guarded
from gatekeeper.cli.defaults import settle
from gatekeeper.cli.outputs import Target, emit, format_option, targets
from gatekeeper.cli.presentation import current, presentation_options
from gatekeeper.problems import UsageError
from gatekeeper.reporters.portfolio import PORTFOLIO

if TYPE_CHECKING:
    from gatekeeper.portfolio import PortfolioResult


@click.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--gate",
    metavar="GATE",
    help="Evaluate every alliance at this gate, one the policy or profile defines (default: each one's next gate).",
)
@click.option(
    "--as-of",
    "as_of",
    type=AS_OF,
    help="Evaluate as of this date (YYYY-MM-DD; default today): freshness, waivers, due dates, expiry.",
)
@click.option(
    "--profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A profile that tailors criticality, floors and requirements.",
)
@click.option(
    "--since",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PREVIOUS.json",
    help="A previous `--format json` result: show what changed for each alliance since then.",
)
@format_option(PORTFOLIO)
@click.option(
    "--reports",
    "reports_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="OUTDIR",
    help="Also write each alliance's HTML report into OUTDIR (ALLIANCE.html); the workbook and the HTML link to them.",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU).")
@presentation_options
@guarded
def portfolio(
    folders: tuple[Path, ...],
    gate: str | None,
    as_of: dt.datetime | None,
    profile: Path | None,
    since: Path | None,
    formats: tuple[str, ...],
    reports_dir: Path | None,
    jobs: int | None,
) -> None:
    """Find every evidence pack (a folder with manifest.yml) under FOLDERS and review each alliance's gate.

    One row per alliance: phase, gate, decision, blocking outcomes, conditions open and overdue,
    evidence expiring within 30/60/90 days, self-assessed critical claims. A pack that cannot be
    read is reported in its row; the others are still evaluated.

    Exit 0 when every gate passes, 1 when any fails, 3 when any pack could not be evaluated.
    """
    from gatekeeper.portfolio import review

    settings = settle(folders[0], "portfolio", profile=profile, jobs=jobs, formats=formats)
    profile, jobs = settings.profile, settings.jobs
    wanted = targets(PORTFOLIO, settings.formats)
    if gate is not None:
        from gatekeeper import api

        api.require_gate(api.rules(profile), gate)
    started = time.monotonic()
    interactive = sys.stderr.isatty() and not current().quiet
    bar = None

    def progress(done: int, total: int, row: object) -> None:
        nonlocal bar
        if not interactive:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Evaluating", file=sys.stderr, show_pos=True, show_eta=True)
            bar.__enter__()
        bar.update(1)

    try:
        result = review(
            list(folders),
            as_of=as_of.date() if as_of else dt.date.today(),
            gate=gate,
            profile=profile,
            jobs=jobs,
            since=since,
            progress=progress,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    verdict = (
        f"portfolio: {len(result.rows)} alliance(s) in {time.monotonic() - started:.1f} s: {result.count('pass')} pass, "
        f"{result.count('fail')} fail, {result.count('error')} could not be evaluated"
    )
    if reports_dir is not None:
        result = _write_reports(result, reports_dir, wanted, profile=profile)
    if any(path is None for _, path in wanted) and not current().quiet:
        click.echo(verdict, err=True)  # emit says it itself when every output goes to a file
    emit(PORTFOLIO, result, wanted, verdict=verdict)
    sys.exit(result.exit_code)


def _write_reports(
    result: PortfolioResult, folder: Path, wanted: list[Target], *, profile: Path | None
) -> PortfolioResult:
    """Each evaluated alliance's HTML report in `folder`, and the review with a link to each, relative
    to where the review's files go (the first file output's folder, else the current one)."""
    from dataclasses import replace

    from gatekeeper import api
    from gatekeeper.cli.outputs import write_outputs
    from gatekeeper.reporters.gate import GATE
    from gatekeeper.reporters.options import RenderOptions

    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is not a folder: give a folder for the reports")
    folder.mkdir(parents=True, exist_ok=True)
    base = next((path.parent for _, path in wanted if path is not None), Path("."))
    links: list[tuple[str, str]] = []
    pages: list[tuple[str | bytes, Path | None]] = []
    for row in result.rows:
        if row.decision == "error" or row.alliance_id is None:
            continue
        gate_result = api.check(Path(row.pack), gate=result.gate, as_of=result.as_of, profile=profile)
        page = folder / f"{row.alliance_id}.html"
        pages.append((GATE.render(gate_result, "html", options=RenderOptions()), page))
        links.append((row.key, Path(os.path.relpath(page, base)).as_posix()))
    write_outputs(pages)
    return replace(result, reports=tuple(links))
