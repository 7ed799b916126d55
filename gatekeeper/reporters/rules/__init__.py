"""The rule pack's outcomes as a list: one OutcomeListing in each format `gatekeeper rules list --format` offers."""

from __future__ import annotations

from dataclasses import dataclass

from gatekeeper.model import Outcome
from gatekeeper.reporters.family import Family


@dataclass(frozen=True)
class OutcomeListing:
    """The outcomes chosen by `rules list`, in rule pack order, and the pack they come from."""

    rule_pack_name: str
    rule_pack_version: str
    rule_pack_digest: str
    profile_name: str | None
    outcomes: tuple[Outcome, ...]


FORMATS: dict[str, str] = {
    "text": "gatekeeper.reporters.rules.text",
    "json": "gatekeeper.reporters.rules.json",
}

SUFFIXES: dict[str, str] = {"text": ".txt", "json": ".json"}

RULES = Family("rules", OutcomeListing, FORMATS, SUFFIXES)
