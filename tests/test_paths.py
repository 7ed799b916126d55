"""Opening documents referenced from a pack: references checked, the pack never left, nothing ever blocks."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from gatekeeper.loading.paths import (
    MAX_DOCUMENT_BYTES,
    DocumentCheck,
    DocumentHasher,
    HashBudgetExceeded,
    check_reference,
    inspect_document,
    read_document,
    read_regular_file,
)
from gatekeeper.problems import InputError


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """A pack folder with one document, and a secret file beside (outside) the pack."""
    root = tmp_path / "pack"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "charter.pdf").write_bytes(b"%PDF charter")
    (tmp_path / "secret.txt").write_bytes(b"outside")
    return root


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail the test instead of hanging forever if an open blocks."""

    def timeout(signum: int, frame: object) -> None:
        raise TimeoutError("the open blocked")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("docs/charter.pdf", None),
        ("./docs//charter.pdf", None),
        ("notes: v2.pdf", None),
        ("", "the reference is empty"),
        ("docs/\x00x.pdf", "the reference contains a NUL character"),
        ("docs/\nx.pdf", "the reference contains the control character U+000A"),
        ("docs/\u202ex.pdf", "the reference contains the control character U+202E"),
        (" docs/x.pdf", "the reference starts or ends with white space"),
        ("docs/x.pdf ", "the reference starts or ends with white space"),
        ("a/" * 2100 + "x", "the reference is longer than 4096 characters"),
        ("docs\\x.pdf", "backslashes are not allowed in references; separate folders with '/'"),
        ("https://example.com/x.pdf", "URLs are not allowed; the document must be a file inside the pack"),
        ("file:///etc/passwd", "URLs are not allowed; the document must be a file inside the pack"),
        ("C:/x.pdf", "drive letters are not allowed; the path must be relative to the pack"),
        ("c:x.pdf", "drive letters are not allowed; the path must be relative to the pack"),
        ("/etc/passwd", "absolute paths are not allowed; the path must be relative to the pack"),
        ("//server/share/x", "absolute paths are not allowed; the path must be relative to the pack"),
        ("../secret.txt", "'..' is not allowed in references; the document must be inside the pack"),
        ("docs/../../secret.txt", "'..' is not allowed in references; the document must be inside the pack"),
        ("docs/", "the reference ends with '/'; it must name a file"),
        (".", "the reference names the pack itself, not a file"),
        ("./.", "the reference names the pack itself, not a file"),
    ],
)
def test_check_reference(ref: str, why: str | None) -> None:
    """check_reference accepts plain relative paths and names the reason for refusing anything else."""
    assert check_reference(ref) == why


def test_check_reference_refuses_non_strings() -> None:
    """A reference that YAML read as a number is refused rather than crashing."""
    assert check_reference(12) == "the reference must be a string"  # type: ignore[arg-type]


def test_a_regular_file_is_hashed(pack: Path) -> None:
    """A regular file inside the pack gets its streamed sha256 and size, under its normalised path."""
    found = inspect_document(pack, "./docs//charter.pdf")
    assert found == DocumentCheck(
        "docs/charter.pdf", True, hashlib.sha256(b"%PDF charter").hexdigest(), len(b"%PDF charter"), None
    )


def test_a_large_file_is_hashed_in_chunks(pack: Path) -> None:
    """A file larger than one read chunk hashes to the digest of all its bytes."""
    body = os.urandom(3 * (1 << 20) + 17)
    (pack / "big.bin").write_bytes(body)
    assert inspect_document(pack, "big.bin") == DocumentCheck(
        "big.bin", True, hashlib.sha256(body).hexdigest(), len(body), None
    )


def test_missing_document(pack: Path) -> None:
    """A reference to nothing is reported as not found, with exists False."""
    assert inspect_document(pack, "docs/none.pdf") == DocumentCheck(
        "docs/none.pdf", False, None, None, "document not found"
    )


def test_a_path_through_a_file_is_not_found(pack: Path) -> None:
    """Treating a file as a folder gives 'document not found', not an exception."""
    assert inspect_document(pack, "docs/charter.pdf/x") == DocumentCheck(
        "docs/charter.pdf/x", False, None, None, "document not found"
    )


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("../secret.txt", "'..' is not allowed in references; the document must be inside the pack"),
        ("/etc/passwd", "absolute paths are not allowed; the path must be relative to the pack"),
        ("docs\\charter.pdf", "backslashes are not allowed in references; separate folders with '/'"),
    ],
)
def test_bad_references_are_not_opened(pack: Path, ref: str, why: str) -> None:
    """A reference that check_reference refuses is reported with that reason and never opened."""
    assert inspect_document(pack, ref) == DocumentCheck(ref, False, None, None, why)


