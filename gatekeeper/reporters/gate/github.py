"""GitHub Actions workflow commands: each blocker annotated at its claim in the pack's files, as conftest does.

A workflow step that runs `gatekeeper check PACK --format github` gets one `::error` annotation
per outcome that blocks the gate, on the line of claims.yml where its claim is written (or, for
an outcome nobody claimed, on the run without a file), one `::warning` per condition and per
document problem, and a last line with the decision. GitHub shows them on the pull request's
diff and in the run's summary. Only the exit code decides whether the step fails.

Escaping follows GitHub's toolkit (`@actions/core` command.ts): in the message `%`, CR and LF
become `%25`, `%0D` and `%0A`; in a property (file, title) also `:` and `,` become `%3A` and `%2C`.
"""

from __future__ import annotations

import re

from gatekeeper.reporters.gate import _view as v
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult, OutcomeResult

# A document problem as the loader words it: file:line:col: message.
_LOCATED = re.compile(r"(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)\Z", re.S)


def escape_data(text: str) -> str:
    """A message as a workflow command carries it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title) as a workflow command carries it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, *, title: str, at: tuple[str, int, int] | None = None) -> str:
    """One workflow command line: `::level file=...,line=...,col=...,title=...::message` (`at`: file, line, col)."""
    props = []
    if at is not None:
        file, line, col = at
        props.append(f"file={escape_property(v.line(file))}")
        if line:
            props.append(f"line={line}")
            if col:
                props.append(f"col={col}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def _about(outcome: OutcomeResult) -> str:
    kind = "critical" if outcome.critical else "non-critical"
    lines = [f"{v.line(outcome.id)} ({kind}): {v.status_label(outcome.status)}"]
    lines += [f"- {v.line(reason)}" for reason in outcome.reasons]
    if outcome.fix:
        lines.append(f"To pass: {v.line(outcome.fix)}")
    return "\n".join(lines)


def render(result: GateResult, options: RenderOptions) -> str:
    """Workflow commands for `result`, blockers first; the same inputs give the same bytes."""
    gate = f"{result.gate} gate"
    out: list[str] = []
    by_id = {o.id: o for o in result.outcomes}
    for outcome_id in result.blocking:
        blocker = by_id.get(outcome_id)
        if blocker is None:
            continue
        title = f"{v.line(blocker.id)} blocks the {gate}"
        out.append(command("error", _about(blocker), title=title, at=blocker.claim_at))
    for condition in result.conditions_set:
        outcome = by_id.get(condition.outcome)
        if outcome is None:
            continue
        message = f"{_about(outcome)}\nCondition: owner {v.line(condition.owner)}, due {condition.due.isoformat()}"
        title = f"{v.line(outcome.id)} is a condition of the {gate}"
        out.append(command("warning", message, title=title, at=outcome.claim_at))
    for problem in result.document_problems:
        found = _LOCATED.match(problem)
        if found is None:
            out.append(command("warning", v.line(problem), title="evidence document"))
            continue
        out.append(
            command(
                "warning",
                v.line(found["message"]),
                title="evidence document",
                at=(found["file"], int(found["line"]), int(found["col"])),
            )
        )
    headline = v.decision_headline(result)
    reasons = "\n".join(f"- {v.line(reason)}" for reason in result.decision_reasons)
    summary = f"{headline}\n{reasons}" if reasons else headline
    out.append(command("notice" if result.passed else "error", summary, title=f"gatekeeper {gate}"))
    return "\n".join(out) + "\n"
