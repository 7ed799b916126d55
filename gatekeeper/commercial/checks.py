"""The commercial checks that rules name with `kind: commercial`: properties of the model, computed by simulating it.

Each check answers one question the Code of Practice asks of a commercial model (Figure 3.4,
section 3.4 and Table 4.1), in words a sponsor can read, with the numbers behind the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from gatekeeper.commercial.model import (
    HUNDRED,
    Band,
    CommercialModel,
    Party,
    fmt_money,
    fmt_number,
)
from gatekeeper.commercial.simulate import DOMAIN, ZERO, cap_points, scenario, simulate


@dataclass(frozen=True)
class CheckResult:
    """The answer to one check: whether it holds, why in one or two sentences, and the numbers behind it."""

    passed: bool
    summary: str
    numbers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Check:
    """A named property of a commercial model."""

    title: str
    run: Callable[[CommercialModel], CheckResult]


def performance(s: Fraction) -> str:
    """A performance figure in words: 'an overrun of 20 %', 'a saving of 5 %', 'target'."""
    if s < 0:
        return f"an overrun of {fmt_number(-s)} %"
    if s > 0:
        return f"a saving of {fmt_number(s)} %"
    return "target"


def money(model: CommercialModel, value: Fraction) -> str:
    return f"{model.currency} {fmt_money(value)}"


def band_label(band: Band) -> str:
    """A band in words, e.g. 'overrun beyond 20 %', '-20 to 0 %', 'saving beyond 20 %'."""
    if band.lower is None and band.upper is None:
        return "every outturn"
    if band.lower is None and band.upper is not None and band.upper <= 0:
        return "any overrun" if band.upper == 0 else f"overrun beyond {fmt_number(-band.upper)} %"
    if band.upper is None and band.lower is not None and band.lower >= 0:
        return "any saving" if band.lower == 0 else f"saving beyond {fmt_number(band.lower)} %"
    low = "any overrun" if band.lower is None else f"{fmt_number(band.lower)} %"
    high = "any saving" if band.upper is None else f"{fmt_number(band.upper)} %"
    return f"{low} to {high}"


def partners_share(model: CommercialModel, band: Band) -> Fraction:
    return sum((band.share(p.id) for p in model.partners), ZERO)


def _range_words(model: CommercialModel) -> str:
    sim = model.simulation
    return f"{fmt_number(sim.start)} % to {fmt_number(sim.stop)} % in steps of {fmt_number(sim.step)}"


def scenarios_cover_cap(model: CommercialModel) -> CheckResult:
    """Figure 3.4 shows where the partner risk cap bites; the simulated range must reach it for each partner."""
    start = model.simulation.start
    numbers: list[tuple[str, str]] = [
        ("simulated range (per cent of target; negative is overrun)", _range_words(model))
    ]
    outside: list[str] = []
    capped = 0
    for point in cap_points(model, modifier=model.assumed_modifier):
        if point.kind != "painshare":
            continue
        capped += 1
        name = _name(model, point.party)
        if point.reached_at is None:
            numbers.append(
                (
                    f"painshare cap of {name}",
                    f"{money(model, point.money)}, never reached: the bands stop its painshare short of it",
                )
            )
        else:
            numbers.append(
                (f"painshare cap of {name}", f"{money(model, point.money)}, reached at {performance(point.reached_at)}")
            )
            if point.reached_at < start:
                outside.append(f"{name} (reached at {performance(point.reached_at)})")
    if capped == 0:
        return CheckResult(
            False,
            "No partner has a cap on painshare, so no simulated range can show where the cap bites.",
            tuple(numbers),
        )
    if outside:
        return CheckResult(
            False,
            f"The simulation starts at {performance(start)}, short of where the cap bites for "
            + ", ".join(outside)
            + ": widen the range so the sponsor sees the whole painshare curve.",
            tuple(numbers),
        )
    return CheckResult(
        True, f"The simulated range ({_range_words(model)}) reaches every partner's painshare cap.", tuple(numbers)
    )


def _name(model: CommercialModel, party_id: str) -> str:
    return next(p.name for p in model.parties if p.id == party_id)


def every_party_has_return_threshold(model: CommercialModel) -> CheckResult:
    """Code 3.4: 'clear thresholds at which all parties generate a return', within the simulated range."""
    sim = simulate(model)
    numbers: list[tuple[str, str]] = []
    without: list[str] = []
    for party in model.parties:
        threshold = sim.threshold(party.id)
        inside = [(low, high) for low, high in threshold.positive if high > sim.start and low < sim.stop]
        numbers.append((f"return of {party.name}", return_words(threshold.positive)))
        if not inside:
            without.append(party.name)
    numbers.append(("simulated range", _range_words(model)))
    if without:
        return CheckResult(
            False,
            "No outturn in the simulated range gives "
            + ", ".join(without)
            + " a return (for a partner: fee plus gainshare less painshare; for the client: its saving against the baseline).",
            tuple(numbers),
        )
    return CheckResult(True, "Every party has a threshold beyond which it generates a return.", tuple(numbers))


def return_words(stretches: tuple[tuple[Fraction, Fraction], ...]) -> str:
    """Where a party's return is positive, in words, e.g. 'positive from an overrun of 20 %, at every better outturn'."""
    low_end, high_end = DOMAIN
    if not stretches:
        return f"never positive between {performance(low_end)} and {performance(high_end)}"
    parts = []
    for low, high in stretches:
        if low == low_end and high == high_end:
            parts.append(f"positive at every outturn from {performance(low_end)} to {performance(high_end)}")
            continue
        begin = f"from {performance(low)}" if low > low_end else f"from {performance(low_end)} or worse"
        end = f"until {performance(high)}" if high < high_end else "at every better outturn"
        parts.append(f"positive {begin}, {end}")
    return "; ".join(parts)


