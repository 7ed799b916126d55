"""The strict YAML loader: what it accepts, how it locates values, and every refusal with its exact place and message."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gatekeeper.loading.yamlstrict import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    MAX_PROBLEMS,
    Document,
    load_yaml,
    load_yaml_bytes,
    resolve_plain,
)
from gatekeeper.problems import InputError

REPO = Path(__file__).resolve().parent.parent

Found = list[tuple[int, int, str]]


def refusal(raw: bytes, display: str = "t.yml") -> Found:
    """Load raw, expecting a refusal; return its problems as (line, col, message)."""
    with pytest.raises(InputError) as caught:
        load_yaml_bytes(raw, display=display)
    assert all(p.file == display for p in caught.value.problems)
    return [(p.line, p.col, p.message) for p in caught.value.problems]


def ambiguous_bool(word: str) -> str:
    return f"'{word}' is ambiguous: YAML 1.1 reads it as a boolean; write true/false or quote it"


# --- accepted input -------------------------------------------------------------------------------


def test_scalars_follow_the_yaml_1_2_core_schema() -> None:
    """Plain scalars become null, bool, int and float by YAML 1.2 core; everything quoted stays a string."""
    raw = (
        b"nulls: [null, Null, NULL, ~]\n"
        b"bools: [true, True, TRUE, false, False, FALSE]\n"
        b"ints: [0, -7, +3, 0x1F, 12345678901234567890]\n"
        b"floats: [1.5, -0.25, 2., .5, 1.5e+3, 3.10]\n"
        b"strings: ['yes', \"010\", '1:30', '.nan', 'null', \"true\", hello world, 1.2.3, v1]\n"
        b"dates: [2025-03-01, 2024-02-29, 2024-01-01T10:00:00Z]\n"
        b"block: |\n  line one\n  line two\n"
        b"folded: >\n  a\n  b\n"
        b"empty:\n"
    )
    doc = load_yaml_bytes(raw, display="ok.yml")
    assert doc == Document("ok.yml", doc.data)
    assert doc.data == {
        "nulls": [None, None, None, None],
        "bools": [True, True, True, False, False, False],
        "ints": [0, -7, 3, 31, 12345678901234567890],
        "floats": [1.5, -0.25, 2.0, 0.5, 1500.0, 3.1],
        "strings": ["yes", "010", "1:30", ".nan", "null", "true", "hello world", "1.2.3", "v1"],
        "dates": ["2025-03-01", "2024-02-29", "2024-01-01T10:00:00Z"],
        "block": "line one\nline two\n",
        "folded": "a b\n",
        "empty": None,
    }
    assert [type(v) for v in doc.data["ints"]] == [int] * 5
    assert [type(v) for v in doc.data["floats"]] == [float] * 6


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    """A leading UTF-8 BOM is accepted and does not shift columns."""
    doc = load_yaml_bytes(b"\xef\xbb\xbfa: b\nc: d\n", display="bom.yml")
    assert doc.data == {"a": "b", "c": "d"}
    assert doc.locate(["a"]) == (1, 4)


def test_yaml_1_2_directive_is_accepted() -> None:
    """An explicit %YAML 1.2 directive agrees with how the file is read, so it is accepted."""
    assert load_yaml_bytes(b"%YAML 1.2\n---\na: 1\n", display="v.yml").data == {"a": 1}


def test_nesting_of_exactly_max_depth_loads() -> None:
    """Nesting of exactly MAX_DEPTH levels (the top mapping counts as one) is accepted."""
    raw = b"a: " + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"\n"
    data = load_yaml_bytes(raw, display="deep.yml").data
    depth = 1
    node = data["a"]
    while isinstance(node, list):
        depth += 1
        node = node[0] if node else None
    assert depth == MAX_DEPTH


def test_load_yaml_reads_a_file_and_names_it(tmp_path: Path) -> None:
    """load_yaml reads a file from disk and uses the display name, or the path when none is given."""
    target = tmp_path / "register.yml"
    target.write_text("schema_version: 1\n", encoding="utf-8")
    assert load_yaml(target, display="pack/register.yml") == Document("pack/register.yml", {"schema_version": 1})
    assert load_yaml(target).path == str(target)


# --- locate ---------------------------------------------------------------------------------------

LOCATED = b"""\
schema_version: 1
evidence:
  - id: E01
    approvals:
      - {by: Board, date: 2025-01-02}
  - id: E02
    notes: |
      text
