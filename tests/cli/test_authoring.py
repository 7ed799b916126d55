"""Authoring help: editor modelines and yamllint-clean files from init, and schema messages that guide the fix."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from yamllint import linter
from yamllint.config import YamlLintConfig

from gatekeeper.cli.main import main
from gatekeeper.resources import data_dir

ROOT = Path(__file__).resolve().parents[2]
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(?P<path>\S+)$", re.M)


def _init(pack: Path) -> None:
    result = CliRunner().invoke(
        main, ["init", str(pack), "--alliance", "Tees Valley Flood Alliance", "--gate", "creating"]
    )
    assert result.exit_code == 0, result.stderr


def test_each_init_file_has_a_modeline_resolving_to_its_schema(tmp_path: Path) -> None:
    """Every file init writes names, relative to itself, the installed schema of that very file."""
    pack = tmp_path / "packs" / "tees-valley"
    _init(pack)
    names = sorted(p.name for p in pack.glob("*.yml"))
    assert names == ["claims.yml", "facts.yml", "manifest.yml", "register.yml"]
    for name in names:
        found = MODELINE.search((pack / name).read_text(encoding="utf-8"))
        assert found is not None, name
        resolved = (pack / found["path"]).resolve()
        assert resolved == (data_dir("evidence_schema") / name.replace(".yml", ".schema.json")).resolve()


def test_init_output_passes_yamllint_defaults(tmp_path: Path) -> None:
    """yamllint's default rules find nothing, not even a warning, in any file init writes."""
    pack = tmp_path / "tees-valley"
    _init(pack)
    config = YamlLintConfig("extends: default")
    found = {
        p.name: [f"{x.line}:{x.column} {x.message}" for x in linter.run(p.read_text(encoding="utf-8"), config)]
        for p in pack.glob("*.yml")
    }
    assert found == {"claims.yml": [], "facts.yml": [], "manifest.yml": [], "register.yml": []}


def test_shipped_profile_and_hooks_pass_yamllint_defaults() -> None:
    """The example profile the README tour uses and the pre-commit hooks file lint clean (errors)."""
    config = YamlLintConfig("extends: default\nrules: {line-length: {max: 120}}")
    for path in (ROOT / "examples" / "my-org.yml", ROOT / ".pre-commit-hooks.yaml"):
        problems = [f"{x.line}:{x.column} {x.message}" for x in linter.run(path.read_text(encoding="utf-8"), config)]
        assert problems == [], path


def test_messages_list_every_value_suggest_the_nearest_and_count_repeats(tmp_path: Path) -> None:
    """A misspelt method on many claims is one problem with a count; an unknown kind lists every kind and the nearest."""
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "examples" / "fenland-water", pack)
    claims = pack / "claims.yml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("method: interview", "method: interveiw"), "utf-8")
    register = pack / "register.yml"
    register.write_text(register.read_text(encoding="utf-8").replace("kind: strategy", "kind: stratgy", 1), "utf-8")
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(
        rf"{re.escape(str(claims))}:\d+:13: 'interveiw' is not an allowed method \(did you mean interview\?\); "
        r"allowed: interview, document_review, workshop, survey \[\d+ times, at lines \d+, \d+, \d+, \.\.\.\] "
        r"\(at \$\.claims\[\d+\]\.method\)",
        lines[0],
    )
    assert (
        "'stratgy' is not an allowed kind (did you mean strategy?); allowed: agreement, assessment_record," in lines[1]
    )
    assert lines[1].endswith("survey_result, terms_of_reference (at $.evidence[" + lines[1].split("$.evidence[")[1])


def test_a_bad_outcome_id_shows_the_form_not_a_regex(tmp_path: Path) -> None:
    """An outcome id in lower case is explained by its form and corrected, with no regular expression shown."""
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "examples" / "fenland-water", pack)
    claims = pack / "claims.yml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("outcome: DEC.BEH.01", "outcome: dec.beh.01"), "utf-8")
    result = CliRunner().invoke(main, ["validate", str(pack)])
    assert result.exit_code == 3
    assert "'dec.beh.01' is not an outcome id PHASE.THEME.NN such as DEC.LEA.01" in result.stdout
    assert "(did you mean DEC.BEH.01?)" in result.stdout
    assert "^(" not in result.stdout and "[A-Z]" not in result.stdout
