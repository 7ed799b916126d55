"""Every problem at once: schema errors and cross-reference errors of a pack come in one run, without cascades."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatekeeper.cli.main import main
from gatekeeper.loading.evidence import PACK_FILES, load_pack
from gatekeeper.loading.rules import load_rule_pack
from gatekeeper.model import RulePack
from gatekeeper.problems import InputError

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "fenland-water"


@functools.cache
def _rules() -> RulePack:
    return load_rule_pack()


def _pack(tmp: Path) -> Path:
    pack = tmp / "pack"
    shutil.copytree(EXAMPLE, pack)
    return pack


def _edit(pack: Path, name: str, old: str, new: str) -> None:
    path = pack / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(pack: Path) -> list[str]:
    """The problem lines of loading `pack` (file names relative to it); the load must fail."""
    with pytest.raises(InputError) as raised:
        load_pack(pack, _rules(), display="pack")
    return [str(p) for p in raised.value.problems]


def _messages(lines: list[str]) -> list[str]:
    """Each problem without its place: file and message only, for asserting what is reported."""
    return [f"{line.split(':', 1)[0]}: {line.split(': ', 1)[1]}" for line in lines]


def test_schema_error_in_one_file_and_unknown_outcome_in_another(tmp_path: Path) -> None:
    """A malformed register item and an unknown outcome in claims.yml are both reported by one load."""
    pack = _pack(tmp_path)
    _edit(pack, "register.yml", "kind: business_case", "kind: busines_case")
    _edit(pack, "claims.yml", "outcome: DEC.BEH.02", "outcome: DEC.BEH.99")
    found = _problems(pack)
    assert len(found) == 2
    assert found[0].startswith("pack/claims.yml:")
    assert found[0].endswith("unknown outcome DEC.BEH.99 (see `gatekeeper rules list`) (at $.claims[1].outcome)")
    assert found[1].startswith("pack/register.yml:6:")
    assert found[1].endswith("(at $.evidence[0].kind)")


def test_schema_error_and_cross_reference_error_in_the_same_file(tmp_path: Path) -> None:
    """A claim with a misspelt status and another citing evidence not in the register are both reported."""
    pack = _pack(tmp_path)
    _edit(pack, "claims.yml", "status: met", "status: mett")
    _edit(pack, "claims.yml", "evidence: [FW04, FW05]", "evidence: [FW04, FW99]")
    found = _problems(pack)
    assert len(found) == 2
    assert "'mett' is not an allowed status (did you mean met?)" in found[0]
    assert found[0].endswith("(at $.claims[0].status)")
    assert found[1].endswith("evidence FW99 is not in register.yml (at $.claims[2].evidence[1])")
    assert found == sorted(found, key=lambda line: (line.split(":")[0], int(line.split(":")[1])))


def test_malformed_register_item_is_not_also_unknown(tmp_path: Path) -> None:
    """A claim citing a register item that is itself malformed is not reported as citing unknown evidence."""
    pack = _pack(tmp_path)
    _edit(pack, "register.yml", "kind: plan", "kind: planning")  # FW04, cited by many claims
    found = _problems(pack)
    assert len(found) == 1
    assert found[0].startswith("pack/register.yml:")
    assert "'planning' is not an allowed kind" in found[0]


def test_malformed_claim_is_not_also_checked(tmp_path: Path) -> None:
    """A claim whose own shape is invalid is reported once, for its shape, not for its unknown outcome too."""
    pack = _pack(tmp_path)
    _edit(pack, "claims.yml", "outcome: DEC.BEH.01\n    status: met", "outcome: DEC.BEH.98\n    status: meh")
    found = _problems(pack)
    assert len(found) == 1
    assert found[0].startswith("pack/claims.yml:")
    assert "'meh' is not an allowed status" in found[0]
    assert found[0].endswith("(at $.claims[0].status)")


def test_malformed_person_is_not_also_undeclared(tmp_path: Path) -> None:
    """References to a person whose declaration is malformed are not reported; other references still are."""
    pack = _pack(tmp_path)
    _edit(pack, "manifest.yml", "    name: Catherine Ashdown\n", "    name: Catherine Ashdown\n    nickname: Cat\n")
    _edit(pack, "claims.yml", "assessed_by: Tom Pryce", "assessed_by: Tom Price")
    found = _problems(pack)
    assert len(found) == 2
    assert found[0].startswith("pack/claims.yml:")
    assert "'Tom Price' " in found[0]
    assert found[0].endswith("(at $.claims[2].assessed_by)")
    assert found[1].startswith("pack/manifest.yml:")
    assert "unknown key 'nickname'" in found[1]


def test_missing_register_still_checks_claims(tmp_path: Path) -> None:
    """Without register.yml, claims are still checked, and no citation is reported as unknown."""
    pack = _pack(tmp_path)
    (pack / "register.yml").unlink()
    _edit(pack, "claims.yml", "outcome: DEC.BEH.02", "outcome: DEC.BEH.99")
    assert _problems(pack) == [
        "pack/claims.yml:16:14: unknown outcome DEC.BEH.99 (see `gatekeeper rules list`) (at $.claims[1].outcome)",
        "pack/register.yml: missing: every evidence pack has this file",
    ]


def test_missing_manifest_reports_no_name_as_undeclared(tmp_path: Path) -> None:
    """Without manifest.yml, no name elsewhere is reported as undeclared, and other checks still run."""
    pack = _pack(tmp_path)
    (pack / "manifest.yml").unlink()
    _edit(pack, "claims.yml", "evidence: [FW04, FW05]", "evidence: [FW04, FW99]")
    found = _problems(pack)
    assert _messages(found) == [
        "pack/claims.yml: evidence FW99 is not in register.yml (at $.claims[2].evidence[1])",
        "pack/manifest.yml: missing: every evidence pack has this file",
    ]


def test_validate_and_check_report_the_same_full_list(tmp_path: Path) -> None:
    """`validate` and `check` both exit 3 on a pack with schema and cross-reference errors, listing both."""
    pack = _pack(tmp_path)
    _edit(pack, "register.yml", "kind: business_case", "kind: busines_case")
    _edit(pack, "claims.yml", "outcome: DEC.BEH.02", "outcome: DEC.BEH.99")
    runner = CliRunner()
    validated = runner.invoke(main, ["--color", "never", "validate", str(pack)])
    checked = runner.invoke(main, ["--color", "never", "check", str(pack), "--as-of", "2026-11-01"])
    assert (validated.exit_code, checked.exit_code) == (3, 3)
    for result in (validated, checked):
        assert "unknown outcome DEC.BEH.99" in result.output
        assert "register.yml:6:" in result.output


FUZZ = settings(
    max_examples=60,
    deadline=None,  # a load hashes the pack's documents: slow on a busy machine, and not what is tested
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values a mutation puts where a well-formed one was: wrong types, empty values, near misses.
JUNK = st.sampled_from(
    [None, 0, -1, 1.5, True, "", " ", "x", "FW99", "DEC.BEH.99", "2026-02-30", "Nobody", [], {}, [None], {"id": 1}]
)


def _nodes(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a loaded YAML document, the root included."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _nodes(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _nodes(value, (*path, i))
    return found


def _mutated(data: Any, path: tuple[Any, ...], action: str, junk: Any) -> Any:
    if not path:
        return junk
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if action == "delete":
        del parent[path[-1]]
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(parent[path[-1]])
    else:
        parent[path[-1]] = junk
    return data


@FUZZ
@given(
    mutations=st.lists(
        st.tuples(
            st.sampled_from(sorted(name for name in PACK_FILES if (EXAMPLE / name).exists())),
            st.integers(min_value=0),
            st.sampled_from(["replace", "delete", "duplicate"]),
            JUNK,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_pack_never_raises_and_every_problem_is_located(mutations: list[tuple[str, int, str, Any]]) -> None:
    """Any values of an example pack replaced, deleted or repeated: loading gives a pack or located problems, never a crash."""
    with tempfile.TemporaryDirectory() as tmp:
        pack = _pack(Path(tmp))
        for name, index, action, junk in mutations:
            data = yaml.safe_load((pack / name).read_text(encoding="utf-8"))
            paths = _nodes(data)
            path = paths[index % len(paths)]
            data = _mutated(data, path, action, junk)
            (pack / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            load_pack(pack, _rules(), display="pack")
        except InputError as error:
            assert error.problems
            assert error.problems == sorted(set(error.problems))
            for problem in error.problems:
                assert problem.file.startswith("pack/")
                assert problem.message
                assert problem.line >= 1 or problem.json_path == "", problem
