"""Where the bundled rule pack and evidence schemas live: one function, for a wheel or a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder of bundled data `name` ("rules" or "evidence_schema").

    A built wheel carries them under `gatekeeper/_data/` (pyproject.toml maps them there); a
    checkout or editable install finds them at the top of the repository.
    """
    if name not in ("rules", "evidence_schema"):
        raise ValueError(f"unknown data folder {name!r}")
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name
