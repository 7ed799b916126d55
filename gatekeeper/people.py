"""People, organisations and governance bodies: names compared safely, references resolved, roles and independence.

A gate decision is worth what it takes to fake it. Names are therefore never compared as raw
strings: `normalise` folds case, width and whitespace (Unicode NFKC, case folding, whitespace
collapsed) and refuses invisible characters; `skeleton` maps look-alike letters to one prototype
(Unicode UTS #39 confusables, from the `confusable_homoglyphs` package's copy of the Unicode data),
so "Dana" in Cyrillic letters and "Dana" in Latin ones are caught as look-alikes rather than
counted as two people. The gate, the audit and `record` ask the functions here; nobody else
compares names.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gatekeeper.model import Body, Claim, EvidencePack, Organisation, Person, RulePack, Source

Entity = Person | Body | Organisation

# Unicode general categories no name may contain: format characters (zero-width space and joiners,
# soft hyphen, bidi controls), controls, surrogates, private use and unassigned code points.
_INVISIBLE = frozenset({"Cf", "Cc", "Cs", "Co", "Cn"})

# The UTS #39 prototypes of the ASCII characters that have one within ASCII: enough for names written
# wholly in ASCII, so the full table (about 0.2 s to load) is read only when a name is not ASCII.
_ASCII_SKELETON = str.maketrans({"1": "l", "I": "l", "|": "l", "0": "O"})
# Scripts every script may be mixed with: punctuation, digits, spaces (COMMON) and combining marks (INHERITED).
_NEUTRAL_SCRIPTS = frozenset({"COMMON", "INHERITED"})


class NameRefused(ValueError):
    """A name that cannot be compared safely: invisible characters, mixed scripts, or nothing visible."""


def invisible_characters(text: str) -> list[str]:
    """The invisible or control characters in `text`, as U+XXXX names (empty when there are none)."""
    return [f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in text if unicodedata.category(c) in _INVISIBLE]


def check_visible(text: str) -> None:
    """Raise NameRefused unless `text` has at least one visible character and no invisible or control one."""
    hidden = invisible_characters(text.replace("\t", " ").replace("\n", " ").replace("\r", " "))
    if hidden:
        raise NameRefused(f"contains invisible or control characters ({', '.join(dict.fromkeys(hidden))})")
    if not "".join(text.split()):
        raise NameRefused("has no visible character")
    if any(c in text for c in "\t\n\r"):
        raise NameRefused("contains control characters (tab or line break)")


def normalise(name: str) -> str:
    """The form two names are compared in: NFKC, case folded, whitespace collapsed to single spaces.

    Raises NameRefused for a name with an invisible character (a zero-width space would otherwise
    make a roster member look like somebody else) or with nothing visible.
    """
    check_visible(name)
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


@functools.cache
def _prototypes() -> Mapping[str, str]:
    """Character -> its prototype: the classes of the Unicode confusables data (single characters),
    each represented by its ASCII member when it has one, else its smallest."""
    from confusable_homoglyphs.confusables import confusables_data

    parent: dict[str, str] = {}

    def find(c: str) -> str:
        root = c
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(c, c) != root:
            parent[c], c = root, parent[c]
        return root

    def key(c: str) -> tuple[bool, str]:
        return (not c.isascii(), c)

    for char, glyphs in confusables_data.items():
        if len(char) != 1:
            continue
        for glyph in glyphs:
            other = glyph["c"].replace("\u200e", "")  # the data wraps right-to-left glyphs in LRM marks
            if len(other) == 1:
                a, b = find(char), find(other)
                if a != b:
                    first, second = sorted((a, b), key=key)
                    parent[second] = first
    return {c: find(c) for c in parent}


def skeleton(name: str) -> str:
    """The UTS #39 skeleton of a name, case folded: two names with the same skeleton look alike.

    Coverage: every single-character confusable of the Unicode data (multi-character look-alikes
    such as "rn" for "m" are not folded).
    """
    text = unicodedata.normalize("NFKC", name)
    if text.isascii():
        mapped = text.translate(_ASCII_SKELETON)
    else:
        table = _prototypes()
        mapped = "".join(table.get(c, c) for c in unicodedata.normalize("NFD", text))
    return " ".join(unicodedata.normalize("NFKC", mapped).casefold().split())


def scripts(name: str) -> frozenset[str]:
    """The scripts a name's letters are written in (punctuation, digits and combining marks left out)."""
    if name.isascii():
        return frozenset({"LATIN"}) if any(c.isalpha() for c in name) else frozenset()
    from confusable_homoglyphs.categories import unique_aliases

    return frozenset(unique_aliases(unicodedata.normalize("NFKC", name))) - _NEUTRAL_SCRIPTS


