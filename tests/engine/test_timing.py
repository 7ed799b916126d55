"""Milestone timing: the When table's windows, the procurement start's two spellings, and a late creating gate."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main
from gatekeeper.loading.evidence import load_pack
from gatekeeper.model import RulePack
from gatekeeper.problems import InputError

from .conftest import AS_OF, claim, item

P = "milestones.procurement_start.date"
S = "milestones.selection.date"
A = "milestones.agreement_signed.date"
T = "milestones.transition.date"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SECTION_2 = (
    'Section 2 sets out the actions completed as part of deciding to use an alliance model "and in advance of any '
    'procurement or detailed implementation"'
)


def _milestone(files: dict[str, Any], name: str) -> dt.date:
    return dt.date.fromisoformat(files["facts.yml"]["milestones"][name]["date"])


def _cited(files: dict[str, Any], rules: RulePack, outcome_id: str, index: int) -> dict[str, Any]:
    """The register item a synthetic claim cites for the outcome's requirement `index` (one item each)."""
    reqs = [r for r in rules.outcomes[outcome_id].requirements if r.kind == "evidence"]
    position = [r.index for r in reqs].index(index)
    return item(files, claim(files, outcome_id)["evidence"][position])


# outcome, requirement, phase of the pack, where the item is moved to, and the words of the reason
ROWS = [
    ("DEC.BEH.01", 1, "deciding", ("milestone on", "procurement_start"), f"not before {P}"),
    ("DEC.COM.06", 1, "deciding", ("milestone on", "procurement_start"), f"not before {P}"),
    ("CRE.BEH.01", 1, "delivering", ("on", "procurement_start"), f"not before {P}"),
    ("CRE.BEH.02", 1, "delivering", ("on", "procurement_start"), f"not before {P}"),
    ("CRE.BEH.05", 2, "delivering", ("on", "selection"), f"not before {S}"),
    ("CRE.INT.10", 1, "delivering", ("on", "selection"), f"not before {S}"),
    ("CRE.BEH.03", 1, "delivering", ("on", "selection"), f"not before {S}"),
    ("CRE.BEH.03", 1, "delivering", ("day before", "procurement_start"), f"not on or after {P}"),
    ("CRE.INT.06", 1, "delivering", ("day before", "procurement_start"), f"not on or after {P}"),
    ("CRE.COM.01", 1, "delivering", ("on", "selection"), f"not before {S}"),
    ("CRE.COM.02", 1, "delivering", ("day before", "procurement_start"), f"not on or after {P}"),
    ("CRE.COM.07", 1, "delivering", ("on", "transition"), f"not before {T}"),
    ("CRE.COM.13", 2, "delivering", ("day before", "agreement_signed"), f"not on or after {A}"),
    ("DEL.INT.09", 1, "sustaining", ("61 days after", "selection"), f"not on or after {S}"),
    ("DEL.INT.10", 3, "sustaining", ("on", "procurement_start"), f"not before {P}"),
    ("DEL.INT.17", 1, "sustaining", ("on", "transition"), f"not before {T}"),
    ("DEL.LEA.04", 1, "sustaining", ("on", "transition"), f"not before {T}"),
    ("DEL.COM.17", 1, "sustaining", ("on", "transition"), f"not before {T}"),
    ("DEL.COM.18", 1, "sustaining", ("on", "transition"), f"not before {T}"),
    ("SUS.INT.06", 1, "sustaining", ("day before", "transition"), f"not on or after {T}"),
    ("SUS.INT.07", 1, "sustaining", ("day before", "transition"), f"not on or after {T}"),
]


@pytest.mark.parametrize(("outcome_id", "index", "phase", "where", "words"), ROWS, ids=lambda v: str(v))
def test_each_timing_row_counts_evidence_only_inside_its_window(
    rules: RulePack, maker: Any, outcome_id: str, index: int, phase: str, where: tuple[str, str], words: str
) -> None:
    """The row's outcome is met with evidence inside its window; moved just outside it (several of these
    requirements accept several kinds, the case the engine once got wrong), the item is not counted and the
    reason names the milestone."""
    gate = "review" if phase == "sustaining" else None
    assert maker.evaluate(phase, gate=gate).outcome(outcome_id).status == "met"
    placement, name = where
    moved_item: list[str] = []

    def edit(files: dict[str, Any], _: Any) -> None:
        cited = _cited(files, rules, outcome_id, index)
        moved_item.append(cited["id"])
        if placement == "milestone on":  # a Deciding pack's procurement is ahead: bring it to the item's day
            files["facts.yml"]["milestones"][name]["date"] = cited["date"]
            return
        day = _milestone(files, name)
        moved = {"on": day, "day before": day - dt.timedelta(days=1), "61 days after": day + dt.timedelta(days=61)}
        cited["date"] = moved[placement].isoformat()

    outcome = maker.evaluate(phase, edit, gate=gate).outcome(outcome_id)
    assert outcome.status in ("unevidenced", "not_met")
    requirement = outcome.requirements[index - 1]
    assert not any(u.counted for u in requirement.evidence)
    assert words in next(u for u in requirement.evidence if u.item == moved_item[0]).reason


