"""Command-line conventions users know from other tools: --version, --format NAME[:PATH], verdicts, colour, -q and -v."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gatekeeper import __version__, api
from gatekeeper.cli.main import main
from gatekeeper.cli.presentation import color_wanted
from gatekeeper.loading.schema import validator

ROOT = Path(__file__).resolve().parents[2]
FENLAND = str(ROOT / "examples" / "fenland-water")
NORTHGATE = str(ROOT / "examples" / "northgate-rail")
AS_OF = "2026-11-01"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_names_the_tool_and_the_rule_pack(flag: str) -> None:
    """--version and -V print gatekeeper's version and the rule pack's name, version and full sha256."""
    pack = api.rules()
    result = run(flag)
    assert result.exit_code == 0
    assert result.stdout == (f"gatekeeper {__version__}\nrule pack {pack.name} {pack.version} (sha256 {pack.digest})\n")


def test_format_dash_is_standard_output() -> None:
    """NAME:- writes that format to standard output, as NAME alone does."""
    dashed = run("check", FENLAND, "--as-of", AS_OF, "--format", "json:-")
    plain = run("check", FENLAND, "--as-of", AS_OF, "--format", "json")
    assert dashed.exit_code == plain.exit_code == 0
    assert dashed.stdout == plain.stdout
    assert json.loads(dashed.stdout)["decision"] == "pass"


def test_a_directory_as_output_path_is_a_usage_error(tmp_path: Path) -> None:
    """A PATH that is a folder exits 2 before any work, naming the folder."""
    result = run("check", FENLAND, "--as-of", AS_OF, "--format", f"json:{tmp_path}")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path} is a directory: give a file name for the json output\n"


def test_an_unknown_format_suggests_the_nearest() -> None:
    """A mistyped format name is a usage error that names the nearest format and every choice."""
    result = run("check", FENLAND, "--format", "jsno")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: unknown format 'jsno' (did you mean json?); choose from text, json, junit, markdown, html, github, pdf\n"
    )


def test_every_format_to_a_file_still_prints_the_verdict(tmp_path: Path) -> None:
    """With every output in a file, standard error says what was written and why the exit code is 1."""
    report = tmp_path / "report.html"
    result = run("check", NORTHGATE, "--as-of", AS_OF, "--format", f"html:{report}")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (f"wrote {report}\nFAIL: 4 blocking outcomes; the alliance may not leave Creating.\n")
    assert report.is_file()


def test_audit_to_a_file_prints_its_verdict(tmp_path: Path) -> None:
    """audit with its only output in a file says on standard error whether it is clean."""
    target = tmp_path / "audit.csv"
    result = run("audit", NORTHGATE, "--as-of", AS_OF, "--format", f"csv:{target}")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"wrote {target}", f"audit FAILS: 4 error(s), 7 warning(s) in {NORTHGATE}"]


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        (["--color", "always"], {}, True),
        (["--color", "always"], {"NO_COLOR": "1"}, True),
        (["--color", "never"], {"FORCE_COLOR": "1"}, False),
        ([], {"FORCE_COLOR": "1"}, True),
        ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ([], {}, False),
    ],
)
def test_color_option_and_environment(args: list[str], env: dict[str, str], coloured: bool) -> None:
    """--color always|never wins; in auto, FORCE_COLOR colours a pipe unless NO_COLOR is set."""
    base = {"NO_COLOR": "", "FORCE_COLOR": ""}
    result = run("check", FENLAND, "--as-of", AS_OF, *args, env={**base, **env})
    assert result.exit_code == 0
    assert bool(ANSI.search(result.stdout)) is coloured


def test_color_before_the_command_counts_too() -> None:
    """`gatekeeper --color always check ...` colours as `check ... --color always` does."""
    result = run("--color", "always", "check", FENLAND, "--as-of", AS_OF, env={"NO_COLOR": ""})
    assert result.stdout.startswith("\x1b[1;32mPASS with 4 conditions")


@pytest.mark.parametrize(("tty", "env", "expected"), [(True, {}, True), (True, {"TERM": "dumb"}, False)])
def test_auto_colour_follows_the_terminal(tty: bool, env: dict[str, str], expected: bool) -> None:
    """auto colours a terminal, and not a dumb one."""

    class Stream:
        def isatty(self) -> bool:
            return tty

    assert color_wanted("auto", Stream(), env) is expected  # type: ignore[arg-type]


def test_quiet_prints_only_the_verdict() -> None:
    """-q prints the one-line verdict and nothing else; the exit code is unchanged."""
    result = run("check", NORTHGATE, "--as-of", AS_OF, "-q")
    assert result.exit_code == 1
    assert result.stdout == "FAIL: 4 blocking outcomes; the alliance may not leave Creating.\n"
    assert result.stderr == ""


def test_quiet_keeps_the_files_it_was_asked_for(tmp_path: Path) -> None:
    """-q with a file output writes the file, says nothing of it, and still gives the verdict."""
    target = tmp_path / "result.json"
    result = run("-q", "check", FENLAND, "--as-of", AS_OF, "--format", f"json:{target}")
    assert result.exit_code == 0
    assert result.stderr == "PASS with 4 conditions: the alliance may leave Deciding.\n"
    assert json.loads(target.read_text(encoding="utf-8"))["decision"] == "pass"


def test_verbose_names_the_rule_pack_and_date() -> None:
    """-v says on standard error which rule pack, profile, gate and date the decision rests on."""
    pack = api.rules()
    result = run("check", FENLAND, "--as-of", AS_OF, "-v")
    assert result.exit_code == 0
    assert result.stderr == (
        f"gatekeeper: rule pack {pack.name} {pack.version} ({pack.digest[:12]}); no profile; "
        f"creating gate as of {AS_OF}\n"
    )


def test_quiet_and_verbose_together_are_a_usage_error() -> None:
    """-q and -v contradict each other: exit 2."""
    result = run("check", FENLAND, "-q", "-v")
    assert result.exit_code == 2
    assert "-q and -v contradict each other" in result.stderr


def _json(args: list[str], schema: str) -> dict[str, object] | list[object]:
    result = run(*args)
    assert result.exit_code in (0, 1, 3), result.stderr
    data = json.loads(result.stdout)
    assert list(validator("evidence_schema", schema).iter_errors(data)) == []
    return data


def test_validate_json_follows_its_schema() -> None:
    """validate --format json lists each problem with file, line, column and path, valid against validation.schema.json."""
    data = _json(["validate", NORTHGATE, "--format", "json"], "validation.schema.json")
    assert isinstance(data, dict)
    assert data["valid"] is False
    assert [(p["file"], p["line"], p["col"]) for p in data["problems"]] == [  # type: ignore[index,union-attr]
        (f"{NORTHGATE}/register.yml", 97, 11)
    ]


def test_validate_exits_3_on_a_changed_document_and_0_on_a_clean_pack() -> None:
    """A document whose sha256 differs from the register makes validate exit 3; a clean pack exits 0."""
    assert run("validate", NORTHGATE).exit_code == 3
    assert run("validate", FENLAND).exit_code == 0


def test_explain_json_follows_its_schema() -> None:
    """explain --format json carries the outcome as the gate result does, valid against explain.schema.json."""
    data = _json(["explain", NORTHGATE, "CRE.LEA.01", "--as-of", AS_OF, "--format", "json"], "explain.schema.json")
    assert isinstance(data, dict)
    assert data["outcome"]["id"] == "CRE.LEA.01" and data["decision"] == "fail"  # type: ignore[index]


def test_rules_list_json_follows_its_schema() -> None:
    """rules list --format json lists the chosen outcomes whole, valid against rules.schema.json."""
    data = _json(["rules", "list", "--phase", "deciding", "--critical", "--format", "json"], "rules.schema.json")
    assert isinstance(data, dict)
    ids = [o["id"] for o in data["outcomes"]]  # type: ignore[union-attr,index]
    assert ids and all(i.startswith("DEC.") for i in ids)
    assert all(o["critical"] for o in data["outcomes"])  # type: ignore[union-attr,index]


def test_commercial_simulate_takes_format_with_a_path(tmp_path: Path) -> None:
    """commercial simulate writes json to a file with NAME:PATH, valid against commercial.result.schema.json."""
    target = tmp_path / "painshare.json"
    result = run("commercial", "simulate", FENLAND, "--format", f"json:{target}")
    assert result.exit_code == 0
    assert result.stderr == f"wrote {target}\n"
    data = json.loads(target.read_text(encoding="utf-8"))
    assert list(validator("evidence_schema", "commercial.result.schema.json").iter_errors(data)) == []


def test_audit_json_follows_its_schema() -> None:
    """audit --format json is valid against audit.schema.json."""
    data = _json(["audit", NORTHGATE, "--as-of", AS_OF, "--format", "json"], "audit.schema.json")
    assert isinstance(data, dict) and data["clean"] is False


def test_ledger_list_json_follows_its_schema(tmp_path: Path) -> None:
    """ledger list --format json lists recorded rows, valid against ledger.schema.json."""
    ledger = str(tmp_path / "ledger.sqlite3")
    recorded = run(
        "record", FENLAND, "--gate", "creating", "--decision", "pass", "--by", "Catherine Ashdown", "--role", "Sponsor",
        "--as-of", AS_OF, "--ledger", ledger,
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.stderr
    data = _json(["ledger", "list", "--ledger", ledger, "--format", "json:-"], "ledger.schema.json")
    assert isinstance(data, list) and [row["seq"] for row in data] == [1]  # type: ignore[index]
    verified = _json(["ledger", "verify", "--ledger", ledger, "--format", "json"], "ledger.schema.json")
    assert isinstance(verified, dict) and verified["findings"] == []


def test_completion_script_is_offered() -> None:
    """Shell completion comes from click: the bash source names the command."""
    result = CliRunner().invoke(main, [], prog_name="gatekeeper", env={"_GATEKEEPER_COMPLETE": "bash_source"})
    assert result.exit_code == 0
    assert "_gatekeeper_completion" in result.stdout