def variable_shares_bounded_gain(model: CommercialModel) -> CheckResult:
    """Code 3.4: 'variable pain/gain arrangements ... to avoid the perceived risk of "super" profits'."""
    numbers: list[tuple[str, str]] = [
        (f"partners' share, {band_label(band)}", f"{fmt_number(partners_share(model, band))} %") for band in model.bands
    ]
    kpi = model.kpi_modifier
    numbers.append(
        ("KPI modifier of gain", "none" if kpi is None else f"{fmt_number(kpi.min)} % to {fmt_number(kpi.max)} %")
    )
    varies_by_band = len({partners_share(model, band) for band in model.bands}) > 1
    varies_by_kpi = kpi is not None and kpi.min < kpi.max
    last = model.bands[-1]
    top_share = partners_share(model, last)
    unbounded = [p for p in model.partners if p.gainshare_cap is None and last.share(p.id) > 0]
    for partner in model.partners:
        cap = partner.gain_cap_money()
        numbers.append((f"gainshare cap of {partner.name}", "none" if cap is None else money(model, cap)))
    failures = []
    if not (varies_by_band or varies_by_kpi):
        failures.append(
            f"the partners take the same {fmt_number(top_share)} % in every band and no KPI modifier changes it, "
            "so the split does not vary with performance"
        )
    if unbounded:
        failures.append(
            "the gain of "
            + ", ".join(p.name for p in unbounded)
            + f" keeps growing with the saving (the last band, {band_label(last)}, still gives the partners {fmt_number(top_share)} %) "
            "with no gainshare cap, which is the 'super profit' the Code warns against"
        )
    if failures:
        return CheckResult(False, "Not a variable, bounded arrangement: " + "; ".join(failures) + ".", tuple(numbers))
    how = " and ".join(
        part
        for part in (
            "the partners' share changes from band to band" if varies_by_band else "",
            "a KPI modifier scales the gain" if varies_by_kpi else "",
        )
        if part
    )
    return CheckResult(
        True, f"Shares vary with performance ({how}) and every partner's gain is bounded.", tuple(numbers)
    )


