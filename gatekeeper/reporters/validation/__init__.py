"""Pack validation: one Validation in each format `gatekeeper validate --format` offers."""

from __future__ import annotations

from dataclasses import dataclass

from gatekeeper.problems import Problem
from gatekeeper.reporters.family import Family


@dataclass(frozen=True)
class Validation:
    """What `validate` found in one pack: every problem, sorted; for a valid pack, what it holds."""

    pack: str
    problems: tuple[Problem, ...]
    alliance_id: str | None = None
    alliance_name: str | None = None
    phase: str | None = None
    claims: int = 0
    evidence: int = 0

    @property
    def valid(self) -> bool:
        return not self.problems


FORMATS: dict[str, str] = {
    "text": "gatekeeper.reporters.validation.text",
    "json": "gatekeeper.reporters.validation.json",
}

SUFFIXES: dict[str, str] = {"text": ".txt", "json": ".json"}

VALIDATION = Family("validation", Validation, FORMATS, SUFFIXES)
