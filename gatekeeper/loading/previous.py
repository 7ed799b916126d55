"""Read back a previous portfolio review (`portfolio --format json`), the `--since` file, as a validated model."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gatekeeper.loading.paths import read_regular_file
from gatekeeper.problems import InputError, Problem

SCHEMA = "portfolio.schema.json"
# Largest previous review read. A review writes a few kB per alliance, so this is an order of
# magnitude above a ten-thousand-alliance portfolio, and small enough to parse in about a second.
MAX_PREVIOUS_BYTES = 64_000_000


@dataclass(frozen=True)
class Snapshot:
    """What a previous review said about one alliance: enough to tell what changed."""

    key: str
    alliance_name: str | None
    decision: str
    blockers: frozenset[str]
    conditions: Mapping[str, str]  # outcome -> state


@dataclass(frozen=True)
class Previous:
    """A previous review: the file it came from, its as-of date and one snapshot per alliance."""

    file: str
    as_of: dt.date
    alliances: Mapping[str, Snapshot]


def schema_problems(data: Any, *, file: str) -> list[Problem]:
    """Every way `data` differs from the portfolio schema, as problems located by JSON path."""
    from gatekeeper.loading.schema import json_path, validator

    problems = []
    for error in validator("evidence_schema", SCHEMA).iter_errors(data):
        parts = list(error.absolute_path)
        problems.append(Problem(file, 0, 0, f"not a portfolio result: {error.message[:200]}", json_path(parts)))
    return sorted(problems)


def load_previous(path: Path) -> Previous:
    """Read a previous `--format json` portfolio result; InputError when it is not one.

    Read like every user-named file (non-blocking, a regular file, size-bounded), so a FIFO or
    /dev/zero given as --since is refused at once rather than hanging or filling memory.
    """
    shown = path.as_posix()
    raw = read_regular_file(path, display=shown, max_bytes=MAX_PREVIOUS_BYTES)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputError(Problem(shown, 0, 0, f"not a JSON portfolio result: not UTF-8 ({error.reason})")) from None
    except json.JSONDecodeError as error:
        raise InputError(
            Problem(shown, error.lineno, error.colno, f"not a JSON portfolio result: {error.msg}")
        ) from None
    except (ValueError, RecursionError) as error:  # an integer too long to convert, nesting too deep
        why = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise InputError(Problem(shown, 0, 0, f"not a JSON portfolio result: {why}")) from None
    problems = schema_problems(data, file=shown)
    if problems:
        raise InputError(problems)
    alliances: dict[str, Snapshot] = {}
    for a in data["alliances"]:
        key = a["alliance_id"] or a["pack"]
        alliances[key] = Snapshot(
            key=key,
            alliance_name=a["alliance_name"],
            decision=a["decision"],
            blockers=frozenset(b["outcome"] for b in a["blocking"]),
            conditions={c["outcome"]: c["state"] for c in a["conditions"]},
        )
    return Previous(file=shown, as_of=dt.date.fromisoformat(data["as_of"]), alliances=alliances)
