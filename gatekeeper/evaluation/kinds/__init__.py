"""The requirement kinds, one module each, in one explicit registry.

Adding a kind: a module here satisfying `RequirementKind` (gatekeeper/evaluation/kinds/base.py), a
row in `KINDS`, a branch in rules/schema/outcomes.schema.json, a section in rules/README.md, and
its tests. Nothing else names a kind.
"""

from __future__ import annotations

from collections.abc import Mapping

from gatekeeper.evaluation.kinds import checklist, commercial, evidence, fact, parties, survey
from gatekeeper.evaluation.kinds.base import Context, Firing, ItemFinding, References, RequirementKind, Rule
from gatekeeper.model import Checklist, Requirement

KINDS: dict[str, RequirementKind] = {
    evidence.ID: evidence,
    fact.ID: fact,
    checklist.ID: checklist,
    survey.ID: survey,
    commercial.ID: commercial,
    parties.ID: parties,
}


def describe(req: Requirement, checklists: Mapping[str, Checklist]) -> str:
    """What a requirement asks for, in plain words (for `rules show`, `init` and explanations)."""
    return KINDS[req.kind].describe(req.spec, checklists)


def describe_items(req: Requirement, checklists: Mapping[str, Checklist]) -> tuple[str, ...]:
    """The lines `rules show` lists under a requirement's description."""
    return KINDS[req.kind].describe_items(req.spec, checklists)


__all__ = [
    "KINDS",
    "Context",
    "Firing",
    "ItemFinding",
    "References",
    "RequirementKind",
    "Rule",
    "describe",
    "describe_items",
]
