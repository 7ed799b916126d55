"""One pattern for every output: each family is a result type and a registry of format modules with one signature."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import click
import pytest

from gatekeeper.cli.main import COMMANDS
from gatekeeper.reporters import FAMILIES, Family, RenderOptions, family

# Family -> the commands whose --format choices must be exactly that family's formats.
COMMANDS_OF: dict[str, tuple[str, ...]] = {
    "gate": ("check",),
    "audit": ("audit",),
    "portfolio": ("portfolio",),
    "commercial": ("commercial", "simulate"),
    "ledger": ("ledger", "list"),
    "explain": ("explain",),
    "validation": ("validate",),
    "rules": ("rules", "list"),
}


def _command(path: tuple[str, ...]) -> click.Command:
    module, attribute = COMMANDS[path[0]].split(":")
    command: click.Command = getattr(importlib.import_module(module), attribute)
    for name in path[1:]:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    return command


def test_the_families_are_the_nine_outputs() -> None:
    """Every output gatekeeper writes belongs to one of nine families, each found through FAMILIES."""
    assert list(FAMILIES) == [
        "gate",
        "brief",
        "explain",
        "audit",
        "portfolio",
        "commercial",
        "ledger",
        "validation",
        "rules",
    ]
    assert all(isinstance(family(name), Family) and family(name).name == name for name in FAMILIES)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_every_format_module_renders_result_and_options(name: str) -> None:
    """Each format module of each family has exactly `render(result, options)`, and a file suffix."""
    fam = family(name)
    assert sorted(fam.suffixes) == sorted(fam.formats)
    assert fam.binary <= set(fam.formats)
    for fmt, module in fam.formats.items():
        assert module == f"gatekeeper.reporters.{name}.{fmt}"
        parameters = list(inspect.signature(importlib.import_module(module).render).parameters)
        assert parameters[1:] == ["options"], module


@pytest.mark.parametrize("name", list(COMMANDS_OF))
def test_cli_format_choices_come_from_the_registry(name: str) -> None:
    """A command's --format help or choices list exactly its family's formats, in registry order."""
    option = next(p for p in _command(COMMANDS_OF[name]).params if p.name in ("formats", "output_format", "fmt"))
    choices = family(name).choices
    if isinstance(option.type, click.Choice):
        assert tuple(option.type.choices) == choices
    else:
        assert f"Output format, repeatable: {', '.join(choices)};" in (option.help or "")


def test_unknown_format_and_wrong_result_are_refused() -> None:
    """Asking a family for a format it lacks names the ones it has; a result of another family is refused."""
    with pytest.raises(ValueError, match="^unknown format 'pdf'; choose from text, json, csv$"):
        family("ledger").render(object(), "pdf", options=RenderOptions())
    with pytest.raises(TypeError, match="ledger formats render"):
        family("ledger").render(object(), "text", options=RenderOptions())


_PROBE = """
import sys
from click.testing import CliRunner
from gatekeeper.cli.main import main
result = CliRunner().invoke(main, sys.argv[1:])
print(sorted({m.split(".")[0] for m in sys.modules} & {"jinja2", "markupsafe", "openpyxl"}))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["check", "examples/fenland-water", "--as-of", "2026-10-06", "--format", "text"],
        ["audit", "examples/fenland-water", "--as-of", "2026-10-06", "--format", "csv"],
        ["commercial", "simulate", "examples/fenland-water", "--format", "text"],
    ],
)
def test_text_outputs_import_neither_jinja2_nor_openpyxl(args: list[str]) -> None:
    """Help and the plain formats load no template engine and no workbook library: formats are imported on demand."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    probe = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=root, capture_output=True, text=True, check=True)
    assert probe.stdout.strip().splitlines()[-1] == "[]"
