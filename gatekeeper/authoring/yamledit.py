"""Round-trip editing of pack YAML files: comments, order and quoting kept, only the edited values change."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from gatekeeper.loading.yamlstrict import resolve_plain
from gatekeeper.problems import InputError, Problem


@dataclass(frozen=True)
class Editable:
    """A pack file loaded for editing: its original bytes and the round-trip tree to change."""

    name: str  # the file's name in the pack, e.g. "register.yml"
    display: str  # how messages name it
    original: bytes
    tree: Any
    yaml: Any  # the ruamel.yaml.YAML instance configured for this file's layout

    def dump(self) -> bytes:
        """The edited file's bytes."""
        out = io.BytesIO()
        self.yaml.dump(self.tree, out)
        return out.getvalue()


def _yaml(*, mapping: int, sequence: int, offset: int) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line the author wrote on one line
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def load_editable(raw: bytes, *, name: str, display: str) -> Editable:
    """Load a file (already validated by the pack loader) for editing.

    The file is refused when dumping it unedited would change a single byte: an edit must change
    only what it means to change, so a layout ruamel.yaml cannot reproduce is reported rather than
    silently reformatted.
    """
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.util import load_yaml_guess_indent

    text = raw.decode("utf-8")
    try:
        _, guessed, guessed_offset = load_yaml_guess_indent(text)
    except YAMLError:
        guessed, guessed_offset = None, None
    mapping = 2
    sequence = guessed if isinstance(guessed, int) and guessed > 0 else 4
    offset = guessed_offset if isinstance(guessed_offset, int) and guessed_offset >= 0 else 2
    yaml = _yaml(mapping=mapping, sequence=sequence, offset=offset)
    yaml.explicit_start = text.startswith("---")  # a document start (as init writes) is kept
    try:
        tree = yaml.load(text)
    except YAMLError as error:  # the strict loader accepted it, so this is unexpected, but stay located
        mark = getattr(error, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        raise InputError(Problem(display, line, col, f"cannot be edited: {error}")) from None
    editable = Editable(name=name, display=display, original=raw, tree=tree, yaml=yaml)
    again = editable.dump()
    if again != raw:
        line = _first_difference(raw, again)
        raise InputError(
            Problem(
                display,
                line,
                1,
                "cannot be edited without changing its layout from this line on (indentation or quoting "
                "the editor cannot reproduce); make the change by hand",
            )
        )
    return editable


def _first_difference(a: bytes, b: bytes) -> int:
    for number, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), start=1):
        if x != y:
            return number
    return min(len(a.splitlines()), len(b.splitlines())) + 1


def scalar(text: str) -> Any:
    """`text` as a scalar the strict loader reads back as exactly this string.

    Plain where a plain scalar is unambiguous; double-quoted where YAML 1.1 or 1.2 would read it as
    something else (a date, a number, `yes`); a literal block for text with line breaks.
    """
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    if "\n" in text:
        return (
            LiteralScalarString(text) if text == text.strip() and "\r" not in text else DoubleQuotedScalarString(text)
        )
    value, why = resolve_plain(text)
    if why is not None or value != text or not isinstance(value, str) or _needs_quotes(text):
        return DoubleQuotedScalarString(text)
    return text


def quoted(text: str) -> Any:
    """A double-quoted scalar: dates are always written quoted, as the packs write them."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(text)


def _needs_quotes(text: str) -> bool:
    """Plain scalars that are strings but that a reader (or YAML itself) would trip on."""
    return (
        text != text.strip() or text[0] in "!&*?|>'\"%@`{}[],#-:" or ": " in text or " #" in text or text.endswith(":")
    )


def flow_list(items: list[str]) -> Any:
    """A list written on one line, `[A, B]`, as packs write evidence ids."""
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq([scalar(item) for item in items])
    seq.fa.set_flow_style()
    return seq


def block_map(pairs: list[tuple[str, Any]]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    result = CommentedMap()
    for key, value in pairs:
        result[key] = value
    return result


def ensure_block(seq: Any) -> None:
    """Turn an empty flow list (`evidence: []`) into a block list before entries are appended to it."""
    if len(seq) == 0 and seq.fa.flow_style():
        seq.fa.set_block_style()


def append_keeping_trailing_comment(seq: object, item: object) -> None:
    """Append to a block list so that a comment after its last entry (the end of the file) stays last.

    ruamel.yaml hangs such a comment on the last key of the last entry; left there, it would end
    up between the old last entry and the new one.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    assert isinstance(seq, CommentedSeq) and isinstance(item, CommentedMap)
    if len(seq):
        last = seq[-1]
        moved = None
        if isinstance(last, CommentedMap) and len(last):
            key = list(last.keys())[-1]
            value = last[key]
            if isinstance(value, CommentedSeq | CommentedMap) and len(value):
                moved = _pop_trailing(value)
            elif key in last.ca.items:
                moved = last.ca.items.pop(key)
        seq.append(item)
        if moved is not None:
            item.ca.items[list(item.keys())[-1]] = moved
        return
    seq.append(item)


def _pop_trailing(node: object) -> object:
    """Detach the comment after the last value nested inside `node` (a list or mapping)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedSeq):
        index = len(node) - 1
        inner = node[index]
        if isinstance(inner, CommentedSeq | CommentedMap) and len(inner):
            return _pop_trailing(inner)
        return node.ca.items.pop(index, None)
    if isinstance(node, CommentedMap):
        key = list(node.keys())[-1]
        inner = node[key]
        if isinstance(inner, CommentedSeq | CommentedMap) and len(inner):
            return _pop_trailing(inner)
        return node.ca.items.pop(key, None)
    return None
