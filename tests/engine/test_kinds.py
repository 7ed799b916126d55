"""The requirement kinds: one registry, one protocol, and one judgement shared by the gate, the audit and the portfolio."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from gatekeeper import api
from gatekeeper.audit import audit
from gatekeeper.evaluation import engine
from gatekeeper.evaluation.kinds import KINDS, Context, RequirementKind, evidence
from gatekeeper.evaluation.waivers import current_waiver
from gatekeeper.loading.evidence import load_pack
from gatekeeper.model import Approval, EvidenceItem, EvidencePack, Person, Requirement, RoleHeld, Source, Waiver
from gatekeeper.result import ConditionState, Decision, Status, Verdict

from .conftest import AS_OF, claim, item

MEMBERS = sorted({*RequirementKind.__annotations__, *(n for n in vars(RequirementKind) if not n.startswith("_"))})


def test_the_protocol_names_every_step_of_a_kind() -> None:
    """What a kind provides: load checks, preparation, observations, rules, judging, words, audit, exhibits."""
    assert MEMBERS == [
        "ID",
        "audit_item",
        "check",
        "compile",
        "describe",
        "describe_items",
        "exhibits",
        "judge",
        "observations",
        "prepare",
    ]


@pytest.mark.parametrize("kind_id", list(KINDS))
def test_every_registered_kind_provides_the_whole_protocol_under_its_own_id(kind_id: str) -> None:
    """Each registry row is a module whose ID is its key and which defines every member of RequirementKind."""
    kind = KINDS[kind_id]
    assert kind.ID == kind_id
    missing = [m for m in MEMBERS if m != "ID" and not callable(getattr(kind, m, None))]
    assert missing == []


def _pack_of(item: EvidenceItem, *roles: str) -> EvidencePack:
    """A pack that declares person P holding `roles` since 2000, and nothing else the evidence kind reads."""
    person = Person("p", "P", "org", tuple(RoleHeld(r, dt.date(2000, 1, 1), None) for r in roles), Source("m", 1, 1))
    return EvidencePack(
        root="pack",
        alliance_id="a",
        alliance_name="A",
        client="C",
        partners=(),
        phase="delivering",
        roster=(),
        assessors=(),
        assessment_date=dt.date(2026, 1, 1),
        owner=None,
        claims={},
        register={item.id: item},
        facts={},
        facts_source=Source("facts.yml"),
        waivers=(),
        conditions_gate=None,
        conditions=(),
        commercial=None,
        people={"p": person},
    )


def _item(date: dt.date, *approvals: tuple[str, dt.date]) -> EvidenceItem:
    return EvidenceItem(
        id="E1",
        title="Plan",
        kind="plan",
        path="documents/plan.md",
        sha256="0" * 64,
        date=date,
        owner="A",
        approvals=tuple(Approval("P", role, when, "p") for role, when in approvals),
        source=Source("register.yml", 3, 5),
        document_problem=None,
        actual_sha256=None,
    )


def test_evidence_freshness_is_one_judgement_for_the_gate_and_the_audit(maker, rules) -> None:
    """An item exactly max_age_days old counts as fresh for the gate and the audit; one day older is stale for both."""
    limit = rules.outcomes["DEL.INT.08"].requirements[0].spec["max_age_days"]
    for age, status, finding in ((limit, Status.MET, "evidence-expiring"), (limit + 1, Status.STALE, "evidence-stale")):

        def edit(files, _, age=age):
            item(files, claim(files, "DEL.INT.08")["evidence"][0])["date"] = str(AS_OF - dt.timedelta(days=age))

        root = maker.write(maker.pack("delivering"), edit)
        loaded = load_pack(root, rules)
        assert maker.evaluate("delivering", edit).outcome("DEL.INT.08").status == status
        ref = claim(maker.pack("delivering").files, "DEL.INT.08")["evidence"][0]
        found = [f for f in audit(rules, loaded, as_of=AS_OF).findings if f.outcome == "DEL.INT.08" and f.item == ref]
        assert [f.category for f in found] == [finding], age


def test_the_evidence_kind_names_the_last_fresh_day_and_the_approvals_in_force() -> None:
    """fresh_until is the item's date plus max_age_days; an approval dated after the as-of date does not count."""
    spec = {"kind": "evidence", "of": ["plan"], "max_age_days": 30, "approved_by": ["Sponsor"]}
    plan = _item(dt.date(2026, 1, 1), ("Sponsor", dt.date(2026, 3, 1)), ("Engineer", dt.date(2026, 1, 2)))
    assert evidence.fresh_until(spec, plan) == dt.date(2026, 1, 31)
    assert evidence.fresh_until({"kind": "evidence", "of": ["plan"]}, plan) is None
    pack = _pack_of(plan, "Sponsor", "Engineer")
    assert not evidence.approved(spec, plan, dt.date(2026, 2, 1), pack, None)
    assert evidence.approved(spec, plan, dt.date(2026, 3, 1), pack, None)
    assert not evidence.approved(spec, plan, dt.date(2026, 3, 1), _pack_of(plan, "Engineer"), None)
    assert not evidence.approved(spec, plan, dt.date(2026, 3, 1), pack, "p")  # P assessed the claim
    req = Requirement(outcome="DEL.INT.08", index=1, kind="evidence", spec=spec)
    found = list(
        evidence.audit_item(req, plan, as_of=dt.date(2026, 2, 1), horizon=dt.date(2026, 3, 1), pack=pack, claim=None)
    )
    assert [(f.category, f.message) for f in found] == [
        (
            "evidence-stale",
            "E1 cited for DEL.INT.08 is dated 2026-01-01, 31 days old at 2026-02-01; DEL.INT.08#1 allows 30 days",
        ),
        ("wrong-approver", "E1 cited for DEL.INT.08 is approved by P (Engineer); DEL.INT.08#1 accepts only Sponsor"),
    ]


