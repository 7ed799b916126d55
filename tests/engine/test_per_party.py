"""`per_party`: for each party asked for, a counted evidence item whose register `parties` covers it."""

from __future__ import annotations

import hashlib

import pytest

from gatekeeper.loading.evidence import load_pack
from gatekeeper.problems import InputError

from .conftest import PackMaker, claim, item

# CRE.INT.06: "the proposed leadership team of each potential partner organisation": an assessment
# record per bidding partner (`per_party: partners`); a delivering pack's next gate evaluates it.
OUTCOME = "CRE.INT.06"


def _first(files) -> dict:
    return item(files, claim(files, OUTCOME)["evidence"][0])


def test_a_record_covering_every_partner_is_met(maker: PackMaker) -> None:
    """An assessment record whose `parties` names both partners meets the outcome."""
    outcome = maker.evaluate("delivering").outcome(OUTCOME)
    assert outcome.status == "met"
    assert outcome.requirements[0].detail.endswith("covering every partner")


def test_a_partner_no_item_covers_is_named(maker: PackMaker) -> None:
    """Without an item covering Design Partner LLP, the outcome is unevidenced and the detail and fix name it."""

    def edit(files, _):
        _first(files)["parties"] = ["build-partner"]

    outcome = maker.evaluate("delivering", edit).outcome(OUTCOME)
    assert outcome.status == "unevidenced"
    (req,) = outcome.requirements
    assert req.detail.endswith("no counted item covers Design Partner LLP")
    assert req.fix is not None
    assert "covering Design Partner LLP (named in the item's `parties`)" in req.fix


def test_an_item_without_parties_covers_nobody(maker: PackMaker) -> None:
    """An item whose register entry lists no parties covers none: both partners are named."""

    def edit(files, _):
        del _first(files)["parties"]

    outcome = maker.evaluate("delivering", edit).outcome(OUTCOME)
    assert outcome.status == "unevidenced"
    assert outcome.requirements[0].detail.endswith("no counted item covers Build Partner Ltd, Design Partner LLP")


def test_one_record_per_partner_between_them_cover_every_partner(maker: PackMaker) -> None:
    """Two records, one per partner, meet the outcome together: per party, not per item."""

    def edit(files, documents):
        first = _first(files)
        first["parties"] = ["Build Partner Ltd"]
        body = b"# Assessment record: Design Partner LLP\n\nLeadership interviews of the design partner.\n"
        documents["documents/design-assessment.md"] = body
        second = {
            **first,
            "id": "E900",
            "path": "documents/design-assessment.md",
            "sha256": hashlib.sha256(body).hexdigest(),
            "parties": ["design-partner"],
        }
        files["register.yml"]["evidence"].append(second)
        claim(files, OUTCOME)["evidence"].append("E900")

    outcome = maker.evaluate("delivering", edit).outcome(OUTCOME)
    assert outcome.status == "met"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "Desing Partner LLP",
            "'Desing Partner LLP' is not declared in manifest.yml (as one of its organisations)"
            " (did you mean 'Design Partner LLP'?)",
        ),
        ("Alex Morgan", "'Alex Morgan' is declared as a person, and this needs one of the organisations"),
        (
            "independent-assurance",
            "'independent-assurance' is Independent Assurance LLP, not a party to the alliance (the client or a partner)",
        ),
    ],
)
def test_an_unknown_party_is_a_located_problem(maker: PackMaker, name: str, message: str) -> None:
    """A party name the manifest does not declare as an organisation is refused at its line, with the nearest name."""

    def edit(files, _):
        _first(files)["parties"] = ["build-partner", name]

    root = maker.write(maker.pack("delivering"), edit)
    with pytest.raises(InputError) as raised:
        load_pack(root, maker.rules)
    problems = [p for p in raised.value.problems if p.file.endswith("register.yml")]
    assert [p.message for p in problems] == [message]
    assert problems[0].line > 0 and problems[0].col > 0
