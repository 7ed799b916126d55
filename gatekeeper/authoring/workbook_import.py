"""`workbook import`: read an untrusted assessment workbook, check every cell, and plan the edits to the pack.

Reading never evaluates anything: formulas are reported as their text, the file is checked by
xlsx_guard before openpyxl opens it (read-only, streaming), and every sheet is read only as far as
the rows the export wrote plus a bound. Every problem is collected and reported at once, located as
`WORKBOOK:Sheet!Cell`, and nothing is planned unless there are none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gatekeeper.authoring.register import (
    ID_PATTERN,
    NewEntry,
    add_entries,
    document_hash,
    evidence_kinds,
    kind_problem,
    load_register,
)
from gatekeeper.authoring.workbook_layout import (
    CLAIM_COLUMNS,
    FORMAT,
    LIST_DIGESTS,
    LIST_EVIDENCE,
    LIST_KEYS,
    LIST_OUTCOMES,
    LIST_VALUES,
    MAX_EXTRA_ROWS,
    METHOD_CHOICES,
    REGISTER_COLUMNS,
    SHEETS,
    STATUS_CHOICES,
    Column,
    Row,
    actions_text,
    project,
    several_actions,
)
from gatekeeper.authoring.xlsx_guard import inspect_xlsx
from gatekeeper.authoring.yamledit import (
    Editable,
    append_keeping_trailing_comment,
    block_map,
    flow_list,
    load_editable,
    quoted,
    scalar,
)
from gatekeeper.evaluation.kinds import describe
from gatekeeper.model import Claim, EvidencePack, Outcome, RulePack
from gatekeeper.problems import InputError, Problem

_SHEET_ORDER = {name: i for i, name in enumerate(SHEETS)}
_CELL = re.compile(r"([A-Z]+)([0-9]+)\Z")
_ID_SPLIT = re.compile(r"[,;\s]+")
# Claim keys in the order claims.yml writes them: a key the import adds goes where a person would put it.
CLAIM_KEYS = ("outcome", "status", "justification", "assessed_by", "method", "date", "evidence", "note", "actions")


class WorkbookError(InputError):
    """Problems in a workbook, in reading order: by sheet, then row, then column (F9 before F14)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = sorted(problems, key=_reading_order)


def _reading_order(problem: Problem) -> tuple[Any, ...]:
    _, _, where = problem.file.rpartition(":")
    sheet, _, cell = where.partition("!")
    match = _CELL.match(cell)
    if sheet not in _SHEET_ORDER or match is None:
        return (-1, 0, 0, problem.file, problem.message)
    letters, digits = match.groups()
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return (_SHEET_ORDER[sheet], int(digits), column, problem.file, problem.message)


@dataclass(frozen=True)
class ClaimEdit:
    outcome: str
    row: Row
    keep_actions: bool  # the claim has several actions: claims.yml keeps them as they are


@dataclass(frozen=True)
class ImportPlan:
    """What the workbook changes, checked: claims to add or change, evidence to register."""

    workbook: str
    gate: str
    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]
    edits: tuple[ClaimEdit, ...]
    new_entries: tuple[NewEntry, ...]

    def summary(self) -> list[str]:
        def part(word: str, ids: Sequence[str], *, listed: bool = True) -> str:
            return f"{len(ids)} {word}" + (f" ({', '.join(ids)})" if ids and listed else "")

        return [
            f"claims ({self.gate} gate): {part('added', self.added)}; {part('changed', self.changed)}; "
            f"{part('unchanged', self.unchanged, listed=False)}",
            f"register: {part('added', [e.id for e in self.new_entries])}",
        ]


