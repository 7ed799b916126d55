"""One planted problem per audit category, each found with its exact location and message."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest

from gatekeeper import api
from gatekeeper.audit import CATEGORIES, AuditFinding, AuditResult, audit
from tests.audit.conftest import AS_OF, ClaimSpec, Item, TinyPack

# Line of the first claim / register item in the tiny pack's files, and the column their mappings start at.
CLAIM_1, CLAIM_2, ITEM_1, ITEM_2, ITEM_3, COL = 3, 10, 3, 10, 17, 5
CLEAN_ITEMS_1, CLEAN_ITEMS_2 = TinyPack().items


def run(pack: TinyPack, root: Path, *, as_of: dt.date = AS_OF, expiring_within: int = 30) -> AuditResult:
    rules, loaded = api.load(pack.write(root / "pack"))
    return audit(rules, loaded, as_of=as_of, expiring_within=expiring_within)


def found(result: AuditResult) -> list[tuple[str, int, int, str, str, str | None, str | None, str]]:
    """Findings as tuples with the file named relative to the pack."""
    return [
        (Path(f.file).name, f.line, f.col, f.category, f.severity, f.outcome, f.item, f.message)
        for f in result.findings
    ]


def test_clean_pack_has_no_findings(tiny: TinyPack, tmp_path: Path) -> None:
    """A pack whose claims are backed by intact, fresh, cited evidence audits clean."""
    result = run(tiny, tmp_path)
    assert result.findings == ()
    assert result.clean
    assert [(r.id, r.status, r.used_by) for r in result.register_rows] == [
        ("E01", "ok", ("DEC.BEH.01",)),
        ("E02", "ok", ("DEL.INT.18",)),
    ]
    assert result.gates == ("review",)


def test_claim_without_required_evidence(tiny: TinyPack, tmp_path: Path) -> None:
    """A met claim citing minutes where its rule needs a plan is reported at the claim, with the engine's reason."""
    pack = tiny.but(items=(Item("E01", "minutes", "2025-01-10"), CLEAN_ITEMS_2))
    assert found(run(pack, tmp_path)) == [
        (
            "claims.yml",
            CLAIM_1,
            COL,
            "claim-unsupported",
            "error",
            "DEC.BEH.01",
            None,
            "DEC.BEH.01 is claimed met but DEC.BEH.01#1 (at least 1 evidence item of kind plan, dated before milestones.procurement_start.date) is missing: "
            "counted 0 of 1 needed [E01: kind minutes does not show this (needs plan)]",
        )
    ]


def test_claim_citing_nothing(tiny: TinyPack, tmp_path: Path) -> None:
    """A met claim that cites no evidence at all is unsupported, and the item it dropped is unused."""
    pack = tiny.but(claims=(ClaimSpec("DEC.BEH.01", ()), ClaimSpec("DEL.INT.18", ("E02",))))
    assert found(run(pack, tmp_path)) == [
        (
            "claims.yml",
            CLAIM_1,
            COL,
            "claim-unsupported",
            "error",
            "DEC.BEH.01",
            None,
            "DEC.BEH.01 is claimed met but DEC.BEH.01#1 (at least 1 evidence item of kind plan, dated before milestones.procurement_start.date) is missing: "
            "the claim cites no evidence",
        ),
        (
            "register.yml",
            ITEM_1,
            COL,
            "evidence-unused",
            "warning",
            None,
            "E01",
            "E01 (Document E01) is cited by no claim and no fact",
        ),
    ]


def test_not_met_claim_needs_no_evidence(tiny: TinyPack, tmp_path: Path) -> None:
    """A claim assessed as not met is not expected to carry the evidence of a met one."""
    pack = tiny.but(
        claims=(ClaimSpec("DEC.BEH.01", ("E01",), status="not_met"), ClaimSpec("DEL.INT.18", ("E02", "E01")))
    )
    assert run(pack, tmp_path).findings == ()


