"""The decision brief in Markdown, for a board paper or a merge request."""

from __future__ import annotations

from gatekeeper.reporters._common.markdown import markdown_inline as md
from gatekeeper.reporters.brief.text import action_line
from gatekeeper.reporters.gate import _view as v
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult


def render(result: GateResult, options: RenderOptions) -> str:
    context = v.brief_context(result)
    out = [f"# Decision brief: {md(result.alliance_name)}", "", f"**{md(v.decision_headline(result))}**", ""]
    out += [f"- {md(reason)}" for reason in result.decision_reasons]
    out += [
        "",
        f"{md(result.alliance_id)}, client {md(result.client)}; gate {md(result.gate)}: {md(result.gate_title)}; "
        f"as of {result.as_of.isoformat()}",
    ]
    actions = context["brief_actions"]
    if actions:
        out += ["", "## " + ("Before the gate can pass" if not result.passed else "Conditions of this pass"), ""]
        out += [f"{i}. {md(action_line(a))}" for i, a in enumerate(actions, start=1)]
        if context["brief_more"]:
            out += ["", f"And {context['brief_more']} more in the full report."]
    if context["profile_lines"]:
        out += ["", "## What the profile changed against the rule pack", ""]
        out += [f"- {md(change)}" for change in context["profile_lines"]]
    return "\n".join(out) + "\n"
