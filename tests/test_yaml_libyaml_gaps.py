"""YAML that libyaml accepts but YAML 1.2 refuses or other parsers read differently: refused at the offending character; the valid near misses load."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gatekeeper.loading.yamlstrict import load_yaml_bytes
from gatekeeper.problems import InputError

COMMENT = "a comment needs a space before '#'"
TAB = "tab used as indentation; indent with spaces"
FUZZ = settings(max_examples=150, deadline=None, database=None)


def refusal(text: str) -> list[tuple[int, int, str]]:
    """Load text, expecting a refusal; its problems as (line, col, message)."""
    with pytest.raises(InputError) as caught:
        load_yaml_bytes(text.encode("utf-8"), display="t.yml")
    return [(p.line, p.col, p.message) for p in caught.value.problems]


def loads(text: str) -> object:
    return load_yaml_bytes(text.encode("utf-8"), display="t.yml").data


def where(text: str, index: int) -> tuple[int, int]:
    """1-based (line, col) of the character at index."""
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line else line for line in text.splitlines(keepends=True))


# --- comments glued to a token ---------------------------------------------------------------------

# (a value written after "key: ", the value it loads as); each is a token a glued '#' can follow.
TOKENS = [
    ('"value"', "value"),
    ("'v'", "v"),
    ('"it\'s # inside"', "it's # inside"),
    ("[a, b]", ["a", "b"]),
    ("{x: 1}", {"x": 1}),
    ("[]", []),
    ('["a"]', ["a"]),
]
# Where the "key: value" line sits: (text before it, its indentation, text after it).
PLACES = [("", 0, ""), ("outer:\n", 2, ""), ("items:\n  - ", 0, "z: 1\n"), ("first: 1\n", 0, "last: 2\n")]
GLUED = list(itertools.product(TOKENS, PLACES, ["# c", "#c", "#", "##"]))


@pytest.mark.parametrize(("token", "place", "comment"), GLUED)
def test_a_comment_glued_to_a_token_is_refused_at_the_hash(
    token: tuple[str, object], place: tuple[str, int, str], comment: str
) -> None:
    """'#' right after a quoted scalar or a flow collection is refused at the '#'; with a space it is a comment."""
    before, spaces, after = place
    line = " " * spaces + f"key: {token[0]}"
    text = f"{before}{line}{comment}\n{indent(after, spaces)}"
    assert refusal(text) == [(*where(text, len(before) + len(line)), COMMENT)]
    spaced = f"{before}{line} {comment}#x\n{indent(after, spaces)}"
    assert loads(spaced) == loads(f"{before}{line}\n{indent(after, spaces)}")


@pytest.mark.parametrize("header", [">", "|", ">-", "|+", "|2", ">-2", "|2+"])
@pytest.mark.parametrize("comment", ["# c", "#c"])
def test_a_comment_glued_to_a_block_scalar_header_is_refused(header: str, comment: str) -> None:
    """'#' right after a block scalar's header is refused at the '#'; with a space the text loads."""
    assert refusal(f"block: {header}{comment}\n  text\n") == [(1, 8 + len(header), COMMENT)]
    assert loads(f"block: {header} {comment}\n  text\n")["block"].startswith("text")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a: [a,#c\n  b]\n", (1, 7)),
        ("a: [#c\n  b]\n", (1, 5)),
        ("a: {x: 1,#c\n  z: 2}\n", (1, 10)),
        ('a: {"x":#c\n  1}\n', (1, 9)),
    ],
)
def test_a_comment_glued_to_flow_punctuation_is_refused(text: str, found: tuple[int, int]) -> None:
    """Inside a flow collection, '#' right after '[', ',' or ':' is refused at the '#'."""
    assert refusal(text) == [(*found, COMMENT)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('a: "v # not a comment"\n', "v # not a comment"),
        ("a: 'v#x'\n", "v#x"),
        ("a: a#b\n", "a#b"),
        ("a: http://example.org/page#part\n", "http://example.org/page#part"),
        ("a: [http://example.org/#x, b#c]\n", ["http://example.org/#x", "b#c"]),
        ("a: C#\n", "C#"),
        ("a: |\n  #!/bin/sh\n  x#y\n", "#!/bin/sh\nx#y\n"),
        ('a: "multi\n  line#x"\n', "multi line#x"),
        ("a: plain\n  continued#x\n", "plain continued#x"),
        ("a: 1 # c\n#c\n", 1),
        ("\ufeff#c\na: 1\n", 1),
        ("a: [x] # c\n", ["x"]),
        ("a: 1 # see#3, and ## more\n# x#y\nb: 2\n", 1),
        ("a: [1, # c#d\n  2]#\n", None),
    ],
)
def test_a_hash_inside_a_value_or_after_a_space_is_kept(text: str, value: object) -> None:
    """'#' inside quotes, in a plain scalar, in block scalar text, after a space or in a comment is read as YAML 1.2 reads it."""
    if value is None:  # the last '#' is glued: only it is refused, not the one inside the comment before it
        assert refusal(text) == [(2, 5, COMMENT)]
        return
    assert loads(text)["a"] == value


