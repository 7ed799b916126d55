"""Drive the durable-rules C engine synchronously: compiled rulesets in, firings out, no threads, no I/O.

Each ruleset is given the observations its requirements' kinds build for them (the engine calls
them facts; gatekeeper.evaluation.observations), so states stay small and cells never see each
other's observations.

The engine's measured hazards (shared/notes/durable-rules.md) shape this module:
- the C module is used directly: `durable.engine.Host` starts timer threads and swallows errors;
- every fact gets an explicit id whose 32-bit FNV-1 hash is unique within its state, because the
  engine compares fact ids by that hash;
- one live state at a time, with a fixed id, deleted after every evaluation; a sentinel fact matched
  by a sentinel rule guarantees something fired, since `delete_state` crashes otherwise (and an
  empty assert segfaults);
- facts, never events (`post` fires only the first matching rule);
- no negation in rules (`$not` depends on assertion order): absence is judged from the firings;
- rulesets are split so no node has more than MAX_RULES_PER_RULESET rules below it: 512 sibling
  tests hang the engine with the GIL held.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as dre

from gatekeeper.evaluation.kinds import KINDS, Context, Firing
from gatekeeper.evaluation.observations import Observation
from gatekeeper.model import Outcome, Requirement, RulePack

MAX_RULES_PER_RULESET = 240
ENGINE_HANG_AT = 512  # sibling tests under one node (shared/notes/durable-rules.md)
SENTINEL_RULE = "gatekeeper:sentinel"
_STATE_ID = "1"
_ids = itertools.count()


class EngineError(Exception):
    """The engine refused a ruleset or a batch of observations."""


def fnv1_32(text: str) -> int:
    """The engine's fact identity hash (FNV-1, 32 bits, over the UTF-8 bytes)."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ (byte if byte < 128 else byte - 256)) * 0x01000193) & 0xFFFFFFFF
    return value


@dataclass(frozen=True)
class Ruleset:
    """One compiled durable-rules ruleset, the outcomes it covers and their requirements by kind."""

    name: str
    handle: int
    outcome_ids: tuple[str, ...]
    requirements: Mapping[str, tuple[Requirement, ...]]  # kind id -> requirements, in pack order
    rule_count: int


@dataclass(frozen=True)
class CompiledPack:
    rulesets: tuple[Ruleset, ...]


_compiled: dict[tuple[str, str | None, tuple[str, ...]], CompiledPack] = {}


def _chunks(outcomes: Sequence[Outcome]) -> Iterator[list[Outcome]]:
    """Group outcomes by cell, splitting any group whose rules would exceed the fan-out bound."""
    for _, group in itertools.groupby(outcomes, key=lambda o: o.cell):
        chunk: list[Outcome] = []
        size = 0
        for outcome in group:
            n = sum(len(KINDS[r.kind].compile(r)) for r in outcome.requirements)
            if chunk and size + n > MAX_RULES_PER_RULESET:
                yield chunk
                chunk, size = [], 0
            chunk.append(outcome)
            size += n
        if chunk:
            yield chunk


def compile_pack(rules: RulePack, outcome_ids: Sequence[str]) -> CompiledPack:
    """Compile the given outcomes' requirements to rulesets, once per process and pack."""
    key = (rules.digest, rules.profile_digest, tuple(outcome_ids))
    if key in _compiled:
        return _compiled[key]
    rulesets = []
    for chunk in _chunks([rules.outcomes[i] for i in outcome_ids]):
        definition: dict[str, Any] = {SENTINEL_RULE: {"all": [{"s": {"t": "sentinel"}}]}}
        for outcome in chunk:
            for req in outcome.requirements:
                definition.update(KINDS[req.kind].compile(req))
        if len(definition) >= ENGINE_HANG_AT:  # one outcome alone that large: refuse rather than hang
            raise EngineError(
                f"ruleset for {chunk[0].cell} has {len(definition)} rules; the engine hangs at {ENGINE_HANG_AT}"
            )
        name = f"gatekeeper-{rules.digest[:12]}-{next(_ids)}"
        try:
            handle = dre.create_ruleset(name, json.dumps(definition, ensure_ascii=False))
        except Exception as error:  # the C module raises bare Exceptions with a code
            raise EngineError(f"the engine refused the rules of {chunk[0].cell}: {error}") from error
        rulesets.append(Ruleset(name, handle, tuple(o.id for o in chunk), _by_kind(chunk), len(definition)))
    compiled = CompiledPack(tuple(rulesets))
    _compiled[key] = compiled
    return compiled