def test_unused_evidence(tiny: TinyPack, tmp_path: Path) -> None:
    """A register item that nothing cites is a warning at the item, and the audit stays clean."""
    pack = tiny.but(items=(*tiny.items, Item("E03", "report", "2025-02-01")))
    result = run(pack, tmp_path)
    assert found(result) == [
        (
            "register.yml",
            ITEM_3,
            COL,
            "evidence-unused",
            "warning",
            None,
            "E03",
            "E03 (Document E03) is cited by no claim and no fact",
        ),
    ]
    assert result.clean
    assert result.register_rows[2].status == "unused"


def test_missing_document(tiny: TinyPack, tmp_path: Path) -> None:
    """A registered document that is not in the pack is reported at its register entry."""
    pack = tiny.but(items=(Item("E01", "plan", "2025-01-10", body=None, registered=b"document\n"), CLEAN_ITEMS_2))
    result = run(pack, tmp_path)
    assert found(result) == [
        (
            "claims.yml",
            CLAIM_1,
            COL,
            "claim-unsupported",
            "error",
            "DEC.BEH.01",
            None,
            "DEC.BEH.01 is claimed met but DEC.BEH.01#1 (at least 1 evidence item of kind plan, dated before milestones.procurement_start.date) is missing: counted 0 of 1 needed "
            "[E01: document documents/e01.md: document not found]",
        ),
        (
            "register.yml",
            ITEM_1,
            COL,
            "document-missing",
            "error",
            None,
            "E01",
            "E01 (documents/e01.md): document not found",
        ),
    ]
    assert result.register_rows[0].status == "missing"


def test_changed_document(tiny: TinyPack, tmp_path: Path) -> None:
    """A document edited after registration is reported with the sha256 it now has."""
    pack = tiny.but(
        items=(CLEAN_ITEMS_1, Item("E02", "plan", "2025-01-10", body=b"edited\n", registered=b"document\n"))
    )
    result = run(pack, tmp_path)
    actual = hashlib.sha256(b"edited\n").hexdigest()
    assert [(f[0], f[1], f[3], f[6]) for f in found(result)] == [
        ("claims.yml", CLAIM_2, "claim-unsupported", None),
        ("register.yml", ITEM_2, "document-changed", "E02"),
    ]
    assert (
        result.findings[1].message
        == f"E02 (documents/e02.md): sha256 differs from the register (document has {actual})"
    )
    assert result.register_rows[1].status == "changed"


def test_unreadable_document(tiny: TinyPack, tmp_path: Path) -> None:
    """A registered path that is a folder, not a file, is an unreadable document."""
    root = tmp_path / "pack"
    pack = tiny.but(items=(CLEAN_ITEMS_1, Item("E02", "plan", "2025-01-10", body=None)))
    pack.write(root)
    (root / "documents" / "e02.md").mkdir()
    rules, loaded = api.load(root)
    result = audit(rules, loaded, as_of=AS_OF)
    assert [(f[3], f[7]) for f in found(result) if f[3].startswith("document")] == [
        ("document-unreadable", "E02 (documents/e02.md): document is not a regular file (a directory)"),
    ]
    assert result.register_rows[1].status == "unreadable"


def test_document_outside_pack(tiny: TinyPack, tmp_path: Path) -> None:
    """A document that is a symbolic link leading out of the pack is reported as outside it."""
    outside = tmp_path / "elsewhere.md"
    outside.write_bytes(b"document\n")
    root = tmp_path / "pack"
    tiny.but(items=(CLEAN_ITEMS_1, Item("E02", "plan", "2025-01-10", body=None))).write(root)
    os.symlink(outside, root / "documents" / "e02.md")
    rules, loaded = api.load(root)
    result = audit(rules, loaded, as_of=AS_OF)
    assert [(f[1], f[3], f[7]) for f in found(result) if f[3].startswith("document")] == [
        (
            ITEM_2,
            "document-outside",
            "E02 (documents/e02.md): document is outside the pack (a symbolic link leads out of it)",
        ),
    ]
    assert result.register_rows[1].status == "outside"


