"""Hand-computed scenarios for the small model (tests/commercial/models/small.yml).

The model: target T = 1,000,000 and baseline B = 1,020,000 (GBP); one client and one partner
(the builder) with a fee F = 50,000 at risk, a painshare cap of 45,000 and a gainshare cap of
75,000. Bands: overrun beyond 10 %: client 80 / builder 20; -10 to 0: 60 / 40; 0 to 10: 60 / 40;
saving beyond 10 %: 80 / 20. KPI modifier 90 % to 110 %, assumed 100 %. One per cent of target
is 10,000.

- s = -5 (a 5 % overrun, 50,000, all in the -10..0 band): builder 40 % = 20,000 of pain (cap not
  reached), client 60 % = 30,000. Builder return F - 20,000 = 30,000, and its at-risk fee pays it
  all, so fee paid 30,000. Client return B - T + residual = 20,000 - 30,000 = -10,000.
- s = -15 (150,000): 100,000 in -10..0 gives the builder 40,000; 50,000 beyond -10 gives it 20 %
  = 10,000; 50,000 is over the 45,000 cap, so it bears 45,000 (30 % of the overrun) and the client
  the remaining 105,000 (70 %). Builder return 5,000, fee paid 5,000; client return -85,000.
- s = 25 (250,000 saved): 100,000 in 0..10 gives 40,000; 150,000 beyond 10 gives 30,000; 70,000 is
  under the 75,000 cap. Client keeps 180,000 (72 %). Builder return 120,000; client 200,000.
  At the best KPI modifier (110 %) the gain would be 77,000, so the cap cuts it to 75,000 and the
  client keeps 175,000.
- Caps: pain reaches 40,000 at -10 and then grows 2,000 a point, so 45,000 at -12.5. Gain (at
  100 %) reaches 40,000 at 10 and 75,000 at 10 + 35,000 / 2,000 = 27.5; at 110 % it grows 4,400 a
  point to 44,000 at 10, then 2,200 a point: 10 + 31,000 / 2,200 = 265/11.
- Returns: the builder's pain never exceeds 45,000 < F, so its return is positive at every
  outturn. The client's return is 20,000 + residual; in -10..0 the residual is -6,000 a point, so
  it is zero at an overrun of 20,000 / 6,000 = 10/3 %.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from gatekeeper.commercial.load import load_model
from gatekeeper.commercial.model import CommercialModel
from gatekeeper.commercial.simulate import CapPoint, grid, scenario, simulate

MODELS = Path(__file__).parent / "models"


@pytest.fixture(scope="module")
def small() -> CommercialModel:
    return load_model(MODELS / "small.yml")


def test_five_per_cent_overrun(small: CommercialModel) -> None:
    """A 5 % overrun is shared 40/60 within the band, below the cap, and the at-risk fee absorbs the pain."""
    run = scenario(small, Fraction(-5))
    builder, client = run.result("builder"), run.result("client")
    assert (run.outturn, run.variance) == (1_050_000, -50_000)
    assert (builder.amount, builder.share, builder.cap_applied) == (-20_000, 40, False)
    assert (builder.net_return, builder.fee_paid) == (30_000, 30_000)
    assert (client.amount, client.share, client.net_return) == (-30_000, 60, -10_000)
    assert run.client_residual == -30_000


def test_fifteen_per_cent_overrun_hits_the_cap(small: CommercialModel) -> None:
    """A 15 % overrun spans two bands, the builder's 50,000 is cut to its 45,000 cap, and the client bears the rest."""
    run = scenario(small, Fraction(-15))
    builder, client = run.result("builder"), run.result("client")
    assert (run.outturn, run.variance) == (1_150_000, -150_000)
    assert (builder.uncapped, builder.amount, builder.cap_applied) == (-50_000, -45_000, True)
    assert (builder.share, builder.net_return, builder.fee_paid) == (30, 5_000, 5_000)
    assert (client.amount, client.share, client.net_return) == (-105_000, 70, -85_000)


