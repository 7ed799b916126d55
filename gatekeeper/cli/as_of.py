"""The `--as-of` date every evaluating command takes, refused outside the window date arithmetic is safe in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import click

from gatekeeper.bounds import as_of_problem

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
        parsed: dt.datetime = _plain_date(value) or super().convert(value, param, ctx)
        problem = as_of_problem(parsed.date())
        if problem is not None:
            self.fail(problem, param, ctx)
        return parsed


def _plain_date(value: Any) -> dt.datetime | None:
    """A YYYY-MM-DD string that is a real day, read without strptime; anything else is left to click.

    The first strptime of a process costs a few milliseconds (it imports _strptime and builds its
    locale tables); for the digits-only form both give the same datetime, and click keeps its
    own messages for every other value.
    """
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


AS_OF = AsOfDate()
