"""`gatekeeper register add|refresh`: put documents in register.yml with their sha256, never typed by hand."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from gatekeeper import api
from gatekeeper.authoring.commit import validate_edit, write_files
from gatekeeper.authoring.register import (
    ID_PATTERN,
    Approval,
    NewEntry,
    add_entries,
    document_hash,
    kind_problem,
    load_register,
    pack_relative,
    propose_ids,
    refresh_hashes,
    registered,
)
from gatekeeper.cli.common import guarded
from gatekeeper.problems import InputError, Problem, UsageError

pack_argument = click.argument("pack", type=click.Path(path_type=Path))


@click.group()
def register() -> None:
    """Register documents in an evidence pack's register.yml, and refresh their sha256."""


def _date(value: str, what: str) -> str:
    """A YYYY-MM-DD date as the register writes it; anything else is a usage error."""
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise UsageError(f"{what} {value!r} is not a date (YYYY-MM-DD)")


@register.command("add")
@pack_argument
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--kind",
    required=True,
    help="What kind of evidence the documents are (e.g. plan, minutes); see register.schema.json.",
)
@click.option("--title", help="The title (default: the file's name). Only with one FILE.")
@click.option("--date", "date", help="The document's date, YYYY-MM-DD (default today): freshness is measured from it.")
@click.option("--owner", help="Who owns the document (default: the owner in manifest.yml).")
@click.option(
    "--id", "ident", help="The evidence id (default: the next one in the register's numbering). Only with one FILE."
)
@click.option(
    "--approval",
    "approvals",
    multiple=True,
    type=(str, str, str),
    metavar="NAME ROLE DATE",
    help="Who approved the document, in what role, when (repeatable).",
)
@click.option(
    "--party",
    "parties",
    multiple=True,
    metavar="PARTY",
    help="A party the document covers (attended, named, addressed or contracted), by the id or name "
    "manifest.yml declares; repeatable. Outcomes that ask for each party read it.",
)
@guarded
def add(
    pack: Path,
    files: tuple[Path, ...],
    kind: str,
    title: str | None,
    date: str | None,
    owner: str | None,
    ident: str | None,
    approvals: tuple[tuple[str, str, str], ...],
    parties: tuple[str, ...],
) -> None:
    """Register FILES (documents inside the folder PACK) in PACK's register.yml.

    The sha256 is computed from each file, the id follows the register's numbering, and
    register.yml keeps its comments and order. Nothing is written unless the pack still validates.
    Exit 0 when registered, 2 for a wrong argument, 3 when a file cannot be evidence or the pack is invalid.
    """
    why = kind_problem(kind)
    if why is not None:
        raise UsageError(why)
    if len(files) > 1 and (ident or title):
        raise UsageError("--id and --title name one document: give one FILE with them")
    if ident is not None and not ID_PATTERN.match(ident):
        raise UsageError(f"--id {ident!r} is not an evidence id (a letter, then letters, digits, '_', '.', '-')")
    when = _date(date, "--date") if date else dt.date.today().isoformat()
    approved = tuple(Approval(name, role, _date(on, "--approval date")) for name, role, on in approvals)
    rules, loaded = api.load(pack)
    if owner is None:
        if loaded.pack.owner is None:
            raise UsageError("manifest.yml names no owner: give --owner")
        owner = loaded.pack.owner.rsplit(" (", 1)[0]
    editable = load_register(pack)
    existing = registered(editable)
    by_path = {item["path"]: item["id"] for item in existing}
    relpaths = [pack_relative(pack, file) for file in files]
    if len(set(relpaths)) != len(relpaths):
        raise UsageError("the same file is given twice")
    for rel in relpaths:
        if rel in by_path:
            raise UsageError(
                f"{rel} is already registered as {by_path[rel]}; after changing it, use `gatekeeper register refresh`"
            )
    if ident is not None and ident in {item["id"] for item in existing}:
        raise UsageError(f"--id {ident} is already in {editable.display}")
    ids = [ident] if ident else propose_ids([item["id"] for item in existing], len(relpaths))
    problems: list[Problem] = []
    entries: list[NewEntry] = []
    for new_id, rel in zip(ids, relpaths, strict=True):
        sha256, why = document_hash(pack, rel)
        if why is not None:
            problems.append(Problem(f"{pack}/{rel}", 0, 0, why))
            continue
        assert sha256 is not None
        entries.append(
            NewEntry(
                id=new_id,
                title=title or Path(rel).stem,
                kind=kind,
                path=rel,
                sha256=sha256,
                date=when,
                owner=owner,
                approvals=approved,
                parties=tuple(dict.fromkeys(parties)),
            )
        )
    if problems:
        raise InputError(problems)
    add_entries(editable, entries)
    new = {"register.yml": editable.dump()}
    validate_edit(pack, rules, new)
    write_files(pack, new)
    for entry in entries:
        click.echo(f"{entry.id}: {entry.path} ({entry.kind}, {entry.date}) sha256 {entry.sha256}")
    click.echo(f"registered {len(entries)} document(s) in {editable.display}", err=True)


@register.command("refresh")
@pack_argument
@click.argument("ids", nargs=-1)
@guarded
def refresh(pack: Path, ids: tuple[str, ...]) -> None:
    """Update the sha256 in PACK's register.yml after a deliberate change to documents (all, or IDS).

    Lists each document whose hash changes (old -> new); nothing else in the file changes.
    """
    rules, _ = api.load(pack)
    editable = load_register(pack)
    changes = refresh_hashes(pack, editable, ids)
    for change in changes:
        click.echo(f"{change.id}: {change.path}: {change.old} -> {change.new}")
    if not changes:
        click.echo(f"nothing to refresh: every sha256 in {editable.display} matches its document", err=True)
        return
    new = {"register.yml": editable.dump()}
    validate_edit(pack, rules, new)
    write_files(pack, new)
    click.echo(f"refreshed {len(changes)} document(s) in {editable.display}", err=True)