def test_stale_evidence(tiny: TinyPack, tmp_path: Path) -> None:
    """Evidence older than its rule allows is reported at the claim that relies on it."""
    pack = tiny.but(items=(CLEAN_ITEMS_1, Item("E02", "plan", "2024-01-10")))
    result = run(pack, tmp_path)
    assert found(result) == [
        (
            "claims.yml",
            CLAIM_2,
            COL,
            "evidence-stale",
            "error",
            "DEL.INT.18",
            "E02",
            "E02 cited for DEL.INT.18 is dated 2024-01-10, 537 days old at 2025-06-30; DEL.INT.18#1 allows 365 days",
        )
    ]
    assert result.register_rows[1].status == "stale"


def test_expiring_evidence(tiny: TinyPack, tmp_path: Path) -> None:
    """Evidence that passes its rule's age limit within the window is a warning; a narrower window drops it."""
    pack = tiny.but(items=(CLEAN_ITEMS_1, Item("E02", "plan", "2024-07-10")))
    result = run(pack, tmp_path)
    assert found(result) == [
        (
            "claims.yml",
            CLAIM_2,
            COL,
            "evidence-expiring",
            "warning",
            "DEL.INT.18",
            "E02",
            "E02 cited for DEL.INT.18 is dated 2024-07-10 and will be older than the 365 days DEL.INT.18#1 allows "
            "from 2025-07-11 (in 11 days)",
        )
    ]
    assert result.clean
    assert result.register_rows[1].status == "expiring"
    assert run(pack, tmp_path / "narrow", expiring_within=10).findings == ()


def test_last_day_of_freshness_is_not_stale(tiny: TinyPack, tmp_path: Path) -> None:
    """An item exactly as old as the rule allows still counts (the engine's rule), so it is expiring, not stale."""
    pack = tiny.but(items=(CLEAN_ITEMS_1, Item("E02", "plan", "2024-06-30")))
    result = run(pack, tmp_path, expiring_within=1)
    assert [(f.category, f.message) for f in result.findings] == [
        (
            "evidence-expiring",
            "E02 cited for DEL.INT.18 is dated 2024-06-30 and will be older than the 365 days DEL.INT.18#1 allows "
            "from 2025-07-01 (in 1 day)",
        )
    ]
    assert run(pack, tmp_path / "none", expiring_within=0).findings == ()


def test_wrong_approver(tiny: TinyPack, tmp_path: Path) -> None:
    """A decision record approved only by a Partner Director, where the rule accepts the Client Board or Sponsor."""
    e03 = Item("E03", "decision_record", "2025-01-10", approvals=(("Jo Reid", "Partner Director", "2025-01-12"),))
    pack = tiny.but(items=(*tiny.items, e03), claims=(*tiny.claims, ClaimSpec("DEC.LEA.01", ("E03",))))
    result = run(pack, tmp_path)
    assert found(result) == [
        (
            "claims.yml",
            17,
            COL,
            "claim-unsupported",
            "error",
            "DEC.LEA.01",
            None,
            "DEC.LEA.01 is claimed met but DEC.LEA.01#1 (at least 1 evidence item of kind decision record, approved by "
            "Client Board or Sponsor, dated before milestones.procurement_start.date) is missing: counted 0 of 1 needed "
            "[E03: not approved by Client Board or Sponsor (approved by Partner Director)]",
        ),
        (
            "claims.yml",
            17,
            COL,
            "wrong-approver",
            "error",
            "DEC.LEA.01",
            "E03",
            "E03 cited for DEC.LEA.01 is approved by Jo Reid (Partner Director); DEC.LEA.01#1 accepts only Client Board or Sponsor",
        ),
    ]
    assert result.register_rows[2].status == "wrong-approver"


