"""Review many alliances at once: find evidence packs, evaluate each in a process pool, summarise, diff.

Only small summary records (`AllianceRow`) cross between processes and only they are kept: a portfolio of
ten thousand packs never holds ten thousand GateResults. Each worker loads the rule pack once.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gatekeeper.loading.previous import Previous, load_previous
from gatekeeper.problems import InputError, Problem
from gatekeeper.result import Maturity, ThemeMaturity

if TYPE_CHECKING:  # the parent process of a review never needs the engine's modules
    from gatekeeper.model import EvidencePack, RulePack
    from gatekeeper.result import GateResult, ProfileChange

SCHEMA_VERSION = 1
HORIZONS: tuple[int, ...] = (30, 60, 90)  # days ahead for "evidence expiring"
MANIFEST = "manifest.yml"
PROBLEMS_SHOWN = 5  # a row carries the first problems of an unreadable pack, not all of them
# Below this many packs a process pool costs more to start (a Python per worker, imports, the
# rule pack) than it saves; evaluate in this process instead.
POOL_THRESHOLD = 8


# --- records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockingOutcome:
    """One outcome that blocks a gate, with the first reason it is not in place."""

    outcome: str
    cell: str
    critical: bool
    status: str
    reason: str


@dataclass(frozen=True)
class ConditionRow:
    """A condition carried from the previous gate (open, closed, overdue) or set by this one (new)."""

    outcome: str
    owner: str
    due: dt.date
    state: str
    note: str | None


@dataclass(frozen=True)
class Expiring:
    """A counted evidence item that goes out of date within the longest horizon."""

    item: str
    title: str
    kind: str
    dated: dt.date
    expires: dt.date  # the last day it still counts as fresh
    days_left: int
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class AllianceRow:
    """One alliance of the portfolio: its gate summary, or why its pack could not be evaluated."""

    pack: str  # the pack's folder, as found under the given folders
    alliance_id: str | None
    alliance_name: str | None
    client: str | None
    phase: str | None
    gate: str | None
    decision: str  # pass | fail | error
    blocking: tuple[BlockingOutcome, ...] = ()
    conditions: tuple[ConditionRow, ...] = ()
    expiring: tuple[Expiring, ...] = ()
    self_assessed_critical: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # the first problems, when decision == "error"
    problem_count: int = 0
    # The decision of the rule pack alone, when the profile changed something and the gate is the pack's.
    decision_without_profile: str | None = None
    # The gate's maturity (every outcome in scope) and each theme's; None when the pack could not be read.
    maturity: Maturity | None = None
    theme_maturity: tuple[ThemeMaturity, ...] = ()

    @property
    def profile_changed_decision(self) -> bool:
        """True when the profile turned this alliance's decision (the rule pack alone decides otherwise)."""
        return self.decision_without_profile is not None and self.decision_without_profile != self.decision

    @property
    def key(self) -> str:
        """What identifies the alliance between two reviews: its id, or its folder when unreadable."""
        return self.alliance_id or self.pack

    @property
    def label(self) -> str:
        return self.alliance_id or self.pack

    @property
    def conditions_open(self) -> int:
        """Conditions still to close: carried and open, or set by this gate."""
        return sum(1 for c in self.conditions if c.state in ("open", "new"))

    @property
    def conditions_overdue(self) -> int:
        return sum(1 for c in self.conditions if c.state == "overdue")

    def expiring_within(self, days: int) -> int:
        return sum(1 for e in self.expiring if e.days_left <= days)


@dataclass(frozen=True)
class Change:
    """What changed for one alliance since the previous review."""

    key: str
    alliance_name: str | None
    kind: str  # new | gone | changed
    decision_before: str | None
    decision_after: str | None
    blockers_new: tuple[str, ...] = ()
    blockers_resolved: tuple[str, ...] = ()
    conditions_closed: tuple[str, ...] = ()
    conditions_overdue: tuple[str, ...] = ()

    @property
    def flipped(self) -> bool:
        return self.kind == "changed" and self.decision_before != self.decision_after


@dataclass(frozen=True)
class Since:
    """The previous review a portfolio is compared with, and the differences."""

    file: str
    as_of: dt.date
    changes: tuple[Change, ...]
    unchanged: int


