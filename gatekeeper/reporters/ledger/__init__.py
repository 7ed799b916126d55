"""The decision ledger: what `gatekeeper ledger list|show|verify` print, in each format they offer."""

from __future__ import annotations

from dataclasses import dataclass

from gatekeeper.ledger.chain import Finding, Row
from gatekeeper.reporters.family import Family


@dataclass(frozen=True)
class Listing:
    """Every recorded decision, oldest first (`ledger list`)."""

    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Entry:
    """One recorded decision in full (`ledger show`)."""

    row: Row


@dataclass(frozen=True)
class Verification:
    """What `ledger verify` found: chain findings, and with a pack its documents changed since the decision.

    `rows` is None when a row was too damaged to read (the findings name it).
    """

    location: str
    rows: tuple[Row, ...] | None
    findings: tuple[Finding, ...]
    pack: str | None = None
    documents: tuple[str, ...] = ()


FORMATS: dict[str, str] = {
    "text": "gatekeeper.reporters.ledger.text",
    "json": "gatekeeper.reporters.ledger.json",
    "csv": "gatekeeper.reporters.ledger.csv",
}

SUFFIXES: dict[str, str] = {"text": ".txt", "json": ".json", "csv": ".csv"}

LEDGER = Family("ledger", (Listing, Entry, Verification), FORMATS, SUFFIXES)
