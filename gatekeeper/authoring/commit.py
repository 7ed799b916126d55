"""Write edited pack files only when the edited pack validates: staged, loaded, then replaced atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from gatekeeper.loading.evidence import PACK_FILES, LoadedPack, load_pack
from gatekeeper.model import RulePack


def validate_edit(pack: Path, rules: RulePack, new_files: Mapping[str, bytes]) -> LoadedPack:
    """Load the pack as it would be with `new_files` (name -> bytes) in place, without touching it.

    The pack's YAML files are copied into a private folder with the new ones in their place and
    loaded from there, reported under the pack's own name. Documents are not copied: a missing
    document is a document problem, never a load failure, and the documents of the entries being
    written were hashed from the pack itself.
    """
    staging = Path(tempfile.mkdtemp(prefix="gatekeeper-edit-"))
    try:
        for name in PACK_FILES:
            if name in new_files:
                (staging / name).write_bytes(new_files[name])
            elif (pack / name).is_file() and not (pack / name).is_symlink():
                shutil.copyfile(pack / name, staging / name)
        return load_pack(staging, rules, display=str(pack))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_files(pack: Path, new_files: Mapping[str, bytes]) -> None:
    """Replace each file atomically (a reader sees the old file or the new one, never half of one).

    New files get the mode a plain `open()` would give them under the user's umask (0644 usually),
    not mkstemp's private 0600. register.yml goes first: claims may cite what it adds.
    """
    mode = 0o666 & ~_umask()
    order = sorted(new_files, key=lambda name: (name != "register.yml", name))
    for name in order:
        target = pack / name
        fd, tmp = tempfile.mkstemp(dir=pack, prefix=f".{name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(new_files[name])
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def write_output(path: Path, data: bytes) -> None:
    """Write a new output file (a workbook) atomically, with the user's umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
