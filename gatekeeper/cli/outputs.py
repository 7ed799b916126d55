"""--format for every command: choices from an output family's registry, rendering, and where each output goes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from gatekeeper.problems import UsageError
from gatekeeper.reporters import RenderOptions, color_wanted
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
        help=f"Output format, repeatable: {', '.join(family.choices)}; to PATH, or standard output.{more_help}",
    )


def parse_formats(values: tuple[str, ...], *, choices: tuple[str, ...]) -> list[Target]:
    """`NAME[:PATH]` pairs; at most one format may go to standard output, and no PATH may be a folder.

    Checked before any work is done, so a mistyped output path costs nothing.
    """
    targets: list[Target] = []
    for value in values or ("text",):
        name, _, path = value.partition(":")
        if name not in choices:
            raise UsageError(f"unknown format {name!r}; choose from {', '.join(choices)}")
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


def render_all(family: Family, result: object, wanted: list[Target]) -> list[tuple[str | bytes, Path | None]]:
    """Every output rendered before any is written: a failure leaves no output behind.

    Colour is decided here, once: only text going to a terminal that wants it.
    """
    return [
        (
            family.render(
                result, name, options=RenderOptions(color=path is None and name == "text" and color_wanted(sys.stdout))
            ),
            path,
        )
        for name, path in wanted
    ]


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
        click.echo(f"wrote {terminal(path)}", err=True)


def emit(family: Family, result: object, wanted: list[Target]) -> None:
    """Render `result` in every wanted format, then write each to its file or standard output."""
    write_outputs(render_all(family, result, wanted))
