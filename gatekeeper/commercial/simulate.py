"""Simulate a commercial model: each party's pain or gain at each outturn, caps applied, and where each earns a return.

Definitions (the reports and the checks use these and no others):

- performance `s` is a per cent of target cost, positive a saving, negative an overrun; the
  outturn cost is `target * (1 - s/100)` and the variance `target * s/100` (saving positive);
- the part of the variance in each band is shared by that band's shares; a partner's painshare
  stops at its cap and its gainshare is multiplied by the KPI modifier and stops at its gain cap;
- the client's residual is the variance less everything the partners take or bear, so the client
  bears any pain above a partner's cap; the parties' amounts always add up to the variance exactly;
- a partner's return is `fee + gainshare - painshare` (its earnings above its actual costs);
- the client's return is `baseline - (outturn + partners' gainshare - partners' painshare)`: what
  it saves against the established baseline once the partners are paid.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

from gatekeeper.commercial.model import (
    HUNDRED,
    MAX_SCENARIOS,
    CommercialModel,
    Party,
    exact,
)

# Thresholds are sought between a 100 % overrun (twice the target) and a 100 % saving (nothing spent).
DOMAIN: tuple[Fraction, Fraction] = (Fraction(-100), Fraction(100))

ZERO = Fraction(0)


@dataclass(frozen=True)
class PartyResult:
    """One party in one scenario. Amounts are signed: positive is gain (money received), negative pain."""

    party: str
    role: str
    amount: Fraction  # after caps and the KPI modifier; for the client, its residual
    share: Fraction | None  # amount as a per cent of the overrun or saving; None when there is none
    uncapped: Fraction  # the bands' share alone, before any cap or modifier
    cap_applied: bool  # a painshare or gainshare cap cut the amount
    fee_paid: Fraction  # partner: the fee actually paid (an at-risk fee absorbs painshare first)
    net_return: Fraction  # partner: fee + amount; client: saving against the baseline


@dataclass(frozen=True)
class Scenario:
    """One outturn: the cost, the variance, and every party's part of it (model's party order)."""

    saving_percent: Fraction
    outturn: Fraction
    variance: Fraction
    results: tuple[PartyResult, ...]

    def result(self, party: str) -> PartyResult:
        return next(r for r in self.results if r.party == party)

    @property
    def client_residual(self) -> Fraction:
        return next(r.amount for r in self.results if r.role == "client")


@dataclass(frozen=True)
class CapPoint:
    """Where a partner's cap starts to bite, if it ever does."""

    party: str
    kind: str  # "painshare" | "gainshare"
    money: Fraction
    reached_at: Fraction | None  # performance (per cent) at which the cap is first reached; None: never


@dataclass(frozen=True)
class ReturnThreshold:
    """The stretches of performance (within DOMAIN) over which a party's return is positive."""

    party: str
    positive: tuple[tuple[Fraction, Fraction], ...]

    @property
    def starts(self) -> tuple[Fraction, ...]:
        """Where the party starts generating a return, moving from overrun towards saving."""
        return tuple(low for low, _ in self.positive if low > DOMAIN[0])

    @property
    def stops(self) -> tuple[Fraction, ...]:
        """Where the party stops generating a return, moving from overrun towards saving."""
        return tuple(high for _, high in self.positive if high < DOMAIN[1])

    @property
    def breakeven(self) -> Fraction | None:
        """The largest overrun (lowest performance) at which the party generates a return; None: never."""
        return self.positive[0][0] if self.positive else None


@dataclass(frozen=True)
class Simulation:
    """The model run across a range of outturns, with its thresholds and cap points."""

    model: CommercialModel
    start: Fraction
    stop: Fraction
    step: Fraction
    modifier: Fraction  # the KPI modifier assumed, per cent
    scenarios: tuple[Scenario, ...]
    thresholds: tuple[ReturnThreshold, ...]
    caps: tuple[CapPoint, ...]

    def threshold(self, party: str) -> ReturnThreshold:
        return next(t for t in self.thresholds if t.party == party)


def _overlap(low: Fraction, high: Fraction, lower: Fraction | None, upper: Fraction | None) -> Fraction:
    start = low if lower is None else max(low, lower)
    end = high if upper is None else min(high, upper)
    return max(ZERO, end - start)


def banded(model: CommercialModel, party: str, s: Fraction) -> Fraction:
    """The party's share of the variance at `s` from the bands alone (signed: gain +, pain -)."""
    low, high = (ZERO, s) if s >= 0 else (s, ZERO)
    weighted = sum(
        (band.share(party) * _overlap(low, high, band.lower, band.upper) for band in model.bands),
        ZERO,
    )
    magnitude = model.target_cost * weighted / HUNDRED / HUNDRED
    return magnitude if s >= 0 else -magnitude