@FUZZ
@given(
    word=st.text(alphabet="abcxyz09-_/:.?=&", min_size=1, max_size=12),
    tail=st.text(alphabet="abc#/", min_size=1, max_size=6),
)
def test_plain_scalars_holding_a_hash_load_unchanged(word: str, tail: str) -> None:
    """A plain scalar with a '#' after a non-space character keeps the '#' as text, in block and flow context."""
    value = f"x{word}#{tail}".rstrip(":")
    if ": " in value or value.endswith(":") or "#" not in value:
        return
    assert loads(f"a: {value}\n")["a"] == value
    if not any(ch in value for ch in "?:"):
        assert loads(f"a: [{value}]\n")["a"] == [value]


# --- '?' and '-' glued to a value in a flow collection ----------------------------------------------

QUESTION = (
    "'?' directly before a value in a flow collection: libyaml reads an explicit key, "
    "YAML 1.2 part of the value; write '? ' with a space, or quote the value"
)


def dash(value: str) -> str:
    return f"'{value}' in a flow collection: YAML parsers disagree on a plain value starting with '-'; quote it"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a: { ?foo: bar }\n", [(1, 6, QUESTION)]),
        ("a: {?foo: bar}\n", [(1, 5, QUESTION)]),
        ('a: {?"q": 1}\n', [(1, 5, QUESTION)]),
        ("{ ?foo: bar }\n", [(1, 3, QUESTION)]),
        ("a: [-a]\n", [(1, 5, dash("-a"))]),
        ("a: [x, -]\n", [(1, 8, dash("-"))]),
        ("a: {x: -foo}\n", [(1, 8, dash("-foo"))]),
        ("a: {-k: 1}\n", [(1, 5, dash("-k"))]),
        ("a: [\n  -b]\n", [(2, 3, dash("-b"))]),
    ],
)
def test_question_mark_or_dash_glued_to_a_flow_value_is_refused(text: str, found: list[tuple[int, int, str]]) -> None:
    """In a flow collection, '?' or '-' directly followed by a non-space is refused at that character."""
    assert refusal(text) == found


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: {? foo: bar}\n", {"foo": "bar"}),
        ("a: [-1, -2.5, +3]\n", [-1, -2.5, 3]),
        ("a: {x: -5}\n", {"x": -5}),
        ("a: [\"-a\", '-b']\n", ["-a", "-b"]),
        ("a: -foo\n", "-foo"),
        ("a: ?foo\n", "?foo"),
        ("a:\n  - -foo\n", ["-foo"]),
        ("a: [x?y, http://x.org/?q=1]\n", ["x?y", "http://x.org/?q=1"]),
        ("a: [a-b, c-]\n", ["a-b", "c-"]),
    ],
)
def test_question_mark_and_dash_near_misses_load(text: str, value: object) -> None:
    """'? ' with a space, negative numbers, quoted values and block-context values load as written."""
    assert loads(text)["a"] == value


@FUZZ
@given(word=st.from_regex(r"q[a-z0-9]{0,6}", fullmatch=True), lead=st.sampled_from("?-"), in_map=st.booleans())
def test_any_word_glued_to_question_mark_or_dash_in_flow_is_refused(word: str, lead: str, in_map: bool) -> None:
    """Whatever follows it, a '?' or '-' glued to a word in a flow collection is refused at that character."""
    text = f"a: {{{lead}{word}: 1}}\n" if in_map else f"a: [x, {lead}{word}]\n"
    col = 5 if in_map else 8
    found = refusal(text)
    assert found == [(1, col, QUESTION if lead == "?" else dash(lead + word))]


# --- continuation lines of quoted scalars and flow collections -------------------------------------


def shallow(line_from: int, need: int) -> str:
    return f"not indented enough to continue the value from line {line_from}: indent it by at least {need} {'space' if need == 1 else 'spaces'}"


CONTINUED = ['"first\n{pad}second"', "'first\n{pad}second'", "[a,\n{pad}b]", "{x: 1,\n{pad}z: 2}", "[\n{pad}a\n{pad}]"]


