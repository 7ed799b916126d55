"""Each command imports only what it uses: help loads no parser, validating no rules engine, a valid pack no jsonschema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "examples/fenland-water"
AS_OF = "2026-11-01"
# The libraries that cost the most to import, and strptime's module (its first use costs milliseconds).
WATCHED = ("_strptime", "durable_rules_engine", "jinja2", "jsonschema", "openpyxl", "psycopg", "yaml")

_PROBE = """
import sys
from click.testing import CliRunner
from gatekeeper.cli.main import main
result = CliRunner().invoke(main, sys.argv[3:])
assert result.exit_code == int(sys.argv[1]), (result.exit_code, result.output)
watched = set(sys.argv[2].split(","))
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & watched)))
"""


def loaded(args: list[str], *, exit_code: int = 0) -> list[str]:
    """The watched modules a fresh process has imported after running `gatekeeper ARGS`."""
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(exit_code), ",".join(WATCHED), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return probe.stdout.split()


@pytest.mark.parametrize(
    ("args", "exit_code", "expected"),
    [
        (["--help"], 0, []),
        (["check", "--help"], 0, []),
        (["explain", "--help"], 0, []),
        (["rules", "list"], 0, ["yaml"]),
        (["validate", EXAMPLE], 0, ["yaml"]),
        (["check", EXAMPLE, "--as-of", AS_OF], 0, ["durable_rules_engine", "yaml"]),
        (["check", EXAMPLE, "--as-of", AS_OF, "--format", "json"], 0, ["durable_rules_engine", "yaml"]),
    ],
)
def test_a_command_imports_only_the_libraries_it_uses(args: list[str], exit_code: int, expected: list[str]) -> None:
    """Help imports none of the heavy libraries, validating never the rules engine, and a valid pack never jsonschema."""
    assert loaded(args, exit_code=exit_code) == expected


def test_an_invalid_pack_is_the_one_case_that_imports_jsonschema(tmp_path: Path) -> None:
    """jsonschema, which locates every error, is imported once a file is invalid, and the engine is then never needed."""
    pack = tmp_path / "pack"
    pack.mkdir()
    for name in ("manifest.yml", "claims.yml", "register.yml"):
        (pack / name).write_bytes((ROOT / EXAMPLE / name).read_bytes())
    manifest = pack / "manifest.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "unexpected_key: 1\n", encoding="utf-8")
    assert loaded(["check", str(pack), "--as-of", AS_OF], exit_code=3) == ["jsonschema", "yaml"]


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-01",
        "2026-02-29",
        "2028-02-29",
        "2026-13-01",
        "2026-1-1",
        "20261101",
        "2026-11-01T00:00",
        " 2026-11-01",
        "",
    ],
)
def test_as_of_reads_a_value_as_click_datetime_does(value: str) -> None:
    """--as-of reads YYYY-MM-DD without strptime, yet gives click.DateTime's datetime or its very error for every value."""
    import click

    from gatekeeper.cli.as_of import AS_OF

    def outcome(param_type: click.ParamType) -> object:
        try:
            return param_type.convert(value, None, None)
        except click.BadParameter as error:
            return error.message

    assert outcome(AS_OF) == outcome(click.DateTime(formats=["%Y-%m-%d"]))
