"""Tiny hand-written evidence packs for audit tests: every line is known, so findings' locations are exact."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

AS_OF = dt.date(2025, 6, 30)

MANIFEST = """\
schema_version: 2
alliance:
  id: test-alliance
  name: Test Alliance
  phase: delivering
parties:
  - {id: client-co, name: Client Co, role: client}
  - {id: build-partner, name: Build Partner Ltd, role: partner, description: contractor}
organisations:
  - {id: independent-assurance, name: Independent Assurance LLP}
people:
  - {id: alex-morgan, name: Alex Morgan, organisation: client-co, roles: [{role: Alliance Manager, from: '2020-01-01'}]}
  - {id: sam-patel, name: Sam Patel, organisation: client-co, roles: [{role: Sponsor, from: '2020-01-01'}]}
  - {id: jo-reid, name: Jo Reid, organisation: build-partner, roles: [{role: Partner Director, from: '2020-01-01'}]}
  - {id: riley-quinn, name: Riley Quinn, organisation: independent-assurance}
roster: [alex-morgan, jo-reid]
owner: alex-morgan
assessment:
  date: '2025-06-30'
  assessors: [riley-quinn]
"""


@dataclass(frozen=True)
class Item:
    """One register entry and its document; `body` None writes no document."""

    id: str
    kind: str
    date: str
    body: bytes | None = b"document\n"
    registered: bytes | None = None  # the bytes the register's sha256 is of (default: body)
    approvals: tuple[tuple[str, str, str], ...] = ()  # (name, role, date)
    title: str | None = None

    @property
    def content(self) -> bytes | None:
        """The document's bytes: each item its own document unless a test says otherwise."""
        return f"document {self.id}\n".encode() if self.body == b"document\n" else self.body

    @property
    def path(self) -> str:
        return f"documents/{self.id.lower()}.md"

    def yaml(self) -> str:
        digest = hashlib.sha256(self.registered if self.registered is not None else (self.content or b"")).hexdigest()
        text = (
            f"  - id: {self.id}\n"
            f"    title: {self.title or 'Document ' + self.id}\n"
            f"    kind: {self.kind}\n"
            f"    path: {self.path}\n"
            f"    sha256: {digest}\n"
            f"    date: '{self.date}'\n"
            f"    owner: Alex Morgan\n"
        )
        if self.approvals:
            text += "    approvals:\n" + "".join(
                f"      - name: {name}\n        role: {role}\n        date: '{date}'\n"
                for name, role, date in self.approvals
            )
        return text


@dataclass(frozen=True)
class ClaimSpec:
    """One claim; seven lines each, plus one per cited item."""

    outcome: str
    evidence: tuple[str, ...]
    status: str = "met"
    assessed_by: str = "Riley Quinn"

    def yaml(self) -> str:
        text = (
            f"  - outcome: {self.outcome}\n"
            f"    status: {self.status}\n"
            f"    assessed_by: {self.assessed_by}\n"
            f"    method: interview\n"
            f"    date: '2025-06-20'\n"
        )
        if self.evidence:
            text += "    evidence:\n" + "".join(f"      - {ref}\n" for ref in self.evidence)
        return text


# The clean pack: a critical outcome with a plan, and an outcome whose plan must be at most 365 days old (DEL.INT.18).
CLEAN_ITEMS = (Item("E01", "plan", "2025-01-10"), Item("E02", "plan", "2025-01-10"))
CLEAN_CLAIMS = (ClaimSpec("DEC.BEH.01", ("E01",)), ClaimSpec("DEL.INT.18", ("E02",)))


@dataclass(frozen=True)
class TinyPack:
    items: tuple[Item, ...] = CLEAN_ITEMS
    claims: tuple[ClaimSpec, ...] = CLEAN_CLAIMS
    waivers: str | None = None
    conditions: str | None = None
    extra: dict[str, bytes] = field(default_factory=dict)

    def but(self, **changes: object) -> TinyPack:
        return replace(self, **changes)  # type: ignore[arg-type]

    def write(self, root: Path) -> Path:
        (root / "documents").mkdir(parents=True)
        (root / "manifest.yml").write_text(MANIFEST, encoding="utf-8")
        (root / "register.yml").write_text(
            "schema_version: 1\nevidence:\n" + "".join(i.yaml() for i in self.items), encoding="utf-8"
        )
        (root / "claims.yml").write_text(
            "schema_version: 1\nclaims:\n" + "".join(c.yaml() for c in self.claims), encoding="utf-8"
        )
        for item in self.items:
            if item.content is not None:
                (root / item.path).write_bytes(item.content)
        # The clean plan predates the procurement start, as DEC.BEH.01 asks (the older spelling: no evidence).
        (root / "facts.yml").write_text(
            "schema_version: 1\nprocurement:\n  start_date: '2025-03-02'\n", encoding="utf-8"
        )
        if self.waivers is not None:
            (root / "waivers.yml").write_text(self.waivers, encoding="utf-8")
        if self.conditions is not None:
            (root / "conditions.yml").write_text(self.conditions, encoding="utf-8")
        for name, body in self.extra.items():
            (root / name).write_bytes(body)
        return root


@pytest.fixture
def tiny() -> TinyPack:
    return TinyPack()