def test_right_approver_among_others(tiny: TinyPack, tmp_path: Path) -> None:
    """One approval by an accepted role is enough, whatever other roles also approved."""
    e03 = Item(
        "E03",
        "decision_record",
        "2025-01-10",
        approvals=(("Jo Reid", "Partner Director", "2025-01-12"), ("Sam Patel", "Sponsor", "2025-01-13")),
    )
    pack = tiny.but(items=(*tiny.items, e03), claims=(*tiny.claims, ClaimSpec("DEC.LEA.01", ("E03",))))
    assert run(pack, tmp_path).findings == ()


def test_self_assessed_critical(tiny: TinyPack, tmp_path: Path) -> None:
    """A critical outcome assessed by someone on the roster is reported, whoever else would call it met."""
    pack = tiny.but(claims=(ClaimSpec("DEC.BEH.01", ("E01",), assessed_by="Alex Morgan"), tiny.claims[1]))
    assert found(run(pack, tmp_path)) == [
        (
            "claims.yml",
            CLAIM_1,
            COL,
            "self-assessed-critical",
            "error",
            "DEC.BEH.01",
            None,
            "DEC.BEH.01 is critical and was assessed by Alex Morgan, who is not independent (Alex Morgan is on the "
            "alliance roster; Alex Morgan works for Client Co, the alliance's client; Alex Morgan is the author (owner) "
            "of E01, which the claim cites); the Code advises assessors not directly involved in the alliance",
        )
    ]


def test_self_assessed_non_critical_is_fine(tiny: TinyPack, tmp_path: Path) -> None:
    """Self-assessment of a non-critical outcome is allowed and not reported."""
    pack = tiny.but(claims=(tiny.claims[0], ClaimSpec("DEL.INT.18", ("E02",), assessed_by="Alex Morgan")))
    assert run(pack, tmp_path).findings == ()


WAIVERS = """\
schema_version: 1
waivers:
  - outcome: DEL.INT.09
    justification: Deferred to the next review.
    approver: {name: Sam Patel, role: Sponsor}
    granted: '2025-01-01'
    expires: '{expires}'
"""


@pytest.mark.parametrize(
    ("expires", "category", "severity", "message"),
    [
        (
            "2025-06-29",
            "waiver-expired",
            "error",
            "the waiver of DEL.INT.09 by Sam Patel (Sponsor) expired on 2025-06-29",
        ),
        (
            "2025-07-15",
            "waiver-expiring",
            "warning",
            "the waiver of DEL.INT.09 by Sam Patel (Sponsor) expires on 2025-07-15 (in 15 days)",
        ),
    ],
)
def test_waivers(tiny: TinyPack, tmp_path: Path, expires: str, category: str, severity: str, message: str) -> None:
    """A waiver past its expiry is an error; one expiring within the window a warning; both at the waiver."""
    pack = tiny.but(waivers=WAIVERS.replace("{expires}", expires))
    assert found(run(pack, tmp_path)) == [("waivers.yml", 3, 5, category, severity, "DEL.INT.09", None, message)]


def test_waiver_expiring_after_window_and_superseded_waiver(tiny: TinyPack, tmp_path: Path) -> None:
    """Only the newest waiver of an outcome counts: an expired one it replaced is not reported."""
    text = WAIVERS.replace("{expires}", "2025-03-01") + WAIVERS.split("waivers:\n")[1].replace(
        "'2025-01-01'", "'2025-03-01'"
    ).replace("{expires}", "2025-12-31")
    assert run(tiny.but(waivers=text), tmp_path).findings == ()


CONDITIONS = """\
schema_version: 1
gate: sustaining
decided: '2025-01-15'
conditions:
  - outcome: DEL.INT.09
    owner: Alex Morgan
    due: '2025-06-01'
  - outcome: DEL.INT.18
    owner: Alex Morgan
    due: '2025-06-01'
  - outcome: DEL.INT.10
    owner: Alex Morgan
    due: '2025-12-01'
"""


