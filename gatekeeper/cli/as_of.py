"""The `--as-of` date every evaluating command takes, refused outside the window date arithmetic is safe in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from gatekeeper.bounds import as_of_problem


class AsOfDate(click.DateTime):
    """A YYYY-MM-DD date within gatekeeper.bounds' as-of window; outside it, a usage error naming the window.

    Refusing here, before anything is loaded, keeps the whole evaluation (freshness ages, due
    dates as-of + N days, audit horizons) inside the range Python's dates can hold. The value
    stays a datetime, as click.DateTime gives it, so commands read it the same way.
    """

    name = "date"

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.datetime:
        parsed: dt.datetime = super().convert(value, param, ctx)
        problem = as_of_problem(parsed.date())
        if problem is not None:
            self.fail(problem, param, ctx)
        return parsed


AS_OF = AsOfDate()
