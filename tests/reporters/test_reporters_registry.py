"""Properties every format shares: the registry, determinism, golden files, and safe output for hostile text."""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path

import pytest
import reporter_cases

from gatekeeper.reporters import REPORTERS, SUFFIXES, RenderOptions, color_wanted, render
from gatekeeper.reporters.gate import GATE

GOLDEN = Path(__file__).parent / "golden"
FORMATS = sorted(REPORTERS)
# Set to regenerate the golden files after an intended change; review the diff before committing.
UPDATE = os.environ.get("GATEKEEPER_UPDATE_GOLDEN") == "1"


def test_registry_lists_the_six_formats() -> None:
    """The registry (and so the CLI's --format choices) holds exactly the six formats, each with a suffix."""
    assert list(REPORTERS) == ["text", "json", "junit", "markdown", "html", "github"]
    assert sorted(SUFFIXES) == sorted(REPORTERS)


def test_unknown_format_is_refused() -> None:
    """Asking render() for a format that is not a text format names the ones it has (pdf goes through GATE)."""
    with pytest.raises(
        ValueError, match="unknown format 'pdf'; choose from text, json, junit, markdown, html, github$"
    ):
        render(reporter_cases.passing(), "pdf", options=RenderOptions())
    with pytest.raises(
        ValueError, match="unknown format 'docx'; choose from text, json, junit, markdown, html, github, pdf$"
    ):
        GATE.render(reporter_cases.passing(), "docx", options=RenderOptions())


def test_render_options_are_frozen() -> None:
    """Render options cannot be changed after creation, and colour is off by default."""
    options = RenderOptions()
    assert options.color is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.color = True  # type: ignore[misc]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(reporter_cases.CASES))
def test_same_result_renders_the_same_bytes(fmt: str, case: str) -> None:
    """Two results built separately from the same data render byte-identical output."""
    first = render(reporter_cases.CASES[case](), fmt, options=RenderOptions())
    second = render(reporter_cases.CASES[case](), fmt, options=RenderOptions())
    assert first.encode("utf-8") == second.encode("utf-8")
    assert first.endswith("\n") and not first.endswith("\n\n")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", ["passing", "failing"])
def test_output_matches_golden_file(fmt: str, case: str) -> None:
    """Each format renders the fixture results exactly as the reviewed golden file."""
    golden = GOLDEN / f"{case}{SUFFIXES[fmt]}"
    output = render(reporter_cases.CASES[case](), fmt, options=RenderOptions())
    if UPDATE:
        golden.write_bytes(output.encode("utf-8"))
    assert output == golden.read_bytes().decode("utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_leaves_no_raw_control_or_bidi_character(fmt: str) -> None:
    """No control character but newline, and no bidi override, survives into any format."""
    output = render(reporter_cases.hostile(), fmt, options=RenderOptions(color=True))
    if fmt == "text":  # the text format's own colour codes are the only escapes
        output = output.replace("\x1b[", "")
    bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    bad = {ch for ch in output if (ord(ch) < 0x20 and ch != "\n") or 0x7F <= ord(ch) <= 0x9F or ch in bidi}
    assert bad == set()
    output.encode("utf-8")  # and it is encodable


@pytest.mark.parametrize("fmt", ["text", "junit", "markdown", "html"])
def test_human_formats_clip_very_long_text(fmt: str) -> None:
    """A 100 KB reason is clipped to 2,000 characters with its length stated, in every human format."""
    output = render(reporter_cases.hostile(), fmt, options=RenderOptions())
    assert "A" * 2001 not in output
    assert "clipped: 100000 characters in all" in output


@pytest.mark.parametrize("fmt", ["json", "junit", "markdown", "html"])
def test_only_text_format_is_coloured(fmt: str) -> None:
    """Colour is an option of the text format only; no other format ever contains an escape character."""
    assert "\x1b" not in render(reporter_cases.failing(), fmt, options=RenderOptions(color=True))


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "environ", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # no-color.org: only a non-empty value turns colour off
        (True, {"TERM": "dumb"}, False),
    ],
)
def test_color_wanted_honours_terminal_and_no_color(tty: bool, environ: dict[str, str], expected: bool) -> None:
    """Colour is wanted only on a terminal, without a non-empty NO_COLOR and with a capable TERM."""
    assert color_wanted(_Stream(tty), environ) is expected
