"""--format for every command: choices from an output family's registry, rendering, and where each output goes.

Every command with outputs takes the same repeatable `--format NAME[:PATH]`: PATH a file, `-`
(or nothing) standard output. When every format goes to a file the command still prints its
one-line verdict on standard error, so a CI log of `check ... --format html:report.html` that
exits 1 says why.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from gatekeeper.cli import presentation
from gatekeeper.problems import UsageError
from gatekeeper.reporters import RenderOptions
from gatekeeper.reporters._common.text import terminal
from gatekeeper.reporters._common.write import write_atomic
from gatekeeper.reporters.family import Family

F = TypeVar("F", bound=Callable[..., Any])

Target = tuple[str, Path | None]


def format_option(family: Family, *, more_help: str = "") -> Callable[[F], F]:
    """The repeatable `--format NAME[:PATH]` option, its choices the family's formats."""
    return click.option(
        "--format",
        "formats",
        multiple=True,
        metavar="NAME[:PATH]",
        help=(
            f"Output format, repeatable: {', '.join(family.choices)}; to the file PATH, "
            f"or standard output (no PATH, or -).{more_help}"
        ),
    )


def parse_formats(values: tuple[str, ...], *, choices: tuple[str, ...]) -> list[Target]:
    """`NAME[:PATH]` pairs; at most one format may go to standard output, and no PATH may be a folder.

    PATH `-` is standard output, as for most command-line tools. Checked before any work is
    done, so a mistyped output path costs nothing.
    """
    targets: list[Target] = []
    for value in values or (choices[0],):
        name, _, path = value.partition(":")
        if path == "-":
            path = ""
        if name not in choices:
            near = difflib.get_close_matches(name, choices, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise UsageError(f"unknown format {name!r}{hint}; choose from {', '.join(choices)}")
        if path and os.path.isdir(path):
            raise UsageError(f"{terminal(path)} is a directory: give a file name for the {name} output")
        targets.append((name, Path(path) if path else None))
    if sum(1 for _, path in targets if path is None) > 1:
        raise UsageError("only one format can go to standard output; give the others a PATH (NAME:PATH)")
    return targets


def targets(family: Family, values: tuple[str, ...]) -> list[Target]:
    """Where each asked-for format goes; a binary format is refused on a terminal (it would garble it)."""
    parsed = parse_formats(values, choices=family.choices)
    for name, path in parsed:
        if name in family.binary and path is None and sys.stdout.isatty():
            raise UsageError(f"{name} is a binary format: give it a file ({name}:PATH) or redirect standard output")
    return parsed


def render_all(
    family: Family, result: object, wanted: list[Target], *, verdict: str | None = None
) -> list[tuple[str | bytes, Path | None]]:
    """Every output rendered before any is written: a failure leaves no output behind.

    Colour is decided here, once: only text going to standard output, as --color, NO_COLOR and
    FORCE_COLOR say. With -q, text for standard output is the verdict alone (other formats were
    asked for by name and are written whole).
    """
    shown = presentation.current()
    color = presentation.color_wanted(shown.color, sys.stdout)
    rendered: list[tuple[str | bytes, Path | None]] = []
    for name, path in wanted:
        if shown.quiet and path is None and name == "text" and verdict is not None:
            rendered.append((verdict + "\n", path))
            continue
        rendered.append((family.render(result, name, options=RenderOptions(color=path is None and color)), path))
    return rendered


def note(message: str) -> None:
    """A line about what the command did (a file written, the config used) on standard error; none with -q."""
    if not presentation.current().quiet:
        click.echo(message, err=True)


def detail(message: str) -> None:
    """A line only -v asks for, on standard error."""
    if presentation.current().verbose:
        click.echo(message, err=True)


def write_outputs(outputs: list[tuple[str | bytes, Path | None]]) -> None:
    """Write every rendered output (text, or bytes for a binary format); files are replaced
    atomically, so none is ever half-written. A path that cannot be written is a usage error naming it."""
    for data, path in outputs:
        if path is None:
            if isinstance(data, bytes):
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                sys.stdout.write(data)
                sys.stdout.flush()
            continue
        if path.is_dir():  # it may have appeared since the options were read
            raise UsageError(f"{terminal(path)} is a directory: give a file name for the output")
        try:
            write_atomic(path, data)
        except (FileExistsError, NotADirectoryError):
            raise UsageError(f"cannot write {terminal(path)}: {terminal(path.parent)} is not a directory") from None
        except OSError as error:
            raise UsageError(f"cannot write {terminal(path)}: {error.strerror or error}") from None
        note(f"wrote {terminal(path)}")


def emit(family: Family, result: object, wanted: list[Target], *, verdict: str | None = None) -> None:
    """Render `result` in every wanted format, then write each to its file or standard output.

    `verdict` is the command's one-line answer (None for a command that only lists): printed on
    standard error when nothing went to standard output, so the reason for the exit code is
    never only inside a file.
    """
    write_outputs(render_all(family, result, wanted, verdict=verdict))
    if verdict is not None and all(path is not None for _, path in wanted):
        click.echo(verdict, err=True)