def test_a_symlink_leaving_the_pack_is_refused(pack: Path) -> None:
    """A symbolic link to a file outside the pack is refused even though the file exists."""
    (pack / "docs" / "link.pdf").symlink_to(pack.parent / "secret.txt")
    assert inspect_document(pack, "docs/link.pdf") == DocumentCheck(
        "docs/link.pdf", True, None, None, "document is outside the pack (a symbolic link leads out of it)"
    )


def test_a_symlinked_folder_leaving_the_pack_is_refused(pack: Path) -> None:
    """A symbolic link to a folder outside the pack cannot be used to reach files there."""
    (pack / "out").symlink_to(pack.parent)
    assert inspect_document(pack, "out/secret.txt") == DocumentCheck(
        "out/secret.txt", True, None, None, "document is outside the pack (a symbolic link leads out of it)"
    )


def test_a_symlink_to_the_pack_itself_is_a_directory(pack: Path) -> None:
    """A symbolic link back to the pack's own folder is reported as a directory."""
    (pack / "self").symlink_to(pack)
    assert inspect_document(pack, "self") == DocumentCheck(
        "self", True, None, None, "document is not a regular file (a directory)"
    )


def test_a_symlink_staying_inside_the_pack_is_followed(pack: Path) -> None:
    """A symbolic link to another file inside the pack is accepted and hashes that file."""
    (pack / "alias.pdf").symlink_to(pack / "docs" / "charter.pdf")
    found = inspect_document(pack, "alias.pdf")
    assert (found.problem, found.sha256) == (None, hashlib.sha256(b"%PDF charter").hexdigest())


def test_a_pack_reached_through_a_symlink_still_works(pack: Path, tmp_path: Path) -> None:
    """The pack root itself may be a symbolic link; containment is judged on real paths."""
    (tmp_path / "via").symlink_to(pack)
    assert inspect_document(tmp_path / "via", "docs/charter.pdf").problem is None


def test_a_dangling_symlink_is_not_found(pack: Path) -> None:
    """A symbolic link inside the pack to a missing file inside the pack is 'document not found'."""
    (pack / "gone.pdf").symlink_to(pack / "nothing.pdf")
    assert inspect_document(pack, "gone.pdf") == DocumentCheck("gone.pdf", False, None, None, "document not found")


def test_a_symlink_loop_is_refused(pack: Path) -> None:
    """A symbolic link loop is refused with a message, not an exception."""
    (pack / "loop").symlink_to(pack / "loop")
    found = inspect_document(pack, "loop")
    assert found == DocumentCheck(
        "loop", True, None, None, "document cannot be opened: a symbolic link loops or changed while it was opened"
    )


def test_a_fifo_is_refused_without_blocking(pack: Path, alarm: None) -> None:
    """A FIFO with no writer is refused at once: the open is non-blocking and fstat shows it is not a file."""
    os.mkfifo(pack / "pipe.pdf")
    assert inspect_document(pack, "pipe.pdf") == DocumentCheck(
        "pipe.pdf", True, None, None, "document is not a regular file (a FIFO)"
    )


def test_a_directory_is_refused(pack: Path) -> None:
    """A reference to a folder is refused as not a regular file."""
    assert inspect_document(pack, "docs") == DocumentCheck(
        "docs", True, None, None, "document is not a regular file (a directory)"
    )


def test_a_socket_is_refused(pack: Path, alarm: None) -> None:
    """A Unix socket inside the pack is refused without connecting to it."""
    server = socket.socket(socket.AF_UNIX)
    # AF_UNIX paths are limited to about 100 bytes; bind relative to the pack folder.
    cwd = os.getcwd()
    os.chdir(pack)
    try:
        server.bind("sock")
    finally:
        os.chdir(cwd)
    try:
        assert inspect_document(pack, "sock") == DocumentCheck(
            "sock", True, None, None, "document is not a regular file (a socket)"
        )
    finally:
        server.close()


