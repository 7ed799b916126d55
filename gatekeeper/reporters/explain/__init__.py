"""The explanation of one outcome: an Explanation in each format `gatekeeper explain` can write."""

from __future__ import annotations

from dataclasses import dataclass

from gatekeeper.model import RulePack
from gatekeeper.reporters.family import Family
from gatekeeper.result import GateResult, OutcomeResult


@dataclass(frozen=True)
class Explanation:
    """One outcome of a gate result, with the rule pack that holds its rule (sub-items, rationale)."""

    result: GateResult
    outcome: OutcomeResult
    rules: RulePack


FORMATS: dict[str, str] = {
    "text": "gatekeeper.reporters.explain.text",
    "json": "gatekeeper.reporters.explain.json",
}

SUFFIXES: dict[str, str] = {"text": ".txt", "json": ".json"}

EXPLAIN = Family("explain", Explanation, FORMATS, SUFFIXES)
