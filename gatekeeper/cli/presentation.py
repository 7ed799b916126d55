"""How much to say and whether to colour it: `--color`, `-q` and `-v`, the same on the group and on every command.

The options may be given before the command (`gatekeeper -q check ...`) or after it
(`gatekeeper check ... -q`); either way they land in the click context's `meta`, which a command
and its group share, so the output helpers read one answer. This module imports only click: the
group's `--help` pays for nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

COLOR_MODES = ("auto", "always", "never")
_META = "gatekeeper.presentation"


@dataclass(frozen=True)
class Presentation:
    """`color`: auto, always or never; `quiet`: only the verdict; `verbose`: also what was used (config, rule pack)."""

    color: str = "auto"
    quiet: bool = False
    verbose: bool = False


def _store(field: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None or value is False:
            return  # not given here: a value given to the group still stands
        current: dict[str, Any] = ctx.meta.setdefault(_META, {})
        current[field] = value

    return callback


def presentation_options(func: F) -> F:
    """Add `--color`, `-q/--quiet` and `-v/--verbose` to a command or group."""
    for option in reversed(
        (
            click.option(
                "--color",
                type=click.Choice(COLOR_MODES),
                default=None,
                expose_value=False,
                callback=_store("color"),
                help="Colour the text report: auto (a terminal; NO_COLOR turns it off, FORCE_COLOR on), always or never.",
            ),
            click.option(
                "-q",
                "--quiet",
                is_flag=True,
                default=None,
                expose_value=False,
                callback=_store("quiet"),
                help="Print only the one-line verdict (files asked for are still written).",
            ),
            click.option(
                "-v",
                "--verbose",
                is_flag=True,
                default=None,
                expose_value=False,
                callback=_store("verbose"),
                help="Also say, on standard error, which configuration file, rule pack and profile were used.",
            ),
        )
    ):
        func = option(func)
    return func


def current() -> Presentation:
    """The presentation asked for on this command line (the defaults outside a click command)."""
    ctx = click.get_current_context(silent=True)
    given: dict[str, Any] = ctx.meta.get(_META, {}) if ctx is not None else {}
    presentation = Presentation(**given)
    if presentation.quiet and presentation.verbose:
        raise click.UsageError("-q and -v contradict each other: give one")
    return presentation


def color_wanted(mode: str, stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour text written to `stream`.

    `always` and `never` are the user's word and win. `auto` colours a terminal, unless NO_COLOR
    is set to anything but empty (https://no-color.org) or TERM is dumb; FORCE_COLOR set to
    anything but empty or 0 colours even a pipe (a CI log that renders ANSI). NO_COLOR wins over
    FORCE_COLOR: it is the reader's choice, FORCE_COLOR usually the CI system's.
    """
    if mode == "always":
        return True
    if mode == "never":
        return False
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