def test_a_document_over_the_size_limit_is_refused_unread(pack: Path) -> None:
    """A document over the limit is refused from fstat, with its size but no hash."""
    with open(pack / "huge.bin", "wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    assert inspect_document(pack, "huge.bin") == DocumentCheck(
        "huge.bin", True, None, MAX_DOCUMENT_BYTES + 1, f"document is larger than {MAX_DOCUMENT_BYTES} bytes"
    )


def test_the_size_limit_is_an_option(pack: Path) -> None:
    """max_bytes lowers the limit: a 12-byte file passes at 12 and is refused at 11."""
    assert inspect_document(pack, "docs/charter.pdf", max_bytes=12).problem is None
    assert inspect_document(pack, "docs/charter.pdf", max_bytes=11).problem == "document is larger than 11 bytes"


def test_an_unreadable_document_is_reported(pack: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A document the process may not read is reported, not raised."""
    real_open = os.open

    def open_denying_the_document(path: str, flags: int, *args: object, **kwargs: object) -> int:
        if path == "charter.pdf":
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    # Simulated, because the test may run as root, who can read any file.
    monkeypatch.setattr(os, "open", open_denying_the_document)
    assert inspect_document(pack, "docs/charter.pdf") == DocumentCheck(
        "docs/charter.pdf", True, None, None, "document cannot be read: permission denied"
    )


# --- every user-named file, and hashing once within a budget -----------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: os.mkfifo(p), "not a regular file (a FIFO)"),
        (lambda p: p.mkdir(), "not a regular file (a directory)"),
        (lambda p: p.symlink_to("/dev/zero"), "not a regular file (a device)"),
        (lambda p: p.write_bytes(b"x" * 11), "file is larger than 10 bytes"),
        (lambda p: None, "file not found"),
    ],
    ids=["fifo", "directory", "device", "oversized", "missing"],
)
def test_read_regular_file_refuses_what_it_cannot_read(tmp_path: Path, alarm: None, make: object, message: str) -> None:
    """read_regular_file refuses a FIFO, directory, device, oversized or missing file with one located problem, never blocking."""
    target = tmp_path / "input"
    make(target)  # type: ignore[operator]
    with pytest.raises(InputError) as caught:
        read_regular_file(target, display="input", max_bytes=10)
    assert [str(p) for p in caught.value.problems] == [f"input:1:1: {message}"]


def test_read_regular_file_returns_the_bytes_up_to_the_limit(tmp_path: Path) -> None:
    """A regular file exactly at the limit is read whole."""
    target = tmp_path / "input"
    target.write_bytes(b"0123456789")
    assert read_regular_file(target, display="input", max_bytes=10) == b"0123456789"


def test_read_document_hashes_and_returns_the_same_bytes(pack: Path) -> None:
    """read_document gives the bytes it hashed: one read serves both the digest and the parser."""
    found, raw = read_document(pack, "docs/charter.pdf", max_bytes=100)
    assert raw == b"%PDF charter"
    assert found.sha256 == hashlib.sha256(raw).hexdigest()


def test_the_hasher_hashes_one_file_once_whatever_it_is_called(pack: Path) -> None:
    """Two spellings and a hard link of one file are hashed once: the budget counts its bytes once."""
    os.link(pack / "docs" / "charter.pdf", pack / "docs" / "linked.pdf")
    hasher = DocumentHasher(pack)
    found = [hasher.inspect(ref) for ref in ("docs/charter.pdf", "./docs//charter.pdf", "docs/linked.pdf")]
    assert [f.relpath for f in found] == ["docs/charter.pdf", "docs/charter.pdf", "docs/linked.pdf"]
    assert {f.sha256 for f in found} == {hashlib.sha256(b"%PDF charter").hexdigest()}
    assert hasher.spent == len(b"%PDF charter")


def test_the_hasher_refuses_the_document_that_would_exceed_its_budget(pack: Path) -> None:
    """Distinct files are hashed until the next would pass the budget; that one raises, naming it."""
    (pack / "docs" / "second.pdf").write_bytes(b"x" * 10)
    hasher = DocumentHasher(pack, budget=15)
    assert hasher.inspect("docs/charter.pdf").problem is None  # 12 bytes
    with pytest.raises(HashBudgetExceeded) as caught:
        hasher.inspect("docs/second.pdf")
    assert str(caught.value).startswith("docs/second.pdf: the pack's documents add up to more than 15 bytes")
    assert hasher.spent == 12
