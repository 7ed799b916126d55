"""Plain scalars of about a megabyte, of every shape scalar resolution looks at, resolve in time linear in their length."""

from __future__ import annotations

import time

import pytest

from gatekeeper.loading.yamlstrict import load_yaml_bytes
from gatekeeper.problems import InputError

N = 1_000_000
# A shape, the scalar, and the outcome: a message prefix (refused) or the type it loads as.
SHAPES: list[tuple[str, str, str | type]] = [
    (
        "sexagesimal int",
        "1:" * (N // 2) + "1",
        "'1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:… (1000001 characters)' is ambiguous: YAML 1.1 reads it as a base-60 number; quote it",
    ),
    (
        "sexagesimal float",
        "1:" * (N // 2) + "1.5",
        "'1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:… (1000003 characters)' is ambiguous: YAML 1.1 reads it as a base-60 number; quote it",
    ),
    ("sexagesimal, last group out of range", "1:" * (N // 2) + "99", str),
    ("colons then a letter", "1:" * (N // 2) + "x", str),
    (
        "underscored int",
        "1_" * (N // 2) + "1",
        "'1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_… (1000001 characters)' is ambiguous: YAML 1.1 reads it as a number (underscores are ignored); quote it",
    ),
    (
        "underscored float",
        "1_" * (N // 2) + "1.5",
        "'1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_1_… (1000003 characters)' is ambiguous: YAML 1.1 reads it as a number (underscores are ignored); quote it",
    ),
    ("decimal digits", "1" * N, "integer is too long (1000000 characters)"),
    ("digits then a letter", "1" * N + "x", str),
    ("leading zero", "0" + "7" * N, "integer is too long (1000001 characters)"),
    ("hex", "0x" + "f" * N, "integer is too long (1000002 characters)"),
    (
        "signed hex with underscores",
        "-0x" + "f_" * (N // 2),
        "'-0xf_f_f_f_f_f_f_f_f_f_f_f_f_f_f_f_f_f_f… (1000003 characters)' is ambiguous: YAML 1.1 reads it as a number (underscores are ignored); quote it",
    ),
    ("octal", "0o" + "7" * N, "integer is too long (1000002 characters)"),
    (
        "binary",
        "0b" + "1" * N,
        "'0b11111111111111111111111111111111111111… (1000002 characters)' is ambiguous: YAML 1.1 reads it as a binary number; quote it",
    ),
    ("float digits", "1." + "1" * N, float),
    ("leading dot", "." + "1" * N, float),
    (
        "long exponent",
        "1.5e+" + "9" * N,
        "NaN and infinity are not allowed (1.5e+99999999999999999999999999999999999… (1000005 characters) is too large for a float)",
    ),
    (
        "exponent without a dot",
        "1e" + "1" * N,
        "NaN and infinity are not allowed (1e11111111111111111111111111111111111111… (1000002 characters) is too large for a float)",
    ),
    ("date-time fraction", "2024-01-01T10:00:00." + "1" * N, str),
    ("date and time far apart", "2024-01-01" + " " * N + "10:00:00", str),
    (
        "invalid date-time, long fraction",
        "2024-02-30T10:00:00." + "1" * N,
        "invalid date-time 2024-02-30T10:00:00.11111111111111111111… (1000020 characters)",
    ),
]


@pytest.mark.parametrize(("scalar", "outcome"), [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_a_megabyte_scalar_is_refused_or_loaded_in_bounded_time(scalar: str, outcome: str | type) -> None:
    """Each ~1 MB plain scalar is refused with this message, or loads as this type, in well under a few seconds."""
    raw = b"a: " + scalar.encode() + b"\n"
    started = time.perf_counter()
    try:
        value = load_yaml_bytes(raw, display="t.yml").data["a"]
    except InputError as error:
        found: str | type = "\n".join(p.message for p in error.problems)
    else:
        found = type(value)
    elapsed = time.perf_counter() - started
    assert found == outcome
    # About 0.1 s each on a shared 2-core machine; the base-60 shapes took 49 s before resolution was linear.
    assert elapsed < 5.0


def test_an_integer_past_python_s_decimal_limit_is_refused_in_any_base() -> None:
    """Hex and octal integers are bounded like decimal ones, so every accepted integer can be printed."""
    assert load_yaml_bytes(b"a: 0x" + b"f" * 3570 + b"\n", display="t.yml").data["a"] == 16**3570 - 1
    with pytest.raises(InputError) as caught:
        load_yaml_bytes(b"a: 0x" + b"f" * 3572 + b"\n", display="t.yml")
    assert [str(p) for p in caught.value.problems] == ["t.yml:1:4: integer is too long (3574 characters)"]
