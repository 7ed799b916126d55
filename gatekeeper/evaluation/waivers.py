"""Which waiver of an outcome is the current one: the gate judges it, the audit warns about it."""

from __future__ import annotations

from collections.abc import Iterable

from gatekeeper.model import Waiver


def current_waivers(waivers: Iterable[Waiver]) -> dict[str, Waiver]:
    """Outcome id -> its current waiver: the one granted last (of two granted the same day, the later expiry)."""
    current: dict[str, Waiver] = {}
    for w in sorted(waivers, key=lambda w: (w.granted, w.expires)):
        current[w.outcome] = w
    return current


def current_waiver(waivers: Iterable[Waiver], outcome_id: str) -> Waiver | None:
    """The outcome's current waiver, or None."""
    return current_waivers(w for w in waivers if w.outcome == outcome_id).get(outcome_id)