def self_financing(model: CommercialModel) -> CheckResult:
    """Code 3.4: incentives are 'generated by outperforming an established baseline' or the business plan's affordability."""
    high = model.max_modifier
    numbers: list[tuple[str, str]] = [
        ("baseline cost", money(model, model.baseline_cost)),
        ("target cost", money(model, model.target_cost)),
        ("highest KPI modifier of gain", f"{fmt_number(high)} %"),
    ]
    # Over savings the client's residual is linear between band edges and cap points and starts
    # from 0 on target, so its share of the saving is lowest at one of those points.
    points = {HUNDRED} | {e for b in model.bands for e in (b.lower, b.upper) if e is not None and 0 < e < HUNDRED}
    points |= {
        c.reached_at
        for c in cap_points(model, modifier=high)
        if c.reached_at is not None and 0 < c.reached_at < HUNDRED
    }
    runs = [scenario(model, s, modifier=high) for s in sorted(points)]
    worst = min(runs, key=lambda run: (run.client_residual / run.variance, run.saving_percent))
    numbers.append(
        (
            "client's smallest part of a saving, at the highest modifier",
            f"{fmt_number(worst.client_residual / worst.variance * HUNDRED)} % "
            f"({money(model, worst.client_residual)} at {performance(worst.saving_percent)})",
        )
    )
    failures = []
    if model.target_cost > model.baseline_cost:
        failures.append(
            f"the target ({money(model, model.target_cost)}) is above the baseline ({money(model, model.baseline_cost)}), "
            "so gain is paid on outturns that do not outperform the baseline"
        )
    if worst.client_residual < 0:
        failures.append(
            f"at {performance(worst.saving_percent)} and a KPI modifier of {fmt_number(high)} % the partners' gain exceeds the saving "
            f"by {money(model, -worst.client_residual)}, which the client pays from elsewhere"
        )
    if failures:
        return CheckResult(False, "Not self-financing: " + "; ".join(failures) + ".", tuple(numbers))
    return CheckResult(
        True,
        "Gain is paid only out of outperformance: the target does not exceed the baseline and the partners' gain "
        "never exceeds the saving, even at the highest KPI modifier.",
        tuple(numbers),
    )


def _cap_terms(partner: Party, cap_money: Fraction | None) -> tuple[str, ...]:
    """A cap as comparable terms: a per cent of fee when there is a fee, else the money itself."""
    if cap_money is None:
        return ("none",)
    if partner.fee_amount > 0:
        return ("percent_of_fee", fmt_number(cap_money / partner.fee_amount * HUNDRED))
    return ("money", fmt_money(cap_money))


def _stakes(model: CommercialModel, partner: Party) -> tuple[str, ...]:
    """The partner's part of the partners' combined share, band by band (bands where partners take nothing skipped)."""
    return tuple(
        fmt_number(band.share(partner.id) / partners_share(model, band) * HUNDRED)
        for band in model.bands
        if partners_share(model, band) > 0
    )


def same_mechanism_for_all_partners(model: CommercialModel) -> CheckResult:
    """Code 3.4: 'The relationship between partner and client is contractually the same for all parties'."""
    numbers: list[tuple[str, str]] = []
    terms: dict[str, dict[str, tuple[str, ...]]] = {}
    for partner in model.partners:
        fee = partner.fee
        pain = _cap_terms(partner, partner.pain_cap_money())
        gain = _cap_terms(partner, partner.gain_cap_money())
        stakes = _stakes(model, partner)
        terms[partner.id] = {
            "fee treatment": (fee.treatment if fee is not None else "none",),
            "painshare cap": pain,
            "gainshare cap": gain,
            "stake": ("varies",) if len(set(stakes)) > 1 else ("constant",),
        }
        numbers.append(
            (
                partner.name,
                f"fee {'at risk' if fee is not None and fee.treatment == 'at_risk' else 'protected'}; "
                f"painshare cap {_cap_words(pain)}; gainshare cap {_cap_words(gain)}; "
                f"share of the partners' part {_stake_words(stakes)}",
            )
        )
    different = [
        aspect
        for aspect in ("fee treatment", "painshare cap", "gainshare cap")
        if len({terms[p.id][aspect] for p in model.partners}) > 1
    ]
    if any(terms[p.id]["stake"][0] == "varies" for p in model.partners):
        different.append("their part of the partners' share, which changes from band to band")
    if different:
        return CheckResult(
            False,
            "The partners are not under the same mechanism: they differ in "
            + ", ".join(different)
            + ". The Code asks that the relationship between partner and client be contractually the same for all.",
            tuple(numbers),
        )
    return CheckResult(
        True,
        "Every partner is under the same mechanism: the same fee treatment, caps in the same proportion to fee, "
        "and each partner's part of the partners' share the same in every band.",
        tuple(numbers),
    )


