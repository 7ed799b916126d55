"""What a profile changed against the rule pack, in words every format shares, and in JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gatekeeper.reporters._common.json import safe_opt, safe_text
from gatekeeper.reporters._common.text import line
from gatekeeper.result import ChangeArea, ChangeValue, ProfileChange

_SETTINGS: dict[str, str] = {
    "approver_roles": "roles that may approve a waiver",
    "critical_waivable": "a critical outcome may be waived",
    "self_assessment_meets_critical": "a self-assessment can make a critical outcome met",
    "due_days": "days a new condition has before it is due",
    "overdue": "an overdue condition makes the gate",
}


def _value(value: ChangeValue, *, setting: str = "") -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) or (setting == "floor" and isinstance(value, int)):
        return f"{round(value * 100)} %"
    if isinstance(value, tuple):
        return "; ".join(line(v) for v in value) or "none"
    if value is None:
        return "none"
    if setting == "overdue":
        return "fail" if value == "fail" else "only warn"
    return line(str(value))


def change_text(change: ProfileChange) -> str:
    """One change in one line: what it is now, and what the rule pack says ("the pack: ...")."""
    subject = line(change.subject)
    why = f": {line(change.rationale)}" if change.rationale else ""
    if change.area == ChangeArea.CRITICALITY:
        now = "critical" if change.profile else "not critical"
        was = "critical" if change.pack else "not critical"
        return f"{subject} made {now} (the pack: {was}){why}"
    if change.area == ChangeArea.OUTCOME:
        return f"{subject} added by the profile ({'critical' if change.profile else 'not critical'}){why}"
    if change.area == ChangeArea.REQUIREMENTS:
        return f"{subject} requirements replaced: {_value(change.profile)} (the pack: {_value(change.pack)})"
    if change.area == ChangeArea.FLOOR:
        where = "every theme" if change.subject == "default" else subject
        return (
            f"floor for {where}: {_value(change.profile, setting='floor')} "
            f"(the pack: {_value(change.pack, setting='floor')})"
        )
    if change.area == ChangeArea.GATE:
        if change.pack is None:
            return f"gate {subject} added: evaluates {_value(change.profile)}"
        return f"gate {subject} redefined: evaluates {_value(change.profile)} (the pack: {_value(change.pack)})"
    label = _SETTINGS.get(change.subject, subject)
    return (
        f"{change.area.value}: {label}: {_value(change.profile, setting=change.subject)} "
        f"(the pack: {_value(change.pack, setting=change.subject)})"
    )


def decision_note(*, profile_name: str | None, decision: str, without: str | None) -> str | None:
    """The sentence a decision the profile turned carries on its first line; None when it did not."""
    if without is None or without == decision:
        return None
    return (
        f"The profile {line(profile_name or '')!r} changed this decision: the rule pack alone gives {without.upper()}."
    )


def _json_value(value: ChangeValue) -> Any:
    if isinstance(value, tuple):
        return [safe_text(v) for v in value]
    if isinstance(value, str):
        return safe_text(value)
    return value


def changes_json(changes: Sequence[ProfileChange]) -> list[dict[str, Any]]:
    """The changes as data: area, subject, the pack's value, the profile's, the rationale, and the words."""
    return [
        {
            "area": c.area.value,
            "subject": safe_text(c.subject),
            "pack": _json_value(c.pack),
            "profile": _json_value(c.profile),
            "rationale": safe_opt(c.rationale),
            "text": safe_text(change_text(c)),
        }
        for c in changes
    ]