@FUZZ
@given(
    form=st.sampled_from(CONTINUED),
    depth=st.integers(min_value=0, max_value=4),
    in_sequence=st.booleans(),
    pad=st.integers(min_value=0, max_value=10),
)
def test_continuation_lines_must_be_indented_past_their_parent(
    form: str, depth: int, in_sequence: bool, pad: int
) -> None:
    """A later line of a quoted scalar or flow collection is refused iff it is indented no more than its parent."""
    lines = ["k0:\n"] + [f"{'  ' * i}k{i}:\n" for i in range(1, depth + 1)]
    parent = 2 * (depth + 1)  # the column (0-based) of the entries holding the value
    lead = " " * parent + ("- " if in_sequence else "key: ")
    parent_col = parent  # the first key, or the '-', of the enclosing block collection
    value = form.replace("{pad}", " " * pad)
    text = "".join(lines) + lead + value + "\n"
    first_line = depth + 2
    if pad > parent_col:
        loads(text)
    else:
        assert refusal(text) == [(first_line + 1, pad + 1, shallow(first_line, parent_col + 1))]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('key: "first\nsecond"\n', (2, 1, shallow(1, 1))),
        ("key: [a,\nb]\n", (2, 1, shallow(1, 1))),
        ("key: [\n  a\n]\n", (3, 1, shallow(1, 1))),
        ('k:\n  key: "a\n  b"\n', (3, 3, shallow(2, 3))),
        ('a:\n- "x\ny"\n', (3, 1, shallow(2, 1))),
        ('a: "1\n# c\n  2"\n', (2, 1, shallow(1, 1))),
    ],
)
def test_continuation_refusals_are_located_at_the_first_short_line(text: str, found: tuple[int, int, str]) -> None:
    """The first line of the value that is not indented past its parent is named, once."""
    assert refusal(text) == [found]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('a:\n  key: "a\n   b"\n', {"key": "a b"}),
        ("a: [1,\n# a comment line needs no indentation\n  2]\n", [1, 2]),
        ("a: [1,\n\n  2]\n", [1, 2]),
        ('a: "x\n\n  y"\n', "x\ny"),
        ("a: [1,\n \t2]\n", [1, 2]),
        ('a: "x\n \ty"\n', "x y"),
        ("{a: 1,\nb: 2}\n", None),
        ('a:\n- "x\n  y"\n', ["x y"]),
    ],
)
def test_continuation_near_misses_load(text: str, value: object) -> None:
    """Enough spaces (then tabs as separation), blank lines, comment lines in flow and a root flow mapping load."""
    data = loads(text)
    assert data == {"a": 1, "b": 2} if value is None else data["a"] == value


# --- tabs as indentation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a:\n\tb: 1\n", (2, 1)),
        ("a:\n  \tb: 1\n", (2, 3)),
        ("a:\n\t- x\n", (2, 1)),
        ('a: "x\n\ty"\n', (2, 1)),
        ("a: [1,\n\t2]\n", (2, 1)),
        ("a:\n  - [1,\n \t2]\n", (3, 2)),
        ("a: first\n\tsecond\n", (2, 1)),
        ("k:\n  a: first\n \tsecond\n", (3, 2)),
    ],
)
def test_a_tab_in_the_indentation_of_a_line_is_refused_at_the_tab(text: str, found: tuple[int, int]) -> None:
    """A tab among the leading white space of a line that needs indentation is refused at the first tab."""
    assert refusal(text) == [(*found, TAB)]


@FUZZ
@given(before=st.integers(min_value=0, max_value=6), after=st.integers(min_value=0, max_value=3))
def test_tabs_before_the_indentation_is_complete_are_refused(before: int, after: int) -> None:
    """A block mapping line indented with spaces, then a tab, then spaces, is refused at the tab."""
    text = "a:\n" + " " * before + "\t" + " " * after + "b: 1\n"
    assert refusal(text) == [(2, before + 1, TAB)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('a: "tab\there"\n', "tab\there"),
        ("a:\t1\n", 1),
        ("a: |\n  x\n  \ty\n", "x\n\ty\n"),
        ("a: |2\n  \tcode\n", "\tcode\n"),
        ("a: 'x\ty'\n", "x\ty"),
        ("a: [1,\t2]\n", [1, 2]),
        ("a: plain\tword\n", "plain\tword"),
    ],
)
def test_tabs_that_are_not_indentation_are_kept(text: str, value: object) -> None:
    """Tabs inside quotes, as separation after ':' or ',', and in block scalar text after the indentation load."""
    assert loads(text)["a"] == value


def test_a_tab_starting_a_block_scalar_asks_for_an_indentation_indicator() -> None:
    """libyaml cannot tell a tab that starts a block scalar's text from indentation: the message says what to write."""
    assert refusal("a: |\n  \tcode\n") == [
        (
            2,
            3,
            "tab in the indentation of a block scalar; indent with spaces"
            " (a tab that starts the text needs an indentation indicator, such as |2)",
        )
    ]


def test_every_gap_is_reported_together_with_other_problems() -> None:
    """The new refusals join the others in one sorted report."""
    text = 'a: yes\nb: "x"#c\nc: [-d]\ne: "f\ng"\n'
    assert refusal(text) == [
        (1, 4, "'yes' is ambiguous: YAML 1.1 reads it as a boolean; write true/false or quote it"),
        (2, 7, COMMENT),
        (3, 5, dash("-d")),
        (5, 1, shallow(4, 1)),
    ]
