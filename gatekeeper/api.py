"""The library's front door: load rules and an evidence pack, evaluate a gate. No printing, no exiting.

Each function imports the part of the library it uses, when first called: importing this module
costs nothing, so a command's help loads no YAML parser, and only evaluating loads the rules engine.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from gatekeeper.bounds import check_as_of
from gatekeeper.problems import UsageError

if TYPE_CHECKING:
    from gatekeeper.loading.evidence import LoadedPack
    from gatekeeper.model import RulePack
    from gatekeeper.result import Decision, GateResult


@functools.lru_cache(maxsize=8)
def _rules_cached(profile: str | None) -> RulePack:
    from gatekeeper.loading.rules import load_rule_pack

    return load_rule_pack(profile=Path(profile) if profile else None)


def rules(profile: Path | None = None) -> RulePack:
    """The bundled rule pack, tailored by `profile`; loaded once per process."""
    return _rules_cached(str(profile) if profile else None)


def require_gate(rule_pack: RulePack, gate: str | None) -> None:
    """Refuse a gate the policy (or the profile) does not define: gates are data, so no option can list them."""
    if gate is not None and gate not in rule_pack.policy.gates:
        raise UsageError(f"unknown gate {gate!r}; the policy's gates: {', '.join(rule_pack.policy.gates)}")


def load(pack_dir: Path, *, profile: Path | None = None) -> tuple[RulePack, LoadedPack]:
    from gatekeeper.loading.evidence import load_pack

    rule_pack = rules(profile)
    return rule_pack, load_pack(pack_dir, rule_pack)


def check(
    pack_dir: Path, *, gate: str | None = None, as_of: dt.date | None = None, profile: Path | None = None
) -> GateResult:
    """Load and evaluate one evidence pack at a gate, as of a date (today by default).

    Raises ValueError for an as-of date outside gatekeeper.bounds' window (the command line
    refuses those as usage errors before calling this).
    """
    return check_loaded(pack_dir, gate=gate, as_of=as_of, profile=profile)[0]


def check_loaded(
    pack_dir: Path, *, gate: str | None = None, as_of: dt.date | None = None, profile: Path | None = None
) -> tuple[GateResult, RulePack, LoadedPack]:
    """As `check`, with the rule pack and the loaded pack the result came from (read once)."""
    day = as_of or dt.date.today()
    check_as_of(day)
    require_gate(rules(profile), gate)
    rule_pack, loaded = load(pack_dir, profile=profile)
    from gatekeeper.evaluation.gate import evaluate  # after loading: a pack that cannot be evaluated never needs it

    result = evaluate(rule_pack, loaded.pack, gate=gate, as_of=day, document_problems=loaded.document_problems)
    return with_profile_effect(result, rule_pack, loaded), rule_pack, loaded


def with_profile_effect(result: GateResult, rule_pack: RulePack, loaded: LoadedPack) -> GateResult:
    """`result` with what its profile changed and, when the profile changed anything, the decision
    the rule pack alone gives: a decision a profile turned must say so.

    The second evaluation runs only when the profile changed something, and only for a gate the
    pack's own policy defines (a gate the profile adds has no decision without it).
    """
    changes = rule_pack.profile_changes
    if not changes:
        return result
    from gatekeeper.evaluation.gate import evaluate

    plain = rules()
    without: Decision | None = None
    if result.gate in plain.policy.gates:
        without = evaluate(plain, loaded.pack, gate=result.gate, as_of=result.as_of).decision
    return replace(result, profile_changes=changes, decision_without_profile=without)
