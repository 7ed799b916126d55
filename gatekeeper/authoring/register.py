"""Registering documents in register.yml: hash computed, next id proposed, kinds checked, layout kept."""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gatekeeper.authoring.yamledit import (
    Editable,
    append_keeping_trailing_comment,
    block_map,
    ensure_block,
    load_editable,
    quoted,
    scalar,
)
from gatekeeper.loading.paths import check_reference, inspect_document
from gatekeeper.problems import InputError, Problem, UsageError
from gatekeeper.resources import data_dir

# The schema's id pattern; a proposed id must satisfy it too.
ID_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}\Z")
# An id that ends in a number: the prefix and digits a pack numbers its evidence with (FW01, E-7).
_NUMBERED = re.compile(r"(.*?)([0-9]+)\Z")
# The first id of a register with no numbered ids yet: the example in every new register.yml.
FIRST_ID = "E01"


@dataclass(frozen=True)
class Approval:
    name: str
    role: str
    date: str  # YYYY-MM-DD


@dataclass(frozen=True)
class NewEntry:
    """One register entry about to be written; `path` is relative to the pack, as the register holds it."""

    id: str
    title: str
    kind: str
    path: str
    sha256: str
    date: str  # YYYY-MM-DD
    owner: str
    approvals: tuple[Approval, ...] = ()
    parties: tuple[str, ...] = ()  # the parties the document covers, as typed (the loader resolves them)


@dataclass(frozen=True)
class Refreshed:
    id: str
    path: str
    old: str
    new: str


@functools.cache
def evidence_kinds() -> tuple[str, ...]:
    """The kinds the register schema allows, in its order: one list for the check, the message and the workbook."""
    schema = json.loads((data_dir("evidence_schema") / "register.schema.json").read_text(encoding="utf-8"))
    return tuple(schema["properties"]["evidence"]["items"]["properties"]["kind"]["enum"])


def kind_problem(kind: str) -> str | None:
    """Why `kind` is not an evidence kind (naming every allowed kind and the nearest), or None."""
    kinds = evidence_kinds()
    if kind in kinds:
        return None
    near = difflib.get_close_matches(kind.lower().replace(" ", "_").replace("-", "_"), kinds, n=1, cutoff=0.5)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"unknown kind {kind!r}{hint} Allowed kinds: {', '.join(kinds)}"


def propose_ids(existing: Sequence[str], count: int) -> list[str]:
    """The next `count` ids following the register's own numbering (FW13 -> FW14, E-9 -> E-10).

    The pattern is the most common prefix among numbered ids (ties: the latest one used), padded
    to the widest number seen with it; an empty register starts at E01.
    """
    taken = set(existing)
    numbered = [(m.group(1), m.group(2)) for m in map(_NUMBERED.match, existing) if m]
    if numbered:
        counts = Counter(prefix for prefix, _ in numbered)
        last_use = {prefix: i for i, (prefix, _) in enumerate(numbered)}
        prefix = max(counts, key=lambda p: (counts[p], last_use[p]))
        digits = [d for p, d in numbered if p == prefix]
        width = max(len(d) for d in digits)
        number = max(int(d) for d in digits)
    else:
        prefix, width, number = FIRST_ID[:-2], 2, 0
    proposed: list[str] = []
    while len(proposed) < count:
        number += 1
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in taken and ID_PATTERN.match(candidate):
            proposed.append(candidate)
            taken.add(candidate)
    return proposed


