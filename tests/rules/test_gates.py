"""Gates are data: their names come from the policy or a profile, never from code or a schema enum."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gatekeeper import api
from gatekeeper.cli.main import main
from gatekeeper.loading.rules import load_rule_pack
from gatekeeper.synthetic import synthesize, write_pack

AS_OF = "2026-11-01"

PROFILE = """\
schema_version: 1
name: Northshire mobilisation profile
policy:
  gates:
    mobilising:
      title: Mid-Creating mobilisation check
      leaves: creating
      evaluates: [creating]
"""


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = dt.date.fromisoformat(AS_OF)
    root = tmp_path_factory.mktemp("gates")
    return write_pack(
        synthesize(api.rules(), alliance_id="gates", phase="creating", as_of=made, seed=3, quality=1.0), root / "pack"
    )


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "profile.yml"
    path.write_text(PROFILE, encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_profile_that_adds_a_gate_makes_it_usable_with_gate(pack: Path, profile: Path) -> None:
    """A gate defined only in a profile is evaluated with --gate: its title, phase left and scope come from the profile."""
    result = run(
        "check", str(pack), "--as-of", AS_OF, "--profile", str(profile), "--gate", "mobilising", "--format", "json"
    )
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert data["gate"] == "mobilising"
    assert data["gate_detail"] == {
        "title": "Mid-Creating mobilisation check",
        "leaves": "creating",
        "evaluates": ["creating"],
    }
    assert {o["id"][:3] for o in data["outcomes"]} == {"CRE"}


def test_a_gate_the_policy_does_not_define_is_a_usage_error(pack: Path) -> None:
    """Without the profile, the same gate is refused before anything is evaluated: exit 2, the policy's gates named."""
    for args in (("check", str(pack)), ("explain", str(pack), "CRE.LEA.01"), ("portfolio", str(pack.parent))):
        result = run(*args, "--as-of", AS_OF, "--gate", "mobilising")
        assert result.exit_code == 2, args
        assert result.stderr == (
            "Error: unknown gate 'mobilising'; the policy's gates: suitability, creating, delivering, sustaining, review\n"
        )


def test_the_gates_come_from_the_policy_in_its_order(profile: Path) -> None:
    """The bundled policy's five gates, in file order, and a profile's gate after them."""
    assert list(api.rules().policy.gates) == ["suitability", "creating", "delivering", "sustaining", "review"]
    assert list(load_rule_pack(profile=profile).policy.gates)[-1] == "mobilising"


def test_the_next_gate_is_the_first_that_leaves_the_phase(profile: Path) -> None:
    """A profile's extra gate leaving Creating does not displace `delivering` as a Creating pack's next gate."""
    policy = load_rule_pack(profile=profile).policy
    assert [policy.next_gate(p) for p in ("deciding", "creating", "delivering", "sustaining")] == [
        "creating",
        "delivering",
        "sustaining",
        "review",
    ]
    assert policy.gates["suitability"].asked_in == "deciding" and policy.gates["mobilising"].asked_in == "creating"


def test_init_scaffolds_a_profile_free_gate_and_refuses_an_unknown_one(tmp_path: Path) -> None:
    """`init --gate review` starts a Sustaining pack; an unknown gate is a usage error and writes nothing."""
    made = run("init", str(tmp_path / "ok"), "--alliance", "Tees Valley Flood Alliance", "--gate", "review")
    assert made.exit_code == 0, made.output
    assert "  phase: sustaining\n" in (tmp_path / "ok" / "manifest.yml").read_text(encoding="utf-8")
    refused = run("init", str(tmp_path / "no"), "--alliance", "X", "--gate", "launch")
    assert refused.exit_code == 2 and not (tmp_path / "no").exists()


def test_conditions_from_an_unknown_gate_are_a_located_load_error(pack: Path, tmp_path: Path) -> None:
    """conditions.yml must name a gate of the policy: file:line:col: message and exit 3."""
    copy = Path(shutil.copytree(pack, tmp_path / "pack"))
    (copy / "conditions.yml").write_text(
        "schema_version: 1\ngate: launch\ndecided: '2026-05-01'\nconditions: []\n", encoding="utf-8"
    )
    result = run("validate", str(copy))
    assert result.exit_code == 3
    assert (
        f"{copy}/conditions.yml:2:7: unknown gate 'launch' (the policy's gates: suitability, creating, delivering, sustaining, review) (at $.gate)\n"
        in result.output
    )


def test_a_policy_gate_name_is_checked_by_pattern_not_by_a_list(tmp_path: Path) -> None:
    """A profile may name any lower-case gate; a name with capitals or spaces is a located schema error."""
    path = tmp_path / "profile.yml"
    path.write_text(PROFILE.replace("    mobilising:", "    Mobilising Now:"), encoding="utf-8")
    result = run("rules", "check", "--profile", str(path))
    assert result.exit_code == 3
    assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: .*Mobilising Now", result.stderr, re.M), result.stderr