def test_a_missing_milestone_is_named_in_the_reason_and_in_to_pass(maker: Any) -> None:
    """Without milestones.procurement_start, a Deciding outcome is unevidenced, its reason says the milestone
    is not recorded and "To pass" starts by asking for it; the creating gate says nothing about lateness."""

    def edit(files: dict[str, Any], _: Any) -> None:
        del files["facts.yml"]["milestones"]["procurement_start"]

    result = maker.evaluate("deciding", edit)
    outcome = result.outcome("DEC.BEH.01")
    assert outcome.status == "unevidenced"
    assert outcome.requirements[0].detail.startswith(f"{P} not recorded in facts.yml: no item can be dated against it")
    assert outcome.fix is not None and outcome.fix.startswith(
        "Record the milestone procurement_start (milestones.procurement_start: its date and the evidence that "
        "records it) in facts.yml. Cite 1 more item of kind plan"
    )
    assert result.late_decision is None


def test_the_older_spelling_alone_is_the_procurement_start(maker: Any) -> None:
    """A pack giving only procurement.start_date is read as milestones.procurement_start: its Deciding
    evidence counts against it, and a gate evaluated after it is late."""
    day = {}

    def edit(files: dict[str, Any], _: Any) -> None:
        day["start"] = files["facts.yml"]["milestones"].pop("procurement_start")["date"]
        files["facts.yml"]["procurement"] = {"start_date": day["start"]}

    result = maker.evaluate("deciding", edit)
    assert result.outcome("DEC.BEH.01").status == "met" and result.late_decision is None
    late = maker.evaluate("deciding", edit, as_of=dt.date.fromisoformat(day["start"]) + dt.timedelta(days=1))
    assert late.late_decision is not None and late.late_decision.date.isoformat() == day["start"]


def test_both_spellings_agreeing_load(maker: Any, rules: RulePack) -> None:
    """procurement.start_date equal to milestones.procurement_start.date is the same milestone, given twice."""

    def edit(files: dict[str, Any], _: Any) -> None:
        files["facts.yml"]["procurement"] = {
            "start_date": files["facts.yml"]["milestones"]["procurement_start"]["date"]
        }

    assert maker.evaluate("deciding", edit).outcome("DEC.BEH.01").status == "met"


