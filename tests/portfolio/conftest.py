"""Fixtures for portfolio tests: small synthetic portfolios whose decisions are known in advance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gatekeeper import api
from gatekeeper.model import RulePack
from gatekeeper.synthetic import synthesize, write_pack

AS_OF = dt.date(2025, 6, 1)
PHASES = ("deciding", "creating", "delivering")


@pytest.fixture(scope="session")
def rules() -> RulePack:
    return api.rules()


def first_critical(rules: RulePack) -> str:
    """The first critical outcome of Deciding: in scope at every gate after it."""
    return next(o.id for o in rules.in_phases(("deciding",)) if o.critical)


MakePack = Callable[..., Path]


@pytest.fixture()
def make_pack(rules: RulePack) -> MakePack:
    """Write a complete (passing) synthetic pack; `drop` removes the claim for an outcome so the gate fails."""

    def make(
        root: Path,
        alliance_id: str,
        *,
        phase: str = "creating",
        seed: int = 0,
        drop: str | None = None,
        near_expiry: float = 0.3,
    ) -> Path:
        pack = synthesize(
            rules, alliance_id=alliance_id, phase=phase, as_of=AS_OF, seed=seed, quality=1.0, near_expiry=near_expiry
        )
        files: dict[str, Any] = dict(pack.files)
        if drop is not None:
            claims = files["claims.yml"]
            files["claims.yml"] = {**claims, "claims": [c for c in claims["claims"] if c["outcome"] != drop]}
        return write_pack(type(pack)(pack.alliance_id, files, pack.documents, pack.defects), root / alliance_id)

    return make


def break_yaml(pack: Path) -> None:
    """Make the pack unreadable: claims.yml is no longer YAML."""
    (pack / "claims.yml").write_text("claims: [\n  - broken", encoding="utf-8")


@pytest.fixture()
def passing(tmp_path: Path, make_pack: MakePack) -> Path:
    """Five alliances that all pass, in a nested folder layout."""
    root = tmp_path / "portfolio"
    for i in range(5):
        make_pack(root / ("north" if i % 2 else "south"), f"alliance-{i}", phase=PHASES[i % 3], seed=i)
    return root