@dataclass(frozen=True)
class PortfolioResult:
    """A portfolio review: one row per pack found, in folder order, and the diff with a previous review."""

    as_of: dt.date
    gate: str | None  # the gate forced on every pack, or None for each pack's next gate
    folders: tuple[str, ...]
    rule_pack_name: str
    rule_pack_version: str
    rule_pack_digest: str
    profile_name: str | None
    rows: tuple[AllianceRow, ...]
    since: Since | None = None
    profile_digest: str | None = None
    profile_changes: tuple[ProfileChange, ...] = ()
    # (alliance key, relative link) to each alliance's own HTML report, when `--reports` wrote them.
    reports: tuple[tuple[str, str], ...] = ()

    def count(self, decision: str) -> int:
        return sum(1 for r in self.rows if r.decision == decision)

    @property
    def exit_code(self) -> int:
        """3 when any pack could not be evaluated, else 1 when any gate fails, else 0."""
        if self.count("error"):
            return 3
        return 1 if self.count("fail") else 0


# --- discovery --------------------------------------------------------------------------------


def discover(folders: Sequence[Path]) -> list[Path]:
    """Every evidence pack (a folder holding manifest.yml) under `folders`, sorted, each once.

    A pack's own subfolders are not searched (documents/ is not a pack), nor are hidden folders,
    and symbolic links to folders are not followed, so the walk always ends.
    """
    problems = [
        Problem(str(f), 0, 0, "not a folder: give folders that hold evidence packs") for f in folders if not f.is_dir()
    ]
    if problems:
        raise InputError(problems)
    found: dict[str, Path] = {}
    for folder in folders:
        for top, dirs, files in os.walk(folder):
            if MANIFEST in files:
                dirs[:] = []
                found.setdefault(os.path.realpath(top), Path(top))
                continue
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    return sorted(found.values(), key=lambda p: p.as_posix())


# --- evaluation (runs in the workers) ---------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    gate: str | None
    as_of: dt.date
    profile: str | None


_settings: _Settings | None = None


def _init_worker(settings: _Settings) -> None:
    global _settings
    _settings = settings
    from gatekeeper import api

    api.rules(Path(settings.profile) if settings.profile else None)  # once per worker, then cached


def _evaluate_in_worker(pack: str) -> AllianceRow:
    assert _settings is not None, "worker not initialised"
    return evaluate_pack(
        Path(pack),
        gate=_settings.gate,
        as_of=_settings.as_of,
        profile=Path(_settings.profile) if _settings.profile else None,
    )


def evaluate_pack(pack: Path, *, gate: str | None, as_of: dt.date, profile: Path | None = None) -> AllianceRow:
    """Evaluate one pack and summarise it; a pack that cannot be read becomes a row saying why."""
    from gatekeeper import api
    from gatekeeper.evaluation.gate import evaluate
    from gatekeeper.loading.evidence import load_pack

    shown = pack.as_posix()
    try:
        rules = api.rules(profile)
        loaded = load_pack(pack, rules, display=shown)
        result = evaluate(rules, loaded.pack, gate=gate, as_of=as_of, document_problems=loaded.document_problems)
        result = api.with_profile_effect(result, rules, loaded)
    except InputError as error:
        return _error_row(shown, [str(p) for p in error.problems])
    except Exception as error:  # noqa: BLE001 - one broken pack must not stop the review of the others
        return _error_row(shown, [f"{shown}: could not be evaluated ({type(error).__name__}: {error})"])
    return summarise(result, loaded.pack, rules, shown=shown)


def _error_row(shown: str, problems: Sequence[str]) -> AllianceRow:
    alliance = _alliance_id_of(Path(shown))
    return AllianceRow(
        pack=shown,
        alliance_id=alliance,
        alliance_name=None,
        client=None,
        phase=None,
        gate=None,
        decision="error",
        problems=tuple(problems[:PROBLEMS_SHOWN]),
        problem_count=len(problems),
    )


