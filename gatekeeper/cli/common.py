"""What every subcommand shares: exit codes, error mapping, and where output goes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from gatekeeper.problems import InputError, UsageError
from gatekeeper.reporters._common.text import terminal

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INVALID = 3

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