def _by_kind(outcomes: Sequence[Outcome]) -> dict[str, tuple[Requirement, ...]]:
    grouped: dict[str, list[Requirement]] = {}
    for outcome in outcomes:
        for req in outcome.requirements:
            grouped.setdefault(req.kind, []).append(req)
    return {kind: tuple(reqs) for kind, reqs in grouped.items()}


def observe(ruleset: Ruleset, ctx: Context) -> list[Observation]:
    """The observations a ruleset can match, each once (two kinds may observe the same facts.yml path)."""
    unique: dict[str, Observation] = {}
    for kind, reqs in ruleset.requirements.items():
        for observation in KINDS[kind].observations(reqs, ctx):
            unique.setdefault(json.dumps(observation, sort_keys=True), observation)
    return [unique[key] for key in sorted(unique)]


def _with_ids(observations: Sequence[Observation]) -> list[dict[str, Any]]:
    """Give each observation an id and the state id, skipping ids whose 32-bit hash is already taken."""
    taken: set[int] = set()
    out: list[dict[str, Any]] = []
    counter = itertools.count(1)
    for observation in [{"t": "sentinel"}, *observations]:
        while True:
            fid = f"f{next(counter)}"
            h = fnv1_32(fid)
            if h not in taken:
                taken.add(h)
                break
        out.append({"sid": _STATE_ID, "id": fid, **observation})
    return out


def run(compiled: CompiledPack, ctx: Context) -> dict[str, list[Firing] | EngineError]:
    """Assert each ruleset's observations in one canonical batch and collect every firing.

    Returns, per outcome id, its firings, or the EngineError that stopped its ruleset.
    """
    results: dict[str, list[Firing] | EngineError] = {}
    for ruleset in compiled.rulesets:
        try:
            firings = _run_one(ruleset, observe(ruleset, ctx))
        except EngineError as error:
            for outcome_id in ruleset.outcome_ids:
                results[outcome_id] = error
            continue
        for outcome_id in ruleset.outcome_ids:
            results[outcome_id] = []
        for firing in firings:
            results[firing.rule.split("#", 1)[0]].append(firing)  # type: ignore[union-attr]
    return results


def _run_one(ruleset: Ruleset, observations: Sequence[Observation]) -> list[Firing]:
    batch = _with_ids(observations)  # already in canonical order
    firings: list[Firing] = []
    fired_sentinel = False
    try:
        result = dre.assert_facts(ruleset.handle, json.dumps(batch, ensure_ascii=False, allow_nan=False))
        state_handle = result[1]
        action = dre.start_action_for_state(ruleset.handle, state_handle)
        message = action[1] if action else None
        while message:
            for rule, matched in json.loads(message).items():
                if rule == SENTINEL_RULE:
                    fired_sentinel = True
                else:
                    firings.append(Firing(rule, {alias: _strip(f) for alias, f in matched.items()}))
            message = dre.complete_and_start_action(ruleset.handle, state_handle)
    except Exception as error:
        if fired_sentinel:
            dre.delete_state(ruleset.handle, _STATE_ID)
        raise EngineError(f"the engine failed: {error}") from error
    if not fired_sentinel:  # deleting a state where nothing fired would crash the process
        raise EngineError("the engine did not fire its sentinel rule; the state is left in place")
    dre.delete_state(ruleset.handle, _STATE_ID)
    return sorted(firings, key=lambda f: (f.rule, json.dumps(f.matched, sort_keys=True)))


def _strip(fact: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fact.items() if k not in ("sid", "id")}
