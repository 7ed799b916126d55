"""The worked examples in examples/ load cleanly, with only the one document problem that is there on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatekeeper.loading.evidence import LoadedPack, load_pack
from gatekeeper.loading.rules import load_rule_pack
from gatekeeper.model import RulePack

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# example folder -> (phase, number of registered documents, claims)
EXPECTED: dict[str, tuple[str, int, int]] = {
    "fenland-water": ("deciding", 14, 38),
    "northgate-rail": ("creating", 34, 70),
    "severn-highways": ("sustaining", 55, 145),
}


@pytest.fixture(scope="module")
def rules() -> RulePack:
    return load_rule_pack()


def _load(name: str, rules: RulePack) -> LoadedPack:
    return load_pack(EXAMPLES / name, rules, display=f"examples/{name}")


def test_every_example_is_listed() -> None:
    """The table of expectations covers exactly the example folders, so a new example cannot go untested."""
    folders = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
    assert folders == sorted(EXPECTED)


@pytest.mark.parametrize("name", ["fenland-water", "severn-highways"])
def test_example_loads_without_problems(name: str, rules: RulePack) -> None:
    """The example loads with every document present and matching the sha256 in its register."""
    loaded = _load(name, rules)
    assert loaded.document_problems == ()
    phase, documents, claims = EXPECTED[name]
    assert (loaded.pack.phase, len(loaded.pack.register), len(loaded.pack.claims)) == (phase, documents, claims)


def test_northgate_has_exactly_the_deliberate_document_problem(rules: RulePack) -> None:
    """Northgate's organisation chart was edited after registration, and that is its only document problem."""
    loaded = _load("northgate-rail", rules)
    assert [p.message.split(" (document has ")[0] for p in loaded.document_problems] == [
        "NR10: documents/2026-07-06-alliance-organisation-chart.md: sha256 differs from the register"
    ]
    assert loaded.pack.register["NR10"].document_problem is not None
    assert [i for i, item in loaded.pack.register.items() if item.document_problem is not None] == ["NR10"]
    phase, documents, claims = EXPECTED["northgate-rail"]
    assert (loaded.pack.phase, len(loaded.pack.register), len(loaded.pack.claims)) == (phase, documents, claims)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_document_is_registered_once(name: str, rules: RulePack) -> None:
    """Each file under documents/ appears in register.yml exactly once, and the register names no other file."""
    loaded = _load(name, rules)
    on_disk = sorted(f"documents/{p.name}" for p in (EXAMPLES / name / "documents").iterdir())
    registered = sorted(item.path for item in loaded.pack.register.values())
    assert registered == on_disk


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_documents_predate_the_assessment(name: str, rules: RulePack) -> None:
    """No evidence, approval or claim is dated after the assessment it belongs to."""
    pack = _load(name, rules).pack
    late = [i.id for i in pack.register.values() if i.date > pack.assessment_date]
    late += [f"{i.id} approval" for i in pack.register.values() for a in i.approvals if a.date > pack.assessment_date]
    late += [c.outcome for c in pack.claims.values() if c.date > pack.assessment_date]
    assert late == []
