"""The windows every date and number gatekeeper accepts lies in, and why: one place for code and tests.

The evidence schemas state the same bounds to the people who write packs (tests/test_bounds.py
checks that they agree with these values). They are chosen so that no arithmetic gatekeeper does
can leave the range Python's dates and the rules engine's integers can hold:

- a date in evidence lies between DATE_MIN and DATE_MAX. The Code of Practice dates from 2015 and
  no alliance's records predate 1900; 2199 leaves room for whole-life plans of assets built today.
  The furthest gatekeeper ever counts from such a date is MAX_AGE_DAYS (the largest freshness
  limit the rule schemas allow, 100 years), so every computed date stays below 2300, far inside
  Python's `date.max` (9999-12-31);
- the as-of date lies between AS_OF_MIN and AS_OF_MAX, the end of 2189: ten years short of
  DATE_MAX, so adding the longest condition due period the rule schemas allow (MAX_DUE_DAYS)
  gives a due date the next gate's conditions.yml can still hold;
- money, and every cost target, is at most MONEY_MAX in its unit: more than any programme's
  budget (the UK's whole public spending is about 1.3e12 GBP a year). A facts.yml number reaches
  the rules engine scaled by 1000, so 1e16 at most, well inside the 64-bit integers it compares
  exactly; the commercial model computes with exact fractions and rounds them with integer
  arithmetic (commercial.model.rounded), so no size breaks a report;
- a survey scale is at most SCALE_MAX points, and responses or a population at most
  MAX_RESPONDENTS people, more than work on any alliance.
"""

from __future__ import annotations

import datetime as dt

DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)
MAX_AGE_DAYS = 36_500  # rules/schema: `max_age_days` maximum
MAX_DUE_DAYS = 3_650  # rules/schema: `due_days` maximum (policy and profile)
AS_OF_MIN = DATE_MIN
AS_OF_MAX = dt.date(2189, 12, 31)  # + MAX_DUE_DAYS is still within DATE_MAX
# An audit's horizon: no freshness limit is longer, so a longer look ahead could find nothing more.
MAX_EXPIRING_WITHIN = MAX_AGE_DAYS

MONEY_MAX = 10**13
SCALE_MAX = 1_000
MAX_RESPONDENTS = 1_000_000


def as_of_problem(day: dt.date) -> str | None:
    """Why `day` cannot be an as-of date, or None when it can."""
    if AS_OF_MIN <= day <= AS_OF_MAX:
        return None
    return f"{day.isoformat()} is outside the dates a gate can be evaluated as of ({AS_OF_MIN} to {AS_OF_MAX})"


def check_as_of(day: dt.date) -> None:
    """Refuse an as-of date outside the window, for library callers that skip the command line."""
    problem = as_of_problem(day)
    if problem is not None:
        raise ValueError(problem)
