"""The parties to an alliance (the client and each partner declared in manifest.yml) and who speaks for which.

"Every party" in the Code means the client and each partner, never "two organisations": the
requirement kinds ask these functions which parties a list of members, a set of approvals or a
survey's responses cover, and which are missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from gatekeeper.model import Body, EvidenceItem, EvidencePack, Organisation, Person
from gatekeeper.people import resolve, roles_on

# Which parties a requirement asks for: the client and every partner, every partner only
# ("collectively signed-off by the selected partners"), or the client only (a client activity).
PARTY_SETS = ("all", "partners", "client")
_ROLES = {"all": ("client", "partner"), "partners": ("partner",), "client": ("client",)}


def parties(pack: EvidencePack, of: str = "all") -> tuple[str, ...]:
    """The ids of the parties a requirement asks for, in manifest order."""
    roles = _ROLES[of]
    return tuple(org.id for org in pack.organisations.values() if org.role in roles)


def organisations_of(pack: EvidencePack, who: str) -> frozenset[str]:
    """The organisations a person or body speaks for: a person's employer; a body's organisation, or,
    for a body of the alliance itself (an Alliance Board), the employers of its members."""
    person = pack.people.get(who)
    if person is not None:
        return frozenset({person.organisation})
    body = pack.bodies.get(who)
    if body is None:
        return frozenset()
    if body.organisation is not None:
        return frozenset({body.organisation})
    return frozenset(pack.people[m].organisation for m in body.members if m in pack.people)


def party_of(pack: EvidencePack, text: object) -> str | None:
    """The party (organisation id) a facts.yml name or id stands for: an organisation, or a person's employer."""
    if not isinstance(text, str) or not text.strip():
        return None
    found = resolve(pack, text)
    if isinstance(found, Organisation):
        key: str | None = found.id
    elif isinstance(found, Person):
        key = found.organisation
    elif isinstance(found, Body):
        key = found.organisation
    else:
        return None
    org = pack.organisations.get(key or "")
    return org.id if org is not None and org.role in ("client", "partner") else None


def missing(pack: EvidencePack, covered: Iterable[str], of: str = "all") -> tuple[str, ...]:
    """The parties (ids) a requirement asks for that `covered` leaves out."""
    have = set(covered)
    return tuple(p for p in parties(pack, of) if p not in have)


def approving_parties(
    pack: EvidencePack, item: EvidenceItem, as_of: dt.date, roles: Iterable[str] | None, assessor: str | None
) -> frozenset[str]:
    """The parties whose approval of the item counts: given by the date, by someone holding the role
    that day (one of `roles`, when given), who is not the claim's assessor nor on a body with them."""
    allowed = None if roles is None else set(roles)
    out: set[str] = set()
    for a in item.approvals:
        if a.date > as_of or a.role not in roles_on(pack, a.by, a.date):
            continue
        if allowed is not None and a.role not in allowed:
            continue
        body = pack.bodies.get(a.by)
        if assessor and (a.by == assessor or (body is not None and assessor in body.members)):
            continue
        out |= organisations_of(pack, a.by)
    return frozenset(out)


def covered_by(pack: EvidencePack, items: Iterable[EvidenceItem]) -> frozenset[str]:
    """The parties the items cover between them (each item's register `parties`)."""
    return frozenset(p for item in items for p in item.parties)


def who(of: str) -> str:
    """A party set in words: "the client and every partner", "every partner", "the client"."""
    return {"all": "the client and every partner", "partners": "every partner", "client": "the client"}[of]


def name(pack: EvidencePack, party: str) -> str:
    org = pack.organisations.get(party)
    return org.name if org is not None else party