def test_twenty_five_per_cent_saving(small: CommercialModel) -> None:
    """A 25 % saving spans two bands and stays under the gain cap at the assumed modifier."""
    run = scenario(small, Fraction(25))
    builder, client = run.result("builder"), run.result("client")
    assert (run.outturn, run.variance) == (750_000, 250_000)
    assert (builder.amount, builder.share, builder.cap_applied, builder.net_return) == (70_000, 28, False, 120_000)
    assert (client.amount, client.share, client.net_return) == (180_000, 72, 200_000)


def test_best_kpi_modifier_meets_the_gain_cap(small: CommercialModel) -> None:
    """At a 110 % modifier the 77,000 gain is cut to the 75,000 cap and the client keeps the difference."""
    run = scenario(small, Fraction(25), modifier=Fraction(110))
    assert (run.result("builder").amount, run.result("builder").cap_applied, run.client_residual) == (
        75_000,
        True,
        175_000,
    )


def test_on_target_nobody_gains_or_loses(small: CommercialModel) -> None:
    """On target the variance is zero, shares are undefined (None) and each return is fee or baseline margin."""
    run = scenario(small, Fraction(0))
    assert [(r.party, r.amount, r.share, r.net_return) for r in run.results] == [
        ("client", 0, None, 20_000),
        ("builder", 0, None, 50_000),
    ]


def test_cap_points(small: CommercialModel) -> None:
    """The caps bite at a 12.5 % overrun and a 27.5 % saving (265/11 % at the best modifier)."""
    assert simulate(small).caps == (
        CapPoint("builder", "painshare", Fraction(45_000), Fraction(-25, 2)),
        CapPoint("builder", "gainshare", Fraction(75_000), Fraction(55, 2)),
    )
    assert simulate(small, modifier=110).caps[1].reached_at == Fraction(265, 11)


def test_return_thresholds(small: CommercialModel) -> None:
    """The client starts generating a return at a 10/3 % overrun; the builder's return is positive throughout."""
    sim = simulate(small)
    client, builder = sim.threshold("client"), sim.threshold("builder")
    assert client.positive == ((Fraction(-10, 3), Fraction(100)),)
    assert (client.starts, client.stops, client.breakeven) == ((Fraction(-10, 3),), (), Fraction(-10, 3))
    assert builder.positive == ((Fraction(-100), Fraction(100)),)
    assert (builder.starts, builder.stops) == ((), ())


def test_protected_fee_is_paid_in_full(small: CommercialModel) -> None:
    """With a protected fee the fee is paid whatever the pain, and the return is the same as at risk."""
    from dataclasses import replace

    builder = small.partners[0]
    assert builder.fee is not None
    protected = replace(
        small, parties=(small.client, replace(builder, fee=replace(builder.fee, treatment="protected")))
    )
    run = scenario(protected, Fraction(-15))
    assert (run.result("builder").fee_paid, run.result("builder").net_return) == (50_000, 5_000)


def test_default_range_is_the_models_own(small: CommercialModel) -> None:
    """Without a range, simulate runs Figure 3.4's -60 to 60 in steps of 5: 25 scenarios."""
    sim = simulate(small)
    assert (sim.start, sim.stop, sim.step, len(sim.scenarios)) == (-60, 60, 5, 25)
    assert [s.saving_percent for s in sim.scenarios[:3]] == [-60, -55, -50]
    assert sim.modifier == 100


def test_grid_uses_exact_steps() -> None:
    """A step of 0.1 lands exactly on 0.3 (no float drift), and the range includes its end."""
    assert grid(Fraction(0), Fraction(3, 10), Fraction(1, 10)) == (0, Fraction(1, 10), Fraction(2, 10), Fraction(3, 10))


@pytest.mark.parametrize(
    ("start", "stop", "step", "message"),
    [
        (0, 10, 0, "the step must be above 0"),
        (10, 0, 5, "the range must run upwards (from 10 to 0)"),
        (-10, 110, 5, "a saving cannot exceed 100 % of target (the outturn would be below nothing)"),
        (-100, 100, Fraction(1, 100), "20001 scenarios: at most 2001 (use a larger step)"),
    ],
)
def test_bad_ranges_are_refused(small: CommercialModel, start: float, stop: float, step: float, message: str) -> None:
    """An empty, backwards, impossible or over-fine range raises ValueError saying why."""
    with pytest.raises(ValueError) as caught:
        simulate(small, start=start, stop=stop, step=step)
    assert str(caught.value) == message