def check_name(name: str) -> str:
    """The normalised name, or NameRefused: invisible characters, nothing visible, or letters of two scripts."""
    folded = normalise(name)
    found = scripts(name)
    if len(found) > 1:
        raise NameRefused(f"mixes scripts ({', '.join(sorted(found))}): a look-alike letter from another script")
    return folded


# --- the directory of a pack -------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One declared name or id, pointing at one entity."""

    entity: str  # "person:ID", "body:ID" or "organisation:ID"
    text: str  # as declared
    source: Source


class Directory:
    """Every declared id and name of a pack, by normalised form and by skeleton, for resolving references.

    Entities are named by reference strings, "person:ID", "body:ID" or "organisation:ID", so a loader
    can declare every name before it builds the records that refer to each other.
    """

    def __init__(self) -> None:
        self.by_name: dict[str, Entry] = {}
        self.by_skeleton: dict[str, Entry] = {}

    def declare(self, ref: str, names: Iterable[tuple[str, Source]]) -> list[tuple[Source, str]]:
        """Add an entity under its id and name; (where, message) for each refused name or clash."""
        problems: list[tuple[Source, str]] = []
        for text, source in names:
            try:
                folded = check_name(text)
            except NameRefused as refused:
                problems.append((source, f"{text!r} {refused}"))
                continue
            shape = skeleton(text)
            same = self.by_name.get(folded)
            if same is not None:
                if same.entity != ref:
                    problems.append((source, f"{text!r} is already declared at {_where(same.source)} ({same.text!r})"))
                continue
            alike = self.by_skeleton.get(shape)
            if alike is not None and alike.entity != ref:
                problems.append(
                    (
                        source,
                        f"{text!r} looks like {alike.text!r} declared at {_where(alike.source)}: "
                        "declared names must not be confusable",
                    )
                )
                continue
            entry = Entry(ref, text, source)
            self.by_name[folded] = entry
            self.by_skeleton.setdefault(shape, entry)
        return problems

    def lookup(self, text: str, kinds: tuple[str, ...] = ("person", "body", "organisation")) -> str:
        """The one entity reference `text` names, of one of `kinds`; NameRefused (with why) otherwise."""
        folded = check_name(text)
        entry = self.by_name.get(folded)
        if entry is None:
            alike = self.by_skeleton.get(skeleton(text))
            if alike is not None:
                raise NameRefused(f"looks like {alike.text!r} declared at {_where(alike.source)} but is not that name")
            raise NameRefused(f"is not declared in manifest.yml (as one of its {_kinds(kinds)})")
        kind = entry.entity.split(":", 1)[0]
        if kind not in kinds:
            raise NameRefused(f"is declared as {_article(kind)}, and this needs one of the {_kinds(kinds)}")
        return entry.entity


_PLURALS = {"person": "people", "body": "bodies", "organisation": "organisations"}


def _kinds(kinds: tuple[str, ...]) -> str:
    return ", ".join(_PLURALS[k] for k in kinds)


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _where(source: Source) -> str:
    return f"{source.file}:{source.line}:{source.col}" if source.line else source.file


# One directory per loaded pack, built once: resolving a name is asked hundreds of times per evaluation
# (every party of every document, survey and group), and building it normalises every declared name.
_DIRECTORIES: weakref.WeakKeyDictionary[EvidencePack, Directory] = weakref.WeakKeyDictionary()


