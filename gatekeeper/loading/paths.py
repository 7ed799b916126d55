"""Safe reading of every file a user names: never block, regular files only, size-bounded; pack documents stay inside the pack and are hashed as they are read."""

from __future__ import annotations

import errno
import hashlib
import os
import posixpath
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from gatekeeper.problems import InputError, Problem

# Largest referenced document we hash, in bytes: generous for PDFs and spreadsheets, and a bound on
# the time one reference can cost.
MAX_DOCUMENT_BYTES = 50_000_000
# Most bytes one load of a pack hashes, all documents together (each distinct file counted once).
# sha256 runs at roughly 0.5-1 GB/s here, so this keeps the worst pack to about a second of hashing
# while leaving room for ten maximum-size documents and thousands of ordinary ones.
HASH_BUDGET_BYTES = 512 * 1024 * 1024
# Longest reference accepted; PATH_MAX on Linux, and far longer than any sensible pack layout.
MAX_REFERENCE_CHARS = 4096

_CHUNK = 1 << 20
_DRIVE = re.compile(r"[A-Za-z]:")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# Controls, and characters that make a path display differently from what it opens.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class DocumentCheck:
    """What opening one referenced document found.

    `exists` says whether something is at that path inside the pack (even if it cannot be used);
    `problem` is None exactly when the document is a readable regular file inside the pack, and then
    `sha256` and `size` describe the bytes read.
    """

    relpath: str
    exists: bool
    sha256: str | None
    size: int | None
    problem: str | None
    blank: bool = False  # nothing but whitespace (or empty): a document that shows nothing


def check_reference(ref: str) -> str | None:
    """Why a reference string is not an acceptable relative path inside a pack, or None.

    Refused: empty, NUL and other control or bidirectional characters, surrounding white space,
    backslashes, URLs, drive letters, absolute paths, '..', a trailing '/', the pack itself.
    """
    if not isinstance(ref, str):
        return "the reference must be a string"
    if not ref:
        return "the reference is empty"
    if "\x00" in ref:
        return "the reference contains a NUL character"
    match = _INVISIBLE.search(ref)
    if match:
        return f"the reference contains the control character U+{ord(match.group()):04X}"
    if ref != ref.strip():
        return "the reference starts or ends with white space"
    if len(ref) > MAX_REFERENCE_CHARS:
        return f"the reference is longer than {MAX_REFERENCE_CHARS} characters"
    if "\\" in ref:
        return "backslashes are not allowed in references; separate folders with '/'"
    if _URL.match(ref):
        return "URLs are not allowed; the document must be a file inside the pack"
    if _DRIVE.match(ref):
        return "drive letters are not allowed; the path must be relative to the pack"
    if ref.startswith("/"):
        return "absolute paths are not allowed; the path must be relative to the pack"
    parts = ref.split("/")
    if ".." in parts:
        return "'..' is not allowed in references; the document must be inside the pack"
    if ref.endswith("/"):
        return "the reference ends with '/'; it must name a file"
    if all(part in ("", ".") for part in parts):
        return "the reference names the pack itself, not a file"
    return None


def _normalise(ref: str) -> str:
    """The canonical form of an accepted reference: './a//b' and 'a/b' are the same document."""
    return posixpath.normpath(ref)


def file_kind(mode: int) -> str:
    """Name the kind of a file that is not a regular file, for messages."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def read_regular_file(path: Path | str, *, display: str, max_bytes: int) -> bytes:
    """The bytes of a file the user named (a profile, a previous review, a rule file); never blocks.

    Every input file goes through here, so a FIFO, a device such as /dev/zero, a directory or a
    file too large for memory is refused the same way, at once and without reading: the file is
    opened non-blocking, fstat must show a regular file no larger than `max_bytes`, and reading
    stops one byte past the limit if the file grows meanwhile. Raises InputError (never anything
    else) with one problem located at line 1 of `display`.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError(Problem(display, 1, 1, "file not found")) from None
    except PermissionError:
        raise InputError(Problem(display, 1, 1, "cannot read the file: permission denied")) from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(Problem(display, 1, 1, f"cannot open the file: {why}")) from None
    try:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise InputError(Problem(display, 1, 1, f"not a regular file ({file_kind(info.st_mode)})"))
            if info.st_size > max_bytes:
                raise InputError(Problem(display, 1, 1, f"file is larger than {max_bytes} bytes"))
            chunks: list[bytes] = []
            remaining = max_bytes + 1  # one byte more than allowed tells us the file grew past the cap
            while remaining > 0:
                chunk = os.read(fd, min(remaining, _CHUNK))
                if not chunk:
                    break
                chunks.append(chunk)
                remaining -= len(chunk)
        except OSError as exc:
            raise InputError(Problem(display, 1, 1, f"cannot read the file: {exc.strerror or exc}")) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > max_bytes:
        raise InputError(Problem(display, 1, 1, f"file is larger than {max_bytes} bytes"))
    return raw


