"""The sign-in rate limiter and the quorum arithmetic, without a server."""

from __future__ import annotations

from gatekeeper.ledger.decision import Quorum
from gatekeeper.serve.identity import RateLimiter


def test_rate_limiter_blocks_after_the_limit_and_forgets_after_the_window() -> None:
    """Three failures in the window block the key until the oldest leaves the window."""
    limiter = RateLimiter(attempts=3, window=60.0)
    for t in (0.0, 10.0, 20.0):
        assert limiter.retry_after("k", now=t) == 0
        limiter.failed("k", now=t)
    assert limiter.retry_after("k", now=30.0) == 31
    assert limiter.retry_after("k", now=60.5) == 0
    assert limiter.retry_after("other", now=30.0) == 0


def test_rate_limiter_memory_is_bounded() -> None:
    """A flood of distinct keys (client addresses) keeps at most max_keys, the oldest dropped first."""
    limiter = RateLimiter(attempts=2, window=60.0, max_keys=100)
    for n in range(10_000):
        limiter.failed(f"client:{n}", now=1.0)
    assert len(limiter) == 100
    limiter.failed("client:9999", now=2.0)
    assert limiter.retry_after("client:9999", now=3.0) > 0
    assert limiter.retry_after("client:0", now=3.0) == 0


def test_quorum_all_needs_every_role_with_one_value() -> None:
    """Under `all`: pending with one role, decided when both agree, pending (disagreeing) when they differ."""
    deciders = ("Sponsor", "Client Board")
    one = Quorum("all", deciders, (("Sponsor", "pass", "Catherine Ashdown", 1),))
    assert (one.outcome, one.missing, one.disagree) == (None, ("Client Board",), False)
    both = Quorum("all", deciders, (*one.recorded, ("Client Board", "pass", "Board", 2)))
    assert (both.outcome, both.missing, both.disagree) == ("pass", (), False)
    split = Quorum("all", deciders, (*one.recorded, ("Client Board", "fail", "Board", 2)))
    assert (split.outcome, split.disagree) == (None, True)
    changed = Quorum("all", deciders, (*split.recorded, ("Sponsor", "fail", "Catherine Ashdown", 3)))
    assert changed.outcome == "fail"


def test_quorum_any_is_decided_by_the_latest_decision() -> None:
    """Under `any`: pending with none, then the latest recorded value decides."""
    assert Quorum("any", ("Sponsor", "Alliance Board"), ()).outcome is None
    decided = Quorum(
        "any", ("Sponsor", "Alliance Board"), (("Sponsor", "pass", "A", 1), ("Alliance Board", "fail", "B", 2))
    )
    assert decided.outcome == "fail"
