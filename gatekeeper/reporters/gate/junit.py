"""The JUnit XML report for CI servers: one test case per outcome in scope, one test suite per grid cell."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gatekeeper.reporters.gate import _view as v
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.result import GateResult, OutcomeResult

# How each status shows in a CI server: not in place is a failure, an evaluation error an error,
# and a waived or not-applicable outcome a skipped test (it was deliberately not assessed).
_FAILURE = ("not_met", "unevidenced", "stale")
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


def _testcase(result: GateResult, outcome: OutcomeResult) -> tuple[ET.Element, str]:
    case = ET.Element(
        "testcase",
        {"name": v.line(outcome.id), "classname": v.line(f"gatekeeper.{result.gate}.{outcome.cell}"), "time": _TIME},
    )
    if outcome.status in _FAILURE:
        kind = "failure"
    elif outcome.status in _SKIPPED:
        kind = "skipped"
    elif outcome.status == "met":
        kind = "passed"
    else:
        kind = "error"
    if kind != "passed":
        child = ET.SubElement(case, kind, {"message": _message(outcome), "type": v.line(outcome.status)})
        child.text = _explanation(outcome)
    else:
        ET.SubElement(case, "system-out").text = _explanation(outcome)
    return case, kind


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


def render(result: GateResult, options: RenderOptions) -> str:
    """Render `result` as JUnit XML valid against the Jenkins junit-10 schema family."""
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
    by_cell: dict[str, list[OutcomeResult]] = {}
    for outcome in result.outcomes:  # in the result's order, even if a cell's outcomes are not adjacent
        by_cell.setdefault(outcome.cell, []).append(outcome)
    for cell, outcomes in by_cell.items():
        counts = {"failure": 0, "error": 0, "skipped": 0, "passed": 0}
        cases = []
        for outcome in outcomes:
            case, kind = _testcase(result, outcome)
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
        suite.extend(cases)
        totals["tests"] += len(outcomes)
        totals["failure"] += counts["failure"]
        totals["error"] += counts["error"]
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failure"]))
    root.set("errors", str(totals["error"]))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
