"""Who may record a gate's decision, and whether a quorum of deciders has: shared by `record` and the review service.

The policy names the governance roles that decide each gate (rules/policy.yml `deciders`) and
whether one of them is enough (`quorum: any`) or every one must record the same decision
(`quorum: all`). The command line and the web service ask the same two questions here, so a
decision the one accepts the other accepts too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gatekeeper.ledger.chain import Row
from gatekeeper.model import EvidencePack, Gate
from gatekeeper.people import entity, roles_on


class RoleRefused(ValueError):
    """The role cannot decide the gate at all: it is not one of the gate's deciders."""


class RoleNotHeld(ValueError):
    """The person or body did not hold the role on the day, as the manifest declares it."""


def decider_name(gate: Gate, pack: EvidencePack, *, ref: str, role: str, day: dt.date) -> str:
    """The declared name of `ref` ("person:ID" or "body:ID"), who may record `gate` in `role` on `day`.

    Raises RoleRefused when `role` is not a decider of the gate, RoleNotHeld when `ref` did not hold
    it on `day`; each message names what was found, for the caller to prefix with what was asked.
    """
    who = entity(pack, ref)
    name = who.name if who is not None else ref
    if gate.deciders and role not in gate.deciders:
        raise RoleRefused(f"{role!r} cannot decide the {gate.name} gate: its deciders are {', '.join(gate.deciders)}")
    held = roles_on(pack, ref.split(":", 1)[1], day)
    if role not in held:
        now = ", ".join(sorted(held)) or "no governance role"
        raise RoleNotHeld(f"{name} did not hold the role {role} on {day} (held: {now}), as declared in manifest.yml")
    return name


def deciding_roles(gate: Gate, pack: EvidencePack, ref: str, day: dt.date) -> tuple[str, ...]:
    """The roles, in the policy's order, in which `ref` may decide `gate` on `day` (empty: none)."""
    held = roles_on(pack, ref.split(":", 1)[1], day)
    return tuple(role for role in gate.deciders if role in held)


def same_decision(entry: Mapping[str, Any], other: Mapping[str, Any]) -> bool:
    """True when two entries decide the same alliance, gate and as-of date (whatever the value)."""
    return all(entry.get(k) == other.get(k) for k in ("alliance", "gate", "as_of"))


def roles_recorded(rows: Iterable[Row], entry: Mapping[str, Any]) -> set[str]:
    """The roles that have recorded the same decision (alliance, gate, as-of date, value) as `entry`."""
    found = set()
    for row in rows:
        decided = row.entry.get("decision")
        if same_decision(row.entry, entry) and isinstance(decided, dict):
            if decided.get("value") == entry["decision"]["value"] and isinstance(decided.get("role"), str):
                found.add(decided["role"])
    return found


@dataclass(frozen=True)
class Quorum:
    """Where a gate's decision stands: the roles that must decide, and the value each recorded.

    `recorded` maps each role that has recorded a decision (its latest, in ledger order) to pass or
    fail. The gate is decided when the policy's quorum is reached with one value: `any`, one role;
    `all`, every role with the same value. Until then it is pending.
    """

    rule: str  # any | all
    deciders: tuple[str, ...]
    recorded: tuple[tuple[str, str, str, int], ...]  # (role, value, by, row seq), in ledger order

    @property
    def latest(self) -> dict[str, str]:
        """Each role's latest recorded value."""
        return {role: value for role, value, _, _ in self.recorded}

    @property
    def missing(self) -> tuple[str, ...]:
        """The decider roles still to record (for `all`: the ones without the value of the others)."""
        latest = self.latest
        if self.rule != "all":
            return () if latest else self.deciders
        return tuple(role for role in self.deciders if role not in latest)

    @property
    def outcome(self) -> str | None:
        """pass or fail once the quorum is reached, None while it is pending or the roles disagree."""
        latest = self.latest
        if self.rule != "all":
            return self.recorded[-1][1] if self.recorded else None
        values = {latest.get(role) for role in self.deciders}
        if None in values or len(values) != 1:
            return None
        return values.pop()

    @property
    def disagree(self) -> bool:
        """Under `all`, two roles recorded different values: a human must reconcile them."""
        return self.rule == "all" and len({v for r, v in self.latest.items() if r in self.deciders}) > 1


def quorum(gate: Gate, rows: Iterable[Row], *, alliance_id: str, as_of: dt.date) -> Quorum:
    """Where the decision of `gate` for the alliance, as of `as_of`, stands in the ledger's rows."""
    recorded = []
    for row in rows:
        entry = row.entry
        decided = entry.get("decision")
        alliance = entry.get("alliance")
        if not (isinstance(decided, dict) and isinstance(alliance, dict)):
            continue
        if (
            alliance.get("id") != alliance_id
            or entry.get("gate") != gate.name
            or entry.get("as_of") != as_of.isoformat()
        ):
            continue
        role, value, by = decided.get("role"), decided.get("value"), decided.get("by")
        if isinstance(role, str) and value in ("pass", "fail"):
            recorded.append((role, str(value), str(by), row.seq))
    return Quorum(rule=gate.quorum, deciders=gate.deciders, recorded=tuple(recorded))
