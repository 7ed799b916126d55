"""Writing a rendered output to a file: atomically, so a reader never sees it half-written."""

from __future__ import annotations

import os
from pathlib import Path


def current_umask() -> int:
    """The process's umask (reading it means setting it; it is put straight back)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data` (text is written as UTF-8), or leave it untouched if anything fails.

    The data goes to a temporary file beside `path` that is renamed over it: a crash, a full disk
    or an interrupt leaves the old file (or none), never a truncated one. The temporary file is
    private while it is written (mkstemp makes it 0600); the finished file gets the mode any new
    file would get under the user's umask (0644 under 022), so a report can be shared as usual.
    """
    import tempfile  # imported here: a command that writes only to standard output never needs it

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data if isinstance(data, bytes) else data.encode("utf-8"))
            os.fchmod(handle.fileno(), 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
