"""What every subcommand shares: exit codes, error mapping, and where output goes."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from gatekeeper.problems import InputError, UsageError

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INVALID = 3
# An unexpected exception: a bug in gatekeeper, never a verdict on the input. sysexits.h's
# EX_SOFTWARE, far from 0-3 so no script reading "1 = the gate fails" can mistake a crash for one.
EXIT_INTERNAL = 70
# Interrupted (Ctrl-C): 128 + SIGINT, what shells report for a process killed by the signal.
EXIT_INTERRUPTED = 130

DEBUG_ENV = "GATEKEEPER_DEBUG"

F = TypeVar("F", bound=Callable[..., Any])


def guarded(func: F) -> F:
    """Map the domain exceptions to exit codes in one place: no traceback for bad input."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as error:
            for problem in error.problems:
                click.echo(str(problem), err=True)
            sys.exit(EXIT_INVALID)
        except UsageError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


def debug_wanted(flag: bool) -> bool:
    """--debug, or GATEKEEPER_DEBUG set to anything but empty or 0."""
    return flag or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def internal_error(error: BaseException, *, debug: bool) -> NoReturn:
    """Report an unexpected exception as what it is, a bug, in one line (the traceback only when debugging), and exit 70."""
    if debug:
        traceback.print_exception(error, file=sys.stderr)
    said = (str(error).strip().splitlines() or [""])[0][:200]
    what = f"{type(error).__name__}: {said}" if said else type(error).__name__
    hint = "" if debug else f"; run again with --debug (or {DEBUG_ENV}=1) for the traceback"
    click.echo(f"gatekeeper: internal error (a bug, not a problem with the input): {what}{hint}", err=True)
    sys.exit(EXIT_INTERNAL)


def interrupted() -> NoReturn:
    """Ctrl-C: one line, no traceback, exit 130; outputs are written atomically, so none is half-written."""
    click.echo("gatekeeper: interrupted", err=True)
    sys.exit(EXIT_INTERRUPTED)


def parse_formats(values: tuple[str, ...], *, choices: tuple[str, ...]) -> list[tuple[str, Path | None]]:
    """`NAME[:PATH]` pairs; at most one format may go to standard output, and no PATH may be a folder.

    Checked before any work is done, so a mistyped output path costs nothing.
    """
    targets: list[tuple[str, Path | None]] = []
    for value in values or ("text",):
        name, _, path = value.partition(":")
        if name not in choices:
            raise UsageError(f"unknown format {name!r}; choose from {', '.join(choices)}")
        if path and os.path.isdir(path):
            raise UsageError(f"{path} is a directory: give a file name for the {name} output")
        targets.append((name, Path(path) if path else None))
    if sum(1 for _, path in targets if path is None) > 1:
        raise UsageError("only one format can go to standard output; give the others a PATH (NAME:PATH)")
    return targets


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
            raise UsageError(f"{path} is a directory: give a file name for the output")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        except (FileExistsError, NotADirectoryError):
            raise UsageError(f"cannot write {path}: {path.parent} is not a directory") from None
        except OSError as error:
            raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data if isinstance(data, bytes) else data.encode("utf-8"))
            os.replace(tmp, path)
        except OSError as error:
            Path(tmp).unlink(missing_ok=True)
            raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        click.echo(f"wrote {path}", err=True)