def test_the_current_waiver_is_the_last_granted_and_of_one_day_the_last_to_expire() -> None:
    """The gate and the audit judge the same waiver: latest grant, then latest expiry; other outcomes' waivers ignored."""

    def waiver(outcome: str, granted: str, expires: str) -> Waiver:
        return Waiver(
            outcome,
            "because",
            "Dana",
            "Sponsor",
            dt.date.fromisoformat(granted),
            dt.date.fromisoformat(expires),
            Source("waivers.yml"),
        )

    waivers = [
        waiver("A", "2026-01-01", "2026-12-31"),
        waiver("A", "2026-02-01", "2026-03-01"),
        waiver("A", "2026-02-01", "2026-04-01"),
        waiver("B", "2026-05-01", "2026-06-01"),
    ]
    assert current_waiver(waivers, "A") == waivers[2]
    assert current_waiver(waivers, "C") is None


def test_two_kinds_observing_one_facts_path_give_the_engine_one_observation(rules, maker) -> None:
    """An evidence `before` date and a fact requirement on the same path share one observation in a ruleset."""
    pack = load_pack(maker.write(maker.pack("deciding")), rules).pack
    before = Requirement(
        "X", 1, "evidence", {"kind": "evidence", "of": ["plan"], "before": "milestones.procurement_start.date"}
    )
    fact = Requirement(
        "X", 2, "fact", {"kind": "fact", "path": "milestones.procurement_start.date", "expect": "present"}
    )
    ruleset = engine.Ruleset("r", 0, ("X",), {"evidence": (before,), "fact": (fact,)}, 0)
    ctx = Context(pack=pack, as_of=AS_OF, checklists=rules.checklists, prepared={})
    dated = [o for o in engine.observe(ruleset, ctx) if o["t"] == "fact"]
    assert len(dated) == 1 and dated[0]["path"] == "milestones.procurement_start.date" and dated[0]["date_ord"] > 0


def test_statuses_are_types_that_serialise_as_their_words() -> None:
    """Status, Verdict, Decision and ConditionState compare and print as the strings every format already shows."""
    assert json.dumps([Status.NOT_MET, Verdict.SATISFIED, Decision.PASS, ConditionState.OVERDUE]) == (
        '["not_met", "satisfied", "pass", "overdue"]'
    )
    assert f"{Status.NOT_APPLICABLE:<16}|" == "not_applicable  |" and Status("met") is Status.MET


def test_a_text_check_draws_no_chart_and_the_result_carries_the_simulation() -> None:
    """Evaluation holds the commercial simulation as data; only the HTML reporter imports the chart code."""
    code = (
        "import datetime as dt, sys; from pathlib import Path; from gatekeeper import api; "
        "from gatekeeper.reporters import render, RenderOptions; "
        "r = api.check(Path('examples/northgate-rail'), as_of=dt.date(2026, 11, 1)); "
        "render(r, 'text', options=RenderOptions(color=False)); "
        "print(type(r.commercial_simulation).__name__, 'gatekeeper.commercial.chart' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=api.__file__.rsplit("/gatekeeper/", 1)[0],
    )
    assert out.stdout == "Simulation False\n"


def _joins(condition: object, aliases: set[str]) -> list[tuple[str, str]]:
    """(operator, field) of every comparison in a pattern whose value refers to another pattern's field."""
    found: list[tuple[str, str]] = []
    if isinstance(condition, dict):
        for key, value in condition.items():
            if key in ("$and", "$or"):
                for part in value:
                    found += _joins(part, aliases)
            elif key.startswith("$") and isinstance(value, dict):
                for field, operand in value.items():
                    if isinstance(operand, dict) and set(operand) <= aliases:
                        found.append((key, field))
            elif isinstance(value, dict) and set(value) <= aliases:
                found.append(("$eq", key))
    return found


def test_no_compiled_rule_compares_two_patterns_except_for_equality(rules) -> None:
    """Every rule of the pack, as compiled, joins patterns only on equality: the engine's `<`/`>=` joins crash it.

    jruizgit/rules#381: two rules whose joins on one field differ in operator (`>` in one, `<` in the
    next) make `assert_facts` read memory it does not own: SIGSEGV every time on 3.11 and 3.13 here,
    depending on memory layout elsewhere. Milestone windows are therefore judged into a yes/no of the
    item's own (`evidence.on_time`), never compared in the engine.
    """
    ids = sorted(o for o in rules.outcomes)
    compiled = engine.compile_pack(rules, ids)
    unequal = []
    definitions = [KINDS[r.kind].compile(r) for o in ids for r in rules.outcomes[o].requirements]
    for definition in definitions:
        for name, rule in definition.items():
            aliases = {alias for pattern in rule["all"] for alias in pattern}
            for pattern in rule["all"]:
                for condition in pattern.values():
                    unequal += [(name, op, f) for op, f in _joins(condition, aliases) if op != "$eq"]
    assert compiled.rulesets and unequal == []
