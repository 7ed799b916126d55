"""The decision brief for a terminal or an e-mail: the decision, then each action with its owner and date."""

from __future__ import annotations

from gatekeeper.reporters.gate import _view as v
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult


def action_line(action: v.BriefAction) -> str:
    """ "Agree the schedule (owner: Nadia Rahman, by 2026-11-30) [CRE.LEA.01]", one line."""
    when = f"by {action.due}" if action.due else "date to be set"
    missing = (
        " The claim is partly met but records no action: the alliance must set one." if action.missing_action else ""
    )
    return f"{action.action} (owner: {action.owner}, {when}) [{v.line(action.outcome)}]{missing}"


def lines(result: GateResult) -> list[str]:
    """The brief's lines, shared with the Markdown brief."""
    context = v.brief_context(result)
    out = [v.decision_headline(result)]
    out += [f"  - {v.line(reason)}" for reason in result.decision_reasons]
    out += [
        "",
        f"{v.line(result.alliance_name)} ({v.line(result.alliance_id)}), client {v.line(result.client)}",
        f"Gate {v.line(result.gate)}: {v.line(result.gate_title)}; as of {result.as_of.isoformat()}",
    ]
    actions = context["brief_actions"]
    if actions:
        out += ["", "Before the gate can pass:" if not result.passed else "Conditions of this pass:"]
        out += [f"  {i}. {action_line(a)}" for i, a in enumerate(actions, start=1)]
        if context["brief_more"]:
            out.append(f"  And {context['brief_more']} more in the full report.")
    if context["profile_lines"]:
        out += ["", f"What the profile {v.line(result.profile_name)!r} changed against the rule pack:"]
        out += [f"  - {change}" for change in context["profile_lines"]]
    return out


def render(result: GateResult, options: RenderOptions) -> str:
    """The brief as plain text (no colour: it is meant to be pasted)."""
    return "\n".join(lines(result)) + "\n"