def test_overdue_condition(tiny: TinyPack, tmp_path: Path) -> None:
    """A condition past due whose outcome is not met is overdue; met or not yet due ones are not reported."""
    assert found(run(tiny.but(conditions=CONDITIONS), tmp_path)) == [
        (
            "conditions.yml",
            5,
            5,
            "condition-overdue",
            "error",
            "DEL.INT.09",
            None,
            "the condition on DEL.INT.09 (owner Alex Morgan) was due on 2025-06-01 and the outcome is unevidenced",
        )
    ]


def test_findings_sorted_by_location(tiny: TinyPack, tmp_path: Path) -> None:
    """Several problems at once come out sorted by file, line, column and category."""
    pack = tiny.but(
        items=(
            Item("E01", "plan", "2025-01-10", body=b"x\n", registered=b"y\n"),
            Item("E02", "plan", "2024-01-10"),
            Item("E03", "report", "2025-01-10"),
        ),
        claims=(ClaimSpec("DEC.BEH.01", ("E01",), assessed_by="Alex Morgan"), tiny.claims[1]),
        waivers=WAIVERS.replace("{expires}", "2025-01-02"),
        conditions=CONDITIONS,
    )
    result = run(pack, tmp_path)
    assert [(Path(f.file).name, f.line, f.category) for f in result.findings] == [
        ("claims.yml", CLAIM_1, "claim-unsupported"),
        ("claims.yml", CLAIM_1, "self-assessed-critical"),
        ("claims.yml", CLAIM_2, "evidence-stale"),
        ("conditions.yml", 5, "condition-overdue"),
        ("conditions.yml", 8, "condition-overdue"),
        ("register.yml", ITEM_1, "document-changed"),
        ("register.yml", ITEM_3, "evidence-unused"),
        ("waivers.yml", 3, "waiver-expired"),
    ]
    assert list(result.findings) == sorted(result.findings, key=AuditFinding.sort_key)
    assert (result.errors, result.warnings, result.clean) == (7, 1, False)
    assert {f.category for f in result.findings} <= set(CATEGORIES)


def test_facts_citations_count_as_use(tiny: TinyPack, tmp_path: Path) -> None:
    """An item cited only from facts.yml is used, and the register row names the fact."""
    facts = b"schema_version: 1\nprocurement:\n  start_date: '2025-03-02'\nbaseline:\n  process:\n    description: From outturn.\n    evidence: E03\n"
    pack = tiny.but(items=(*tiny.items, Item("E03", "process", "2025-01-10")), extra={"facts.yml": facts})
    result = run(pack, tmp_path)
    assert result.findings == ()
    assert (result.register_rows[2].used_by, result.register_rows[2].facts) == ((), ("baseline.process",))


def test_suitability_claims_are_judged_too(tiny: TinyPack, tmp_path: Path) -> None:
    """A claim on a suitability outcome brings the suitability gate into the audit, and its fact is checked."""
    pack = tiny.but(claims=(*tiny.claims, ClaimSpec("SUI.FAV.01", ())))
    result = run(pack, tmp_path)
    assert result.gates == ("suitability", "review")
    assert found(result) == [
        (
            "claims.yml",
            17,
            COL,
            "claim-unsupported",
            "error",
            "SUI.FAV.01",
            None,
            "SUI.FAV.01 is claimed met but SUI.FAV.01#1 (facts.yml `suitability.complex_environment.applies` is true) "
            "is missing: facts.yml has no `suitability.complex_environment.applies`",
        )
    ]


def test_negative_window_refused(tiny: TinyPack, tmp_path: Path) -> None:
    """The window is a number of days ahead; a negative one is a programming error."""
    rules, loaded = api.load(tiny.write(tmp_path / "pack"))
    with pytest.raises(ValueError, match="0 or more"):
        audit(rules, loaded, as_of=AS_OF, expiring_within=-1)
