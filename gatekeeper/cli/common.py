"""What every subcommand shares: exit codes, error mapping, and where output goes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from gatekeeper.problems import InputError, UsageError

EXIT_PASS = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INVALID = 3

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
