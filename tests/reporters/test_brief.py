"""The decision brief: the decision, then each action that must happen with its owner and date, at the
top of the HTML report and alone with `check --summary`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from gatekeeper import api
from gatekeeper.cli.main import main
from gatekeeper.reporters.gate import _view as v

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = "2026-11-01"


def summary(example: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", str(EXAMPLES / example), "--as-of", AS_OF, "--summary", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def test_a_failing_brief_lists_each_blocker_as_an_action_with_owner_and_date() -> None:
    """The claim's own action keeps its words, owner and date; without one the manifest's owner owns it, date to be set."""
    code, out = summary("northgate-rail")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "FAIL: 4 blocking outcomes; the alliance may not leave Creating."
    start = lines.index("Before the gate can pass:")
    assert lines[start + 2] == (
        "  2. Agree the delegated authority schedule (financial, change, design and section manager limits) and "
        "have the Board approve it. (owner: Nadia Rahman, by 2026-11-30) [CRE.LEA.01]"
    )
    assert lines[start + 3].startswith("  3. Put CRE.LEA.04 in place: The alliance leadership are clearly engaged")
    assert lines[start + 3].endswith("(owner: Nadia Rahman (Alliance Manager), date to be set) [CRE.LEA.04]")
    assert "Record" not in out and "claims.yml" not in out  # pack-editing instructions stay in the details


def test_a_passing_brief_lists_its_conditions_the_same_way() -> None:
    """A pass lists each condition as an action, owner and due date."""
    code, out = summary("fenland-water")
    assert code == 0
    lines = out.splitlines()
    assert lines[lines.index("Conditions of this pass:") + 3] == (
        "  3. Re-run the scenarios from a 60 % overrun to a 60 % saving and present the curves to the first "
        "Alliance Board. (owner: Owen Castellano, by 2026-11-27) [DEC.COM.09]"
    )


def test_the_owner_falls_back_to_the_role_the_requirement_names() -> None:
    """Without a claim action the owner is the approving role the outcome's requirement names, before the manifest's owner."""
    result = api.check(EXAMPLES / "northgate-rail", as_of=dt.date(2026, 11, 1))
    outcome = replace(result.outcome("CRE.LEA.04"), owner_role="Client Board")
    action = v._action_for(outcome, result)
    assert (action.owner, action.due, action.source) == ("Client Board", None, "role")


def test_summary_html_is_the_brief_alone_and_the_full_report_opens_with_it(tmp_path: Path) -> None:
    """--summary --format html has the brief and no outcome details; the full report has the brief first, then the details."""
    alone = summary("northgate-rail", "--format", "html")[1]
    assert alone.count('id="brief"') == 1 and 'id="outcomes"' not in alone and 'id="blocking"' not in alone
    assert '(owner: Nadia Rahman, <span class="date">by 2026-11-30</span>)' in alone
    full = (
        CliRunner()
        .invoke(main, ["check", str(EXAMPLES / "northgate-rail"), "--as-of", AS_OF, "--format", "html"])
        .stdout
    )
    assert full.index('id="brief"') < full.index('id="blocking"') < full.index('id="outcomes"')


def test_summary_refuses_a_format_the_brief_has_not() -> None:
    """The brief comes in text, markdown and html; asking it for JSON is a usage error (exit 2)."""
    code, _ = summary("northgate-rail", "--format", "json")
    assert code == 2