def _cap_words(terms: tuple[str, ...]) -> str:
    if terms[0] == "none":
        return "none"
    if terms[0] == "percent_of_fee":
        return f"{terms[1]} % of fee"
    return f"{terms[1]} with no fee"


def _stake_words(stakes: tuple[str, ...]) -> str:
    if not stakes:
        return "none in any band"
    if len(set(stakes)) == 1:
        return f"{stakes[0]} % in every band"
    return " / ".join(f"{s} %" for s in stakes) + " by band"


def downside_capped(model: CommercialModel) -> CheckResult:
    """Figure 3.4: a partner risk cap, beyond which the client bears the overrun."""
    numbers: list[tuple[str, str]] = []
    uncapped: list[str] = []
    reach = {c.party: c.reached_at for c in cap_points(model, modifier=model.assumed_modifier) if c.kind == "painshare"}
    for partner in model.partners:
        cap = partner.pain_cap_money()
        if cap is None:
            uncapped.append(partner.name)
            numbers.append((f"painshare cap of {partner.name}", "none: its painshare grows with every overrun"))
            continue
        where = reach.get(partner.id)
        share_of_fee = (
            f" ({fmt_number(cap / partner.fee_amount * HUNDRED)} % of its fee)" if partner.fee_amount > 0 else ""
        )
        at = "never reached" if where is None else f"reached at {performance(where)}"
        numbers.append((f"painshare cap of {partner.name}", f"{money(model, cap)}{share_of_fee}, {at}"))
    if uncapped:
        return CheckResult(
            False,
            "The downside of " + ", ".join(uncapped) + " is not capped: its painshare grows with every overrun, "
            "where Figure 3.4 caps each partner's risk and leaves the rest to the client.",
            tuple(numbers),
        )
    return CheckResult(
        True, "Every partner's painshare is capped; beyond the cap the client bears the overrun.", tuple(numbers)
    )


# What "all costs" must include, in the Code's words (3.4): "including client and overhead costs".
ALL_COSTS = ("client", "overhead")
_COST_WORDS = {
    "partner": "the partners' costs",
    "client": "the client's costs",
    "overhead": "overhead costs",
    "supply_chain": "the supply chain's costs",
}


def covers_all_costs(model: CommercialModel) -> CheckResult:
    """Code 3.4 and Table 3.1: "Alliances work most effectively when the commercial model covers all costs,
    including client and overhead costs": a model over the partners' costs alone leaves the client's own
    costs outside the shared target, where nobody is rewarded for reducing them."""
    scope = ", ".join(_COST_WORDS[c] for c in model.cost_scope) or "not stated"
    numbers = (("costs the target covers", scope),)
    lacking = [c for c in ALL_COSTS if c not in model.cost_scope]
    if not model.cost_scope:
        return CheckResult(False, "commercial.yml does not state what costs the target covers (`cost_scope`).", numbers)
    if lacking:
        return CheckResult(
            False,
            "The target does not cover " + " or ".join(_COST_WORDS[c] for c in lacking) + f" (it covers {scope}).",
            numbers,
        )
    return CheckResult(True, f"The target covers all costs, including client and overhead costs ({scope}).", numbers)


# The registry rules refer to by name (`kind: commercial`, `check: <name>`); a dict literal so the
# list of checks is one place, read by the rule pack's validation and by `gatekeeper explain`.
CHECKS: dict[str, Check] = {
    "scenarios_cover_cap": Check(
        title="The model has been simulated across a range wide enough to show where each partner's cap bites",
        run=scenarios_cover_cap,
    ),
    "every_party_has_return_threshold": Check(
        title="Every party has a threshold at which it generates a return",
        run=every_party_has_return_threshold,
    ),
    "variable_shares_bounded_gain": Check(
        title="Shares vary with performance and the partners' gain is bounded",
        run=variable_shares_bounded_gain,
    ),
    "self_financing": Check(
        title="Gain is paid only out of outperformance of the baseline or target (self-financing)",
        run=self_financing,
    ),
    "same_mechanism_for_all_partners": Check(
        title="Every partner is under the same mechanism",
        run=same_mechanism_for_all_partners,
    ),
    "downside_capped": Check(
        title="Each partner's downside is capped",
        run=downside_capped,
    ),
    "covers_all_costs": Check(
        title="The commercial model covers all costs, including client and overhead costs",
        run=covers_all_costs,
    ),
}
