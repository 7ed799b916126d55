"""A pass that cannot be gamed: each way of turning a fail into a pass by spelling, approval, date or document."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatekeeper import api, people
from gatekeeper.cli.main import main
from gatekeeper.problems import InputError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
AS_OF = "2026-11-01"

Edit = Callable[[dict[str, Any]], None]


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def copy(example: str, tmp_path: Path) -> Path:
    pack = tmp_path / example
    shutil.copytree(EXAMPLES / example, pack)
    return pack


def edit(pack: Path, name: str, change: Edit) -> None:
    path = pack / name
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def claim(data: dict[str, Any], outcome: str) -> dict[str, Any]:
    return next(c for c in data["claims"] if c["outcome"] == outcome)


def decision(pack: Path, gate: str | None = None) -> str:
    """'pass', 'fail', or 'refused' when the pack cannot be evaluated."""
    try:
        return str(api.check(pack, gate=gate, as_of=dt.date.fromisoformat(AS_OF)).decision)
    except InputError:
        return "refused"


def test_the_examples_decide_as_before(tmp_path: Path) -> None:
    """The controls: unedited, Fenland passes and Severn fails, so every attack below starts from a known result."""
    assert decision(copy("fenland-water", tmp_path)) == "pass"
    assert decision(copy("severn-highways", tmp_path)) == "fail"


# --- 1. independence by spelling --------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Catherine Ashdown", "fail"),
        ("catherine ashdown", "fail"),
        ("  Catherine   Ashdown ", "fail"),
        ("Catherine\u00a0Ashdown", "fail"),
        ("ＣＡＴＨＥＲＩＮＥ ＡＳＨＤＯＷＮ", "fail"),
        ("catherine-ashdown", "fail"),
        ("Cathe\u200brine Ashdown", "refused"),
        ("Catherine Ash\u00addown", "refused"),
        ("C\u0430therine Ashdown", "refused"),
    ],
)
def test_a_roster_member_cannot_assess_a_critical_outcome_by_respelling_their_name(
    written: str, expected: str, tmp_path: Path
) -> None:
    """Case, spaces, width and ids name the roster member (a self-assessment); invisible and look-alike letters are refused."""
    pack = copy("fenland-water", tmp_path)
    edit(pack, "manifest.yml", lambda m: m["assessment"]["assessors"].append("catherine-ashdown"))
    edit(pack, "claims.yml", lambda c: claim(c, "DEC.LEA.01").update(assessed_by=written))
    assert decision(pack) == expected


def test_an_assessor_employed_by_a_party_is_not_independent(tmp_path: Path) -> None:
    """Someone who works for the client, though not on the roster, cannot make a critical outcome met."""
    pack = copy("fenland-water", tmp_path)

    def hire(m: dict[str, Any]) -> None:
        m["people"].append({"id": "ivo-marsh", "name": "Ivo Marsh", "organisation": "fenland"})
        m["assessment"]["assessors"].append("ivo-marsh")

    edit(pack, "manifest.yml", hire)
    edit(pack, "claims.yml", lambda c: claim(c, "DEC.LEA.01").update(assessed_by="Ivo Marsh"))
    result = api.check(pack, as_of=dt.date.fromisoformat(AS_OF))
    outcome = next(o for o in result.outcomes if o.id == "DEC.LEA.01")
    assert (result.decision, outcome.status, outcome.self_assessed) == ("fail", "not_met", True)
    assert outcome.reasons == (
        "self-assessed: Ivo Marsh works for Fenland Water Services Ltd, the alliance's client; "
        "a critical outcome needs an assessor independent of the alliance",
    )


def test_an_assessor_who_wrote_the_evidence_is_not_independent(tmp_path: Path) -> None:
    """The author (owner) of a document a claim cites cannot assess that claim independently."""
    pack = copy("fenland-water", tmp_path)
    cited: list[str] = []
    edit(pack, "claims.yml", lambda c: cited.extend(claim(c, "DEC.LEA.01")["evidence"]))
    assessor = "Dr Miriam Achebe"
    edit(pack, "claims.yml", lambda c: claim(c, "DEC.LEA.01").update(assessed_by=assessor))

    def authored(r: dict[str, Any]) -> None:
        for item in r["evidence"]:
            if item["id"] == cited[0]:
                item["owner"] = assessor

    edit(pack, "register.yml", authored)
    assert decision(pack) == "fail"


def test_the_policy_can_require_independence_for_every_outcome(tmp_path: Path) -> None:
    """With `independence: required_for: all`, a self-assessed non-critical outcome is not met either."""
    pack = copy("fenland-water", tmp_path)
    edit(pack, "claims.yml", lambda c: claim(c, "DEC.INT.02").update(assessed_by="Gareth Lowe"))
    profile = tmp_path / "formal.yml"
    profile.write_text(
        "schema_version: 1\nname: Formal assessment\npolicy:\n  independence:\n    required_for: all\n",
        encoding="utf-8",
    )
    day = dt.date.fromisoformat(AS_OF)
    plain = next(o for o in api.check(pack, as_of=day).outcomes if o.id == "DEC.INT.02")
    formal = next(o for o in api.check(pack, as_of=day, profile=profile).outcomes if o.id == "DEC.INT.02")
    assert (plain.status, formal.status) == ("met", "not_met")


ROSTER = ("Catherine Ashdown", "Judith Kemble", "Helen Brightwell")
LOOKALIKE = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "C": "\u0421", "H": "\u041d", "J": "\u0408"}


@st.composite
def variants(draw: st.DrawFn) -> str:
    """A roster member's name respelled: case, spaces, no-break spaces, invisible characters, look-alike letters."""
    name = draw(st.sampled_from(ROSTER))
    out = []
    for ch in name:
        style = draw(st.sampled_from(["same", "upper", "lower", "lookalike", "zero-width", "soft-hyphen"]))
        if ch == " ":
            out.append(draw(st.sampled_from([" ", "  ", "\u00a0", "\u2003", " \u200b"])))
        elif style == "upper":
            out.append(ch.upper())
        elif style == "lower":
            out.append(ch.lower())
        elif style == "lookalike" and ch in LOOKALIKE:
            out.append(LOOKALIKE[ch])
        elif style == "zero-width":
            out.append(ch + "\u200d")
        elif style == "soft-hyphen":
            out.append(ch + "\u00ad")
        else:
            out.append(ch)
    return draw(st.sampled_from(["", " ", "\u00a0"])) + "".join(out) + draw(st.sampled_from(["", " ", "\ufeff"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(written=variants())
def test_no_respelling_of_a_roster_member_produces_a_pass(
    tmp_path_factory: pytest.TempPathFactory, written: str
) -> None:
    """Whatever the variant, the pack is refused or fails: never the pass an independent assessor would give."""
    pack = copy("fenland-water", tmp_path_factory.mktemp("variant"))
    edit(pack, "claims.yml", lambda c: claim(c, "DEC.LEA.01").update(assessed_by=written))
    assert decision(pack) in ("fail", "refused")


@given(st.text(min_size=1, max_size=30))
def test_normalise_is_idempotent_and_refuses_every_invisible_character(text: str) -> None:
    """normalise(normalise(x)) == normalise(x), and any format or control character is refused."""
    try:
        once = people.normalise(text)
    except people.NameRefused:
        assert people.invisible_characters(text) or not "".join(text.split()) or any(c in text for c in "\t\n\r")
        return
    assert people.normalise(once) == once
    assert not people.invisible_characters(once)


def test_look_alike_declarations_are_refused_with_both_locations(tmp_path: Path) -> None:
    """Two people whose names differ only by a look-alike letter are refused, naming where each is declared."""
    pack = copy("fenland-water", tmp_path)
    edit(
        pack,
        "manifest.yml",
        lambda m: m["people"].append({"id": "tom-pryce-2", "name": "T\u043em Pryce", "organisation": "halden"}),
    )
    result = run("validate", str(pack))
    assert result.exit_code == 3
    assert "'Tоm Pryce' mixes scripts (CYRILLIC, LATIN)" in result.stdout + result.stderr
    assert people.skeleton("T0M PRYCE") == people.skeleton("TOM PRYCE")
    assert people.skeleton("Tom Pryce") != people.skeleton("Tim Pryce")


# --- 2. anyone can approve --------------------------------------------------------------------


def _waive_overdue(approver: dict[str, str], **extra: str) -> Edit:
    def change(w: dict[str, Any]) -> None:
        w.setdefault("schema_version", 1)
        w.setdefault("waivers", []).append(
            {
                "outcome": "DEL.COM.16",
                "justification": "Supply chain engagement is being re-procured.",
                "approver": approver,
                "granted": "2026-10-01",
                "expires": "2027-06-30",
                **extra,
            }
        )

    return change


@pytest.mark.parametrize(
    ("approver", "extra", "expected"),
    [
        ({"name": "Alison Marchant", "role": "Sponsor"}, {}, "pass"),
        ({"name": "A Stranger", "role": "Sponsor"}, {}, "refused"),
        ({"name": "Gwen Parry", "role": "Sponsor"}, {}, "fail"),
        ({"name": "Alison Marchant", "role": "Sponsor"}, {"requested_by": "alison-marchant"}, "fail"),
        ({"name": "Alison Marchant", "role": "Client Board"}, {}, "fail"),
    ],
)
def test_a_waiver_counts_only_from_a_declared_holder_of_the_role_who_did_not_ask_for_it(
    approver: dict[str, str], extra: dict[str, str], expected: str, tmp_path: Path
) -> None:
    """Writing an allowed role is not holding it: only the declared Sponsor, approving someone else's request, waives."""
    pack = copy("severn-highways", tmp_path)
    edit(pack, "waivers.yml", _waive_overdue(approver, **extra))
    assert decision(pack) == expected


def test_a_claims_assessor_cannot_approve_its_evidence(tmp_path: Path) -> None:
    """An approval by the claim's own assessor does not count, even from someone declared in the role."""
    pack = copy("fenland-water", tmp_path)
    cited: list[str] = []
    edit(pack, "claims.yml", lambda c: cited.extend(claim(c, "DEC.LEA.01")["evidence"]))

    def make_sponsor(m: dict[str, Any]) -> None:
        tom = next(p for p in m["people"] if p["id"] == "tom-pryce")
        tom["roles"] = [{"role": "Sponsor", "from": "2025-01-01"}]

    def approve(r: dict[str, Any]) -> None:
        for item in r["evidence"]:
            if item["id"] in cited:
                item["approvals"] = [{"name": "Tom Pryce", "role": "Sponsor", "date": item["date"]}]

    edit(pack, "manifest.yml", make_sponsor)
    edit(pack, "register.yml", approve)
    edit(pack, "claims.yml", lambda c: claim(c, "DEC.LEA.01").update(assessed_by="Tom Pryce"))
    result = api.check(pack, as_of=dt.date.fromisoformat(AS_OF))
    outcome = next(o for o in result.outcomes if o.id == "DEC.LEA.01")
    assert (result.decision, outcome.status) == ("fail", "unevidenced")
    assert outcome.requirements[0].evidence[0].reason == (
        "not approved by Client Board or Sponsor (approved by Sponsor): "
        "Tom Pryce also assessed the claim: nobody approves the evidence of their own claim"
    )


# --- 3. the future counts ---------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2026-11-02", "2027-01-01", "2099-12-31"])
def test_a_claim_dated_after_the_as_of_date_does_not_count(day: str, tmp_path: Path) -> None:
    """A critical claim assessed after the as-of date did not exist then: the gate fails and the audit says so."""
    pack = copy("fenland-water", tmp_path)
    edit(pack, "claims.yml", lambda c: claim(c, "DEC.LEA.01").update(date=day))
    assert decision(pack) == "fail"
    audited = run("audit", str(pack), "--as-of", AS_OF)
    assert audited.exit_code == 1
    assert f"the claim for DEC.LEA.01 is dated {day}, after {AS_OF}: it does not count as of that date" in (
        audited.stdout
    )


# --- 4. organisations by raw spelling ---------------------------------------------------------


def test_one_organisation_spelled_four_ways_is_one_organisation(tmp_path: Path) -> None:
    """Cross-party representation counts declared organisations, not spellings."""
    pack = copy("northgate-rail", tmp_path)
    spellings = (
        "Pennine Rail Infrastructure Ltd",
        "pennine rail infrastructure ltd",
        "Pennine Rail Infrastructure Ltd ",
        "PENNINE  RAIL INFRASTRUCTURE LTD",
    )
    names = ("Andrew Whitcombe", "Sarah Delaney", "Nadia Rahman", "Dominic Osei")

    def board(f: dict[str, Any]) -> None:
        f["governance"]["board"]["members"] = [
            {"name": n, "organisation": o, "role": "Director"} for n, o in zip(names, spellings, strict=True)
        ]

    edit(pack, "facts.yml", board)
    result = api.check(pack, as_of=dt.date.fromisoformat("2026-10-20"))
    assert next(o for o in result.outcomes if o.id == "CRE.INT.05").status == "not_met"


def test_a_member_cannot_be_put_in_another_organisation(tmp_path: Path) -> None:
    """A board member listed under an organisation that is not their declared employer is a located error."""
    pack = copy("northgate-rail", tmp_path)
    edit(pack, "facts.yml", lambda f: f["governance"]["board"]["members"][0].update(organisation="oakhurst"))
    result = run("validate", str(pack))
    assert result.exit_code == 3
    assert "Andrew Whitcombe works for Pennine Rail Infrastructure Ltd, as declared in manifest.yml" in (
        result.stdout + result.stderr
    )


# --- 5. empty and reused documents ------------------------------------------------------------


def _register_bytes(pack: Path, content: Callable[[Path], bytes], *, one_file: bool = False) -> None:
    def change(r: dict[str, Any]) -> None:
        for item in r["evidence"]:
            if one_file:
                item["path"] = "documents/one.md"
            doc = pack / item["path"]
            doc.write_bytes(content(doc))
            item["sha256"] = hashlib.sha256(doc.read_bytes()).hexdigest()

    edit(pack, "register.yml", change)


def test_empty_documents_never_count(tmp_path: Path) -> None:
    """Every document truncated to nothing (or to whitespace) and registered again gives a fail, not a pass."""
    for content in (b"", b" \n\t\n"):
        pack = copy("fenland-water", tmp_path / str(len(content)))
        _register_bytes(pack, lambda doc, empty=content: empty)
        assert decision(pack) == "fail"
    audited = run("audit", str(pack), "--as-of", AS_OF)
    assert "document is empty: it shows nothing (nothing but whitespace)" in audited.stdout


def test_one_document_registered_as_every_item_counts_once(tmp_path: Path) -> None:
    """A 6-byte file registered as all thirteen items cannot meet requirements that need several documents."""
    pack = copy("fenland-water", tmp_path)
    _register_bytes(pack, lambda _: b"proof\n", one_file=True)
    assert decision(pack) == "fail"


def test_copies_of_one_document_under_several_paths_count_once(tmp_path: Path) -> None:
    """Identical content under different names is one document: the second copy is not counted."""
    pack = copy("fenland-water", tmp_path)
    _register_bytes(pack, lambda _: b"the same words in every file\n")
    result = api.check(pack, as_of=dt.date.fromisoformat(AS_OF))
    reasons = [u.reason for o in result.outcomes for r in o.requirements for u in r.evidence if not u.counted]
    assert result.decision == "fail"
    assert any("same content as " in r for r in reasons)


def test_a_locator_lets_one_document_support_many_outcomes_without_a_warning(tmp_path: Path) -> None:
    """Citing a section silences the audit's warning about a document cited for many outcomes."""
    pack = copy("severn-highways", tmp_path)
    before = run("audit", str(pack), "--as-of", "2026-11-10").stdout
    assert "2026-06-30-alliance-management-system-manual.md is cited for 25 outcomes" in before

    manual: list[str] = []
    edit(
        pack,
        "register.yml",
        lambda r: manual.extend(i["id"] for i in r["evidence"] if i["path"].endswith("management-system-manual.md")),
    )

    def locate(c: dict[str, Any]) -> None:
        for entry in c["claims"]:
            entry["evidence"] = [
                {"id": e, "locator": f"section for {entry['outcome']}"} if e == manual[0] else e
                for e in entry.get("evidence", [])
            ]

    edit(pack, "claims.yml", locate)
    after = run("audit", str(pack), "--as-of", "2026-11-10").stdout
    assert "2026-06-30-alliance-management-system-manual.md is cited for" not in after


# --- 7. absurd numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f["surveys"][0].update(score=500), "score 500 is above the scale's maximum of 5"),
        (lambda f: f["targets"]["capital_cost"].update(target=-1e308), "-1e+308"),
        (
            lambda f: f["milestones"]["procurement_start"].update(date="9999-12-31"),
            "'9999-12-31' is outside the dates",
        ),
    ],
)
def test_absurd_numbers_and_dates_are_refused(change: Edit, message: str, tmp_path: Path) -> None:
    """A score above its scale, a target of -1e308 and a date in 9999 are located validation errors."""
    pack = copy("severn-highways", tmp_path)
    edit(pack, "facts.yml", change)
    result = run("validate", str(pack))
    assert result.exit_code == 3
    shown = result.stdout + result.stderr
    assert message in shown and "facts.yml:" in shown


# --- the ledger -------------------------------------------------------------------------------


def _record(pack: Path, ledger: Path, *extra: str) -> Result:
    return run(
        "record",
        str(pack),
        "--gate",
        "creating",
        "--decision",
        "pass",
        "--as-of",
        AS_OF,
        "--ledger",
        str(ledger),
        *extra,
    )


def test_verify_names_a_file_added_after_the_decision(tmp_path: Path) -> None:
    """A waivers.yml added after a recorded pass is named by `ledger verify --pack`, which exits 1."""
    pack = copy("fenland-water", tmp_path)
    ledger = tmp_path / "ledger.sqlite3"
    recorded = _record(pack, ledger, "--by", "Catherine Ashdown", "--role", "Sponsor")
    assert recorded.exit_code == 0, recorded.output
    assert run("ledger", "verify", "--pack", str(pack), "--ledger", str(ledger)).exit_code == 0
    (pack / "waivers.yml").write_text("schema_version: 1\nwaivers: []\n", encoding="utf-8")
    (pack / "documents" / "2026-06-02-all-staff-briefing.md").unlink()
    verified = run("ledger", "verify", "--pack", str(pack), "--ledger", str(ledger))
    assert verified.exit_code == 1
    assert "waivers.yml: added since the decision of row 1" in verified.stdout
    assert "documents/2026-06-02-all-staff-briefing.md: missing since the decision of row 1" in verified.stdout


@pytest.mark.parametrize(
    ("by", "role", "note", "message"),
    [
        ("A Stranger", "Sponsor", None, "--by 'A Stranger' is not declared in manifest.yml"),
        ("Helen Brightwell", "Sponsor", None, "--by Helen Brightwell did not hold the role Sponsor on 2026-11-01"),
        ("Helen Brightwell", "Alliance Manager", None, "--role 'Alliance Manager' cannot decide the creating gate"),
        ("Catherine Ashdown", "Sponsor", "\u200b", "--note contains invisible or control characters (U+200B"),
        ("Catherine Ashdown", "Sponsor", "   ", "--note has no visible character"),
        ("Catherine Ashdown\u202e", "Sponsor", None, "--by contains invisible or control characters (U+202E"),
    ],
)
def test_record_refuses_who_cannot_decide_and_notes_that_say_nothing(
    by: str, role: str, note: str | None, message: str, tmp_path: Path
) -> None:
    """Exit 2 with the reason, and no ledger written."""
    ledger = tmp_path / "ledger.sqlite3"
    result = _record(
        copy("fenland-water", tmp_path), ledger, "--by", by, "--role", role, *(["--note", note] if note else [])
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert not ledger.exists()


def test_a_body_holding_a_decider_role_can_record(tmp_path: Path) -> None:
    """The Client Board, declared as a body, records the creating decision in its role."""
    ledger = tmp_path / "ledger.sqlite3"
    result = _record(
        copy("fenland-water", tmp_path), ledger, "--by", "fenland water client board", "--role", "Client Board"
    )
    assert result.exit_code == 0, result.output
    assert "by Fenland Water Client Board (Client Board)" in result.stdout
    assert "quorum (all of Sponsor, Client Board): still to record the same decision: Sponsor" in result.stdout
    second = _record(
        copy("fenland-water", tmp_path / "again"), ledger, "--by", "catherine-ashdown", "--role", "Sponsor"
    )
    assert "quorum (all of Sponsor, Client Board): complete" in second.stdout
