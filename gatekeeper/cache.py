"""A per-user cache of derived data (the validated rule pack, compiled schema validators), keyed by content.

Everything here can be rebuilt from the source files; a missing, unreadable or unwritable cache only
costs time. The cache lives in $GATEKEEPER_CACHE, else $XDG_CACHE_HOME/gatekeeper, else
~/.cache/gatekeeper; GATEKEEPER_CACHE=off turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gatekeeper import __version__
from gatekeeper.loading.paths import read_regular_file
from gatekeeper.problems import InputError

# Largest cache entry read back: the rule pack is about 1 MB pickled. Anything larger (or not a
# regular file: someone's FIFO or device in the cache folder) is ignored and rebuilt, never read.
MAX_ENTRY_BYTES = 64_000_000


def directory() -> Path | None:
    configured = os.environ.get("GATEKEEPER_CACHE", "")
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gatekeeper"


def key(parts: Iterable[bytes]) -> str:
    """A content key: the parts, this gatekeeper version and this Python."""
    sha = hashlib.sha256(f"{__version__}|{sys.version}".encode())
    for part in parts:
        sha.update(hashlib.sha256(part).digest())
    return sha.hexdigest()[:32]


def read(name: str) -> bytes | None:
    """A stored entry, or None when it is absent or unusable (the caller rebuilds it)."""
    folder = directory()
    if folder is None:
        return None
    try:
        return read_regular_file(folder / name, display=name, max_bytes=MAX_ENTRY_BYTES)
    except InputError:
        return None


def write(name: str, data: bytes) -> None:
    """Store atomically; a failure to store is ignored (the cache is an optimisation)."""
    folder = directory()
    if folder is None:
        return
    import tempfile  # only a cache miss writes: a warm run never pays for importing it

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, folder / name)
    except OSError:
        return


def load_object(name: str) -> Any | None:
    raw = read(name)
    if raw is None:
        return None
    try:
        return pickle.loads(raw)
    except Exception:  # a stale or damaged entry is simply rebuilt
        return None


def store_object(name: str, value: Any) -> None:
    write(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
