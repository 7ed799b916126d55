"""Markdown escapes evidence text the same way in every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper.cli.main import main
from gatekeeper.reporters._common.markdown import markdown_inline
from tests.outputs.conftest import AS_OF, FORMULA


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{pack}", "--as-of", AS_OF, "--format", "markdown"],
        ["audit", "{pack}", "--as-of", AS_OF, "--format", "markdown"],
        ["portfolio", "{root}", "--as-of", AS_OF, "--jobs", "1", "--format", "markdown"],
    ],
    ids=["check", "audit", "portfolio"],
)
def test_every_markdown_output_escapes_the_alliance_name_alike(
    args: list[str], hostile_root: Path, hostile_pack: Path
) -> None:
    """The alliance name's <script> and table syntax reach every Markdown output escaped by the one shared function."""
    out = CliRunner().invoke(main, [a.format(pack=hostile_pack, root=hostile_root) for a in args]).stdout
    assert "<script>" not in out
    assert markdown_inline(FORMULA) in out
    assert markdown_inline(FORMULA) == (
        '=HYPERLINK("http://evil.example","click") &lt;script&gt;alert(1)&lt;/script&gt; \\| \\*x\\* \\@all'
    )