owner:
  name: "Client PM"
"""


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ([], (1, 1)),
        (["schema_version"], (1, 17)),
        (["evidence"], (3, 3)),
        (["evidence", 0], (3, 5)),
        (["evidence", 0, "id"], (3, 9)),
        (["evidence", 0, "approvals", 0, "date"], (5, 27)),
        (["evidence", 1, "notes"], (7, 12)),
        (["owner", "name"], (10, 9)),
        (["evidence", 5, "id"], (3, 3)),
        (["evidence", 0, "missing"], (3, 5)),
        (["owner", "name", "deeper"], (10, 9)),
        (["evidence", "0"], (3, 3)),
        (["evidence", True], (3, 3)),
        (["evidence", -1], (3, 3)),
        (["nowhere"], (1, 1)),
    ],
)
def test_locate_finds_values_or_their_nearest_ancestor(path: list[str | int], where: tuple[int, int]) -> None:
    """locate gives the 1-based start of a value, the nearest existing ancestor when absent, (1, 1) for the root."""
    doc = load_yaml_bytes(LOCATED, display="loc.yml")
    assert doc.locate(path) == where


def test_locate_counts_columns_in_characters() -> None:
    """Columns count characters, not bytes, so they match what an editor shows."""
    doc = load_yaml_bytes("é€: {ü: x}\n".encode(), display="u.yml")
    assert doc.locate(["é€", "ü"]) == (1, 9)


def test_a_document_built_without_locations_locates_the_root() -> None:
    """A Document made directly (as other code and tests do) locates everything at (1, 1)."""
    assert Document("x.yml", {"a": 1}).locate(["a"]) == (1, 1)


# --- refusals -------------------------------------------------------------------------------------

HOSTILE: list[tuple[str, bytes, Found]] = [
    (
        "duplicate key",
        b"decision: fail\nnote: x\ndecision: pass\n",
        [(3, 1, "duplicate key 'decision' (first at line 1)")],
    ),
    (
        "duplicate keys are all reported, quoted or not",
        b'a: 1\nb:\n  c: 1\n  "c": 2\na: 3\n',
        [(4, 3, "duplicate key 'c' (first at line 3)"), (5, 1, "duplicate key 'a' (first at line 1)")],
    ),
    (
        "keys that collide after resolution",
        b"1: a\n0x1: b\n",
        [
            (1, 1, "keys must be strings: 1 reads as an integer; quote it"),
            (2, 1, "duplicate key 1 (first at line 1)"),
            (2, 1, "keys must be strings: 0x1 reads as an integer; quote it"),
        ],
    ),
    (
        "anchor and alias",
        b"base: &b {x: 1}\ncopy: *b\n",
        [(1, 7, "anchors and aliases are not allowed (&b)"), (2, 7, "anchors and aliases are not allowed (*b)")],
    ),
    ("anchor on a scalar", b"a: &x 1\n", [(1, 4, "anchors and aliases are not allowed (&x)")]),
    (
        "merge key",
        b"<<: {a: 1}\nb: 2\n",
        [(1, 1, "merge keys (<<) are not allowed")],
    ),
    ("set tag", b"a: !!set {x: null}\n", [(1, 4, "explicit tags are not allowed (!!set)")]),
    ("str tag", b"a: !!str 1\n", [(1, 4, "explicit tags are not allowed (!!str)")]),
    ("binary tag", b"a: !!binary aGk=\n", [(1, 4, "explicit tags are not allowed (!!binary)")]),
    ("local tag", b"a: !local x\n", [(1, 4, "explicit tags are not allowed (!local)")]),
    ("non-specific tag", b"a: ! 12\n", [(1, 4, "explicit tags are not allowed (!)")]),
    (
        "python tag",
        b"a: !!python/object:os.system x\n",
        [(1, 4, "explicit tags are not allowed (!!python/object:os.system)")],
    ),
    ("integer key", b"1: a\n", [(1, 1, "keys must be strings: 1 reads as an integer; quote it")]),
    ("boolean key", b"true: a\n", [(1, 1, "keys must be strings: true reads as a boolean; quote it")]),
    ("null key", b"null: a\n", [(1, 1, "keys must be strings: null reads as null; quote it")]),
    ("float key", b"1.5: a\n", [(1, 1, "keys must be strings: 1.5 reads as a number; quote it")]),
    ("empty key", b"?\n: a\n", [(1, 2, "keys must be strings: an empty key reads as null; quote it")]),
    ("sequence key", b"? [a]\n: b\n", [(1, 3, "keys must be strings, not sequences")]),
    ("mapping key", b"? {a: 1}\n: b\n", [(1, 3, "keys must be strings, not mappings")]),
    ("yes", b"a: yes\n", [(1, 4, ambiguous_bool("yes"))]),
    ("No", b"a: No\n", [(1, 4, ambiguous_bool("No"))]),
    ("ON", b"a: ON\n", [(1, 4, ambiguous_bool("ON"))]),
    ("off", b"a: off\n", [(1, 4, ambiguous_bool("off"))]),
    ("y", b"a: y\n", [(1, 4, ambiguous_bool("y"))]),
    ("N", b"a: N\n", [(1, 4, ambiguous_bool("N"))]),
    ("yes as a key", b"yes: 1\n", [(1, 1, ambiguous_bool("yes"))]),
    (
        "odd-case yes",
        b"a: yEs\n",
        [(1, 4, "'yEs' looks like a boolean but is read as a string; write true/false or quote it")],
    ),
    (
        "odd-case true",
        b"a: tRUE\n",
        [(1, 4, "'tRUE' looks like a boolean but is read as a string; write true/false or quote it")],
    ),
    ("odd-case null", b"a: nULL\n", [(1, 4, "'nULL' looks like null but is read as a string; write null or quote it")]),
    (
        "sexagesimal",
        b"a: 1:30\n",
        [(1, 4, "'1:30' is ambiguous: YAML 1.1 reads it as the base-60 number 90; quote it")],
    ),
    (
        "sexagesimal float",
        b"a: 1:30.5\n",
        [(1, 4, "'1:30.5' is ambiguous: YAML 1.1 reads it as the base-60 number 90.5; quote it")],
    ),
    (
        "leading zero",
        b"a: 010\n",
        [(1, 4, "'010' is ambiguous: YAML 1.1 reads a leading zero as octal; drop the zero or quote it")],
    ),
    (
        "leading zero, not octal",
        b"a: -09\n",
        [(1, 4, "'-09' is ambiguous: YAML 1.1 reads a leading zero as octal; drop the zero or quote it")],
    ),
    (
        "0o octal",
        b"a: 0o17\n",
        [
            (
                1,
                4,
                "'0o17' is ambiguous: YAML 1.2 reads it as the number 15 but YAML 1.1 as a string; write 15 or quote it",
            )
        ],
    ),
    ("0b binary", b"a: 0b101\n", [(1, 4, "'0b101' is ambiguous: YAML 1.1 reads it as the binary number 5; quote it")]),
    (
        "underscores",
        b"a: 1_000\n",
        [(1, 4, "'1_000' is ambiguous: YAML 1.1 reads it as the number 1000 (underscores are ignored); quote it")],
    ),
    ("signed hex", b"a: -0x1F\n", [(1, 4, "'-0x1F' is ambiguous: YAML 1.1 reads it as the number -31; quote it")]),
    (
        "exponent without a dot",
        b"a: 1e3\n",
        [
            (
                1,
                4,
                "'1e3' is ambiguous: YAML 1.2 reads it as the number 1000.0 but YAML 1.1 as a string; write 1000.0 or quote it",
            )
        ],
    ),
    (
        "unsigned exponent",
        b"a: 1.5e3\n",
        [
            (
                1,
                4,
                "'1.5e3' is ambiguous: YAML 1.2 reads it as the number 1500.0 but YAML 1.1 as a string; write 1500.0 or quote it",
            )
        ],
    ),
    (
        "signed leading dot",
        b"a: -.5\n",
        [
            (
                1,
                4,
                "'-.5' is ambiguous: YAML 1.2 reads it as the number -0.5 but YAML 1.1 as a string; write -0.5 or quote it",
            )
        ],
    ),
    ("equals sign", b"a: =\n", [(1, 4, "'=' is ambiguous: YAML 1.1 reads it as a 'value' key; quote it")]),
    ("invalid date", b"a: 2024-02-30\n", [(1, 4, "invalid date 2024-02-30")]),
    ("invalid month", b"a:\n  - 2025-13-01\n", [(2, 5, "invalid date 2025-13-01")]),
    ("invalid date-time", b"a: 2024-01-01 25:00:00\n", [(1, 4, "invalid date-time 2024-01-01 25:00:00")]),
    ("invalid date as a key", b"2023-02-29: x\n", [(1, 1, "invalid date 2023-02-29")]),
    ("nan", b"a: .nan\n", [(1, 4, "NaN and infinity are not allowed (.nan)")]),
    ("NaN", b"a: .NaN\n", [(1, 4, "NaN and infinity are not allowed (.NaN)")]),
    ("inf", b"a: .inf\n", [(1, 4, "NaN and infinity are not allowed (.inf)")]),
    ("minus inf", b"a: -.Inf\n", [(1, 4, "NaN and infinity are not allowed (-.Inf)")]),
    ("odd-case inf", b"a: .iNf\n", [(1, 4, "NaN and infinity are not allowed (.iNf)")]),
    (
        "float overflow",
        b"a: 1.0e+400\n",
        [(1, 4, "NaN and infinity are not allowed (1.0e+400 is too large for a float)")],
    ),
    ("huge integer", b"a: " + b"9" * 5000 + b"\n", [(1, 4, "integer is too long (5000 characters)")]),
    ("several documents", b"a: 1\n---\nb: 2\n", [(2, 1, "several documents in one file")]),
    ("several documents, second empty", b"---\na: 1\n...\n---\n", [(4, 1, "several documents in one file")]),
    ("empty file", b"", [(1, 1, "the file is empty")]),
    ("only comments", b"# nothing\n\n   # here\n", [(1, 1, "the file is empty")]),
    ("only a document marker", b"---\n", [(1, 1, "the file is empty")]),
    ("explicit null document", b"~\n", [(1, 1, "the top level must be a mapping, found null")]),
    ("top-level sequence", b"- a\n- b\n", [(1, 1, "the top level must be a mapping, found a sequence")]),
    ("top-level string", b"hello\n", [(1, 1, "the top level must be a mapping, found a string")]),
    ("top-level integer", b"\n42\n", [(2, 1, "the top level must be a mapping, found an integer")]),
    (
        "nesting too deep",
        b"a: " + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"\n",
        [(1, 4 + MAX_DEPTH - 1, f"nesting deeper than {MAX_DEPTH} levels")],
    ),
    (
        "block nesting too deep",
        b"".join(b"  " * i + b"k:\n" for i in range(MAX_DEPTH + 1)),
        [(MAX_DEPTH + 1, 2 * MAX_DEPTH + 1, f"nesting deeper than {MAX_DEPTH} levels")],
    ),
    ("not UTF-8", b"a: b\nname: caf\xe9\n", [(2, 10, "not UTF-8: byte 0xe9 at line 2 col 10")]),
    (
        "not UTF-8 after multibyte text",
        "a: «»\n".encode() + b"\xff\n",
        [(2, 1, "not UTF-8: byte 0xff at line 2 col 1")],
    ),
    (
        "not UTF-8 mid-line after multibyte",
        "é: ü".encode() + b"\xc3\n",
        [(1, 5, "not UTF-8: byte 0xc3 at line 1 col 5")],
    ),
    ("UTF-16", "a: b\n".encode("utf-16"), [(1, 1, "not UTF-8: byte 0xff at line 1 col 1")]),
    ("NUL", b"a: x\x00y\n", [(1, 5, "NUL character is not allowed")]),
    (
        "bidi override",
        "a: x\u202ey\n".encode(),
        [
            (
                1,
                5,
                "bidirectional control character U+202E is not allowed (text would display in a different order from how it is read)",
            )
        ],
    ),
    (
        "bidi isolate in a comment, and a mark in a key",
        "# \u2066 hidden\nk\u200f: v\n".encode(),
        [
            (
                1,
                3,
                "bidirectional control character U+2066 is not allowed (text would display in a different order from how it is read)",
            ),
            (
                2,
                2,
                "bidirectional control character U+200F is not allowed (text would display in a different order from how it is read)",
            ),
        ],
    ),
    (
        "arabic letter mark in quotes",
        'a: "\u061c"\n'.encode(),
        [
            (
                1,
                5,
                "bidirectional control character U+061C is not allowed (text would display in a different order from how it is read)",
            )
        ],
    ),
    ("bell", b"a: \x07\n", [(1, 4, "control character U+0007 is not allowed")]),
    ("escape after a CR line end", b"a: 1\rb: \x1b\n", [(2, 4, "control character U+001B is not allowed")]),
    ("delete", b"a: \x7f\n", [(1, 4, "control character U+007F is not allowed")]),
    ("next line", "a: x\x85y\n".encode(), [(1, 5, "control character U+0085 is not allowed")]),
    (
        "line separator",
        "a: x\u2028y\n".encode(),
        [(1, 5, "line or paragraph separator U+2028 is not allowed (parsers and editors count lines differently)")],
    ),
    (
        "BOM after the start",
        "a: x\ufeff\n".encode(),
        [(1, 5, "byte order mark U+FEFF is only allowed at the start of the file")],
    ),
    (
        "escaped bidi override in double quotes",
        b'a: "x\\u202Ey"\n',
        [
            (
                1,
                4,
                "bidirectional control character U+202E is not allowed (text would display in a different order from how it is read) (written as an escape)",
            )
        ],
    ),
    ("escaped NUL in a key", b'"k\\0": 1\n', [(1, 1, "NUL character is not allowed (written as an escape)")]),
    ("YAML 1.1 directive", b"%YAML 1.1\n---\na: 1\n", [(1, 1, "%YAML 1.1 is not allowed: files are read as YAML 1.2")]),
    ("TAG directive", b"%TAG !e! tag:example.com,2000:\n---\na: 1\n", [(1, 1, "%TAG directives are not allowed")]),
    (
        "syntax error",
        b"a: {b: [\n",
        [(2, 1, "invalid YAML: did not find expected node content (while parsing a flow node started at line 2)")],
    ),
    (
        "bad indentation",
        b"a:\n  b: 1\n c: 2\n",
        [(3, 2, "invalid YAML: did not find expected key (while parsing a block mapping started at line 1)")],
    ),
    ("tab indentation", b"a:\n\tb: 1\n", [(2, 1, "tab used as indentation; indent with spaces")]),
]


@pytest.mark.parametrize(("raw", "expected"), [case[1:] for case in HOSTILE], ids=[case[0] for case in HOSTILE])
def test_hostile_input_is_refused_with_located_messages(raw: bytes, expected: Found) -> None:
    """Each hostile input is refused with exactly these problems, at exactly these lines and columns."""
    assert refusal(raw) == expected


def test_several_different_problems_are_reported_together() -> None:
    """Cheap-to-find problems across a file are all reported in one refusal, sorted by place."""
    raw = b"a: yes\nb: &x 1\nc: .nan\na: 2\nd: !!set {}\n"
    assert refusal(raw) == [
        (1, 4, ambiguous_bool("yes")),
        (2, 4, "anchors and aliases are not allowed (&x)"),
        (3, 4, "NaN and infinity are not allowed (.nan)"),
        (4, 1, "duplicate key 'a' (first at line 1)"),
        (5, 4, "explicit tags are not allowed (!!set)"),
    ]


def test_problems_stop_at_the_cap() -> None:
    """A file full of problems yields MAX_PROBLEMS of them and a note saying where reading stopped."""
    raw = b"".join(b"k%d: yes\n" % i for i in range(MAX_PROBLEMS * 3))
    found = refusal(raw)
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1] == (MAX_PROBLEMS, 6, f"more than {MAX_PROBLEMS} problems; stopped reading here")


def test_too_many_nodes_is_refused() -> None:
    """A file with more than MAX_NODES values is refused at the first value over the limit."""
    raw = b"a: [" + b"0," * MAX_NODES + b"0]\n"
    # Nodes: the top mapping, the key 'a', the sequence, then the items: item MAX_NODES - 3 is the last allowed.
    col = 5 + 2 * (MAX_NODES - 3)
    assert refusal(raw) == [(1, col, f"too many values: more than {MAX_NODES} in one file")]


def test_oversize_bytes_are_refused_before_parsing() -> None:
    """In-memory input over MAX_BYTES is refused by size alone."""
    raw = b"a: '" + b"x" * MAX_BYTES + b"'\n"
    assert refusal(raw) == [(1, 1, f"file is larger than {MAX_BYTES} bytes")]


def test_oversize_file_is_refused_from_fstat_without_reading(tmp_path: Path) -> None:
    """A sparse 10 GB file is refused from its size alone: nothing is read, so this is instant."""
    big = tmp_path / "big.yml"
    with open(big, "wb") as handle:
        handle.truncate(10 * 1024**3)
    with pytest.raises(InputError) as caught:
        load_yaml(big, display="big.yml")
    assert [str(p) for p in caught.value.problems] == [f"big.yml:1:1: file is larger than {MAX_BYTES} bytes"]


def test_max_bytes_option_lowers_the_limit(tmp_path: Path) -> None:
    """The max_bytes option applies to files: one byte over is refused, exactly at the limit is read."""
    target = tmp_path / "small.yml"
    target.write_bytes(b"a: 12345\n")  # 9 bytes
    assert load_yaml(target, max_bytes=9).data == {"a": 12345}
    with pytest.raises(InputError) as caught:
        load_yaml(target, display="small.yml", max_bytes=8)
    assert [str(p) for p in caught.value.problems] == ["small.yml:1:1: file is larger than 8 bytes"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "file not found"),
        (lambda p: p.mkdir(), "not a regular file (a directory)"),
        (lambda p: os.mkfifo(p), "not a regular file (a FIFO)"),
    ],
    ids=["missing", "directory", "fifo"],
)
def test_unusable_files_are_refused_without_blocking(tmp_path: Path, make: object, message: str) -> None:
    """A missing file, a directory or a FIFO is refused with a clear message (a FIFO never blocks the open)."""
    target = tmp_path / "x.yml"
    make(target)  # type: ignore[operator]
    with pytest.raises(InputError) as caught:
        load_yaml(target, display="x.yml")
    assert [str(p) for p in caught.value.problems] == [f"x.yml:1:1: {message}"]


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the process may not read is refused with a message, not a PermissionError."""
    target = tmp_path / "locked.yml"
    target.write_text("a: 1\n")

    def denied(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    # Simulated, because the test may run as root, who can read any file.
    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(InputError) as caught:
        load_yaml(target, display="locked.yml")
    assert [str(p) for p in caught.value.problems] == ["locked.yml:1:1: cannot read the file: permission denied"]


DEEP_SCRIPT = """
import sys
from gatekeeper.loading.yamlstrict import load_yaml_bytes
from gatekeeper.problems import InputError
for raw in (b"a: " + b"[" * 30000 + b"]" * 30000, b"a: " + b"{x: " * 15000 + b"1" + b"}" * 15000,
            b"- " * 30000 + b"x\\n", b"a: [" + b"{x: [" * 10000 + b"]}" * 10000 + b"]\\n"):
    try:
        load_yaml_bytes(raw, display="deep.yml")
    except InputError as error:
        print(len(raw), "|".join(str(p) for p in error.problems))
"""


def test_a_60kb_deeply_nested_document_is_refused_without_crashing() -> None:
    """30,000 levels (which crash libyaml's C composer) are refused at our limit, whatever libyaml refuses first."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", DEEP_SCRIPT], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert time.perf_counter() - started < 30  # generous: about a second; a crash or a hang is the failure
    # libyaml 0.2.6 refuses deep flow nesting itself, after looking ahead: the place is still ours.
    assert done.stdout.splitlines() == [
        "60003 deep.yml:1:67: nesting deeper than 64 levels",
        "75004 deep.yml:1:256: nesting deeper than 64 levels",
        "60002 deep.yml:1:129: nesting deeper than 64 levels",
        "70006 deep.yml:1:160: nesting deeper than 64 levels",
    ]


def test_an_alias_bomb_is_refused_at_once() -> None:
    """A billion-laughs document is refused from its anchors and aliases without expanding anything."""
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    raw = ("\n".join(lines) + "\n").encode()
    started = time.perf_counter()
    found = refusal(raw)
    elapsed = time.perf_counter() - started
    assert found[:3] == [
        (1, 4, "anchors and aliases are not allowed (&a)"),
        (2, 4, "anchors and aliases are not allowed (&b)"),
        (2, 8, "anchors and aliases are not allowed (*a)"),
    ]
    assert len(found) == MAX_PROBLEMS + 1
    assert elapsed < 1.0  # generous: it takes about a millisecond; expansion would take minutes


@pytest.mark.parametrize(
    ("text", "value", "why"),
    [
        ("", None, None),
        ("plain words", "plain words", None),
        ("0", 0, None),
        ("-0", 0, None),
        ("0x_1", "0x_1", "'0x_1' is ambiguous: YAML 1.1 reads it as the number 1 (underscores are ignored); quote it"),
        ("0b_", "0b_", "'0b_' is ambiguous: YAML 1.1 reads it as a number with no digits; quote it"),
        ("1.", 1.0, None),
        ("+1.5e-3", 0.0015, None),
        ("2024-1-5", "2024-1-5", None),
        ("2025-03-01 10:00:00 +01:00", "2025-03-01 10:00:00 +01:00", None),
        ("12:30", "12:30", "'12:30' is ambiguous: YAML 1.1 reads it as the base-60 number 750; quote it"),
        ("1:70", "1:70", None),
        ("<<", "<<", "merge keys (<<) are not allowed"),
        ("no-way", "no-way", None),
        ("offline", "offline", None),
    ],
)
def test_resolve_plain_edge_cases(text: str, value: object, why: str | None) -> None:
    """Edge cases of plain-scalar resolution: what stays a string, what becomes a number, what is refused."""
    got_value, got_why = resolve_plain(text)
    assert (got_value, got_why) == (value, why)
    assert type(got_value) is type(value)
