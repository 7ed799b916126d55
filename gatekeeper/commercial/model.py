"""The commercial model of an alliance (commercial.yml) as frozen records, and the rules a schema cannot state.

Performance against target is one signed axis, in per cent of the target cost: positive is a cost
saving (outturn below target), negative a cost overrun. Figure 3.4 draws it the same way, overrun
to the left and saving to the right, so the data and the chart never disagree about a sign.

Every number is held as an exact `Fraction` (read from the YAML through its decimal text), so
shares add up exactly and every report is byte-stable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

JsonPath = tuple[str | int, ...]

HUNDRED = Fraction(100)
DEFAULT_START = Fraction(-60)
DEFAULT_STOP = Fraction(60)
DEFAULT_STEP = Fraction(5)
# Enough for -100..100 in steps of 0.1; more would only make reports unreadable.
MAX_SCENARIOS = 2001


def exact(value: int | float | str | Decimal | Fraction) -> Fraction:
    """The number a person wrote, exactly: 0.1 becomes 1/10, not the binary float nearest to it."""
    if isinstance(value, bool):  # bool is an int; a true/false where a number belongs is a bug upstream
        raise TypeError("a boolean is not a number")
    if isinstance(value, (Fraction, int)):
        return Fraction(value)
    # repr of a float is the shortest text that reads back as it: the number as it was written.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"{value} is not a finite number")
    return Fraction(number)


@dataclass(frozen=True)
class Cap:
    """A cap on pain or gain, stated either as money or as a per cent of the partner's fee."""

    amount: Fraction | None = None
    percent_of_fee: Fraction | None = None

    def money(self, fee: Fraction) -> Fraction:
        """The cap in money for a partner whose fee is `fee`."""
        if self.amount is not None:
            return self.amount
        assert self.percent_of_fee is not None
        return fee * self.percent_of_fee / HUNDRED


@dataclass(frozen=True)
class Fee:
    """What a partner earns above its actual costs, and whether painshare comes out of it first."""

    amount: Fraction
    treatment: Literal["at_risk", "protected"]
    includes_overhead: bool = True


@dataclass(frozen=True)
class Party:
    """The client or one partner."""

    id: str
    name: str
    role: Literal["client", "partner"]
    fee: Fee | None = None
    painshare_cap: Cap | None = None
    gainshare_cap: Cap | None = None

    @property
    def fee_amount(self) -> Fraction:
        return self.fee.amount if self.fee is not None else Fraction(0)

    def pain_cap_money(self) -> Fraction | None:
        return None if self.painshare_cap is None else self.painshare_cap.money(self.fee_amount)

    def gain_cap_money(self) -> Fraction | None:
        return None if self.gainshare_cap is None else self.gainshare_cap.money(self.fee_amount)


@dataclass(frozen=True)
class Band:
    """A stretch of performance against target and how the part of the variance inside it is shared.

    `lower` None means the band reaches every larger overrun; `upper` None every larger saving.
    """

    lower: Fraction | None
    upper: Fraction | None
    shares: tuple[tuple[str, Fraction], ...]  # (party id, per cent), in the model's party order

    def share(self, party: str) -> Fraction:
        return dict(self.shares)[party]


@dataclass(frozen=True)
class KpiModifier:
    """A per cent the partners' gainshare is multiplied by, set by KPI performance, within bounds."""

    min: Fraction
    max: Fraction
    assumed: Fraction
    kpis: tuple[tuple[str, str], ...] = ()  # (id, description)


@dataclass(frozen=True)
class SimulationRange:
    """The performance range the alliance simulates the model across."""

    start: Fraction = DEFAULT_START
    stop: Fraction = DEFAULT_STOP
    step: Fraction = DEFAULT_STEP


@dataclass(frozen=True)
class CommercialModel:
    """One alliance's pain/gain arrangement, validated."""

    currency: str
    baseline_cost: Fraction
    target_cost: Fraction
    parties: tuple[Party, ...]
    bands: tuple[Band, ...]
    kpi_modifier: KpiModifier | None = None
    simulation: SimulationRange = SimulationRange()
    # The costs the baseline and target cover (partner, client, overhead, supply_chain); empty: not stated.
    cost_scope: tuple[str, ...] = ()

    @property
    def client(self) -> Party:
        return next(p for p in self.parties if p.role == "client")

    @property
    def partners(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.role == "partner")

    @property
    def assumed_modifier(self) -> Fraction:
        return HUNDRED if self.kpi_modifier is None else self.kpi_modifier.assumed

    @property
    def max_modifier(self) -> Fraction:
        return HUNDRED if self.kpi_modifier is None else self.kpi_modifier.max


