"""The rule pack: complete, well-formed, documented; broken packs and profiles give located errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from gatekeeper.cli.main import main
from gatekeeper.evaluation.kinds import KINDS
from gatekeeper.loading.rules import load_rule_pack
from gatekeeper.model import PHASE_CODES, THEME_CODES, THEMES
from gatekeeper.problems import InputError
from gatekeeper.resources import data_dir

HERE = Path(__file__).parent
GRID_PHASES = ("deciding", "creating", "delivering", "sustaining")
SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "alliancing-code-of-practice.txt"


@pytest.fixture(scope="module")
def pack():
    return load_rule_pack()


def test_every_cell_of_the_grid_has_outcomes(pack) -> None:
    """All 16 phase x theme cells exist and hold at least one outcome."""
    for phase in GRID_PHASES:
        for theme in THEMES:
            cell = pack.cells[f"{PHASE_CODES[phase]}.{THEME_CODES[theme]}"]
            assert cell.outcome_ids, cell.code


def test_the_grid_holds_every_bulleted_outcome_of_sections_2_to_5(pack) -> None:
    """144 outcomes, the bulleted outcomes of the text, plus one supplementary rule (the boxed note on competition)."""
    in_grid = [o for o in pack.outcomes.values() if o.phase in GRID_PHASES]
    assert len([o for o in in_grid if not o.supplementary]) == 144
    assert [o.id for o in in_grid if o.supplementary] == ["SUS.INT.X01"]


def test_ids_are_dense_and_in_order_within_each_cell(pack) -> None:
    """Ids run PHASE.THEME.01, .02, ... in each cell's order, skipping only retired ids, then X01, X02, ..."""
    for code, cell in pack.cells.items():
        retired = {old for old, _ in cell.retired}
        numbered = [i for i in cell.outcome_ids if ".X" not in i]
        supplementary = [i for i in cell.outcome_ids if ".X" in i]
        everything = [f"{code}.{n:02d}" for n in range(1, len(numbered) + len(retired) + 1)]
        assert numbered == [i for i in everything if i not in retired], code
        assert supplementary == [f"{code}.X{n:02d}" for n in range(1, len(supplementary) + 1)], code
        assert cell.outcome_ids == (*numbered, *supplementary), code


def test_the_competition_note_is_guidance_and_a_supplementary_rule_under_a_new_id(pack) -> None:
    """SUS.INT.02 is retired (never reused); its sentence is SUS.INT's guidance and the critical rule SUS.INT.X01."""
    cell = pack.cells["SUS.INT"]
    sentence = "Direct competition between teams, such as being required to price or bid for elements of"
    assert "SUS.INT.02" not in pack.outcomes and [old for old, _ in cell.retired] == ["SUS.INT.02"]
    assert any(note.startswith(sentence) for note in cell.guidance)
    assert pack.outcomes["SUS.INT.X01"].text.startswith(sentence) and pack.outcomes["SUS.INT.X01"].critical
    assert pack.outcomes["SUS.INT.03"].text.startswith("The advantages of a longer term relationship")
    shown = CliRunner().invoke(main, ["rules", "show", "SUS.INT.02"])
    assert shown.exit_code == 0 and shown.output.startswith("SUS.INT.02 is retired: ")
    assert "SUS.INT.X01" in shown.output


def test_editorial_notes_leave_the_code_s_words_unchanged_and_rules_show_prints_them(pack) -> None:
    """ "early earning" stays in DEL.COM.01 and SUS.COM.01, each with a note; Table 4.1's caption keeps "Role"."""
    for outcome_id in ("DEL.COM.01", "SUS.COM.01"):
        outcome = pack.outcomes[outcome_id]
        assert "An effective early earning process" in outcome.text
        assert outcome.editorial_note and '"early warning"' in outcome.editorial_note
        shown = CliRunner().invoke(main, ["rules", "show", outcome_id])
        assert "Editorial note (the text above is the Code's, unchanged): " in shown.output
    table = pack.checklists["risk_reward_mechanisms"]
    assert table.title == "Role and reward mechanisms in an alliance"
    assert table.editorial_note and '"Risk"' in table.editorial_note
    shown = CliRunner().invoke(main, ["rules", "show", "DEL.COM.03"])
    assert '     Editorial note on Table 4.1: Table 4.1\'s caption reads "Role and reward"' in shown.output


