"""What the service evaluates: the packs under one folder, each at its next gate as of the server's date, and the digest of what a person saw.

The rules engine keeps one live state at a time and never releases the GIL (see README: The rules
engine), so evaluations are serialised by one lock: requests run in threads, evaluations one by one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from gatekeeper.model import EvidencePack, RulePack
from gatekeeper.portfolio import AllianceRow
from gatekeeper.result import GateResult

_ENGINE = threading.Lock()


@dataclass(frozen=True, eq=False)
class Evaluation:
    """One pack evaluated at one moment: the result, the pack it came from, and the digest of the result."""

    path: Path
    result: GateResult
    pack: EvidencePack
    rules: RulePack

    @property
    def digest(self) -> str:
        """sha256 of the result as `check --format json` writes it: equal digests, equal evaluations."""
        return digest(self.result)


def digest(result: GateResult) -> str:
    from gatekeeper.reporters import RenderOptions
    from gatekeeper.reporters.gate import GATE

    text = GATE.render(result, "json", options=RenderOptions())
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def evaluate(path: Path, *, as_of: dt.date, profile: Path | None = None) -> Evaluation:
    """Load and evaluate the pack at `path` at its next gate; InputError when it cannot be evaluated."""
    from gatekeeper import api
    from gatekeeper.evaluation.gate import evaluate as evaluate_gate

    with _ENGINE:
        rules, loaded = api.load(path, profile=profile)
        result = evaluate_gate(rules, loaded.pack, gate=None, as_of=as_of, document_problems=loaded.document_problems)
    return Evaluation(path=path, result=result, pack=loaded.pack, rules=rules)


def row(path: Path, *, as_of: dt.date, profile: Path | None = None) -> AllianceRow:
    """The portfolio row of one pack, as `gatekeeper portfolio` gives it (an error row when it cannot be evaluated)."""
    from gatekeeper.portfolio import evaluate_pack

    with _ENGINE:
        return evaluate_pack(path, gate=None, as_of=as_of, profile=profile)


def packs(folder: Path) -> dict[str, Path]:
    """Alliance id -> pack folder, for every pack under `folder` whose manifest names an id (first wins)."""
    from gatekeeper.portfolio import _alliance_id_of, discover

    found: dict[str, Path] = {}
    for path in discover([folder]):
        alliance = _alliance_id_of(path)
        if alliance is not None:
            found.setdefault(alliance, path)
    return found


@dataclass(frozen=True)
class Seen:
    """What a person was shown before deciding, kept to say what changed when the pack changed meanwhile."""

    decision: str
    statuses: tuple[tuple[str, str], ...]  # (outcome id, status)
    files: tuple[tuple[str, str], ...]  # (relpath, sha256)
    as_of: str


def seen(result: GateResult) -> Seen:
    return Seen(
        decision=str(result.decision),
        statuses=tuple((o.id, str(o.status)) for o in result.outcomes),
        files=tuple(result.evidence_files),
        as_of=result.as_of.isoformat(),
    )


def changes(before: Seen | None, after: GateResult) -> list[str]:
    """What differs between what was shown and the evaluation now, in plain words, sorted by kind."""
    if before is None:
        return ["The evaluation is not the one shown when the page was opened (the pack or the date changed)."]
    now = seen(after)
    lines = []
    if before.as_of != now.as_of:
        lines.append(f"The as-of date is now {now.as_of} (was {before.as_of}).")
    if before.decision != now.decision:
        lines.append(f"The computed decision is now {now.decision} (was {before.decision}).")
    old, new = dict(before.statuses), dict(now.statuses)
    for outcome in sorted(set(old) | set(new)):
        if old.get(outcome) != new.get(outcome):
            lines.append(f"{outcome}: {old.get(outcome, 'not evaluated')} -> {new.get(outcome, 'not evaluated')}.")
    old_files, new_files = dict(before.files), dict(now.files)
    for relpath in sorted(set(old_files) | set(new_files)):
        if relpath not in new_files:
            lines.append(f"{relpath}: no longer read.")
        elif relpath not in old_files:
            lines.append(f"{relpath}: newly read.")
        elif old_files[relpath] != new_files[relpath]:
            lines.append(f"{relpath}: changed.")
    return lines or ["The evaluation differs from the one shown (its report changed)."]


class SeenCache:
    """The last evaluations shown, by digest: bounded, so memory does not grow with the pages served."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._items: OrderedDict[str, Seen] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, key: str, value: Seen) -> None:
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get(self, key: str) -> Seen | None:
        with self._lock:
            return self._items.get(key)
