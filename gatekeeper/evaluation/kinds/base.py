"""What every requirement kind provides, and the small pieces the kinds share.

A kind is one module (gatekeeper/evaluation/kinds/<id>.py) that satisfies `RequirementKind`; the
registry in gatekeeper/evaluation/kinds/__init__.py lists them. The loader, the engine, the gate and
the audit only ever loop over that registry, so no kind is special anywhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from gatekeeper.evaluation.observations import Observation
from gatekeeper.model import Checklist, Claim, EvidenceItem, EvidencePack, Requirement
from gatekeeper.result import RequirementResult

# One durable-rules rule: {"all": [{alias: condition}, ...]}.
Rule = dict[str, Any]


@dataclass(frozen=True)
class Firing:
    """One rule that fired, with the observations (by alias) it matched."""

    rule: str
    matched: Mapping[str, Mapping[str, Any]]

    @property
    def variant(self) -> str:
        return self.rule.rsplit(":", 1)[1]


@dataclass(frozen=True)
class References:
    """What a requirement may name, known when the rule pack loads: checklists and the facts format."""

    checklists: Mapping[str, Checklist]
    facts_schema: Mapping[str, Any]


@dataclass(frozen=True)
class Context:
    """What building observations and judging need: the pack, the date, checklists, and what each kind prepared."""

    pack: EvidencePack
    as_of: dt.date
    checklists: Mapping[str, Checklist]
    prepared: Mapping[str, Any]  # kind id -> what its `prepare` computed for this evaluation


@dataclass(frozen=True)
class ItemFinding:
    """What the audit should say about one evidence item cited for a met claim (category from gatekeeper.audit)."""

    category: str
    message: str


class RequirementKind(Protocol):
    """One requirement kind, from the rule file's mapping (`spec`) to a judged RequirementResult.

    Implemented by a module; each function sees only requirements of its own kind.
    """

    ID: str

    def check(self, spec: Mapping[str, Any], refs: References) -> Iterator[tuple[str, str]]:
        """What a schema cannot say about a spec, at load time: (key of the spec, message) per problem."""
        ...

    def prepare(self, requirements: Sequence[Requirement], pack: EvidencePack) -> Any:
        """Work done once per evaluation for every requirement of the kind in scope, before the engine runs."""
        ...

    def observations(self, requirements: Sequence[Requirement], ctx: Context) -> Iterator[Observation]:
        """The observations these requirements (those of one ruleset) can match, without ids."""
        ...

    def compile(self, req: Requirement) -> dict[str, Rule]:
        """The engine rules of one requirement, named `OUTCOME#N:variant`."""
        ...

    def judge(self, req: Requirement, firings: Sequence[Firing], ctx: Context) -> RequirementResult:
        """The requirement's verdict from its firings: what was found and, when not satisfied, what would pass."""
        ...

    def describe(self, spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> str:
        """What the requirement asks for, in plain words (for `rules show`, `init` and explanations)."""
        ...

    def describe_items(self, spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> tuple[str, ...]:
        """Lines listed under the description in `rules show` (a checklist's items), or none."""
        ...

    def audit_item(
        self,
        req: Requirement,
        item: EvidenceItem,
        *,
        as_of: dt.date,
        horizon: dt.date,
        pack: EvidencePack | None = None,
        claim: Claim | None = None,
    ) -> Iterator[ItemFinding]:
        """What an auditor should hear about one item a met claim cites, judged by this requirement."""
        ...

    def exhibits(self, prepared: Any) -> Mapping[str, Any]:
        """Data the GateResult carries for reporters (by field name), from what `prepare` computed."""
        ...


# --- defaults a kind module may take as its own -----------------------------------------------


def nothing_to_check(spec: Mapping[str, Any], refs: References) -> Iterator[tuple[str, str]]:
    return iter(())


def nothing_to_prepare(requirements: Sequence[Requirement], pack: EvidencePack) -> None:
    return None


def no_items(spec: Mapping[str, Any], checklists: Mapping[str, Checklist]) -> tuple[str, ...]:
    return ()


def no_item_findings(
    req: Requirement,
    item: EvidenceItem,
    *,
    as_of: dt.date,
    horizon: dt.date,
    pack: EvidencePack | None = None,
    claim: Claim | None = None,
) -> Iterator[ItemFinding]:
    return iter(())


def no_exhibits(prepared: Any) -> Mapping[str, Any]:
    return {}


# --- rule building ----------------------------------------------------------------------------


def all_of(*conditions: Mapping[str, Any]) -> dict[str, Any]:
    # One condition object per test: the engine silently keeps one key of a two-key object.
    return {"$and": list(conditions)}


def any_of(field: str, values: Sequence[Any]) -> dict[str, Any]:
    return {"$or": [{field: value} for value in values]} if len(values) > 1 else {field: values[0]}


def fresh_or_stale(req: Requirement, base: list[dict[str, Any]]) -> dict[str, Rule]:
    """`ok` within `max_age_days` (or always, without it) and `stale` beyond it, over one observation."""
    spec = req.spec
    if "max_age_days" not in spec:
        return {f"{req.ref}:ok": {"all": [{"m": all_of(*base)}]}}
    return {
        f"{req.ref}:ok": {"all": [{"m": all_of(*base, {"$lte": {"age": spec["max_age_days"]}})}]},
        f"{req.ref}:stale": {"all": [{"m": all_of(*base, {"$gt": {"age": spec["max_age_days"]}})}]},
    }


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