def test_both_spellings_disagreeing_are_a_located_error(maker: Any, rules: RulePack) -> None:
    """Two different procurement start dates are refused at procurement.start_date, naming both dates."""

    def edit(files: dict[str, Any], _: Any) -> None:
        files["facts.yml"]["procurement"] = {"start_date": "2026-01-05"}

    root = maker.write(maker.pack("deciding"), edit)
    with pytest.raises(InputError) as raised:
        load_pack(root, rules)
    problem = next(p for p in raised.value.problems if "procurement.start_date" in p.message)
    assert problem.file.endswith("facts.yml") and problem.line > 0 and problem.col > 0
    start = (AS_OF + dt.timedelta(days=30)).isoformat()
    assert problem.message == (
        f"procurement.start_date 2026-01-05 differs from milestones.procurement_start.date {start}: they are the "
        "same milestone; give it once, as milestones.procurement_start"
    )
    result = CliRunner().invoke(main, ["check", str(root), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 3
    assert "Traceback" not in result.output


def test_a_milestone_whose_evidence_is_not_registered_is_a_located_error(maker: Any, rules: RulePack) -> None:
    """A milestone's evidence must be a register item: an unknown id is refused where it is written."""

    def edit(files: dict[str, Any], _: Any) -> None:
        files["facts.yml"]["milestones"]["selection"]["evidence"] = "E999"

    with pytest.raises(InputError) as raised:
        load_pack(maker.write(maker.pack("delivering"), edit), rules)
    assert [(p.message, p.json_path) for p in raised.value.problems] == [
        ("evidence E999 is not in register.yml", "$.milestones.selection.evidence")
    ]


def test_milestones_out_of_order_are_a_located_error(maker: Any, rules: RulePack) -> None:
    """A selection dated before the procurement started is refused at the selection's date."""

    def edit(files: dict[str, Any], _: Any) -> None:
        files["facts.yml"]["milestones"]["selection"]["date"] = "2020-01-01"

    with pytest.raises(InputError) as raised:
        load_pack(maker.write(maker.pack("delivering"), edit), rules)
    [problem] = raised.value.problems
    assert problem.json_path == "$.milestones.selection.date"
    assert problem.message.startswith("milestone selection on 2020-01-01 is before procurement_start on ")


# --- the creating gate decided after the procurement start ----------------------------------------------


def _late_rules(rules: RulePack, effect: str) -> RulePack:
    gates = {name: replace(g, late_decision=effect) for name, g in rules.policy.gates.items()}
    return replace(rules, policy=replace(rules.policy, gates=gates))


def test_a_creating_gate_decided_before_the_procurement_start_is_not_late(maker: Any) -> None:
    """Evaluated the day before procurement starts, the creating gate passes with no late-decision finding."""
    result = maker.evaluate("deciding", as_of=AS_OF + dt.timedelta(days=29))
    assert result.late_decision is None and result.decision == "pass"
    assert not any("procurement started" in r for r in result.decision_reasons)


def test_a_late_creating_gate_is_a_note_by_default(maker: Any) -> None:
    """On the procurement start's day the gate still passes, with the named reason as a note."""
    start = AS_OF + dt.timedelta(days=30)
    result = maker.evaluate("deciding", as_of=start)
    assert result.decision == "pass"
    late = result.late_decision
    assert late is not None and (late.milestone, late.date, late.effect) == (P, start, "note")
    assert late.reason == f"decided on the day procurement started, {start}: {SECTION_2}"
    assert result.decision_reasons[-1] == f"note: {late.reason}"


def test_a_late_creating_gate_fails_when_the_policy_says_fail(maker: Any, rules: RulePack) -> None:
    """With late_decision: fail, a gate evaluated after the procurement start fails on that reason alone."""
    start = AS_OF + dt.timedelta(days=30)
    result = maker.evaluate("deciding", as_of=start + dt.timedelta(days=5), rules=_late_rules(rules, "fail"))
    assert result.decision == "fail" and result.blocking == ()
    assert result.decision_reasons == (f"decided after procurement started on {start}: {SECTION_2}",)


def test_a_profile_sets_late_decision_fail(tmp_path: Path) -> None:
    """A profile redefining the creating gate with late_decision: fail makes Fenland, evaluated after its
    procurement start, fail with the reason; the pack's policy alone passes it with a note."""
    pack = tmp_path / "fenland-water"
    shutil.copytree(EXAMPLES / "fenland-water", pack)
    profile = tmp_path / "strict.yml"
    profile.write_text(
        "schema_version: 1\nname: strict timing\npolicy:\n  gates:\n    creating:\n"
        "      title: Leave Deciding, start Creating the alliance\n      leaves: deciding\n"
        "      evaluates: [deciding]\n      deciders: [Sponsor, Client Board]\n      quorum: all\n"
        "      decide_before: milestones.procurement_start.date\n      late_decision: fail\n",
        encoding="utf-8",
    )
    note = CliRunner().invoke(main, ["check", str(pack), "--as-of", "2026-12-08", "--format", "json"])
    assert note.exit_code == 0
    assert json.loads(note.stdout)["late_decision"]["effect"] == "note"
    fail = CliRunner().invoke(
        main, ["check", str(pack), "--as-of", "2026-12-08", "--profile", str(profile), "--format", "json"]
    )
    assert fail.exit_code == 1
    document = json.loads(fail.stdout)
    assert document["late_decision"] == {
        "milestone": P,
        "date": "2026-12-07",
        "effect": "fail",
        "reason": "decided after procurement started on 2026-12-07",
    }
    assert document["decision_reasons"] == ["decided after procurement started on 2026-12-07"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html", "junit", "github"])
def test_every_report_format_shows_a_late_decision(tmp_path: Path, fmt: str) -> None:
    """Fenland evaluated after its procurement start: each format of `check` carries the named reason."""
    pack = tmp_path / "fenland-water"
    shutil.copytree(EXAMPLES / "fenland-water", pack)
    out = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(main, ["check", str(pack), "--as-of", "2026-12-10", "--format", f"{fmt}:{out}"])
    assert result.exit_code == 0, result.output
    assert "decided after procurement started on 2026-12-07" in out.read_text(encoding="utf-8")