def partner_amount(model: CommercialModel, partner: Party, s: Fraction, modifier: Fraction) -> tuple[Fraction, bool]:
    """A partner's pain (negative) or gain (positive) at `s`, and whether a cap cut it."""
    raw = banded(model, partner.id, s)
    if raw < 0:
        cap = partner.pain_cap_money()
        if cap is not None and -raw > cap:
            return -cap, True
        return raw, False
    gain = raw * modifier / HUNDRED
    cap = partner.gain_cap_money()
    if cap is not None and gain > cap:
        return cap, True
    return gain, False


def scenario(model: CommercialModel, s: Fraction, *, modifier: Fraction | None = None) -> Scenario:
    """Every party's part of the variance at performance `s` (per cent of target, saving positive)."""
    m = model.assumed_modifier if modifier is None else modifier
    variance = model.target_cost * s / HUNDRED
    outturn = model.target_cost - variance
    partner_results: dict[str, PartyResult] = {}
    for partner in model.partners:
        amount, capped = partner_amount(model, partner, s, m)
        fee = partner.fee_amount
        pain = -amount if amount < 0 else ZERO
        at_risk = partner.fee is not None and partner.fee.treatment == "at_risk"
        partner_results[partner.id] = PartyResult(
            party=partner.id,
            role="partner",
            amount=amount,
            share=None if variance == 0 else amount / variance * HUNDRED,
            uncapped=banded(model, partner.id, s),
            cap_applied=capped,
            fee_paid=fee - min(pain, fee) if at_risk else fee,
            net_return=fee + amount,
        )
    taken = sum((r.amount for r in partner_results.values()), ZERO)
    residual = variance - taken
    client = model.client
    results = []
    for party in model.parties:
        if party.role == "partner":
            results.append(partner_results[party.id])
            continue
        results.append(
            PartyResult(
                party=client.id,
                role="client",
                amount=residual,
                share=None if variance == 0 else residual / variance * HUNDRED,
                uncapped=banded(model, client.id, s),
                cap_applied=False,
                fee_paid=ZERO,
                net_return=model.baseline_cost - model.target_cost + residual,
            )
        )
    return Scenario(saving_percent=s, outturn=outturn, variance=variance, results=tuple(results))


def _band_edges(model: CommercialModel) -> list[Fraction]:
    edges = {b.lower for b in model.bands if b.lower is not None} | {
        b.upper for b in model.bands if b.upper is not None
    }
    return sorted(edges | {ZERO})


def reach_point(
    model: CommercialModel, partner: Party, level: Fraction, *, kind: str, modifier: Fraction
) -> Fraction | None:
    """The performance at which the partner's banded pain (kind 'painshare') or modified gain first reaches `level`.

    The banded amount is linear between band edges, so the point is found exactly; beyond the
    outermost edge the last band's slope continues. None when the amount never gets there.
    """
    factor = HUNDRED if kind == "painshare" else modifier
    if factor == 0:
        return None if level > 0 else ZERO
    edges = _band_edges(model)
    # Walk away from 0 on the side in question; the magnitude grows (or stays) along the way.
    outward = [e for e in reversed(edges) if e < 0] if kind == "painshare" else [e for e in edges if e > 0]
    if kind == "gainshare":
        outward = [e for e in outward if e <= HUNDRED] + ([HUNDRED] if HUNDRED not in outward else [])

    def magnitude(s: Fraction) -> Fraction:
        return abs(banded(model, partner.id, s)) * factor / HUNDRED

    if level <= 0:
        return ZERO
    previous, previous_value = ZERO, ZERO
    for edge in outward:
        value = magnitude(edge)
        if value >= level:
            return previous + (edge - previous) * (level - previous_value) / (value - previous_value)
        previous, previous_value = edge, value
    if kind == "gainshare":
        return None  # no saving beyond 100 %: the cap is never reached
    # Past the last edge the first band's share continues for every larger overrun.
    slope = model.target_cost * model.bands[0].share(partner.id) * factor / HUNDRED / HUNDRED / HUNDRED
    if slope == 0:
        return None
    return previous - (level - previous_value) / slope


