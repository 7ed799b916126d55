"""The plain-text reasoning for one outcome: every requirement, the evidence considered, the Code's words.

Every text from the pack, the rule pack or a profile is shown through `flat` (one line, control
characters visible) before it is wrapped: nothing in it can steer the terminal.
"""

from __future__ import annotations

import textwrap

from gatekeeper.reporters._common.profile import change_text, decision_note
from gatekeeper.reporters._common.text import flat as F
from gatekeeper.reporters.explain import Explanation
from gatekeeper.reporters.options import RenderOptions

_MARK = {"satisfied": "✓", "stale": "~", "missing": "✗", "failed": "✗", "error": "!"}


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(F(text), width=96, initial_indent=indent, subsequent_indent=indent) or [indent]


def render(explanation: Explanation, options: RenderOptions) -> str:
    """Explain one outcome in words a sponsor can act on."""
    result, outcome = explanation.result, explanation.outcome
    rule = explanation.rules.outcomes[outcome.id]
    note = decision_note(
        profile_name=result.profile_name, decision=result.decision, without=result.decision_without_profile
    )
    lines = [
        f"{F(outcome.id)}: {outcome.status.upper().replace('_', ' ')}"
        + (" (critical)" if outcome.critical else "")
        + (" - blocks the gate" if outcome.blocking else ""),
        f"{F(result.alliance_name)}, {result.gate} gate, as of {result.as_of}",
        *([F(note)] if note else []),
        "",
        f"The Code of Practice, section {F(outcome.section)} ({outcome.phase.title()} / {outcome.theme.title()}),",
        f'"{F(outcome.subheading)}":',
        *_wrap(outcome.text, "  "),
        *[line for item in rule.sub_items for line in _wrap(f"• {item}", "    ")],
    ]
    if rule.rationale:
        why = "Why it is critical:" if outcome.critical else "Why it is not critical:"
        lines += ["", why, *_wrap(rule.rationale, "  ")]
    changed = [change_text(c) for c in result.profile_changes if c.subject == outcome.id]
    if changed:
        lines += ["", f"What the profile {F(result.profile_name or '')!r} changed for this outcome:"]
        lines += [line for text in changed for line in _wrap(f"- {text}", "  ")]
    lines += ["", "Claim:"]
    if outcome.claim_status is None:
        lines.append("  none recorded")
    else:
        who = f"{outcome.assessed_by} ({(outcome.method or '').replace('_', ' ')})"
        lines.append(
            "  "
            + F(f"{outcome.claim_status.replace('_', ' ')}, assessed by {who}")
            + (", a self-assessment: the assessor is on the alliance roster" if outcome.self_assessed else "")
        )
    lines += ["", "Requirements:"]
    for req in outcome.requirements:
        lines += _wrap(f"{_MARK.get(req.status, '?')} {req.ref} [{req.status}] needs {req.needs}", "  ")
        lines += _wrap(f"found: {req.detail}", "      ")
        for label, value in req.numbers:
            lines += _wrap(f"{label}: {value}", "      ")
        for use in req.evidence:
            lines += _wrap(
                f"{'counted' if use.counted else 'not counted'}: {use.item} {use.title!r} ({use.kind}, {use.path}): {use.reason}",
                "      ",
            )
        if req.fix:
            lines += _wrap(f"to pass: {req.fix}", "      ")
    lines += ["", "Status reasons:"]
    lines += [line for reason in outcome.reasons for line in _wrap(f"- {reason}", "  ")]
    if outcome.fix:
        lines += ["", "What would make it pass:", *_wrap(outcome.fix, "  ")]
    return "\n".join(lines) + "\n"
