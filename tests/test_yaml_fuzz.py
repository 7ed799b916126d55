"""Property tests of the strict YAML loader: any input ends in a Document or a located InputError, and accepted data is never misread."""

from __future__ import annotations

import datetime
import importlib.util
import math
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gatekeeper.loading.yamlstrict import Document, load_yaml_bytes
from gatekeeper.problems import InputError

FUZZ = settings(
    max_examples=200,
    deadline=2000,  # milliseconds per example; a real example takes well under 10
    database=None,  # keep the working tree clean
    suppress_health_check=[HealthCheck.too_slow],
)

# Fragments that exercise every refusal and most of YAML's syntax when strung together at random.
FRAGMENTS = [
    "a",
    "key",
    "é",
    ":",
    ": ",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "- ",
    "-",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&x",
    "*x",
    "&",
    "*",
    "!",
    "!!set",
    "!!str ",
    "!t ",
    "<<",
    "yes",
    "No",
    "on",
    "y",
    "1:30",
    "010",
    "0o17",
    "0b1",
    "1_0",
    "1e3",
    ".nan",
    "-.inf",
    "1.0e+999",
    "2024-02-30",
    "2025-03-01",
    "2024-01-01 25:00:00",
    "'q'",
    "'",
    '"d"',
    '"',
    '"\\u202e"',
    '"\\0"',
    "\\",
    "---",
    "...",
    "#c",
    "|",
    ">",
    "|-",
    "%YAML 1.1\n",
    "%TAG ! x\n",
    "\u202e",
    "\u2066",
    "\x00",
    "\x07",
    "\x85",
    "\u2028",
    "\ufeff",
    "null",
    "~",
    "true",
    "True",
    "tRUE",
    "0x1F",
    "12",
    "-3.5",
    "=",
    "9" * 50,
    "\xa0",
]

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
JSON_DATA = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=25,
)

