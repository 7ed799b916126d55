"""The built wheel carries the rule pack and schemas and works from outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (built,) = out.glob("gatekeeper-*.whl")
    return built


def test_the_wheel_contains_the_rule_pack_and_the_evidence_schemas(wheel: Path) -> None:
    """rules/ and evidence_schema/ ship inside the package, under gatekeeper/_data/."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "gatekeeper/_data/rules/outcomes/deciding.yml" in names
    assert "gatekeeper/_data/rules/policy.yml" in names
    assert "gatekeeper/_data/rules/schema/outcomes.schema.json" in names
    assert "gatekeeper/_data/evidence_schema/claims.schema.json" in names
    assert not any(name.startswith(("tests/", "examples/")) for name in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "gatekeeper = gatekeeper.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_wheel_runs_rules_grid_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    """Installed into a fresh virtual environment, `gatekeeper rules grid` works from another directory."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    target = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    # Install the wheel alone; its dependencies come from this environment's site-packages via
    # PYTHONPATH (which, unlike a site directory, does not pick up this checkout's editable install).
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
    )
    deps = sysconfig.get_path("purelib")
    env = {**os.environ, "PYTHONPATH": deps}
    where = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import gatekeeper, gatekeeper.resources as r; print(gatekeeper.__file__); print(r.data_dir('rules'))",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert all(line.startswith(str(venv)) for line in where), where
    grid = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "gatekeeper", "rules", "grid"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "Deciding    6 (3 crit)" in grid.stdout
    assert "145 outcomes (1 supplementary), 38 critical" in grid.stdout