def _alliance_id_of(pack: Path) -> str | None:
    """The alliance id of a pack that did not load, if its manifest still says it: keeps --since keys stable."""
    try:
        import yaml

        data = yaml.load((pack / MANIFEST).read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        alliance_id = data["alliance"]["id"]
    except Exception:  # noqa: BLE001 - best effort only; the row already says why the pack failed
        return None
    return alliance_id if isinstance(alliance_id, str) and alliance_id else None


def summarise(result: GateResult, pack: EvidencePack, rules: RulePack, *, shown: str) -> AllianceRow:
    """The portfolio row for one GateResult; `pack` is the EvidencePack it was evaluated from."""
    outcomes = {o.id: o for o in result.outcomes}
    blocking = []
    for outcome_id in result.blocking:
        o = outcomes.get(outcome_id)
        if o is None:  # an overdue condition on an outcome outside this gate's scope
            blocking.append(
                BlockingOutcome(outcome_id, "", False, "overdue", "a condition from the previous gate is overdue")
            )
        else:
            blocking.append(BlockingOutcome(o.id, o.cell, o.critical, o.status, o.reasons[0] if o.reasons else ""))
    conditions = tuple(
        ConditionRow(c.outcome, c.owner, c.due, c.state, c.note)
        for c in (*result.conditions_carried, *result.conditions_set)
    )
    return AllianceRow(
        pack=shown,
        alliance_id=result.alliance_id,
        alliance_name=result.alliance_name,
        client=result.client,
        phase=result.phase,
        gate=result.gate,
        decision=result.decision,
        blocking=tuple(blocking),
        conditions=conditions,
        expiring=expiring(result, pack, rules),
        self_assessed_critical=tuple(result.self_assessed_critical),
        decision_without_profile=result.decision_without_profile,
        maturity=result.maturity,
        theme_maturity=result.theme_maturity,
    )


def expiring(
    result: GateResult, pack: EvidencePack, rules: RulePack, *, horizon: int = HORIZONS[-1]
) -> tuple[Expiring, ...]:
    """Counted evidence whose freshness limit falls within `horizon` days of the evaluation date.

    An item is fresh up to `date + max_age_days` of the requirement that counted it; an item that
    counts for several requirements expires at the earliest of them.
    """
    from gatekeeper.evaluation.kinds import evidence  # freshness is the evidence kind's to judge

    earliest: dict[str, dt.date] = {}
    uses: dict[str, set[str]] = {}
    for o in result.outcomes:
        rule = rules.outcomes.get(o.id)
        if rule is None:
            continue
        for req, spec_req in zip(o.requirements, rule.requirements, strict=False):
            if req.kind != evidence.ID:
                continue
            for use in req.evidence:
                if not use.counted:
                    continue
                item = pack.register[use.item]
                expires = evidence.fresh_until(spec_req.spec, item)
                if expires is None or (expires - result.as_of).days > horizon:
                    continue
                earliest[use.item] = min(expires, earliest.get(use.item, expires))
                uses.setdefault(use.item, set()).add(o.id)
    out = []
    for ref, expires in earliest.items():
        item = pack.register[ref]
        out.append(
            Expiring(
                ref, item.title, item.kind, item.date, expires, (expires - result.as_of).days, tuple(sorted(uses[ref]))
            )
        )
    return tuple(sorted(out, key=lambda e: (e.expires, e.item)))


# --- the review -------------------------------------------------------------------------------


Progress = Callable[[int, int, AllianceRow], None]


def review(
    folders: Sequence[Path],
    *,
    as_of: dt.date,
    gate: str | None = None,
    profile: Path | None = None,
    jobs: int | None = None,
    since: Path | None = None,
    progress: Progress | None = None,
) -> PortfolioResult:
    """Find every pack under `folders`, evaluate each at its next gate (or `gate`), and summarise.

    `jobs` worker processes (default: one per CPU; 1 evaluates in this process). `progress` is
    called after each pack with (done, total, row). Raises InputError when no pack is found, a
    folder does not exist, the rule pack or profile is invalid, or `since` is not a portfolio result.
    """
    from gatekeeper import api

    rules = api.rules(profile)  # fail early, before any worker starts, if the rules or profile are bad
    previous = load_previous(since) if since is not None else None
    packs = discover(folders)
    if not packs:
        raise InputError(
            [Problem(str(f), 0, 0, f"no evidence pack found (a pack is a folder holding {MANIFEST})") for f in folders]
        )
    rows: list[AllianceRow] = []
    for row in evaluate_all(packs, as_of=as_of, gate=gate, profile=profile, jobs=jobs):
        rows.append(row)
        if progress is not None:
            progress(len(rows), len(packs), row)
    return PortfolioResult(
        as_of=as_of,
        gate=gate,
        folders=tuple(f.as_posix() for f in folders),
        rule_pack_name=rules.name,
        rule_pack_version=rules.version,
        rule_pack_digest=rules.digest,
        profile_name=rules.profile_name,
        rows=tuple(rows),
        since=diff(previous, rows) if previous is not None else None,
        profile_digest=rules.profile_digest,
        profile_changes=rules.profile_changes,
    )


def evaluate_all(
    packs: Sequence[Path],
    *,
    as_of: dt.date,
    gate: str | None = None,
    profile: Path | None = None,
    jobs: int | None = None,
) -> Iterator[AllianceRow]:
    """Rows for `packs`, in their order, as they are ready."""
    workers = min(jobs or os.cpu_count() or 1, len(packs))
    if workers <= 1 or len(packs) < POOL_THRESHOLD:
        for pack in packs:
            yield evaluate_pack(pack, gate=gate, as_of=as_of, profile=profile)
        return
    settings = _Settings(gate=gate, as_of=as_of, profile=str(profile) if profile else None)
    context = multiprocessing.get_context(start_method())
    if context.get_start_method() == "forkserver":
        # What a worker's evaluation imports (gatekeeper.api imports it only when called), imported once.
        context.set_forkserver_preload(
            [
                "gatekeeper.portfolio",
                "gatekeeper.loading.rules",
                "gatekeeper.loading.evidence",
                "gatekeeper.evaluation.gate",
            ]
        )
    # Small chunks keep the progress bar moving and both workers busy to the end; large enough
    # that the per-task round trip stays negligible next to a ~0.1 s evaluation.
    chunksize = max(1, min(8, len(packs) // (workers * 16)))
    with context.Pool(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        yield from pool.imap(_evaluate_in_worker, [p.as_posix() for p in packs], chunksize=chunksize)


def start_method() -> str:
    """How to start workers: fork when this process has no other thread, else forkserver.

    fork starts a worker in milliseconds with the rule pack already loaded (forkserver or spawn
    pay ~1 s of imports and rule loading first: a quarter of the time of a 10-pack review). The C
    engine runs no threads of its own and keeps no state between evaluations, so a forked copy
    of it is sound; what fork cannot survive is another thread holding a lock at the moment of
    the fork (durable.engine.Host, for one, starts timer threads), so then a clean forkserver
    is used instead.
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


# --- since: the previous review ---------------------------------------------------------------


def diff(previous: Previous, rows: Sequence[AllianceRow]) -> Since:
    """Per alliance, what changed: decisions flipped, blockers new and resolved, conditions closed and overdue.

    Blockers are compared only when both reviews evaluated the pack: an unreadable pack says
    nothing about its blockers.
    """
    changes: list[Change] = []
    unchanged = 0
    seen: set[str] = set()
    for row in rows:
        seen.add(row.key)
        before = previous.alliances.get(row.key)
        if before is None:
            changes.append(Change(row.key, row.alliance_name, "new", None, row.decision))
            continue
        comparable = row.decision != "error" and before.decision != "error"
        now_blockers = {b.outcome for b in row.blocking}
        now_conditions = {c.outcome: c.state for c in row.conditions}
        change = Change(
            key=row.key,
            alliance_name=row.alliance_name or before.alliance_name,
            kind="changed",
            decision_before=before.decision,
            decision_after=row.decision,
            blockers_new=tuple(sorted(now_blockers - before.blockers)) if comparable else (),
            blockers_resolved=tuple(sorted(before.blockers - now_blockers)) if comparable else (),
            conditions_closed=tuple(
                sorted(o for o, s in now_conditions.items() if s == "closed" and before.conditions.get(o) != "closed")
            ),
            conditions_overdue=tuple(
                sorted(o for o, s in now_conditions.items() if s == "overdue" and before.conditions.get(o) != "overdue")
            ),
        )
        if (
            change.decision_before == change.decision_after
            and not change.blockers_new
            and not change.blockers_resolved
            and not change.conditions_closed
            and not change.conditions_overdue
        ):
            unchanged += 1
        else:
            changes.append(change)
    for key, before in sorted(previous.alliances.items()):
        if key not in seen:
            changes.append(Change(key, before.alliance_name, "gone", before.decision, None))
    return Since(file=previous.file, as_of=previous.as_of, changes=tuple(changes), unchanged=unchanged)