def pack_relative(pack: Path, file: Path) -> str:
    """FILE (as typed, relative to the working folder or absolute) as a path inside PACK.

    Refused as usage errors: a file that does not exist, a folder, a file outside the pack. The
    last component is not resolved, so a symbolic link inside the pack that leads out of it gets
    its own refusal from the document check, as the loader would give it.
    """
    if not os.path.lexists(file):
        raise UsageError(f"{file}: no such file")
    if os.path.isdir(file) and not os.path.islink(file):
        raise UsageError(f"{file} is a folder; register the files in it one by one")
    root = os.path.realpath(pack)
    candidate = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(file))), os.path.basename(file))
    if os.path.commonpath([root, candidate]) != root or candidate == root:
        raise UsageError(f"{file} is outside the pack {pack}; copy it into the pack (e.g. {pack}/documents/) first")
    return os.path.relpath(candidate, root).replace(os.sep, "/")


def document_hash(pack: Path, relpath: str) -> tuple[str | None, str | None]:
    """(sha256, None) for a regular file inside the pack, or (None, why it cannot be evidence)."""
    why = check_reference(relpath)
    if why is not None:
        return None, f"document path {relpath!r} refused: {why}"
    inspected = inspect_document(pack, relpath)
    if inspected.problem is not None:
        return None, inspected.problem
    return inspected.sha256, None


def load_register(pack: Path) -> Editable:
    name = "register.yml"
    return load_editable((pack / name).read_bytes(), name=name, display=f"{pack}/{name}")


def registered(editable: Editable) -> list[dict[str, str]]:
    """The register's entries as plain strings (id, path, sha256, ...), in file order."""
    return [
        {key: str(value) for key, value in item.items() if key not in ("approvals", "parties")}
        for item in editable.tree["evidence"]
    ]


def add_entries(editable: Editable, entries: Sequence[NewEntry]) -> None:
    """Append entries at the end of the register, in the layout of a hand-written entry."""
    evidence = editable.tree["evidence"]
    ensure_block(evidence)
    for entry in entries:
        pairs = [
            ("id", scalar(entry.id)),
            ("title", scalar(entry.title)),
            ("kind", entry.kind),
            ("path", scalar(entry.path)),
            ("sha256", scalar(entry.sha256)),
            ("date", quoted(entry.date)),
            ("owner", scalar(entry.owner)),
        ]
        if entry.approvals:
            from ruamel.yaml.comments import CommentedSeq

            approvals = CommentedSeq(
                block_map([("name", scalar(a.name)), ("role", scalar(a.role)), ("date", quoted(a.date))])
                for a in entry.approvals
            )
            pairs.append(("approvals", approvals))
        if entry.parties:
            from ruamel.yaml.comments import CommentedSeq

            parties = CommentedSeq(scalar(p) for p in entry.parties)
            parties.fa.set_flow_style()  # `parties: [client, partner-a]`, as written by hand
            pairs.append(("parties", parties))
        append_keeping_trailing_comment(evidence, block_map(pairs))


def refresh_hashes(pack: Path, editable: Editable, ids: Sequence[str]) -> list[Refreshed]:
    """Put each document's current sha256 in the register (all entries, or those in `ids`).

    Only the sha256 values change. A document that cannot be hashed (missing, outside the pack,
    not a file) stops the refresh: every such entry is reported, located at its path.
    """
    evidence = editable.tree["evidence"]
    known = [str(item["id"]) for item in evidence]
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise UsageError(f"not in {editable.display}: {', '.join(unknown)}")
    wanted = set(ids) if ids else set(known)
    changes: list[Refreshed] = []
    problems: list[Problem] = []
    for item in evidence:
        if str(item["id"]) not in wanted:
            continue
        sha256, why = document_hash(pack, str(item["path"]))
        if why is not None:
            line, col = item.lc.value("path")
            problems.append(Problem(editable.display, line + 1, col + 1, f"{item['id']}: {item['path']}: {why}"))
            continue
        assert sha256 is not None
        if sha256 != str(item["sha256"]):
            changes.append(Refreshed(str(item["id"]), str(item["path"]), str(item["sha256"]), sha256))
            old = item["sha256"]
            item["sha256"] = type(old)(sha256) if type(old) is not str else scalar(sha256)
    if problems:
        raise InputError(problems)
    return changes