def inspect_document(pack_root: Path, ref: str, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> DocumentCheck:
    """Resolve ref inside pack_root safely and hash it; never raise, never block.

    The real path must stay inside the pack (symbolic links leaving it are refused); the file is
    opened with O_NOFOLLOW|O_NONBLOCK one component at a time from the pack's directory; fstat must
    show a regular file (a FIFO, socket, device or directory is refused without reading); files over
    `max_bytes` are refused from their size; the sha256 is computed while streaming.
    """
    relpath, opened = _open_document(pack_root, ref)
    if isinstance(opened, DocumentCheck):
        return opened
    return _hash_open(opened, relpath, max_bytes)[0]


def read_document(pack_root: Path, ref: str, *, max_bytes: int) -> tuple[DocumentCheck, bytes | None]:
    """inspect_document, keeping the bytes: a pack's own YAML files are hashed and parsed from one read."""
    relpath, opened = _open_document(pack_root, ref)
    if isinstance(opened, DocumentCheck):
        return opened, None
    return _hash_open(opened, relpath, max_bytes, keep=True)


class HashBudgetExceeded(Exception):
    """Hashing the next document would take one load of a pack past its budget of bytes."""


class DocumentHasher:
    """Hashes the documents of one pack load: each distinct file once, the total bounded.

    A register may point thousands of items at the same large file, or at thousands of large
    files. Files are recognised by identity (device and inode, from fstat of the opened file, so
    links and different spellings of one path count once), and the bytes hashed are counted
    against `budget`: the document that would exceed it raises HashBudgetExceeded.
    """

    def __init__(self, pack_root: Path, *, budget: int | None = None, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
        self.pack_root = pack_root
        self.budget = HASH_BUDGET_BYTES if budget is None else budget
        self.max_bytes = max_bytes
        self.spent = 0
        self._seen: dict[tuple[int, int], DocumentCheck] = {}

    def inspect(self, ref: str) -> DocumentCheck:
        """inspect_document for ref, reusing the result for a file already hashed in this load."""
        relpath, opened = _open_document(self.pack_root, ref)
        if isinstance(opened, DocumentCheck):
            return opened
        try:
            info = os.fstat(opened)
        except OSError as exc:
            os.close(opened)
            return DocumentCheck(relpath, True, None, None, f"document cannot be read: {exc.strerror or exc}")
        identity = (info.st_dev, info.st_ino)
        known = self._seen.get(identity)
        if known is not None:
            os.close(opened)
            return replace(known, relpath=relpath)
        if stat.S_ISREG(info.st_mode) and info.st_size <= self.max_bytes and self.spent + info.st_size > self.budget:
            os.close(opened)
            raise HashBudgetExceeded(
                f"{relpath}: the pack's documents add up to more than {self.budget} bytes, the most one load "
                "hashes (each distinct file counted once)"
            )
        check = _hash_open(opened, relpath, self.max_bytes)[0]
        if check.sha256 is not None:
            self.spent += check.size or 0
            self._seen[identity] = check
        return check


def _open_document(pack_root: Path, ref: str) -> tuple[str, int | DocumentCheck]:
    """The normalised reference and an open descriptor for it, or the check saying why not."""
    why = check_reference(ref)
    if why is not None:
        return str(ref), DocumentCheck(str(ref), False, None, None, why)
    relpath = _normalise(ref)
    fd = _open_plain(pack_root, relpath)
    if fd is not None:
        return relpath, fd
    return relpath, _open_careful(pack_root, relpath)


def _open_careful(pack_root: Path, relpath: str) -> int | DocumentCheck:
    """Open a reference whose path involves a symbolic link (or does not open plainly) without leaving the pack."""
    root = os.path.realpath(pack_root)
    target = os.path.join(root, *relpath.split("/"))
    if not os.path.lexists(target):
        return DocumentCheck(relpath, False, None, None, "document not found")
    real = os.path.realpath(target)
    if real == root:
        return DocumentCheck(relpath, True, None, None, "document is not a regular file (a directory)")
    if os.path.commonpath([root, real]) != root:
        return DocumentCheck(
            relpath, True, None, None, "document is outside the pack (a symbolic link leads out of it)"
        )
    # Open the resolved path one component at a time from the pack's own directory, refusing any
    # symbolic link on the way: if the tree changes after realpath, we fail rather than escape.
    inner = os.path.relpath(real, root).split(os.sep)
    fds: list[int] = []
    try:
        fds.append(os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        for part in inner[:-1]:
            fds.append(os.open(part, _DIR_FLAGS, dir_fd=fds[-1]))
        return os.open(inner[-1], _FILE_FLAGS, dir_fd=fds[-1])
    except OSError as exc:
        return DocumentCheck(relpath, _still_exists(exc), None, None, _open_problem(exc, real))
    finally:
        for dir_fd in fds:
            os.close(dir_fd)


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def _open_plain(pack_root: Path, relpath: str) -> int | None:
    """The common case, cheaply: every component a plain directory or file, no symbolic link.

    With '..' refused and O_NOFOLLOW on every component, what opens here is inside the pack by
    construction. Anything else (a link, a missing file, a socket) returns None, and the careful
    path above decides what it is.
    """
    fds: list[int] = []
    try:
        fds.append(os.open(pack_root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        parts = relpath.split("/")
        for part in parts[:-1]:
            fds.append(os.open(part, _DIR_FLAGS, dir_fd=fds[-1]))
        return os.open(parts[-1], _FILE_FLAGS, dir_fd=fds[-1])
    except OSError:
        return None
    finally:
        for dir_fd in fds:
            os.close(dir_fd)


def _hash_open(fd: int, relpath: str, max_bytes: int, *, keep: bool = False) -> tuple[DocumentCheck, bytes | None]:
    """fstat and stream-hash an open file, keeping its bytes when asked; closes it."""
    kept: list[bytes] = []
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            why = f"document is not a regular file ({file_kind(info.st_mode)})"
            return DocumentCheck(relpath, True, None, None, why), None
        if info.st_size > max_bytes:
            return DocumentCheck(relpath, True, None, info.st_size, f"document is larger than {max_bytes} bytes"), None
        digest = hashlib.sha256()
        size = 0
        blank = True
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:  # it grew while we read it
                return DocumentCheck(relpath, True, None, size, f"document is larger than {max_bytes} bytes"), None
            digest.update(chunk)
            blank = blank and not chunk.strip()
            if keep:
                kept.append(chunk)
    except OSError as exc:
        return DocumentCheck(relpath, True, None, None, f"document cannot be read: {exc.strerror or exc}"), None
    finally:
        os.close(fd)
    check = DocumentCheck(relpath, True, digest.hexdigest(), size, None, blank)
    return check, (b"".join(kept) if keep else None)


def _still_exists(exc: OSError) -> bool:
    return exc.errno not in (errno.ENOENT, errno.ENOTDIR)


def _open_problem(exc: OSError, real: str) -> str:
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "document not found"
    if exc.errno == errno.ELOOP:
        return "document cannot be opened: a symbolic link loops or changed while it was opened"
    try:  # a socket (ENXIO) or a device without a driver: name what it is rather than the errno
        mode = os.lstat(real).st_mode
    except OSError:
        mode = stat.S_IFREG
    if not stat.S_ISREG(mode):
        return f"document is not a regular file ({file_kind(mode)})"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "document cannot be read: permission denied"
    return f"document cannot be opened: {exc.strerror or exc}"
