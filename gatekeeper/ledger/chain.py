"""The ledger's hash chain: row records, canonical hashing, the optional MAC, and chain verification.

Both storage backends keep the same columns and call these functions, so a ledger means the same
thing whether it lives in SQLite or PostgreSQL. An auditor can recompute any row by hand:

    row_hash = sha256(canonical_json([seq, key, recorded_at, entry, prev_hash])).hexdigest()
    mac      = hmac_sha256(GATEKEEPER_LEDGER_KEY, row_hash).hexdigest()

where canonical_json is JSON with sorted keys, no spaces and UTF-8 text (not \\u escapes), and the
first row's prev_hash is 64 zeros.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from gatekeeper.problems import InputError, Problem

GENESIS = "0" * 64

# The columns of the ledger table, in order, in both backends.
COLUMNS: tuple[str, ...] = ("seq", "key", "recorded_at", "entry", "prev_hash", "row_hash", "mac")
# Row numbers are 64-bit signed integers in both databases: a larger number names no row.
MAX_SEQ = 2**63 - 1

# Environment variable holding the secret for row MACs. Without it the chain still catches an
# edited, deleted or reordered row; with it, a chain rewritten from scratch is caught too.
KEY_ENV = "GATEKEEPER_LEDGER_KEY"


@dataclass(frozen=True)
class Row:
    """One recorded decision, as stored."""

    seq: int
    key: str
    recorded_at: str
    entry: dict[str, Any]
    prev_hash: str
    row_hash: str
    mac: str | None

    def as_dict(self) -> dict[str, Any]:
        """The row as plain JSON-ready data, for `--format json`."""
        return {
            "seq": self.seq,
            "key": self.key,
            "recorded_at": self.recorded_at,
            "entry": self.entry,
            "prev_hash": self.prev_hash,
            "row_hash": self.row_hash,
            "mac": self.mac,
        }


@dataclass(frozen=True, order=True)
class Finding:
    """One thing verification found wrong; seq is None when no single row is to blame."""

    seq: int | None
    message: str


@dataclass(frozen=True)
class StoredRow:
    """A row exactly as the database returned it, before any parsing.

    Verification works on these so that a row someone damaged by hand (text that is not JSON,
    a hash column holding a number) is reported rather than crashing the check.
    """

    seq: int
    key: Any
    recorded_at: Any
    entry_text: Any
    prev_hash: Any
    row_hash: Any
    mac: Any

    def values(self) -> tuple[Any, ...]:
        """The column values in table order, for INSERT."""
        return astuple(self)


def canonical_json(value: Any) -> str:
    """The one serialisation that is hashed: sorted keys, compact, UTF-8 text, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def compute_hash(seq: int, key: str, recorded_at: str, entry_text: str, prev_hash: str) -> str:
    """The row hash over the stored entry text (equal to canonical_json of the five-item list)."""
    # The entry is spliced in as stored, so re-formatting its JSON by hand counts as an edit.
    payload = (
        "["
        + ",".join(
            (str(int(seq)), canonical_json(key), canonical_json(recorded_at), entry_text, canonical_json(prev_hash))
        )
        + "]"
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def compute_mac(secret: bytes, row_hash: str) -> str:
    """HMAC-SHA256 of the row hash under the ledger key."""
    return hmac.new(secret, row_hash.encode("ascii"), hashlib.sha256).hexdigest()


def new_row(*, last: tuple[int, str] | None, key: str, entry_text: str, secret: bytes | None) -> StoredRow:
    """The next row after `last` (its seq and row hash), stamped with the current UTC time.

    Called inside the backend's write lock, so seq, time and chain order agree.
    """
    seq = 1 if last is None else int(last[0]) + 1
    prev_hash = GENESIS if last is None else str(last[1])
    recorded_at = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    row_hash = compute_hash(seq, key, recorded_at, entry_text, prev_hash)
    mac = None if secret is None else compute_mac(secret, row_hash)
    return StoredRow(seq, key, recorded_at, entry_text, prev_hash, row_hash, mac)


def parse_row(stored: StoredRow) -> Row:
    """A stored row as a Row; ValueError when its entry is no longer a JSON object."""
    entry = json.loads(stored.entry_text)
    if not isinstance(entry, dict):
        raise ValueError("its entry is not a JSON object")
    return Row(
        seq=int(stored.seq),
        key=str(stored.key),
        recorded_at=str(stored.recorded_at),
        entry=entry,
        prev_hash=str(stored.prev_hash),
        row_hash=str(stored.row_hash),
        mac=None if stored.mac is None else str(stored.mac),
    )


def _self_hash(stored: StoredRow, seq: int) -> str | None:
    """The hash the row's content gives at position seq, or None if the content is not even text."""
    fields = (stored.key, stored.recorded_at, stored.entry_text, stored.prev_hash)
    if not all(isinstance(field, str) for field in fields):
        return None
    return compute_hash(seq, stored.key, stored.recorded_at, stored.entry_text, stored.prev_hash)


def _chain_positions(rows: Sequence[StoredRow]) -> dict[int, int]:
    """Where each row sits when the chain is followed link by link from the genesis hash.

    Maps stored seq to position. Following prev_hash links instead of the seq column recovers the
    original order of rows that were renumbered by hand, which tells a reordering from an edit.
    """
    following: dict[str, list[StoredRow]] = {}
    for row in rows:
        if isinstance(row.prev_hash, str):
            following.setdefault(row.prev_hash, []).append(row)
    positions: dict[int, int] = {}
    current, position = GENESIS, 0
    while len(following.get(current, ())) == 1 and position < len(rows):
        row = following[current][0]
        position += 1
        positions[row.seq] = position
        if not isinstance(row.row_hash, str):
            break
        current = row.row_hash
    return positions


def _original_seq(stored: StoredRow, positions: Mapping[int, int]) -> int | None:
    """The other seq this row's hash was computed for, if it was moved rather than edited."""
    candidates = []
    if stored.seq in positions:
        candidates.append(positions[stored.seq])
    # A row cut off from the genesis by a deletion has no chain position: try its neighbourhood.
    candidates.extend(stored.seq + offset for offset in (-1, 1, -2, 2, -3, 3))
    for candidate in candidates:
        if candidate != stored.seq and candidate > 0 and _self_hash(stored, candidate) == stored.row_hash:
            return candidate
    return None


def _moved_findings(moved: Mapping[int, int]) -> list[Finding]:
    """Name reordered rows: rows that swapped places together, else each row with where it was."""
    findings: list[Finding] = []
    seen: set[int] = set()
    for start in sorted(moved):
        if start in seen:
            continue
        cycle, current = [], start
        while current in moved and current not in cycle:
            cycle.append(current)
            current = moved[current]
        if current == start and len(cycle) > 1:
            seen.update(cycle)
            names = sorted(cycle)
            listed = " and ".join([", ".join(str(n) for n in names[:-1]), str(names[-1])])
            findings.append(Finding(names[0], f"rows {listed} are out of order"))
        else:
            seen.add(start)
            findings.append(Finding(start, f"row {start} is out of order (it was recorded as row {moved[start]})"))
    return findings


def _missing(first: int, last: int) -> Finding:
    if first == last:
        return Finding(first, f"row {first} is missing (deleted)")
    return Finding(first, f"rows {first} to {last} are missing (deleted)")


def verify_rows(rows: Sequence[StoredRow], *, secret: bytes | None) -> list[Finding]:
    """Every break in the chain of rows (given in seq order); empty when the ledger is intact.

    Deleting the newest rows leaves a shorter chain that is still valid; only a head hash kept
    outside the ledger catches that (`ledger verify` prints the head for this reason).
    """
    findings: list[Finding] = []
    positions = _chain_positions(rows)
    moved: dict[int, int] = {}
    broken: set[int] = set()  # rows whose own content is wrong: links next to them say nothing new
    for stored in rows:
        own = _self_hash(stored, stored.seq)
        if own is not None and own == stored.row_hash:
            continue
        broken.add(stored.seq)
        original = _original_seq(stored, positions)
        if original is not None:
            moved[stored.seq] = original
        else:
            findings.append(Finding(stored.seq, f"row {stored.seq} was edited (its hash does not match its content)"))
    findings.extend(_moved_findings(moved))

    previous: StoredRow | None = None
    for index, stored in enumerate(rows):
        if stored.seq < 1:
            findings.append(Finding(stored.seq, f"row {stored.seq} was inserted (no row can have a number below 1)"))
            continue
        expected_seq = 1 if previous is None else previous.seq + 1
        expected_prev = GENESIS if previous is None else previous.row_hash
        if stored.seq > expected_seq:
            # A deletion also breaks the next link; naming the gap says it all.
            findings.append(_missing(expected_seq, stored.seq - 1))
        elif (
            stored.prev_hash != expected_prev
            and stored.seq not in broken
            and (previous is None or previous.seq not in broken)
        ):
            last = index == len(rows) - 1
            if previous is None:
                message = f"row {stored.seq} was inserted (it does not start the chain)"
            elif last:
                message = f"row {stored.seq} was inserted (it does not follow row {previous.seq})"
            else:
                message = (
                    f"row {stored.seq} does not follow row {previous.seq} "
                    f"(row {previous.seq} was rewritten or row {stored.seq} inserted)"
                )
            findings.append(Finding(stored.seq, message))
        previous = stored

    if secret is not None:
        for stored in rows:
            if stored.mac is None or stored.mac == "":
                message = f"row {stored.seq} has no MAC (it was written without the ledger key)"
                findings.append(Finding(stored.seq, message))
            elif not isinstance(stored.row_hash, str) or not hmac.compare_digest(
                str(stored.mac).encode("utf-8"), compute_mac(secret, stored.row_hash).encode("ascii")
            ):
                findings.append(Finding(stored.seq, f"row {stored.seq} has a wrong MAC"))
    return sorted(findings, key=lambda f: (f.seq if f.seq is not None else 0, f.message))


def altered_columns(found: Sequence[str]) -> str | None:
    """Why a ledger table with these columns is not one this code wrote, or None when it is.

    A column dropped, renamed or added by hand (ALTER TABLE) means the rows can no longer be read
    or hashed as recorded; saying so beats whatever error the first query would give.
    """
    if tuple(found) == COLUMNS:
        return None
    missing = [name for name in COLUMNS if name not in found]
    extra = [name for name in found if name not in COLUMNS]
    said = []
    if missing:
        said.append(f"missing {', '.join(missing)}")
    if extra:
        said.append(f"unexpected {', '.join(extra)}")
    if not said:
        said.append("in a different order")
    return f"the ledger table's columns were altered by hand ({'; '.join(said)}); it cannot be used"


class LedgerBase:
    """What both backends share once they can list their stored rows: verification and closing."""

    location: str
    _secret: bytes | None
    _conn: Any

    def _stored(self) -> list[StoredRow]:
        raise NotImplementedError

    def _no_such_row(self, seq: int) -> InputError:
        return InputError(Problem(self.location, message=f"no row {seq} in the ledger"))

    def rows(self) -> list[Row]:
        """Every row, oldest first."""
        return [self._parse(stored) for stored in self._stored()]

    def _parse(self, stored: StoredRow) -> Row:
        try:
            return parse_row(stored)
        except ValueError as error:
            message = f"row {stored.seq} cannot be read ({error}); run `gatekeeper ledger verify`"
            raise InputError(Problem(self.location, message=message)) from error

    def verify(self) -> list[Finding]:
        """Every break in the chain (and every bad MAC when a key is set); empty when intact."""
        return verify_rows(self._stored(), secret=self._secret)

    def close(self) -> None:
        """Close the connection; the ledger object can be used again afterwards."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
