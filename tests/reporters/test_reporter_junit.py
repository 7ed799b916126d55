"""The JUnit format: valid against a JUnit XSD, loadable by junitparser, one test case per outcome grouped by cell."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import junitparser
import pytest
import reporter_cases
import xmlschema

from gatekeeper.reporters import RenderOptions, render

XSD = xmlschema.XMLSchema(Path(__file__).with_name("junit.xsd"))


def _xml(case: str) -> str:
    return render(reporter_cases.CASES[case](), "junit", options=RenderOptions())


@pytest.mark.parametrize("case", sorted(reporter_cases.CASES))
def test_valid_against_junit_schema(case: str) -> None:
    """Every fixture's report, the hostile one included, is valid against the JUnit XSD CI servers accept."""
    XSD.validate(_xml(case))


@pytest.mark.parametrize("case", sorted(reporter_cases.CASES))
def test_junitparser_reads_one_case_per_outcome(case: str) -> None:
    """junitparser loads the decision's own case first, then one test case per outcome in scope, in one suite per cell."""
    result = reporter_cases.CASES[case]()
    suites = list(junitparser.JUnitXml.fromstring(_xml(case)))
    cases = [(suite.name.split(" ")[0], tc.name) for suite in suites for tc in suite]
    assert cases == [("gate", "decision"), *((o.cell, o.id) for o in result.outcomes)]
    assert sum(suite.tests for suite in suites) == len(result.outcomes) + 1


def test_statuses_map_to_failure_error_and_skipped() -> None:
    """A blocker not in place is a failure, a blocking error an error, waived and not applicable skipped, met passes."""
    suites = list(junitparser.JUnitXml.fromstring(_xml("failing")))
    kinds = {tc.name: [type(r).__name__ for r in tc.result] for suite in suites for tc in suite}
    assert kinds == {
        "decision": ["Failure"],
        "DEC.BEH.01": [],
        "DEC.LEA.01": ["Failure"],
        "DEC.COM.01": ["Skipped"],
        "DEC.INT.01": ["Skipped"],
        "CRE.BEH.01": ["Failure"],
        "CRE.BEH.02": ["Failure"],
        "CRE.BEH.03": [],
        "CRE.COM.01": ["Error"],
        "CRE.LEA.01": [],
    }
    root = ET.fromstring(_xml("failing"))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("10", "4", "1")


def test_failure_carries_the_explanation() -> None:
    """A failure's message is the status and first reason; its body the whole explanation and the fix."""
    root = ET.fromstring(_xml("failing"))
    failure = root.find(".//testcase[@name='DEC.LEA.01']/failure")
    assert failure is not None
    assert failure.get("type") == "stale"
    assert failure.get("message") == (
        "stale (critical, blocks the gate): DEC.LEA.01#1: the leadership charter is 400 days old; the rule allows 365"
    )
    assert "To pass: Re-approve the leadership charter.\n" in (failure.text or "")
    assert root.find(".//testcase[@name='DEC.LEA.01']").get("classname") == "gatekeeper.delivering.DEC.LEA"


def test_hostile_text_round_trips_as_text() -> None:
    """Markup, "]]>" and quotes arrive as text, and XML-illegal characters are replaced by visible escapes."""
    text = _xml("hostile")
    root = ET.fromstring(text)  # would raise on an illegal character or broken markup
    failure = root.find(".//testcase[@name='DEC.BEH.01']/failure")
    assert failure is not None
    assert failure.get("message", "").startswith(
        "not met (critical, blocks the gate): <script>alert(1)</script> ]]> \"double\" 'single' & \\x00\\x01"
    )
    assert "\\u202eevil\\u202c end" in failure.get("message", "")
    assert "<script>" not in text