def cap_points(model: CommercialModel, *, modifier: Fraction) -> tuple[CapPoint, ...]:
    """Where each partner's painshare and gainshare caps start to bite."""
    points = []
    for partner in model.partners:
        pain_cap = partner.pain_cap_money()
        if pain_cap is not None:
            where = reach_point(model, partner, pain_cap, kind="painshare", modifier=modifier)
            points.append(CapPoint(partner.id, "painshare", pain_cap, where))
        gain_cap = partner.gain_cap_money()
        if gain_cap is not None:
            where = reach_point(model, partner, gain_cap, kind="gainshare", modifier=modifier)
            points.append(CapPoint(partner.id, "gainshare", gain_cap, where))
    return tuple(points)


def _positive_stretches(points: list[Fraction], values: list[Fraction]) -> tuple[tuple[Fraction, Fraction], ...]:
    """Where a function, linear between `points`, is above zero, as merged (start, stop) stretches."""
    stretches: list[list[Fraction]] = []

    def add(low: Fraction, high: Fraction) -> None:
        if stretches and stretches[-1][1] == low:
            stretches[-1][1] = high
        elif high > low:
            stretches.append([low, high])

    for (a, b), (fa, fb) in zip(
        zip(points, points[1:], strict=False), zip(values, values[1:], strict=False), strict=False
    ):
        if fa > 0 and fb > 0:
            add(a, b)
        elif fa > 0 >= fb:
            add(a, a + (b - a) * fa / (fa - fb))
        elif fa <= 0 < fb:
            add(a + (b - a) * fa / (fa - fb), b)
    return tuple((low, high) for low, high in stretches)


def thresholds(model: CommercialModel, *, modifier: Fraction) -> tuple[ReturnThreshold, ...]:
    """For each party, the stretches of DOMAIN over which its return is positive, found exactly.

    Every return is linear between band edges and the points where caps bite, so evaluating at
    those points and solving inside each piece gives the exact crossings, independent of any grid.
    """
    low, high = DOMAIN
    points = {low, high, ZERO}
    points |= {e for e in _band_edges(model) if low < e < high}
    points |= {
        c.reached_at
        for c in cap_points(model, modifier=modifier)
        if c.reached_at is not None and low < c.reached_at < high
    }
    ordered = sorted(points)
    runs = [scenario(model, s, modifier=modifier) for s in ordered]
    return tuple(
        ReturnThreshold(party.id, _positive_stretches(ordered, [run.result(party.id).net_return for run in runs]))
        for party in model.parties
    )


def grid(start: Fraction, stop: Fraction, step: Fraction) -> tuple[Fraction, ...]:
    """start, start + step, ... up to stop; refuses ranges that are empty, backwards or too fine."""
    if step <= 0:
        raise ValueError("the step must be above 0")
    if start >= stop:
        raise ValueError(f"the range must run upwards (from {start} to {stop})")
    if stop > HUNDRED:
        raise ValueError("a saving cannot exceed 100 % of target (the outturn would be below nothing)")
    count = int((stop - start) / step) + 1
    if count > MAX_SCENARIOS:
        raise ValueError(f"{count} scenarios: at most {MAX_SCENARIOS} (use a larger step)")
    return tuple(start + k * step for k in range(count))


def simulate(
    model: CommercialModel,
    *,
    start: float | Fraction | None = None,
    stop: float | Fraction | None = None,
    step: float | Fraction | None = None,
    modifier: float | Fraction | None = None,
) -> Simulation:
    """Run the model at every step from `start` to `stop` (per cent of target, saving positive).

    Each of start, stop and step left as None comes from the range the model states for itself,
    which is Figure 3.4's -60 to 60 in steps of 5 unless commercial.yml says otherwise. `modifier`
    is the KPI modifier to assume (per cent); by default the model's assumed one.
    Raises ValueError for an empty, backwards or over-fine range, or a saving above 100 %.
    """
    own = model.simulation
    first = own.start if start is None else exact(start)
    last = own.stop if stop is None else exact(stop)
    size = own.step if step is None else exact(step)
    m = model.assumed_modifier if modifier is None else exact(modifier)
    if m < 0:
        raise ValueError("the KPI modifier cannot be negative")
    return _simulate(model, first, last, size, m)


@functools.lru_cache(maxsize=16)
def _simulate(model: CommercialModel, first: Fraction, last: Fraction, size: Fraction, m: Fraction) -> Simulation:
    # A gate evaluation simulates the same model for its checks and for its chart: do it once.
    return Simulation(
        model=model,
        start=first,
        stop=last,
        step=size,
        modifier=m,
        scenarios=tuple(scenario(model, s, modifier=m) for s in grid(first, last, size)),
        thresholds=thresholds(model, modifier=m),
        caps=cap_points(model, modifier=m),
    )
