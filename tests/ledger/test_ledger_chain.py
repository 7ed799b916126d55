"""The ledger's hash chain on both backends: appending, idempotent retries, and tampering found by verify."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pytest
from ledger_support import Backend

from gatekeeper.ledger import Finding, Row, open_ledger
from gatekeeper.ledger.chain import GENESIS, compute_hash
from gatekeeper.problems import InputError

ENTRY = {"decision": "pass", "gate": "creating", "who": "Ann Smith", "role": "sponsor", "note": "Zoë agreed"}


def fill(url: str, count: int) -> None:
    """Record count decisions with keys k1..k{count}."""
    with open_ledger(url) as ledger:
        for number in range(1, count + 1):
            ledger.append({**ENTRY, "n": number}, key=f"k{number}")


def findings(url: str) -> list[Finding]:
    with open_ledger(url) as ledger:
        return ledger.verify()


def read_rows(url: str) -> list[Row]:
    with open_ledger(url) as ledger:
        return ledger.rows()


def test_rows_are_chained_by_the_documented_formula(backend: Backend) -> None:
    """Each row's hash is sha256 of canonical [seq, key, recorded_at, entry, prev_hash], linked from 64 zeros."""
    fill(backend.url, 3)
    rows = read_rows(backend.url)
    assert [row.seq for row in rows] == [1, 2, 3]
    assert rows[0].prev_hash == GENESIS
    assert [row.prev_hash for row in rows[1:]] == [row.row_hash for row in rows[:-1]]
    for row in rows:
        payload = json.dumps(
            [row.seq, row.key, row.recorded_at, row.entry, row.prev_hash],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        assert row.row_hash == hashlib.sha256(payload.encode("utf-8")).hexdigest()
        assert row.mac is None
    assert rows[1].entry == {**ENTRY, "n": 2}
    assert findings(backend.url) == []


def test_entry_is_stored_as_canonical_json(backend: Backend) -> None:
    """The stored entry text has sorted keys, no spaces and non-ASCII kept as UTF-8."""
    with open_ledger(backend.url) as ledger:
        ledger.append({"z": [1, 2.5], "a": "Zoë", "m": {"y": None, "b": True}}, key="one")
    assert backend.query("SELECT entry FROM gatekeeper_ledger") == [
        ('{"a":"Zoë","m":{"b":true,"y":null},"z":[1,2.5]}',)
    ]


def test_recorded_at_is_utc_iso_8601(backend: Backend) -> None:
    """recorded_at is an ISO 8601 UTC timestamp with microseconds."""
    with open_ledger(backend.url) as ledger:
        row = ledger.append(ENTRY, key="one")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", row.recorded_at)


def test_a_retried_key_returns_the_first_row_and_writes_nothing(backend: Backend) -> None:
    """Appending a key already recorded gives back the stored row; the ledger keeps one row."""
    with open_ledger(backend.url) as ledger:
        first = ledger.append(ENTRY, key="decision-42")
        again = ledger.append({**ENTRY, "decision": "fail"}, key="decision-42")
        rows = ledger.rows()
    assert again == first
    assert rows == [first]


def test_get_returns_one_row_and_refuses_an_absent_one(backend: Backend) -> None:
    """get(seq) returns that row; a number with no row is an InputError naming it."""
    fill(backend.url, 2)
    with open_ledger(backend.url) as ledger:
        assert ledger.get(2).key == "k2"
        with pytest.raises(InputError) as raised:
            ledger.get(9)
    assert [p.message for p in raised.value.problems] == ["no row 9 in the ledger"]


def test_reading_a_ledger_never_written_is_an_input_error(backend: Backend) -> None:
    """Listing a ledger where nothing was recorded says so instead of inventing an empty one."""
    with pytest.raises(InputError) as raised:
        read_rows(backend.url)
    assert [p.message for p in raised.value.problems] == ["no ledger here (nothing has been recorded yet)"]


def test_the_table_refuses_update_and_delete(backend: Backend) -> None:
    """Triggers keep the table append-only for every client, not only this code."""
    fill(backend.url, 1)
    for statement in ("UPDATE gatekeeper_ledger SET key = 'x'", "DELETE FROM gatekeeper_ledger"):
        with pytest.raises(Exception, match="append-only"):
            backend.query(statement)
    assert backend.query("SELECT key FROM gatekeeper_ledger") == [("k1",)]


def test_an_edited_row_is_named(backend: Backend) -> None:
    """Changing a row's entry by hand is reported as an edit of that row, and only that."""
    fill(backend.url, 9)
    backend.tamper("UPDATE gatekeeper_ledger SET entry = replace(entry, 'pass', 'fail') WHERE seq = 7")
    assert findings(backend.url) == [Finding(7, "row 7 was edited (its hash does not match its content)")]


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(backend: Backend) -> None:
    """Re-hashing an edited row (without rewriting the rest) is still caught at the following row."""
    fill(backend.url, 5)
    seq, key, recorded_at, _entry, prev = backend.query(
        "SELECT seq, key, recorded_at, entry, prev_hash FROM gatekeeper_ledger WHERE seq = 3"
    )[0]
    forged = '{"decision":"fail"}'
    new_hash = compute_hash(seq, key, recorded_at, forged, prev)
    backend.tamper(f"UPDATE gatekeeper_ledger SET entry = '{forged}', row_hash = '{new_hash}' WHERE seq = 3")
    assert findings(backend.url) == [Finding(4, "row 4 does not follow row 3 (row 3 was rewritten or row 4 inserted)")]


def test_a_deleted_row_is_named(backend: Backend) -> None:
    """Deleting a row by hand is reported as that row missing."""
    fill(backend.url, 14)
    backend.tamper("DELETE FROM gatekeeper_ledger WHERE seq = 12")
    assert findings(backend.url) == [Finding(12, "row 12 is missing (deleted)")]


def test_deleted_first_rows_are_named_as_a_range(backend: Backend) -> None:
    """Deleting the oldest rows leaves a chain that no longer starts at row 1; the gap is named."""
    fill(backend.url, 6)
    backend.tamper("DELETE FROM gatekeeper_ledger WHERE seq <= 3")
    assert findings(backend.url) == [Finding(1, "rows 1 to 3 are missing (deleted)")]


def test_swapped_rows_are_named_as_out_of_order(backend: Backend) -> None:
    """Swapping two rows' numbers by hand is reported as those rows out of order, not as edits."""
    fill(backend.url, 8)
    backend.tamper(
        "UPDATE gatekeeper_ledger SET seq = -1 WHERE seq = 4",
        "UPDATE gatekeeper_ledger SET seq = 4 WHERE seq = 5",
        "UPDATE gatekeeper_ledger SET seq = 5 WHERE seq = -1",
    )
    assert findings(backend.url) == [Finding(4, "rows 4 and 5 are out of order")]


def test_a_row_moved_into_a_gap_is_named(backend: Backend) -> None:
    """A row renumbered into the place of a deleted one is reported as moved, with its recorded number."""
    fill(backend.url, 6)
    backend.tamper("DELETE FROM gatekeeper_ledger WHERE seq = 3", "UPDATE gatekeeper_ledger SET seq = 3 WHERE seq = 4")
    assert findings(backend.url) == [
        Finding(3, "row 3 is out of order (it was recorded as row 4)"),
        Finding(4, "row 4 is missing (deleted)"),
    ]


def test_an_inserted_row_is_named(backend: Backend) -> None:
    """A row added by hand with a made-up link is reported as inserted."""
    fill(backend.url, 8)
    key, recorded_at, prev = "forged", "2030-01-01T00:00:00.000000Z", "f" * 64
    row_hash = compute_hash(9, key, recorded_at, "{}", prev)
    backend.tamper(
        "INSERT INTO gatekeeper_ledger (seq, key, recorded_at, entry, prev_hash, row_hash) "
        f"VALUES (9, '{key}', '{recorded_at}', '{{}}', '{prev}', '{row_hash}')"
    )
    assert findings(backend.url) == [Finding(9, "row 9 was inserted (it does not follow row 8)")]


def test_a_damaged_entry_is_reported_not_crashed_on(backend: Backend) -> None:
    """An entry that is no longer JSON is an edit for verify, and an InputError for reading rows."""
    fill(backend.url, 3)
    backend.tamper("UPDATE gatekeeper_ledger SET entry = 'not json' WHERE seq = 2")
    assert findings(backend.url) == [Finding(2, "row 2 was edited (its hash does not match its content)")]
    with pytest.raises(InputError, match="row 2 cannot be read"):
        read_rows(backend.url)


def test_rows_carry_a_mac_when_a_key_is_set(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    """With GATEKEEPER_LEDGER_KEY each row's MAC is HMAC-SHA256(key, row_hash) and verify accepts it."""
    monkeypatch.setenv("GATEKEEPER_LEDGER_KEY", "s3cret")
    fill(backend.url, 2)
    rows = read_rows(backend.url)
    assert [row.mac for row in rows] == [
        hmac.new(b"s3cret", row.row_hash.encode(), hashlib.sha256).hexdigest() for row in rows
    ]
    assert findings(backend.url) == []
    monkeypatch.setenv("GATEKEEPER_LEDGER_KEY", "another key")
    assert findings(backend.url) == [Finding(1, "row 1 has a wrong MAC"), Finding(2, "row 2 has a wrong MAC")]


def test_rows_without_mac_are_reported_when_a_key_is_set(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows written without the key are named once a key is set."""
    fill(backend.url, 1)
    monkeypatch.setenv("GATEKEEPER_LEDGER_KEY", "s3cret")
    fill(backend.url, 2)  # k1 exists already: only k2 is written, with a MAC
    assert findings(backend.url) == [Finding(1, "row 1 has no MAC (it was written without the ledger key)")]


def test_a_chain_rewritten_without_the_key_is_caught_only_by_the_mac(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rewriting every row with correct hashes fools the chain, but not the MAC check."""
    monkeypatch.setenv("GATEKEEPER_LEDGER_KEY", "s3cret")
    fill(backend.url, 3)
    stored = backend.query("SELECT seq, key, recorded_at, mac FROM gatekeeper_ledger ORDER BY seq")
    statements, prev = ["DELETE FROM gatekeeper_ledger"], GENESIS
    for seq, key, recorded_at, mac in stored:
        forged = '{"decision":"fail"}'
        row_hash = compute_hash(seq, key, recorded_at, forged, prev)
        statements.append(
            "INSERT INTO gatekeeper_ledger (seq, key, recorded_at, entry, prev_hash, row_hash, mac) "
            f"VALUES ({seq}, '{key}', '{recorded_at}', '{forged}', '{prev}', '{row_hash}', '{mac}')"
        )
        prev = row_hash
    backend.tamper(*statements)
    monkeypatch.delenv("GATEKEEPER_LEDGER_KEY")
    assert findings(backend.url) == []
    monkeypatch.setenv("GATEKEEPER_LEDGER_KEY", "s3cret")
    assert findings(backend.url) == [Finding(n, f"row {n} has a wrong MAC") for n in (1, 2, 3)]