def directory(pack: EvidencePack) -> Directory:
    """The directory of a loaded pack (its declarations were checked when it loaded); only read from it."""
    cached = _DIRECTORIES.get(pack)
    if cached is None:
        cached = _DIRECTORIES[pack] = _build_directory(pack)
    return cached


def _build_directory(pack: EvidencePack) -> Directory:
    found = Directory()
    for org in pack.organisations.values():
        found.declare(f"organisation:{org.id}", ((org.id, org.source), (org.name, org.source)))
    for person in pack.people.values():
        found.declare(f"person:{person.id}", ((person.id, person.source), (person.name, person.source)))
    for body in pack.bodies.values():
        found.declare(f"body:{body.id}", ((body.id, body.source), (body.name, body.source)))
    return found


def entity(pack: EvidencePack, ref: str) -> Entity | None:
    """The record a reference string ("person:ID", ...) names."""
    kind, _, key = ref.partition(":")
    if kind == "person":
        return pack.people.get(key)
    if kind == "body":
        return pack.bodies.get(key)
    return pack.organisations.get(key) if kind == "organisation" else None


def resolve(pack: EvidencePack, text: str) -> Person | Body | Organisation | None:
    """The declared person, body or organisation `text` names (by id or by name, after normalisation), or None."""
    try:
        return entity(pack, directory(pack).lookup(text))
    except NameRefused:
        return None


# --- roles and independence --------------------------------------------------------------------


def roles_on(pack: EvidencePack, person_or_body_id: str, day: dt.date) -> frozenset[str]:
    """The governance roles a person or body holds on `day`: a person's own roles, a body's role.

    Members of a body do not individually hold the body's role: a Client Board member alone is not
    the Client Board.
    """
    person = pack.people.get(person_or_body_id)
    if person is not None:
        return frozenset(r.role for r in person.roles if r.held_on(day))
    body = pack.bodies.get(person_or_body_id)
    if body is not None and body.start <= day and (body.until is None or day <= body.until):
        return frozenset({body.role})
    return frozenset()


@dataclass(frozen=True)
class Independence:
    """Whether a claim's assessor is independent of the alliance, and every reason why (or why not)."""

    independent: bool
    reasons: tuple[str, ...]


def _involved(pack: EvidencePack, person_id: str, entity_id: str | None) -> bool:
    """True when the person is `entity_id`, or a member of the body `entity_id`."""
    if entity_id is None:
        return False
    if entity_id == person_id:
        return True
    body = pack.bodies.get(entity_id)
    return body is not None and person_id in body.members


def independence(pack: EvidencePack, claim: Claim, rules: RulePack | None = None) -> Independence:
    """Is the claim's assessor independent: not on the roster, not employed by a party to the alliance,
    and neither author (owner) nor approver of the evidence the claim cites? `rules` is accepted so a
    policy may later widen the test; the test itself is the Code's, whatever the policy requires."""
    person = pack.people.get(claim.assessor)
    if person is None:  # the loader resolves every assessor; a hand-built pack may not
        return Independence(False, (f"{claim.assessed_by} is not a declared person",))
    reasons: list[str] = []
    if person.id in pack.roster_ids:
        reasons.append(f"{person.name} is on the alliance roster")
    org = pack.organisations.get(person.organisation)
    if org is not None and org.role is not None:
        reasons.append(f"{person.name} works for {org.name}, the alliance's {org.role}")
    for ref in dict.fromkeys(claim.evidence):
        item = pack.register.get(ref)
        if item is None:
            continue
        if _involved(pack, person.id, item.owner_id):
            reasons.append(f"{person.name} is the author (owner) of {ref}, which the claim cites")
        for approval in item.approvals:
            if _involved(pack, person.id, approval.by):
                via = "" if approval.by == person.id else f" as a member of {approval.name}"
                reasons.append(f"{person.name} approved {ref}{via}, which the claim cites")
    if reasons:
        return Independence(False, tuple(dict.fromkeys(reasons)))
    where = org.name if org is not None else person.organisation
    return Independence(
        True,
        (
            f"{person.name} ({where}) is not on the roster, works for no party to the alliance, "
            "and neither wrote nor approved the evidence cited",
        ),
    )
