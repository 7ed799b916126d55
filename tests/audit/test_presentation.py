"""What the audit shows an auditor: the gates the pack's phase makes relevant, a partly met claim with
no action, the profile's changes, and an evidence register whose columns stay readable."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from gatekeeper.cli.main import main
from tests.audit.conftest import ClaimSpec, TinyPack

AS_OF = ["--as-of", "2025-06-30"]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROFILE = """\
schema_version: 1
name: Board profile
critical:
  DEC.BEH.01:
    critical: false
    rationale: The board wants behaviours in place first.
policy:
  floors:
    default: 0.25
"""


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["audit", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_header_names_only_the_gates_of_the_packs_phase(tiny: TinyPack, tmp_path: Path) -> None:
    """A pack in Deciding names the suitability pre-gate and the creating gate; one in Delivering only the sustaining gate."""
    deciding = str(EXAMPLES / "fenland-water")
    out = invoke(deciding, "--as-of", "2026-11-01")[1]
    assert out.splitlines()[1].endswith("; gates for the deciding phase: suitability, creating")
    data = json.loads(invoke(deciding, "--as-of", "2026-11-01", "--format", "json")[1])
    assert data["phase_gates"] == ["suitability", "creating"]
    assert data["gates"] == ["suitability", "review"]  # still evaluated, for every claim's verdict
    delivering = tiny.write(tmp_path / "pack")
    assert invoke(str(delivering), *AS_OF)[1].splitlines()[1].endswith("; gates for the delivering phase: sustaining")


def test_a_partly_met_claim_without_an_action_is_reported(tiny: TinyPack, tmp_path: Path) -> None:
    """A claim of partly met that records no action is a located warning, not a silent condition."""
    pack = tiny.but(claims=(ClaimSpec("DEC.BEH.01", ("E01",), status="partly_met"), tiny.claims[1]))
    root = pack.write(tmp_path / "pack")
    code, out, _ = invoke(str(root), *AS_OF)
    assert code == 0  # a warning: the audit stays clean
    assert (
        f"{root}/claims.yml:3:5: [warning] DEC.BEH.01 is claimed partly met with no action to close the gap: "
        "record one (action, owner, due) in the claim (claim-no-action)"
    ) in out.splitlines()


def test_every_audit_format_lists_the_profiles_changes(tiny: TinyPack, tmp_path: Path) -> None:
    """Text, Markdown, HTML and JSON name the profile and each change it makes against the rule pack."""
    root = tiny.write(tmp_path / "pack")
    profile = tmp_path / "profile.yml"
    profile.write_text(PROFILE, encoding="utf-8")
    change = "DEC.BEH.01 made not critical (the pack: critical): The board wants behaviours in place first."
    floor = "floor for every theme: 25 % (the pack: 50 %)"
    for fmt in ("text", "markdown", "html"):
        out = invoke(str(root), *AS_OF, "--profile", str(profile), "--format", fmt)[1]
        assert "Board profile" in out and change in out and floor in out, fmt
    data = json.loads(invoke(str(root), *AS_OF, "--profile", str(profile), "--format", "json")[1])
    assert [(c["area"], c["subject"], c["pack"], c["profile"]) for c in data["profile"]["changes"]] == [
        ("criticality", "DEC.BEH.01", True, False),
        ("floor", "default", 0.5, 0.25),
    ]
    assert invoke(str(root), *AS_OF, "--format", "json")[1].count('"profile": null') == 1