# Plain scalars near the edges of what YAML 1.1 and 1.2 read as numbers, booleans, nulls and dates.
TRICKY_SCALARS = st.one_of(
    st.sampled_from(
        [
            "0",
            "-0",
            "+1",
            "07",
            "0x1f",
            "0o7",
            "0b1",
            "1_2",
            "1:2",
            "1.",
            ".5",
            "-.5",
            "+.5",
            "1e3",
            "1.5e+3",
            "1.5e3",
            "1E-2",
            "3.10",
            ".inf",
            "Yes",
            "oN",
            "Off",
            "n",
            "Y",
            "NULL",
            "Null",
            "nULL",
            "~",
            "TRUE",
            "2025-03-01",
            "2025-3-1",
            "2025-03-01T10:00:00Z",
            "2025-03-01 1:02:03.5 +1",
            "12:60",
            "=",
            "<<",
        ]
    ),
    st.from_regex(r"[-+]?[0-9_]{1,4}(\.[0-9_]{0,3})?([eE][-+]?[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"[-+]?(0[xob])?[0-9a-fA-F_:.]{1,6}", fullmatch=True),
    st.text(alphabet="0123456789.-+:_eEoxbinfaNyYsOTrul~ ", min_size=1, max_size=8).map(str.strip).filter(bool),
)


def _pristine_yaml11_loader() -> type:
    """PyYAML's safe loader with the YAML 1.1 resolvers exactly as PyYAML ships them.

    PyYAML keeps its implicit resolvers in class attributes that any imported package may extend:
    yamllint (imported by the authoring tests) adds `0o` octal to `yaml.resolver.Resolver` at import,
    so in one test session `yaml.CSafeLoader` reads `-0o0` as 0. The oracle re-executes PyYAML's own
    resolver module into a fresh namespace, whatever else the session imported.
    """
    spec = importlib.util.find_spec("yaml.resolver")
    assert spec is not None and spec.origin is not None
    fresh_spec = importlib.util.spec_from_file_location("yaml._pristine_resolver", spec.origin)
    assert fresh_spec is not None and fresh_spec.loader is not None
    fresh = importlib.util.module_from_spec(fresh_spec)  # a sibling of yaml.resolver: its relative imports work
    fresh_spec.loader.exec_module(fresh)

    class Yaml11Loader(yaml.cyaml.CParser, yaml.constructor.SafeConstructor, fresh.Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:  # as yaml.CSafeLoader, with the fresh resolver
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            fresh.Resolver.__init__(self)

    return Yaml11Loader


YAML11_LOADER = _pristine_yaml11_loader()


def check_outcome(raw: bytes) -> Document | None:
    """Load raw: either a Document of plain JSON-like data, or an InputError whose problems are all located."""
    try:
        doc = load_yaml_bytes(raw, display="fuzz.yml")
    except InputError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == "fuzz.yml"
            assert problem.line >= 1 and problem.col >= 1, problem
            assert not problem.message.startswith("internal error"), problem
        return None
    assert isinstance(doc.data, dict)
    assert_json_like(doc.data)
    return doc


def assert_json_like(value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            assert_json_like(item)
    elif isinstance(value, list):
        for item in value:
            assert_json_like(item)
    elif isinstance(value, float):
        assert math.isfinite(value)
    else:
        assert value is None or isinstance(value, (str, int, bool))


@FUZZ
@given(st.binary(max_size=600))
def test_arbitrary_bytes_end_in_a_document_or_a_located_error(raw: bytes) -> None:
    """Arbitrary bytes never raise anything but InputError, and every problem has a line and column."""
    check_outcome(raw)


@FUZZ
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60))
def test_yaml_like_text_ends_in_a_document_or_a_located_error(parts: list[str]) -> None:
    """Random strings of YAML syntax and hostile fragments never raise anything but InputError."""
    check_outcome("".join(parts).encode("utf-8"))


@FUZZ
@given(st.lists(TRICKY_SCALARS, min_size=1, max_size=8), st.booleans())
@example(values=["-0o0"], as_keys=False)  # YAML 1.1 has no 0o octal: a string in both versions
@example(values=["0o7", "+0o7"], as_keys=True)
def test_accepted_scalars_read_the_same_in_yaml_1_1(values: list[str], as_keys: bool) -> None:
    """Whatever plain scalar the loader accepts, PyYAML (YAML 1.1) reads the same value, dates aside."""
    if as_keys:
        text = "".join(f"{value}: {i}\n" for i, value in enumerate(values))
    else:
        text = "".join(f"k{i}: {value}\n" for i, value in enumerate(values))
    doc = check_outcome(text.encode("utf-8"))
    if doc is None:
        return
    theirs = yaml.load(text, Loader=YAML11_LOADER)
    pairs = [*zip(doc.data, theirs, strict=True), *zip(doc.data.values(), theirs.values(), strict=True)]
    for ours, old in pairs:
        if isinstance(old, datetime.datetime):
            assert isinstance(ours, str)  # the text of a date-time stays a string, checked for validity
        elif isinstance(old, datetime.date):
            assert ours == old.isoformat()
        else:
            assert (type(ours), ours) == (type(old), old)


def test_the_yaml_1_1_oracle_ignores_resolvers_other_packages_add() -> None:
    """Importing yamllint extends PyYAML's shared resolver; the oracle still reads YAML 1.1 as PyYAML ships it."""
    import yamllint.rules.quoted_strings  # noqa: F401  (adds 0o octal to yaml.resolver.Resolver)

    assert yaml.load("k: -0o0\n", Loader=yaml.CSafeLoader) == {"k": 0}  # the shared resolver, extended
    assert yaml.load("k: -0o0\n", Loader=YAML11_LOADER) == {"k": "-0o0"}
    assert load_yaml_bytes(b"k: -0o0\n", display="k.yml").data == {"k": "-0o0"}


@FUZZ
@given(JSON_DATA, st.booleans(), st.booleans())
def test_dumped_data_loads_back_unchanged_or_is_refused_as_ambiguous(
    data: Any, flow: bool, allow_unicode: bool
) -> None:
    """PyYAML's dump of JSON-like data loads back unchanged, unless a plain scalar is refused as ambiguous."""
    text = yaml.safe_dump({"root": data}, default_flow_style=flow, allow_unicode=allow_unicode)
    try:
        doc = load_yaml_bytes(text.encode("utf-8"), display="dump.yml")
    except InputError as error:
        for problem in error.problems:
            assert (
                " is ambiguous: " in problem.message
                or problem.message.startswith("'")
                or "is not allowed" in problem.message
            ), problem
        return
    assert doc.data == {"root": data}
