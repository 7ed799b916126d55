"""The requirement review in rules/README.md and the outcomes it names agree with the rule pack's YAML."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from gatekeeper.loading.rules import load_rule_pack
from gatekeeper.model import Outcome, Requirement

README = Path(__file__).resolve().parents[2] / "rules" / "README.md"
BOXES = "Boxed notes that state a test"
REVIEW_HEADING = "## What the words need: the requirement review"
OUTCOME_ID = re.compile(r"\b(?:DEC|CRE|DEL|SUS)\.(?:BEH|INT|LEA|COM)\.X?\d\d\b")
# "DEC.BEH.01, 03, 06": a cell's prefix, then the numbers of its outcomes.
ABBREVIATED = re.compile(r"\b((?:DEC|CRE|DEL|SUS)\.(?:BEH|INT|LEA|COM))\.(\d\d(?:, \d\d)*)")


def review_sections() -> dict[str, str]:
    """The review's classes: each `###` heading under the review, with its text."""
    text = README.read_text(encoding="utf-8")
    review = text[text.index(REVIEW_HEADING) :]
    parts = re.split(r"^### (.+)$", review, flags=re.MULTILINE)
    return {title.split(":")[0].strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def table_ids(body: str, column: int = 1) -> list[str]:
    """The outcome ids in one column of a section's table (the first: the outcomes it gives a requirement)."""
    ids: list[str] = []
    for line in body.splitlines():
        cells = line.split("|")
        if line.startswith("| ") and cells[1].strip() not in ("outcome", "box"):
            ids += OUTCOME_ID.findall(cells[column])
    return ids


def class_ids(sections: Mapping[str, str]) -> set[str]:
    """Every outcome a class table gives a requirement; the boxed notes name theirs in the third column."""
    ids = {i for title, body in sections.items() if title != BOXES for i in table_ids(body)}
    return ids | set(table_ids(sections[BOXES], column=3))


def unchanged_ids(body: str) -> list[str]:
    """The ids of "Outcomes the classes leave as they are", written per cell as "DEC.BEH.01, 03, 06"."""
    listed = body[body.index(":") + 1 : body.index("Their evidence kinds")]
    return [f"{cell}.{n}" for cell, numbers in ABBREVIATED.findall(listed) for n in numbers.split(", ")]


@pytest.fixture(scope="module")
def sections() -> dict[str, str]:
    return review_sections()


@pytest.fixture(scope="module")
def outcomes() -> Mapping[str, Outcome]:
    pack = load_rule_pack()
    return {k: o for k, o in pack.outcomes.items() if o.phase != "suitability"}


def evidence(outcome: Outcome) -> list[Requirement]:
    """The outcome's `evidence` requirements."""
    return [r for r in outcome.requirements if r.kind == "evidence"]


def test_the_review_names_its_classes(sections) -> None:
    """The review has the classes the tests below read, under these headings."""
    assert list(sections) == [
        "Who decides",
        "Every party",
        "When",
        "How recently",
        "Surveys",
        "How assessed",
        "Proxies",
        "Boxed notes that state a test",
        "Outcomes the classes leave as they are",
    ]


def test_every_id_the_review_names_is_an_outcome_of_the_pack(sections, outcomes) -> None:
    """A renumbered or mistyped id in any review table or list is caught."""
    named = {i for body in sections.values() for i in OUTCOME_ID.findall(body)}
    named |= set(unchanged_ids(sections["Outcomes the classes leave as they are"]))
    assert sorted(named - set(outcomes)) == []


def test_every_outcome_is_reviewed_in_a_class_or_left_as_it_is(sections, outcomes) -> None:
    """Each grid outcome appears in a class table (Deciding's all by "DEC.*") or in the list left as it is."""
    classified = class_ids(sections)
    classified |= {o for o in outcomes if o.startswith("DEC.")}  # "DEC.* (all 26)" in "When"
    classified |= set(unchanged_ids(sections["Outcomes the classes leave as they are"]))
    assert sorted(set(outcomes) - classified) == []


def test_unchanged_outcomes_are_in_no_class_table(sections) -> None:
    """An outcome the classes leave as it is is not also given a class's requirement."""
    unchanged = set(unchanged_ids(sections["Outcomes the classes leave as they are"]))
    assert sorted(unchanged & class_ids(sections)) == []


def test_who_decides_outcomes_need_a_named_approval(sections, outcomes) -> None:
    """Each outcome of "Who decides" has an evidence requirement naming the approving body or every party."""
    lacking = [
        i
        for i in table_ids(sections["Who decides"])
        if not any("approved_by" in r.spec or "every_party" in r.spec for r in evidence(outcomes[i]))
    ]
    assert lacking == []


def test_every_party_approvals_are_the_ones_the_review_lists(sections, outcomes) -> None:
    """The outcomes whose evidence needs every party's approval are those the review's words decide."""
    with_every_party = {i for i, o in outcomes.items() if any("every_party" in r.spec for r in evidence(o))}
    assert with_every_party == {
        "CRE.INT.01",
        "CRE.COM.13",
        "DEL.COM.03",
        "DEL.INT.12",
        "CRE.LEA.01",
        "CRE.COM.15",
        "DEL.INT.09",
        "DEL.LEA.04",
        "DEL.INT.17",
        "DEL.BEH.07",
        "CRE.LEA.03",
        "SUS.BEH.02",
    }
    reviewed = set(table_ids(sections["Who decides"])) | set(table_ids(sections["Every party"]))
    reviewed |= set(table_ids(sections["Proxies"]))
    assert with_every_party <= reviewed


def test_how_assessed_outcomes_need_an_independent_interview_record(sections, outcomes) -> None:
    """Exactly the outcomes of "How assessed" need an interview record by an independent interviewer."""
    needing = {
        i
        for i, o in outcomes.items()
        if any(r.spec.get("independent_author") and r.spec["of"] == ["interview_record"] for r in evidence(o))
    }
    assert needing == set(table_ids(sections["How assessed"]))


def test_proxies_are_replaced_by_what_shows_the_outcome(outcomes) -> None:
    """CRE.LEA.03 reads each partner's authority, not the Board's flag; SUS.BEH.02 is no symmetry check."""
    lea03 = outcomes["CRE.LEA.03"]
    assert not any(r.spec.get("path") == "governance.board.collective_responsibility" for r in lea03.requirements)
    assert any(r.spec.get("every_party") == "partners" for r in evidence(lea03))
    checks = {r.spec.get("check") for r in outcomes["SUS.BEH.02"].requirements}
    assert "same_mechanism_for_all_partners" not in checks
    assert "same_mechanism_for_all_partners" in {r.spec.get("check") for r in outcomes["CRE.COM.06"].requirements}


PER_PARTY = re.compile(r"`per_party: (all|partners|client)`")


def per_party_rows(sections: Mapping[str, str]) -> dict[str, str]:
    """Outcome -> the `per_party` the review gives it: "Every party" rows and boxed notes that name one."""
    rows: dict[str, str] = {}
    for title, column in (("Every party", 1), (BOXES, 3)):
        for line in sections[title].splitlines():
            cells = line.split("|")
            if line.startswith("| ") and (found := PER_PARTY.search(cells[3])):
                for outcome in OUTCOME_ID.findall(cells[column]):
                    rows[outcome] = found.group(1)
    return rows


def test_per_party_outcomes_are_the_ones_the_review_lists(sections, outcomes) -> None:
    """Each outcome the review gives a `per_party` has an evidence requirement with that value, and no other does."""
    in_yaml = {i: r.spec["per_party"] for i, o in outcomes.items() for r in evidence(o) if "per_party" in r.spec}
    rows = per_party_rows(sections)
    assert len(rows) >= 19
    assert in_yaml == rows


def test_boxed_notes_and_baseline_proxies_are_requirements(outcomes) -> None:
    """Each boxed note is a requirement of the outcomes the table names, and DEC.COM.06/07 read the baselines."""

    def specs(outcome_id: str) -> list[Mapping[str, object]]:
        return [r.spec for r in outcomes[outcome_id].requirements]

    for outcome_id in ("CRE.COM.16", "CRE.COM.17"):
        assert {"kind": "commercial", "check": "covers_all_costs"} in specs(outcome_id)
    assert {"kind": "fact", "path": "procurement.selection_pricing.cost_to_employ", "expect": True} in specs(
        "CRE.COM.02"
    )
    assert {"kind": "fact", "path": "integrated_team.partner_employed_percent", "expect": {"more_than": 50}} in specs(
        "DEL.BEH.05"
    )
    assert "same_mechanism_for_all_partners" in {s.get("check") for s in specs("CRE.COM.06")}
    for outcome_id in ("DEC.COM.06", "DEC.COM.07"):
        paths = {s.get("path") for s in specs(outcome_id) if s["kind"] == "fact"}
        assert paths == {f"targets.{t}.baseline" for t in ("whole_life_cost", "capital_cost", "operating_cost")}


# What "a living document" means in "Outcomes the classes leave as they are": kept current as the work goes.
LIVING = {"plan", "register", "report", "minutes", "communication", "organisation_chart"}


def table_rows(body: str) -> list[list[str]]:
    """The cells of each row of a section's table, the header and rule left out."""
    return [
        [cell.strip() for cell in line.split("|")[1:-1]]
        for line in body.splitlines()
        if line.startswith("| ") and line.split("|")[1].strip() not in ("outcome", "box")
    ]


def ages(outcome: Outcome) -> set[int]:
    """The ages, in days, an outcome's requirements carry: each `max_age_days` and each recurring survey's window."""
    found = {r.spec["max_age_days"] for r in outcome.requirements if "max_age_days" in r.spec}
    return found | {r.spec["recurring"]["within_days"] for r in outcome.requirements if "recurring" in r.spec}


def test_how_recently_outcomes_carry_exactly_the_ages_of_their_row(sections, outcomes) -> None:
    """Each outcome of "How recently" carries the ages its row names (90, 120, 180, 365 days), and no other."""
    wrong = {}
    for row in table_rows(sections["How recently"]):
        days = {int(n) for n in re.findall(r"\b(\d+)\b", row[2])}
        for i in OUTCOME_ID.findall(row[0]):
            if ages(outcomes[i]) != days:
                wrong[i] = (sorted(ages(outcomes[i])), sorted(days))
    assert wrong == {}


def survey_spec(cell: str) -> dict[str, object]:
    """The `survey` requirement a row of "Surveys" gives, read from its cell before any `;`."""
    name, *fields = (f.strip() for f in cell.split(";")[0].split(","))
    spec: dict[str, object] = {"kind": "survey", "survey": name.strip("`")}
    for text in fields:
        if text == "no score":
            continue
        if re.fullmatch(r"0\.\d+", text):
            spec["min_score"] = float(text)
        elif m := re.fullmatch(r"(\d+) responses", text):
            spec["min_responses"] = int(m[1])
        elif m := re.fullmatch(r"(\d+) from each party", text):
            spec["min_each_party"] = int(m[1])
        elif m := re.fullmatch(r"(\d+) surveys in (\d+) days", text):
            spec["recurring"] = {"count": int(m[1]), "within_days": int(m[2])}
        elif m := re.fullmatch(r"(\d+) days", text):
            spec["max_age_days"] = int(m[1])
        else:
            raise AssertionError(f"a field the review table should not hold: {text!r} in {cell!r}")
    return spec


def test_survey_outcomes_have_exactly_the_survey_of_their_row(sections, outcomes) -> None:
    """Each outcome of "Surveys" has one survey requirement: the row's survey, pass mark, responses, per party, recurrence and age."""
    rows = table_rows(sections["Surveys"])
    assert len(rows) == 9
    for row in rows:
        (outcome_id,) = OUTCOME_ID.findall(row[0])
        surveys = [r.spec for r in outcomes[outcome_id].requirements if r.kind == "survey"]
        assert (outcome_id, surveys) == (outcome_id, [survey_spec(row[2])])


def test_every_survey_requirement_is_in_the_surveys_table(sections, outcomes) -> None:
    """No outcome outside the "Surveys" table asks for a survey: the table is the whole list."""
    tabled = set(table_ids(sections["Surveys"]))
    asking = {i for i, o in outcomes.items() if any(r.kind == "survey" for r in o.requirements)}
    assert asking == tabled


def test_living_documents_left_as_they_are_take_the_in_place_age(sections, outcomes) -> None:
    """A Delivering or Sustaining outcome left as it is whose every accepted kind is a living document is at most 365 days old, and the review names the ones given an age now."""
    body = sections["Outcomes the classes leave as they are"]
    living = {
        i
        for i in unchanged_ids(body)
        if i.startswith(("DEL.", "SUS.")) and evidence(outcomes[i])
        if all(set(r.spec["of"]) <= LIVING for r in evidence(outcomes[i]))
    }
    too_old = {i for i in living if any(r.spec.get("max_age_days", 36500) > 365 for r in evidence(outcomes[i]))}
    assert too_old == set()
    applied = set(OUTCOME_ID.findall(body[body.index("Applied where") : body.index("Left without")]))
    assert (
        applied
        == {i for i in living if i.startswith("DEL.")}
        == {"DEL.BEH.03", "DEL.INT.02", "DEL.INT.18", "DEL.LEA.06"}
    )


TIMING_CLAUSE = re.compile(r"(before|after) (\w+)|within (\d+)")
REQUIREMENT_TIMING = re.compile(
    r"#(\d+): ((?:(?:before|after) \w+|within \d+)(?:, (?:(?:before|after) \w+|within \d+))*)"
)


def timing_rows(body: str) -> list[tuple[list[str], str]]:
    """(outcome ids, "applied as") for each row of the When table; DEC.* stands for every Deciding outcome."""
    rows = []
    for line in body.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if line.startswith("| ") and cells[1] != "outcome":
            rows.append((cells[1].split(", "), cells[4]))
    return rows


def timing_spec(words: str) -> dict[str, Any]:
    """`before M, after M, within D` as the evidence options they stand for."""
    spec: dict[str, Any] = {}
    for before_after, milestone, days in TIMING_CLAUSE.findall(words):
        if days:
            spec["within_days"] = int(days)
        else:
            spec[before_after] = f"milestones.{milestone}.date"
    return spec


def test_when_timing_is_the_one_the_review_lists(sections, outcomes) -> None:
    """Each row of "When" is applied as its last column says, and no other evidence requirement is dated
    against a milestone: every Deciding evidence requirement before procurement_start, the rows' `#N` exactly."""
    timing = ("before", "after", "within_days")
    expected: dict[tuple[str, int], dict[str, Any]] = {}
    for ids, applied in timing_rows(sections["When"]):
        every = re.match(r"every evidence requirement: (before \w+)", applied)
        for outcome_id in ids:
            targets = [o for o in outcomes if o.startswith("DEC.")] if outcome_id.startswith("DEC.*") else [outcome_id]
            for target in targets:
                if every:
                    assert target.startswith("DEC."), f"{target}: only Deciding rows apply to every requirement"
                    for req in evidence(outcomes[target]):
                        expected[(target, req.index)] = timing_spec(every.group(1))
                    continue
                pairs = REQUIREMENT_TIMING.findall(applied)
                assert pairs, f"{target}: no '#N: ...' in {applied!r}"
                for index, words in pairs:
                    expected[(target, int(index))] = timing_spec(words)
    actual = {
        (o.id, r.index): {k: r.spec[k] for k in timing if k in r.spec}
        for o in outcomes.values()
        for r in evidence(o)
        if any(k in r.spec for k in timing)
    }
    assert actual == expected


def test_the_creating_gate_is_decided_before_procurement() -> None:
    """The policy's creating gate names the procurement start as the date its decision must precede."""
    gate = load_rule_pack().policy.gates["creating"]
    assert (gate.decide_before, gate.late_decision) == ("milestones.procurement_start.date", "note")