def rounded(value: Fraction, places: int = 2) -> Decimal:
    """`value` rounded half away from zero to `places` decimals, exactly, however large or small.

    Decimal division and quantize work to the context's 28 digits and raise InvalidOperation
    beyond them (money of 1e26 to the penny needs 29); integer arithmetic has no such limit, so
    no number a model can produce, a cap as a per cent of a tiny fee included, breaks a report.
    """
    scaled = abs(value) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    # A negative value that rounds to zero keeps its sign (-0.00), as Decimal.quantize gives it.
    return Decimal((1 if value < 0 else 0, tuple(int(d) for d in str(whole)), -places))


def fmt_number(value: Fraction, places: int = 2) -> str:
    """A fixed-point rendering, rounded half away from zero, without a trailing '.00' or '-0'."""
    text = f"{rounded(value, places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_money(value: Fraction) -> str:
    """Money to the penny, with thousands separators: 1250000 -> '1,250,000.00'."""
    text = f"{rounded(value):,.2f}"
    return "0.00" if text == "-0.00" else text


def _cap(data: Mapping[str, Any] | None) -> Cap | None:
    if data is None:
        return None
    if "amount" in data:
        return Cap(amount=exact(data["amount"]))
    return Cap(percent_of_fee=exact(data["percent_of_fee"]))


def from_data(data: Mapping[str, Any]) -> CommercialModel:
    """Build the model from data that passed the schema and `semantic_problems` (it trusts both)."""
    parties = []
    for item in data["parties"]:
        fee = item.get("fee")
        parties.append(
            Party(
                id=item["id"],
                name=item["name"],
                role=item["role"],
                fee=None
                if fee is None
                else Fee(
                    amount=exact(fee["amount"]),
                    treatment=fee["treatment"],
                    includes_overhead=bool(fee.get("includes_overhead", True)),
                ),
                painshare_cap=_cap(item.get("painshare_cap")),
                gainshare_cap=_cap(item.get("gainshare_cap")),
            )
        )
    order = [p.id for p in parties]
    bands = tuple(
        Band(
            lower=None if "from" not in band else exact(band["from"]),
            upper=None if "to" not in band else exact(band["to"]),
            shares=tuple((pid, exact(band["shares"][pid])) for pid in order),
        )
        for band in data["bands"]
    )
    kpi = data.get("kpi_modifier")
    modifier = None
    if kpi is not None:
        low, high = exact(kpi["min"]), exact(kpi["max"])
        assumed = exact(kpi["assumed"]) if "assumed" in kpi else min(max(HUNDRED, low), high)
        modifier = KpiModifier(
            min=low,
            max=high,
            assumed=assumed,
            kpis=tuple((k["id"], k["description"]) for k in kpi.get("kpis", ())),
        )
    sim = data.get("simulation", {})
    simulation = SimulationRange(
        start=exact(sim.get("from", DEFAULT_START)),
        stop=exact(sim.get("to", DEFAULT_STOP)),
        step=exact(sim.get("step", DEFAULT_STEP)),
    )
    return CommercialModel(
        currency=data["currency"],
        baseline_cost=exact(data["baseline_cost"]),
        target_cost=exact(data["target_cost"]),
        parties=tuple(parties),
        bands=bands,
        kpi_modifier=modifier,
        simulation=simulation,
        cost_scope=tuple(data.get("cost_scope", ())),
    )


def _pct(value: Fraction) -> str:
    return f"{fmt_number(value)} %"


def _party_problems(parties: Sequence[Mapping[str, Any]]) -> list[tuple[JsonPath, str]]:
    problems: list[tuple[JsonPath, str]] = []
    seen: dict[str, int] = {}
    clients = []
    for index, party in enumerate(parties):
        pid = party["id"]
        if pid in seen:
            problems.append((("parties", index, "id"), f"party id {pid!r} is already used by parties[{seen[pid]}]"))
        else:
            seen[pid] = index
        if party["role"] == "client":
            clients.append(index)
            for key in ("fee", "painshare_cap", "gainshare_cap"):
                if key in party:
                    problems.append(
                        (
                            ("parties", index, key),
                            f"the client has no {key.replace('_', ' ')}: it keeps or bears whatever the partners do not",
                        )
                    )
        elif "fee" not in party:
            problems.append(
                (("parties", index), f"partner {pid!r} has no fee: state its fee (0 if it has none) and its treatment")
            )
        for key in ("painshare_cap", "gainshare_cap"):
            cap = party.get(key)
            if cap is None:
                continue
            for form, value in cap.items():
                if value < 0:
                    what = "painshare" if key == "painshare_cap" else "gainshare"
                    problems.append(
                        (
                            ("parties", index, key, form),
                            f"a cap on {what} cannot be negative ({fmt_number(exact(value))}): "
                            f"0 means the partner takes no {what} at all",
                        )
                    )
    if not clients:
        problems.append((("parties",), "no party has role client: exactly one party is the client"))
    for index in clients[1:]:
        problems.append(
            (
                ("parties", index, "role"),
                f"a second client (the first is parties[{clients[0]}]): exactly one party is the client",
            )
        )
    if clients and len(clients) == len(parties):
        problems.append((("parties",), "no party has role partner: an alliance has at least one partner"))
    return problems