def test_a_cell_introduction_that_calls_a_phase_critical_does_not_flag_its_outcomes(pack) -> None:
    """The re-judged outcomes have the criticality rules/README.md gives them, each critical one with its quote."""
    critical = {"DEL.LEA.04", "CRE.LEA.06", "DEC.COM.07", "CRE.COM.02", "DEC.LEA.05", "DEC.COM.03"}
    not_critical = {"DEL.BEH.04", "SUS.BEH.03", "DEL.LEA.07"}
    assert {i for i in critical | not_critical if pack.outcomes[i].critical} == critical
    assert "critical during the early delivery phase" in (pack.outcomes["DEL.LEA.04"].rationale or "")
    assert "inconsistent with an outcome based approach" in (pack.outcomes["CRE.COM.02"].rationale or "")


def test_every_critical_flag_has_a_rationale_quoting_the_document(pack) -> None:
    """A critical outcome carries a rationale with a quotation in double quotes."""
    critical = [o for o in pack.outcomes.values() if o.critical]
    assert critical
    for outcome in critical:
        assert outcome.rationale and re.search(r"\"[^\"]{8,}\"", outcome.rationale), outcome.id


@pytest.mark.skipif(not SEED.exists(), reason="the Code of Practice text is in ../shared/seeds")
def test_outcome_texts_are_verbatim_from_the_code(pack) -> None:
    """Every grid outcome's text appears in the Code of Practice once line wraps are mended."""
    text = SEED.read_text(encoding="utf-8")
    flat = re.sub(r"\s+", "", text)
    grid = (Path(SEED.parent) / "grid-cell-sustaining-integration.txt").read_text(encoding="utf-8")
    flat_grid = re.sub(r"\s+", "", grid)
    for outcome in pack.outcomes.values():
        if outcome.phase in GRID_PHASES:
            squeezed = re.sub(r"\s+", "", outcome.text)
            assert squeezed in flat or squeezed in flat_grid, outcome.id


def test_every_requirement_kind_is_used_and_documented(pack) -> None:
    """Each kind in the registry is used by some outcome and has a section in rules/README.md."""
    used = {r.kind for o in pack.outcomes.values() for r in o.requirements}
    readme = (data_dir("rules") / "README.md").read_text(encoding="utf-8")
    assert used == set(KINDS)
    for kind in KINDS:
        assert f"### `{kind}`" in readme, kind


def test_the_first_leadership_outcome_needs_a_board_or_sponsor_decision(pack) -> None:
    """DEC.LEA.01 needs a decision record approved by the Client Board or a Sponsor."""
    spec = pack.outcomes["DEC.LEA.01"].requirements[0].spec
    assert spec["kind"] == "evidence" and "decision_record" in spec["of"]
    assert set(spec["approved_by"]) == {"Client Board", "Sponsor"}


def test_the_suitability_pre_gate_is_section_1_and_advises(pack) -> None:
    """The suitability gate evaluates the "An alliance is:" box and Tables 1.1 and 1.2, advisory and with no critical outcome."""
    gate = pack.policy.gates["suitability"]
    scope = pack.in_phases(gate.evaluates)
    assert {o.theme for o in scope} == {"definition", "favourable", "unfavourable"}
    assert gate.advisory and not any(o.critical for o in scope)
    assert not any(g.advisory for name, g in pack.policy.gates.items() if name != "suitability")


def _copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), root)
    return root


