"""What every subcommand shares: exit codes, error mapping, and where output goes."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from gatekeeper.problems import InputError, UsageError
from gatekeeper.reporters._common.text import terminal

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
    """Map the domain exceptions to exit codes in one place: no traceback for bad input.

    A problem names a file in the user's pack and may quote it: it is printed with control
    characters as visible escapes, so a file or folder name cannot steer the terminal.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as error:
            for problem in error.problems:
                click.echo(terminal(problem), err=True)
            sys.exit(EXIT_INVALID)
        except UsageError as error:
            click.echo(f"Error: {terminal(error)}", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


def debug_wanted(flag: bool) -> bool:
    """--debug, or GATEKEEPER_DEBUG set to anything but empty or 0."""
    return flag or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def internal_error(error: BaseException, *, debug: bool) -> NoReturn:
    """Report an unexpected exception as what it is, a bug, in one line (the traceback only when debugging), and exit 70."""
    if debug:
        import traceback  # only a bug needs it: not imported on every run

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
