"""The typed observations the rules engine matches, measured from an evidence pack as of one date.

The engine calls what it matches "facts"; here they are observations, so that "facts" keeps meaning
the pack's facts.yml. Every value the engine compares is typed before it reaches the engine:
integers for ages, dates (day ordinals) and scaled numbers, booleans for flags, short strings for
ids and kinds. The engine coerces "5" to 5 and cannot parse floats printed with an exponent, so no
float and no free text ever reaches it. Each requirement kind builds the observations it needs
(gatekeeper/evaluation/kinds/); these are the measurements more than one kind shares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from gatekeeper.model import EvidencePack

# One observation: a flat mapping whose `t` names its type, as the engine's patterns discriminate.
Observation = dict[str, Any]

# Scaled integers stand in for fractional numbers: 7.5 years is 7500.
SCALE = 1000


def lookup(facts: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of facts.yml, or None."""
    node: Any = facts
    for segment in path.split("."):
        if not isinstance(node, Mapping) or segment not in node:
            return None
        node = node[segment]
    return node


def measure(value: Any, *, as_of: dt.date, distinct_fields: Iterable[str] = ()) -> dict[str, Any]:
    """The typed measurements of one facts.yml value that the engine compares."""
    measured: dict[str, Any] = {"present": value not in (None, "", [], {})}
    if isinstance(value, bool):
        measured["truth"] = "true" if value else "false"
    elif isinstance(value, (int, float)):
        measured["number"] = round(value * SCALE)
    elif isinstance(value, list):
        measured["count"] = len(value)
        for field in distinct_fields:
            seen = {item.get(field) for item in value if isinstance(item, Mapping) and item.get(field)}
            measured[f"distinct_{field}"] = len(seen)
    elif isinstance(value, str) and _is_date(value):
        measured["date_ord"] = dt.date.fromisoformat(value).toordinal()
    if isinstance(value, Mapping) and isinstance(value.get("date"), str) and _is_date(value["date"]):
        measured["age"] = (as_of - dt.date.fromisoformat(value["date"])).days
    return measured


def fact_observation(
    pack: EvidencePack, path: str, *, as_of: dt.date, distinct_fields: Iterable[str] = ()
) -> Observation:
    """The observation of one facts.yml path: what the `fact` kind tests and `evidence` dates against."""
    return {
        "t": "fact",
        "path": path,
        **measure(lookup(pack.facts, path), as_of=as_of, distinct_fields=distinct_fields),
    }


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
