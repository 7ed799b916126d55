"""Fixtures for gate evaluation tests: a complete synthetic pack per phase, mutated by each test."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gatekeeper import api
from gatekeeper.evaluation.gate import evaluate
from gatekeeper.loading.evidence import load_pack
from gatekeeper.model import RulePack
from gatekeeper.result import GateResult
from gatekeeper.synthetic import SyntheticPack, synthesize, write_pack

AS_OF = dt.date(2026, 11, 1)


@pytest.fixture(scope="session")
def rules() -> RulePack:
    return api.rules()


class PackMaker:
    """Builds a complete pack for a phase, lets a test edit its files, and evaluates it."""

    def __init__(self, rules: RulePack, tmp_path: Path) -> None:
        self.rules = rules
        self.tmp_path = tmp_path
        self.count = 0

    def pack(self, phase: str) -> SyntheticPack:
        return synthesize(self.rules, alliance_id=f"test-{phase}", phase=phase, as_of=AS_OF, seed=7, quality=1.0)

    def write(
        self, pack: SyntheticPack, edit: Callable[[dict[str, Any], dict[str, bytes]], None] | None = None
    ) -> Path:
        files = copy.deepcopy(dict(pack.files))
        documents = dict(pack.documents)
        if edit is not None:
            edit(files, documents)
        self.count += 1
        return write_pack(SyntheticPack(pack.alliance_id, files, documents, {}), self.tmp_path / f"pack{self.count}")

    def evaluate(
        self,
        phase: str,
        edit: Callable[[dict[str, Any], dict[str, bytes]], None] | None = None,
        *,
        gate: str | None = None,
        as_of: dt.date = AS_OF,
        rules: RulePack | None = None,
    ) -> GateResult:
        root = self.write(self.pack(phase), edit)
        rule_pack = rules or self.rules
        loaded = load_pack(root, rule_pack)
        return evaluate(rule_pack, loaded.pack, gate=gate, as_of=as_of, document_problems=loaded.document_problems)


@pytest.fixture
def maker(rules: RulePack, tmp_path: Path) -> PackMaker:
    return PackMaker(rules, tmp_path)


def claim(files: dict[str, Any], outcome_id: str) -> dict[str, Any]:
    return next(c for c in files["claims.yml"]["claims"] if c["outcome"] == outcome_id)


def item(files: dict[str, Any], ref: str) -> dict[str, Any]:
    return next(i for i in files["register.yml"]["evidence"] if i["id"] == ref)