def _band_problems(bands: Sequence[Mapping[str, Any]], party_ids: Sequence[str]) -> list[tuple[JsonPath, str]]:
    problems: list[tuple[JsonPath, str]] = []
    last = len(bands) - 1
    previous_upper: Fraction | None = None
    for index, band in enumerate(bands):
        lower = exact(band["from"]) if "from" in band else None
        upper = exact(band["to"]) if "to" in band else None
        if index == 0 and lower is not None:
            problems.append(
                (
                    ("bands", 0, "from"),
                    f"overruns larger than {_pct(-lower)} fall in no band: "
                    "omit `from` on the first band so it covers every larger overrun",
                )
            )
        if index > 0 and lower is None:
            problems.append((("bands", index), "only the first band may omit `from`: state where this band starts"))
        if index < last and upper is None:
            problems.append((("bands", index), "only the last band may omit `to`: state where this band ends"))
        if index == last and upper is not None and upper < HUNDRED:
            problems.append(
                (
                    ("bands", index, "to"),
                    f"savings larger than {_pct(upper)} fall in no band: "
                    "omit `to` on the last band (or make it 100) so it covers every larger saving",
                )
            )
        if lower is not None and upper is not None and lower >= upper:
            problems.append(
                (("bands", index), f"the band runs from {_pct(lower)} to {_pct(upper)}: `from` must be below `to`")
            )
        if index > 0 and lower is not None and previous_upper is not None:
            if lower > previous_upper:
                problems.append(
                    (
                        ("bands", index, "from"),
                        f"gap: performance between {_pct(previous_upper)} and {_pct(lower)} falls in no band "
                        f"(bands[{index - 1}] ends at {_pct(previous_upper)})",
                    )
                )
            elif lower < previous_upper:
                problems.append(
                    (
                        ("bands", index, "from"),
                        f"overlap: performance between {_pct(lower)} and {_pct(previous_upper)} falls in two bands "
                        f"(bands[{index - 1}] ends at {_pct(previous_upper)})",
                    )
                )
        previous_upper = upper
        shares = band["shares"]
        for pid in shares:
            if pid not in party_ids:
                problems.append((("bands", index, "shares", pid), f"{pid!r} is not a party of the model"))
        missing = [pid for pid in party_ids if pid not in shares]
        if missing:
            names = ", ".join(repr(pid) for pid in missing)
            problems.append((("bands", index, "shares"), f"no share for {names} (state 0 for a party that takes none)"))
        total = sum((exact(value) for value in shares.values()), Fraction(0))
        if total != HUNDRED:
            problems.append((("bands", index, "shares"), f"the shares add up to {_pct(total)}, not 100 %"))
    return problems


def _kpi_problems(kpi: Mapping[str, Any] | None) -> list[tuple[JsonPath, str]]:
    if kpi is None:
        return []
    problems: list[tuple[JsonPath, str]] = []
    low, high = exact(kpi["min"]), exact(kpi["max"])
    if low > high:
        problems.append((("kpi_modifier", "min"), f"min ({_pct(low)}) is above max ({_pct(high)})"))
    elif "assumed" in kpi and not low <= exact(kpi["assumed"]) <= high:
        problems.append(
            (
                ("kpi_modifier", "assumed"),
                f"the assumed modifier ({_pct(exact(kpi['assumed']))}) is outside min and max ({_pct(low)} to {_pct(high)})",
            )
        )
    seen: set[str] = set()
    for index, item in enumerate(kpi.get("kpis", ())):
        if item["id"] in seen:
            problems.append((("kpi_modifier", "kpis", index, "id"), f"KPI id {item['id']!r} is already used"))
        seen.add(item["id"])
    return problems


def _simulation_problems(sim: Mapping[str, Any] | None) -> list[tuple[JsonPath, str]]:
    if sim is None:
        return []
    start = exact(sim.get("from", DEFAULT_START))
    stop = exact(sim.get("to", DEFAULT_STOP))
    if start >= stop:
        return [(("simulation",), f"the range runs from {_pct(start)} to {_pct(stop)}: `from` must be below `to`")]
    if (stop - start) / exact(sim.get("step", DEFAULT_STEP)) > MAX_SCENARIOS - 1:
        return [(("simulation", "step"), f"the range and step give more than {MAX_SCENARIOS} scenarios")]
    return []


def semantic_problems(data: Mapping[str, Any]) -> list[tuple[JsonPath, str]]:
    """What the schema cannot say, each with the JSON path of the value at fault.

    Call it only on data that passed the schema: it relies on the shapes the schema guarantees.
    """
    party_ids = [party["id"] for party in data["parties"]]
    problems = _party_problems(data["parties"])
    problems += _band_problems(data["bands"], party_ids)
    problems += _kpi_problems(data.get("kpi_modifier"))
    problems += _simulation_problems(data.get("simulation"))
    return problems
