"""The JUnit XML report for CI servers: the gate decision as a test case, then one per outcome in scope, a suite per cell.

A CI server reads failures and errors as a broken build, so the report fails exactly when the
gate does: the decision's own test case fails, and so does each outcome that blocks it. An
outcome not in place that does not block (it becomes a condition, or is outweighed while its
theme stays above the floor) is a passed test case whose output says so, with the condition's
owner and due date: the gate passed with it, and Jenkins marking the build unstable would
contradict the decision. Waived and not-applicable outcomes are skipped: deliberately not
assessed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gatekeeper.reporters.gate import _view as v
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import ConditionResult, GateResult, OutcomeResult

# Waived and not-applicable outcomes were deliberately not assessed: skipped, which CI servers show as green.
_SKIPPED = ("waived", "not_applicable")
# Time is not measured: a report must be byte-identical for the same inputs.
_TIME = "0"


def _explanation(outcome: OutcomeResult) -> str:
    """The whole explanation of one outcome, one safe line per fact (each free text clipped on its own)."""
    L = v.line
    kind = "critical" if outcome.critical else "non-critical"
    lines = [
        f"{L(outcome.id)} ({kind}): {v.status_label(outcome.status)}"
        + (", blocks the gate" if outcome.blocking else ""),
        f"Code of Practice {L(outcome.section)}, {L(outcome.subheading)}: {L(outcome.text)}",
        *(f"- {L(reason)}" for reason in outcome.reasons),
    ]
    if outcome.fix:
        lines.append(f"To pass: {L(outcome.fix)}")
    for req in outcome.requirements:
        lines.append(f"{L(req.ref)} [{L(req.status)}] {L(req.needs)}: {L(req.detail)}")
        lines += [
            f"  evidence {L(use.item)} ({L(use.path)}): {'counted' if use.counted else 'not counted'}, {L(use.reason)}"
            for use in req.evidence
        ]
    return "\n".join(lines) + "\n"


def _message(outcome: OutcomeResult) -> str:
    kind = "critical" if outcome.critical else "non-critical"
    blocking = ", blocks the gate" if outcome.blocking else ""
    first = f": {v.line(outcome.reasons[0])}" if outcome.reasons else ""
    return f"{v.status_label(outcome.status)} ({kind}{blocking}){first}"


def _conditions(result: GateResult) -> dict[str, list[ConditionResult]]:
    by_outcome: dict[str, list[ConditionResult]] = {}
    for condition in (*result.conditions_carried, *result.conditions_set):
        by_outcome.setdefault(condition.outcome, []).append(condition)
    return by_outcome


def _condition_line(condition: ConditionResult) -> str:
    said = "set by this gate" if condition.state == "new" else f"carried from the previous gate, {condition.state}"
    note = f": {v.line(condition.note)}" if condition.note else ""
    return f"Condition ({said}): owner {v.line(condition.owner)}, due {condition.due.isoformat()}{note}"


def _kind(outcome: OutcomeResult) -> str:
    """failure, error, skipped or passed: only an outcome that blocks the gate breaks the build."""
    if outcome.blocking:
        return "error" if outcome.status == "error" else "failure"
    if outcome.status in _SKIPPED:
        return "skipped"
    return "passed"


def _testcase(result: GateResult, outcome: OutcomeResult, conditions: list[ConditionResult]) -> tuple[ET.Element, str]:
    case = ET.Element(
        "testcase",
        {"name": v.line(outcome.id), "classname": v.line(f"gatekeeper.{result.gate}.{outcome.cell}"), "time": _TIME},
    )
    kind = _kind(outcome)
    explanation = _explanation(outcome) + "".join(_condition_line(c) + "\n" for c in conditions)
    if kind != "passed":
        child = ET.SubElement(case, kind, {"message": _message(outcome), "type": v.line(outcome.status)})
        child.text = explanation
    else:
        ET.SubElement(case, "system-out").text = explanation
    return case, kind


def _properties(suite: ET.Element, result: GateResult) -> None:
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("alliance", result.alliance_id),
        ("gate", result.gate),
        ("as_of", result.as_of.isoformat()),
        ("decision", result.decision),
        ("rule_pack", f"{result.rule_pack_name} {result.rule_pack_version}"),
        ("rule_pack_digest", result.rule_pack_digest),
        *_profile_properties(result),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": v.line(value)})


def _profile_properties(result: GateResult) -> list[tuple[str, str]]:
    """The profile, each change it makes, and the decision it turned, as properties: none without a profile."""
    if result.profile_name is None:
        return []
    props = [("profile", result.profile_name), ("profile_digest", result.profile_digest or "")]
    props += [("profile_change", text) for text in v.profile_lines(result)]
    if result.decision_without_profile is not None:
        props.append(("decision_without_profile", result.decision_without_profile))
    note = v.profile_note(result)
    if note:
        props.append(("profile_changed_decision", note))
    return props


def _decision_suite(result: GateResult) -> ET.Element:
    """The gate decision itself as a test case: passed when the gate passes, a failure when it fails."""
    failed = not result.passed
    suite = ET.Element(
        "testsuite",
        {
            "name": v.line(f"gate {result.gate}"),
            "tests": "1",
            "failures": "1" if failed else "0",
            "errors": "0",
            "skipped": "0",
            "time": _TIME,
        },
    )
    _properties(suite, result)
    case = ET.SubElement(
        suite, "testcase", {"name": "decision", "classname": v.line(f"gatekeeper.{result.gate}"), "time": _TIME}
    )
    headline = v.decision_headline(result)
    body = "".join(f"- {v.line(reason)}\n" for reason in result.decision_reasons)
    if result.conditions_set:
        body += "".join(f"{v.line(c.outcome)}: {_condition_line(c)}\n" for c in result.conditions_set)
    if failed:
        child = ET.SubElement(case, "failure", {"message": v.line(headline), "type": "gate_fails"})
        child.text = f"{v.line(headline)}\n{body}"
    else:
        ET.SubElement(case, "system-out").text = f"{v.line(headline)}\n{body}"
    return suite


def render(result: GateResult, options: RenderOptions) -> str:
    """Render `result` as JUnit XML valid against the Jenkins junit-10 schema family; failures iff the gate fails."""
    totals = {"tests": 0, "failure": 0, "error": 0}
    root = ET.Element(
        "testsuites",
        {
            "name": v.line(
                f"gatekeeper {result.gate} gate for {result.alliance_id} as of {result.as_of}: {result.decision}"
            ),
            "tests": "",
            "failures": "",
            "errors": "",
            "time": _TIME,
        },
    )
    root.append(_decision_suite(result))
    totals["tests"] += 1
    totals["failure"] += 0 if result.passed else 1
    conditions = _conditions(result)
    by_cell: dict[str, list[OutcomeResult]] = {}
    for outcome in result.outcomes:  # in the result's order, even if a cell's outcomes are not adjacent
        by_cell.setdefault(outcome.cell, []).append(outcome)
    for cell, outcomes in by_cell.items():
        counts = {"failure": 0, "error": 0, "skipped": 0, "passed": 0}
        cases = []
        for outcome in outcomes:
            case, kind = _testcase(result, outcome, conditions.get(outcome.id, []))
            counts[kind] += 1
            cases.append(case)
        first = outcomes[0]
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": v.line(f"{cell} {v.phase_label(first.phase)} / {v.theme_label(first.theme)}"),
                "tests": str(len(outcomes)),
                "failures": str(counts["failure"]),
                "errors": str(counts["error"]),
                "skipped": str(counts["skipped"]),
                "time": _TIME,
            },
        )
        _properties(suite, result)
        suite.extend(cases)
        totals["tests"] += len(outcomes)
        totals["failure"] += counts["failure"]
        totals["error"] += counts["error"]
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failure"]))
    root.set("errors", str(totals["error"]))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