CASES = yaml.safe_load((HERE / "broken_cases.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_broken_rule_pack_gives_a_located_error_and_exit_3(case, tmp_path: Path) -> None:
    """Each kind of broken rule file is refused with file:line:col: message and exit code 3."""
    root = _copy_rules(tmp_path)
    target = root / case["file"]
    text = target.read_text(encoding="utf-8")
    assert case["old"] in text
    target.write_text(text.replace(case["old"], case["new"], 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_rule_pack(root=root)
    matching = [p for p in caught.value.problems if case["message"] in p.message]
    assert matching, [str(p) for p in caught.value.problems]
    assert matching[0].file == f"rules/{case['file']}" and matching[0].line > 0
    result = CliRunner().invoke(main, ["rules", "check", "--rules", str(root)])
    assert result.exit_code == 3
    assert re.search(rf"^rules/{re.escape(case['file'])}:\d+:\d+: .*{re.escape(case['message'])}", result.stderr, re.M)


PROFILE = """\
schema_version: 1
name: Northshire assurance profile
critical:
  DEC.INT.01:
    critical: true
    rationale: 'Section 2.2 says "The proposed delivery organisation is highly integrated".'
requirements:
  DEC.BEH.03:
    - {kind: evidence, of: [plan], approved_by: [Client Board]}
policy:
  floors: {default: 0.75}
outcomes:
  - id: DEC.LEA.X01
    subheading: Northshire assurance
    text: The alliance proposal has been reviewed by the Northshire investment committee.
    critical: false
    requirements:
      - {kind: evidence, of: [decision_record]}
"""


def test_a_profile_tailors_criticality_requirements_floors_and_adds_outcomes(tmp_path: Path) -> None:
    """A profile changes the pack without editing it, and `rules show` says what it changed."""
    profile = tmp_path / "profile.yml"
    profile.write_text(PROFILE, encoding="utf-8")
    tailored = load_rule_pack(profile=profile)
    assert tailored.outcomes["DEC.INT.01"].critical
    assert tailored.outcomes["DEC.BEH.03"].requirements[0].spec["approved_by"] == ["Client Board"]
    assert tailored.policy.floor_default == 0.75
    assert tailored.cells["DEC.LEA"].outcome_ids[-1] == "DEC.LEA.X01"
    assert tailored.profile_digest and tailored.digest == load_rule_pack().digest
    shown = CliRunner().invoke(main, ["rules", "show", "DEC.INT.01", "--profile", str(profile)])
    assert shown.exit_code == 0
    assert "made critical by profile 'Northshire assurance profile'" in shown.output


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("DEC.INT.01:", "DEC.INT.99:"), "unknown outcome DEC.INT.99"),
        (("  DEC.BEH.03:", "  DEC.BEH.98:"), "unknown outcome DEC.BEH.98"),
        (("id: DEC.LEA.X01", "id: DEC.LEA.01"), "does not match"),
        (("    critical: true\n", ""), "'critical' is a required property"),
        (("floors: {default: 0.75}", "floors: {default: 7.5}"), "7.5 is greater than the maximum of 1"),
    ],
)
def test_a_broken_profile_gives_a_located_error_and_exit_3(edit, message, tmp_path: Path) -> None:
    """References to unknown outcomes and schema errors in a profile are load errors with a location."""
    profile = tmp_path / "profile.yml"
    profile.write_text(PROFILE.replace(*edit, 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", "--profile", str(profile)])
    assert result.exit_code == 3
    assert re.search(rf"^{re.escape(str(profile))}:\d+:\d+: .*{re.escape(message)}", result.stderr, re.M), result.stderr


def test_rules_grid_shows_counts_per_cell() -> None:
    """`rules grid` prints the 4 x 4 grid with outcome and critical counts."""
    result = CliRunner().invoke(main, ["rules", "grid"])
    assert result.exit_code == 0
    assert result.output.splitlines()[1].startswith("Deciding    6 (3 crit)")
    assert "145 outcomes" in result.output


def test_rules_list_filters_by_phase_theme_and_criticality() -> None:
    """`rules list --phase deciding --theme leadership --critical` lists exactly the critical DEC.LEA outcomes."""
    result = CliRunner().invoke(main, ["rules", "list", "--phase", "deciding", "--theme", "leadership", "--critical"])
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert ids == ["DEC.LEA.01", "DEC.LEA.02", "DEC.LEA.05"]


def test_rules_show_names_what_evidence_satisfies_an_outcome() -> None:
    """`rules show` prints the verbatim text, the criticality rationale and the evidence needed in plain words."""
    result = CliRunner().invoke(main, ["rules", "show", "DEC.LEA.01"])
    assert result.exit_code == 0
    assert "Client Board or Sponsor approval to alliancing as the preferred delivery model." in result.output
    assert "1. at least 1 evidence item of kind decision record, approved by Client Board or Sponsor" in result.output


def test_rules_show_of_an_unknown_outcome_is_a_usage_error() -> None:
    """An unknown id is a usage error (exit 2), not a traceback."""
    result = CliRunner().invoke(main, ["rules", "show", "DEC.LEA.77"])
    assert result.exit_code == 2
    assert "no outcome 'DEC.LEA.77'" in result.output