@dataclass
class _Reader:
    """Collects located problems while the sheets are read."""

    display: str
    problems: list[Problem] = field(default_factory=list)

    def at(self, sheet: str, cell: str, message: str) -> None:
        self.problems.append(Problem(f"{self.display}:{sheet}!{cell}", 0, 0, message))

    def whole(self, message: str) -> None:
        self.problems.append(Problem(self.display, 0, 0, message))

    # --- cell values ------------------------------------------------------------------------

    def text(self, sheet: str, cell: str, item: Any) -> str | None:
        """A cell as text (None when empty). A formula is reported, never evaluated or kept."""
        if item is None or item.value is None:
            return None
        value = item.value
        if getattr(item, "data_type", None) == "f" or (
            isinstance(value, str) and value.startswith("=") and item.data_type != "s"
        ):
            self.at(sheet, cell, f"a formula ({_short(str(value))}): formulas are not evaluated; type the value itself")
            return None
        if isinstance(value, dt.datetime):
            value = value.date().isoformat() if value.time() == dt.time() else value.isoformat()
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "TRUE" if value else "FALSE"
        elif isinstance(value, float) and value.is_integer():
            value = str(int(value))
        text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
        return text or None

    def choice(self, sheet: str, cell: str, item: Any, choices: Sequence[str], what: str) -> str | None:
        text = self.text(sheet, cell, item)
        if text is not None and text not in choices:
            self.at(sheet, cell, f"{_short(text)!r} is not {what}: choose one of {', '.join(choices)}")
            return None
        return text

    def date(self, sheet: str, cell: str, item: Any) -> dt.date | None:
        if item is None or item.value is None or (isinstance(item.value, str) and not item.value.strip()):
            return None
        value = item.value
        if getattr(item, "data_type", None) == "f":
            self.text(sheet, cell, item)
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            self.at(sheet, cell, f"a date typed as text ({_short(value)!r}): enter it as a date (YYYY-MM-DD)")
        else:
            self.at(sheet, cell, f"not a date ({_short(str(value))!r}): enter it as a date (YYYY-MM-DD)")
        return None


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _rows(ws: Any, columns: int, limit: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, cells) for rows 1..limit, each padded to `columns` cells; stops at `limit`."""
    for number, cells in enumerate(ws.iter_rows(min_row=1, max_row=limit, max_col=columns), start=1):
        padded = tuple(cells) + (None,) * (columns - len(cells))
        yield number, padded


def _empty(cells: Sequence[Any]) -> bool:
    return all(c is None or c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells)


def read_workbook(path: Path, pack_dir: Path, rules: RulePack, pack: EvidencePack) -> ImportPlan:
    """Check the workbook against the pack and plan the import; raise WorkbookError with every problem."""
    display = str(path)
    reader = _Reader(display)
    guard = inspect_xlsx(path)
    for finding in guard.findings:
        reader.whole(finding.message)
    for where in guard.merged:
        sheet, _, cell = where.partition("!")
        reader.at(sheet, cell, "merged cells are not allowed: unmerge them (each cell holds one value)")
    if reader.problems:
        raise WorkbookError(reader.problems)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as error:  # openpyxl raises many kinds on malformed parts; none may become a traceback
        raise WorkbookError(
            [
                Problem(
                    display, 0, 0, f"cannot be read as an .xlsx workbook ({type(error).__name__}: {_short(str(error))})"
                )
            ]
        ) from None
    try:
        return _read(wb, reader, pack_dir, rules, pack)
    finally:
        wb.close()


def _read(wb: Any, reader: _Reader, pack_dir: Path, rules: RulePack, pack: EvidencePack) -> ImportPlan:
    names = list(wb.sheetnames)
    missing = [name for name in SHEETS if name not in names]
    for name in missing:
        others = [n for n in names if n not in SHEETS]
        hint = f"; the workbook has {', '.join(repr(n) for n in others)}" if others else ""
        reader.whole(f"sheet {name!r} is missing (renamed or removed?){hint}: export the workbook again")
    if missing:
        raise WorkbookError(reader.problems)
    meta = _read_lists(wb["Lists"], reader, pack, rules)
    if reader.problems:
        raise WorkbookError(reader.problems)
    gate, outcome_ids, digests, exported_ids = meta
    scope = rules.in_phases(rules.policy.gates[gate].evaluates)
    if [o.id for o in scope] != outcome_ids:
        reader.whole(
            f"the outcomes of the {gate} gate have changed since the workbook was exported (another rule pack or profile): export it again"
        )
        raise WorkbookError(reader.problems)
    new_entries = _read_register(wb["Register"], reader, pack_dir, pack, exported_ids)
    known_ids = set(pack.register) | {e.id for e in new_entries}
    added, changed, unchanged, edits = _read_claims(wb["Claims"], reader, rules, pack, scope, digests, known_ids)
    if reader.problems:
        raise WorkbookError(reader.problems)
    return ImportPlan(
        workbook=reader.display,
        gate=gate,
        added=tuple(added),
        changed=tuple(changed),
        unchanged=tuple(unchanged),
        edits=tuple(edits),
        new_entries=tuple(new_entries),
    )


def _read_lists(
    ws: Any, reader: _Reader, pack: EvidencePack, rules: RulePack
) -> tuple[str, list[str], list[str], list[str]]:
    columns = "ABCDEFG"
    limit = len(pack.register) + len(rules.outcomes) + len(pack.assessors) + 100
    values: dict[str, list[str | None]] = {letter: [] for letter in columns}
    for number, cells in _rows(ws, len(columns), limit):
        if number == 1:
            continue
        for letter, item in zip(columns, cells, strict=True):
            values[letter].append(reader.text("Lists", f"{letter}{number}", item))
    meta = {k: v for k, v in zip(values[LIST_KEYS], values[LIST_VALUES], strict=True) if k}
    if meta.get("format") != FORMAT:
        reader.whole(
            "not an assessment workbook exported by `gatekeeper workbook export` (its Lists sheet is not ours)"
        )
        return "", [], [], []
    if meta.get("alliance") != pack.alliance_id:
        reader.whole(f"exported for the alliance {meta.get('alliance')!r}, not for this pack ({pack.alliance_id})")
    gate = meta.get("gate") or ""
    if gate not in rules.policy.gates:
        reader.whole(f"exported for an unknown gate {gate!r}")
    outcomes = [v for v in values[LIST_OUTCOMES] if v]
    digests = [v or "" for v in values[LIST_DIGESTS][: len(outcomes)]]
    exported = [v for v in values[LIST_EVIDENCE] if v]
    return gate, outcomes, digests, exported


def _check_header(ws_name: str, reader: _Reader, cells: Sequence[Any], columns: Sequence[Column]) -> bool:
    ok = True
    for column, item in zip(columns, cells, strict=True):
        if reader.text(ws_name, f"{column.letter}1", item) != column.header:
            reader.at(
                ws_name,
                f"{column.letter}1",
                f"the header must read {column.header!r}: columns were renamed, moved or inserted",
            )
            ok = False
    return ok


def _read_register(ws: Any, reader: _Reader, pack_dir: Path, pack: EvidencePack, exported: list[str]) -> list[NewEntry]:
    sheet = "Register"
    limit = len(exported) + 1 + MAX_EXTRA_ROWS
    seen: set[str] = set()
    new: list[NewEntry] = []
    new_paths: dict[str, str] = {}
    paths = {item.path: item.id for item in pack.register.values()}
    kinds = evidence_kinds()
    for number, cells in _rows(ws, len(REGISTER_COLUMNS), limit + 1):
        if number == 1:
            if not _check_header(sheet, reader, cells, REGISTER_COLUMNS):
                return []
            continue
        if number > limit:
            if not _empty(cells):
                reader.at(sheet, f"A{number}", f"the sheet has more than {limit - 1} rows of evidence: refused")
            break
        if _empty(cells):
            continue
        ident, title, kind, path = (reader.text(sheet, f"{c}{number}", cells[i]) for i, c in enumerate("ABCD"))
        date = reader.date(sheet, f"E{number}", cells[4])
        owner = reader.text(sheet, f"F{number}", cells[5])
        sha = reader.text(sheet, f"G{number}", cells[6])
        if ident in exported:
            seen.add(ident)
            item = pack.register.get(ident)
            if item is None:
                continue  # removed from the pack since the export: nothing here can bring it back
            expected = (item.title, item.kind, item.path, item.date, item.owner, item.sha256)
            got = (title, kind, path, date, owner, sha)
            for letter, want, have in zip("BCDEFG", expected, got, strict=True):
                if want != have:
                    reader.at(
                        sheet,
                        f"{letter}{number}",
                        f"locked: {ident} is in register.yml; change it there (or with `gatekeeper register refresh`)",
                    )
            continue
        where = f"A{number}"
        for letter, value in zip("ABCDEF", (ident, title, kind, path, date, owner), strict=True):
            if value is None and not any(p.file.endswith(f"!{letter}{number}") for p in reader.problems):
                reader.at(
                    sheet,
                    f"{letter}{number}",
                    f"{REGISTER_COLUMNS['ABCDEF'.index(letter)].header} is required for new evidence",
                )
        if sha is not None:
            reader.at(sheet, f"G{number}", "the sha256 is computed from the document on import: leave it empty")
        if ident is not None:
            if not ID_PATTERN.match(ident):
                reader.at(
                    sheet,
                    where,
                    f"{_short(ident)!r} is not an evidence id (a letter, then letters, digits, '_', '.', '-')",
                )
            elif ident in seen:
                reader.at(sheet, where, f"{ident} is listed twice")
            seen.add(ident)
        if kind is not None and kind not in kinds:
            reader.at(sheet, f"C{number}", kind_problem(kind) or "")
        digest: str | None = None
        if path is not None:
            digest, why = document_hash(pack_dir, path)
            if why is not None:
                reader.at(sheet, f"D{number}", f"{path}: {why}")
        if None in (ident, title, kind, path, date, owner, digest) or kind not in kinds:
            continue
        assert ident is not None and title is not None and kind is not None and path is not None
        assert date is not None and owner is not None and digest is not None
        entry = NewEntry(id=ident, title=title, kind=kind, path=path, sha256=digest, date=date.isoformat(), owner=owner)
        current = pack.register.get(ident)
        if current is not None:
            if (current.title, current.kind, current.path, current.date.isoformat(), current.owner, current.sha256) == (
                title,
                kind,
                path,
                entry.date,
                owner,
                digest,
            ):
                continue  # imported already (from this workbook, or another one)
            reader.at(sheet, where, f"{ident} is already in register.yml (added since the export?): choose another id")
            continue
        if path in paths:
            reader.at(sheet, f"D{number}", f"{path} is already registered as {paths[path]}")
            continue
        if path in new_paths:
            reader.at(sheet, f"D{number}", f"{path} is also added as {new_paths[path]}")
            continue
        new_paths[path] = ident
        new.append(entry)
    for index, ident in enumerate(exported, start=2):
        if ident not in seen and ident in pack.register:
            reader.at(
                sheet,
                f"A{index}",
                f"the row of {ident} was removed or changed: evidence is removed from register.yml, not here",
            )
    return new


def _read_claims(
    ws: Any,
    reader: _Reader,
    rules: RulePack,
    pack: EvidencePack,
    scope: Sequence[Outcome],
    digests: Sequence[str],
    known_ids: set[str],
) -> tuple[list[str], list[str], list[str], list[ClaimEdit]]:
    sheet = "Claims"
    added: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    edits: list[ClaimEdit] = []
    by_id = {o.id: i for i, o in enumerate(scope)}
    limit = len(scope) + 1 + MAX_EXTRA_ROWS
    assessors = [a.name for a in pack.assessors]
    roster = {p.name for p in pack.roster}
    for number, cells in _rows(ws, len(CLAIM_COLUMNS), limit + 1):
        if number == 1:
            if not _check_header(sheet, reader, cells, CLAIM_COLUMNS):
                return [], [], [], []
            continue
        index = number - 2
        if index >= len(scope):
            if number > limit:
                reader.at(
                    sheet,
                    f"A{number}",
                    f"the sheet has more than {limit - 1} rows; it holds only the {len(scope)} exported outcomes: refused",
                )
                break
            if not _empty(cells):
                reader.at(
                    sheet, f"A{number}", f"a row below the {len(scope)} exported outcomes: rows cannot be added here"
                )
            continue
        outcome = scope[index]
        shown = reader.text(sheet, f"A{number}", cells[0])
        if shown != outcome.id:
            if shown in by_id:
                reader.at(
                    sheet,
                    f"A{number}",
                    f"row moved: this row was exported for {outcome.id} and now holds {shown}; rows must stay in place",
                )
            else:
                reader.at(sheet, f"A{number}", f"locked: this row is {outcome.id}; the outcome column cannot change")
            continue
        _check_locked(reader, number, cells, outcome, rules)
        claim = pack.claims.get(outcome.id)
        row = _row_values(reader, number, cells, claim, assessors, roster, known_ids)
        if row is None:
            continue
        current = project(claim)
        if row == current or row.digest() == digests[index]:
            unchanged.append(outcome.id)
            continue
        if current.digest() != digests[index]:
            reader.at(
                sheet,
                f"A{number}",
                f"{outcome.id} was edited here and its claim in claims.yml changed since the export: export again and redo this row",
            )
            continue
        if not _complete(reader, number, row, claim, outcome):
            continue
        edits.append(ClaimEdit(outcome.id, row, keep_actions=several_actions(claim)))
        (changed if claim is not None else added).append(outcome.id)
    return added, changed, unchanged, edits


def _check_locked(reader: _Reader, number: int, cells: Sequence[Any], outcome: Outcome, rules: RulePack) -> None:
    from gatekeeper.authoring.workbook_export import outcome_text

    expected = {
        "B": outcome.cell,
        "C": "yes" if outcome.critical else "no",
        "D": outcome_text(outcome),
        "E": "\n".join(describe(r, rules.checklists) for r in outcome.requirements),
    }
    for letter, want in expected.items():
        item = cells["ABCDE".index(letter)]
        have = reader.text("Claims", f"{letter}{number}", item)
        if have != (want.strip() or None):
            header = CLAIM_COLUMNS["ABCDE".index(letter)].header
            reader.at(
                "Claims",
                f"{letter}{number}",
                f"locked: the column {header!r} of {outcome.id} was edited; only the white columns can change",
            )


def _row_values(
    reader: _Reader,
    number: int,
    cells: Sequence[Any],
    claim: Claim | None,
    assessors: list[str],
    roster: set[str],
    known_ids: set[str],
) -> Row | None:
    sheet = "Claims"
    before = len(reader.problems)
    status = reader.choice(sheet, f"F{number}", cells[5], STATUS_CHOICES, "a status")
    assessor = reader.text(sheet, f"G{number}", cells[6])
    if (
        assessor is not None
        and assessor not in assessors
        and not (assessor in roster and claim is not None and claim.assessed_by == assessor)
    ):
        reader.at(
            sheet,
            f"G{number}",
            f"{_short(assessor)!r} is not an assessor declared in manifest.yml: choose one of {', '.join(assessors)}",
        )
    method = reader.choice(sheet, f"H{number}", cells[7], METHOD_CHOICES, "a method")
    date = reader.date(sheet, f"I{number}", cells[8])
    ids_text = reader.text(sheet, f"J{number}", cells[9])
    evidence: list[str] = []
    for ident in _ID_SPLIT.split(ids_text or ""):
        if not ident:
            continue
        if ident not in known_ids:
            reader.at(
                sheet, f"J{number}", f"evidence {_short(ident)!r} is not in the register (see the Register sheet)"
            )
        elif ident in evidence:
            reader.at(sheet, f"J{number}", f"evidence {ident} is listed twice")
        else:
            evidence.append(ident)
    justification = reader.text(sheet, f"K{number}", cells[10])
    note = reader.text(sheet, f"L{number}", cells[11])
    if claim is not None and several_actions(claim):
        shown = tuple(reader.text(sheet, f"{c}{number}", cells[12 + i]) for i, c in enumerate("MNO"))
        if shown != actions_text(claim):
            reader.at(
                sheet,
                f"M{number}",
                f"locked: {claim.outcome} has {len(claim.actions)} actions, which are edited in claims.yml",
            )
        action = owner = None
        due = None
    else:
        action = reader.text(sheet, f"M{number}", cells[12])
        owner = reader.text(sheet, f"N{number}", cells[13])
        due = reader.date(sheet, f"O{number}", cells[14])
    if len(reader.problems) > before:
        return None
    return Row(
        status=status,
        assessor=assessor,
        method=method,
        date=date,
        evidence=tuple(evidence),
        justification=justification,
        note=note,
        action=action,
        action_owner=owner,
        action_due=due,
    )


def _complete(reader: _Reader, number: int, row: Row, claim: Claim | None, outcome: Outcome) -> bool:
    """An edited row must make a whole claim: status, assessor, method and date; an action with its owner and due date."""
    sheet = "Claims"
    before = len(reader.problems)
    if row.status is None:
        if claim is not None:
            reader.at(
                sheet,
                f"F{number}",
                f"{outcome.id} has a claim in claims.yml: a claim is removed there, not by emptying its status",
            )
        else:
            reader.at(sheet, f"F{number}", "a status is required to make a claim")
        return False
    for letter, value, what in (
        ("G", row.assessor, "an assessor"),
        ("H", row.method, "a method"),
        ("I", row.date, "a date"),
    ):
        if value is None:
            reader.at(sheet, f"{letter}{number}", f"{what} is required with a status")
    if row.status == "not_applicable":
        if not outcome.allow_not_applicable:
            reader.at(sheet, f"F{number}", f"the rule for {outcome.id} does not allow not_applicable")
        elif row.justification is None:
            reader.at(sheet, f"K{number}", "a justification is required when the status is not_applicable")
    action_cells = (
        ("M", row.action, "an action"),
        ("N", row.action_owner, "an action owner"),
        ("O", row.action_due, "a due date"),
    )
    if any(value is not None for _, value, _ in action_cells):
        for letter, value, what in action_cells:
            if value is None:
                reader.at(sheet, f"{letter}{number}", f"{what} is required with an action")
    return len(reader.problems) == before


# --- applying the plan to the YAML ------------------------------------------------------------


def apply_import(plan: ImportPlan, pack_dir: Path) -> dict[str, bytes]:
    """The new bytes of each pack file the plan changes (none when nothing changes)."""
    files: dict[str, bytes] = {}
    if plan.new_entries:
        register = load_register(pack_dir)
        add_entries(register, plan.new_entries)
        files["register.yml"] = register.dump()
    if plan.edits:
        claims = load_editable(
            (pack_dir / "claims.yml").read_bytes(), name="claims.yml", display=f"{pack_dir}/claims.yml"
        )
        for edit in plan.edits:
            _apply_claim(claims, edit)
        data = claims.dump()
        if data != claims.original:
            files["claims.yml"] = data
    return files


def _apply_claim(claims: Editable, edit: ClaimEdit) -> None:
    from ruamel.yaml.comments import CommentedMap

    seq = claims.tree["claims"]
    target = next((m for m in seq if str(m["outcome"]) == edit.outcome), None)
    row = edit.row
    assert row.status is not None and row.assessor is not None and row.method is not None and row.date is not None
    if target is None:
        target = block_map([("outcome", edit.outcome)])
        append_keeping_trailing_comment(seq, target)
    assert isinstance(target, CommentedMap)
    _put(target, "status", row.status, scalar)
    _put(target, "justification", row.justification, scalar)
    _put(target, "assessed_by", row.assessor, scalar)
    _put(target, "method", row.method, scalar)
    _put(target, "date", row.date.isoformat(), quoted)
    if row.evidence or "evidence" in target:
        _put(target, "evidence", list(row.evidence), flow_list)
    _put(target, "note", row.note, scalar)
    if not edit.keep_actions:
        action = None
        if row.action is not None and row.action_owner is not None and row.action_due is not None:
            action = [(row.action, row.action_owner, row.action_due.isoformat())]
        _put(target, "actions", action, _actions)


def _actions(items: list[tuple[str, str, str]]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq(
        block_map([("action", scalar(a)), ("owner", scalar(o)), ("due", quoted(d))]) for a, o, d in items
    )


def _plain(value: Any) -> Any:
    """A round-trip value as plain data, for comparing with what the workbook holds."""
    if isinstance(value, Mapping):
        return tuple((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value)


def _put(target: Any, key: str, value: Any, make: Callable[[Any], Any]) -> None:
    """Set, add or remove one key, touching nothing when the value is already the same."""
    if value is None:
        if key in target:
            comment = target.ca.items.pop(key, None)
            last = list(target.keys())[-1] == key
            del target[key]
            if comment is not None and last and len(target):
                target.ca.items[list(target.keys())[-1]] = comment
        return
    if key == "actions":
        wanted: Any = [(("action", a), ("owner", o), ("due", d)) for a, o, d in value]
    else:
        wanted = [str(v) for v in value] if isinstance(value, list) else str(value)
    if key in target:
        if _plain(target[key]) != wanted:
            target[key] = make(value)
        return
    order = CLAIM_KEYS.index(key)
    position = max((i + 1 for i, k in enumerate(target) if k in CLAIM_KEYS and CLAIM_KEYS.index(k) < order), default=0)
    moved = None
    if position == len(target) and len(target):
        moved = target.ca.items.pop(list(target.keys())[-1], None)
    target.insert(position, key, make(value))
    if moved is not None:
        target.ca.items[key] = moved
