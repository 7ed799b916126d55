"""`gatekeeper register add|refresh`: hashes computed, ids proposed, register.yml edited in place, refusals."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from gatekeeper.authoring.register import evidence_kinds, propose_ids
from tests.authoring.conftest import EXAMPLES, run, snapshot

HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_pack_reaches_a_passing_creating_gate_without_a_hash_typed_by_hand(tmp_path: Path) -> None:
    """init, register add, text edits of claims (and of facts and the commercial model, which critical outcomes need) and check give a pass."""
    source = EXAMPLES / "fenland-water"
    pack = tmp_path / "fens"
    assert run("init", pack, "--alliance", "Fens Test Alliance", "--gate", "creating")[0] == 0
    # The programme office declares its parties, people and bodies in the manifest first.
    declared = (source / "manifest.yml").read_text()
    declared = declared.replace("  id: fenland-water\n", "  id: fens-test-alliance\n").replace(
        "bodies:\n", "  - {id: to-appoint, name: Assessor to be appointed, organisation: halden}\nbodies:\n"
    )
    (pack / "manifest.yml").write_text(
        declared.replace("  name: Fenland Water Alliance\n", "  name: Fens Test Alliance\n")
    )
    ids: dict[str, str] = {}
    for item in yaml.safe_load((source / "register.yml").read_text())["evidence"]:
        target = pack / item["path"]
        shutil.copyfile(source / item["path"], target)
        args = [
            "register",
            "add",
            pack,
            target,
            "--kind",
            item["kind"],
            "--title",
            item["title"],
            "--date",
            item["date"],
            "--owner",
            item["owner"],
        ]
        for approval in item.get("approvals", ()):
            args += ["--approval", approval["name"], approval["role"], approval["date"]]
        for party in item.get("parties", ()):
            args += ["--party", party]
        code, out, err = run(*args)
        assert (code, err) == (0, f"registered 1 document(s) in {pack}/register.yml\n")
        ids[item["id"]] = out.split(":")[0]
    assert list(ids.values()) == [f"E{n:02d}" for n in range(1, 15)]

    def renumber(text: str) -> str:
        return re.sub(r"\bFW[0-9]{2}\b", lambda m: ids[m.group()], text)

    # Edits a person makes with a text editor: no sha256 anywhere in what the test writes.
    written = [renumber((source / "facts.yml").read_text()), renumber((source / "commercial.yml").read_text())]
    (pack / "facts.yml").write_text(written[0])
    (pack / "commercial.yml").write_text(written[1])
    claims = (pack / "claims.yml").read_text()
    for claim in yaml.safe_load((source / "claims.yml").read_text())["claims"]:
        if claim["status"] != "met" or not claim["outcome"].startswith("DEC."):
            continue
        stub = re.compile(
            rf"(- outcome: {re.escape(claim['outcome'])}\n    status: )not_met(\n(?:    .*\n)*?    date: )\"[0-9-]+\"(\n    evidence: )\[\]"
        )
        evidence = ", ".join(ids[e] for e in claim["evidence"])
        claims, count = stub.subn(lambda m: f'{m.group(1)}met{m.group(2)}"2026-09-29"{m.group(3)}[{evidence}]', claims)  # noqa: B023
        assert count == 1, claim["outcome"]
    (pack / "claims.yml").write_text(claims)
    assert not any(HEX64.search(text) for text in [*written, claims])

    code, out, _ = run("check", pack, "--as-of", "2026-10-06")
    assert code == 0
    assert out.splitlines()[0] == "PASS with 4 conditions: the alliance may leave Deciding."


def test_register_add_appends_the_entry_and_changes_nothing_else(example, tmp_path: Path) -> None:
    """Adding to an example's register leaves every byte before the new entry as it was, and the entry is laid out like the others."""
    pack = example("fenland-water")
    before = (pack / "register.yml").read_bytes()
    document = pack / "documents" / "2026-10-01-risk-workshop.md"
    document.write_text("# Risk workshop\n")
    code, out, err = run(
        "register",
        "add",
        pack,
        document,
        "--kind",
        "minutes",
        "--title",
        "Risk workshop: 1 October",
        "--date",
        "2026-10-01",
        "--owner",
        "Gareth Lowe",
        "--approval",
        "Catherine Ashdown",
        "Sponsor",
        "2026-10-02",
    )
    assert (code, err) == (0, f"registered 1 document(s) in {pack}/register.yml\n")
    assert out == f"FW52: documents/2026-10-01-risk-workshop.md (minutes, 2026-10-01) sha256 {sha(document)}\n"
    assert (pack / "register.yml").read_bytes() == before + (
        "  - id: FW52\n"
        '    title: "Risk workshop: 1 October"\n'
        "    kind: minutes\n"
        "    path: documents/2026-10-01-risk-workshop.md\n"
        f"    sha256: {sha(document)}\n"
        '    date: "2026-10-01"\n'
        "    owner: Gareth Lowe\n"
        "    approvals:\n"
        "      - name: Catherine Ashdown\n"
        "        role: Sponsor\n"
        '        date: "2026-10-02"\n'
    ).encode()
    assert run("validate", pack)[0] == 0


def test_register_add_records_the_parties_a_document_covers(example, tmp_path: Path) -> None:
    """--party (repeatable, by id or name) writes the entry's `parties` as a flow list, each party once."""
    pack = example("fenland-water")
    before = (pack / "register.yml").read_bytes()
    document = pack / "documents" / "2026-10-01-partner-briefing.md"
    document.write_text("# Partner briefing\n")
    args = ["register", "add", pack, document, "--kind", "communication", "--date", "2026-10-01"]
    code, _, err = run(
        *args, "--party", "fenland", "--party", "Design partner (under procurement)", "--party", "fenland"
    )
    assert (code, err) == (0, f"registered 1 document(s) in {pack}/register.yml\n")
    written = (pack / "register.yml").read_bytes()
    assert written.startswith(before)
    assert written[len(before) :].decode().endswith("    parties: [fenland, Design partner (under procurement)]\n")
    assert run("validate", pack)[0] == 0


def test_register_add_refuses_a_party_the_manifest_does_not_declare(example) -> None:
    """An unknown --party is exit 3 naming the nearest declared party, and register.yml is left as it was."""
    pack = example("fenland-water")
    before = (pack / "register.yml").read_bytes()
    document = pack / "documents" / "2026-10-01-partner-briefing.md"
    document.write_text("# Partner briefing\n")
    code, _, err = run("register", "add", pack, document, "--kind", "communication", "--party", "fenlands")
    assert code == 3
    assert "'fenlands' is not declared in manifest.yml" in err and "did you mean 'fenland'?" in err
    assert (pack / "register.yml").read_bytes() == before


def test_register_add_to_a_new_pack_turns_the_empty_list_into_entries_and_keeps_the_comments(tmp_path: Path) -> None:
    """In a fresh pack, only `evidence: []` changes; the header comments stay, and a trailing comment stays last."""
    pack = tmp_path / "p"
    run("init", pack, "--alliance", "A", "--gate", "creating")
    before = (pack / "register.yml").read_text()
    (pack / "register.yml").write_text(before + "# end of register\n")
    for name in ("a.md", "b.md"):
        (pack / "documents" / name).write_text(name)
    code, out, _ = run(
        "register",
        "add",
        pack,
        pack / "documents/a.md",
        pack / "documents/b.md",
        "--kind",
        "plan",
        "--date",
        "2026-01-31",
    )
    assert code == 0
    assert [line.split(":")[0] for line in out.splitlines()] == ["E01", "E02"]
    after = (pack / "register.yml").read_text()
    head = before.removesuffix("evidence: []\n")
    assert after.startswith(head + "evidence:\n  - id: E01\n    title: a\n    kind: plan\n    path: documents/a.md\n")
    assert after.endswith("    owner: Alliance Manager\n# end of register\n")
    assert after.count("owner: Alliance Manager") == 2


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_register_yml_is_written_with_the_users_umask(example, umask: int, mode: int) -> None:
    """The rewritten file gets 0666 less the umask, like any file the user saves, not a private 0600."""
    pack = example("fenland-water")
    (pack / "documents" / "x.md").write_text("x")
    old = os.umask(umask)
    try:
        assert run("register", "add", pack, pack / "documents/x.md", "--kind", "report")[0] == 0
    finally:
        os.umask(old)
    assert (pack / "register.yml").stat().st_mode & 0o777 == mode
    assert not [p for p in pack.iterdir() if p.name.endswith(".tmp")]


def test_an_unknown_kind_lists_every_kind_and_the_nearest(example) -> None:
    """A misspelt kind is a usage error naming the nearest kind and all of them."""
    pack = example("fenland-water")
    (pack / "documents" / "x.md").write_text("x")
    code, out, err = run("register", "add", pack, pack / "documents/x.md", "--kind", "minute")
    assert (code, out) == (2, "")
    assert (
        err == f"Error: unknown kind 'minute'; did you mean 'minutes'? Allowed kinds: {', '.join(evidence_kinds())}\n"
    )


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [
        (
            lambda pack, tmp: tmp / "elsewhere.md",
            2,
            "Error: {file} is outside the pack {pack}; copy it into the pack (e.g. {pack}/documents/) first",
        ),
        (lambda pack, tmp: pack / "documents" / "missing.md", 2, "Error: {file}: no such file"),
        (lambda pack, tmp: pack / "documents", 2, "Error: {file} is a folder; register the files in it one by one"),
        (
            lambda pack, tmp: pack / "documents" / "link.md",
            3,
            "{pack}/documents/link.md: document is outside the pack (a symbolic link leads out of it)",
        ),
        (
            lambda pack, tmp: pack / "documents" / "pipe",
            3,
            "{pack}/documents/pipe: document is not a regular file (a FIFO)",
        ),
        (
            lambda pack, tmp: pack / "documents" / "2026-02-27-outline-business-case.md",
            2,
            "Error: documents/2026-02-27-outline-business-case.md is already registered as FW01; after changing it, use `gatekeeper register refresh`",
        ),
    ],
)
def test_files_that_cannot_be_registered_are_refused_and_nothing_is_written(
    example, tmp_path: Path, make, code: int, message: str
) -> None:
    """Outside the pack, missing, a folder, a symlink out of the pack, a FIFO, already registered: each refused with its exit code."""
    pack = example("fenland-water")
    (tmp_path / "elsewhere.md").write_text("outside")
    (pack / "documents" / "link.md").symlink_to(tmp_path / "elsewhere.md")
    os.mkfifo(pack / "documents" / "pipe")
    before = snapshot(pack)
    file = make(pack, tmp_path)
    got, out, err = run("register", "add", pack, file, "--kind", "report")
    assert (got, out, err) == (code, "", message.format(file=file, pack=pack) + "\n")
    assert snapshot(pack) == before


def test_an_entry_that_would_not_validate_is_not_written(example) -> None:
    """A title over the schema's 200 characters fails the validation of the edited pack, located in register.yml; the file is unchanged."""
    pack = example("fenland-water")
    (pack / "documents" / "x.md").write_text("x")
    before = snapshot(pack)
    code, out, err = run("register", "add", pack, pack / "documents/x.md", "--kind", "report", "--title", "T" * 201)
    assert (code, out) == (3, "")
    assert err.startswith(f"{pack}/register.yml:133:12: ")  # where the entry would have been
    assert err.endswith(" (at $.evidence[14].title)\n")
    assert snapshot(pack) == before


def test_usage_errors_for_ids_and_dates(example) -> None:
    """A taken --id, a malformed --id, a malformed date, and --id with two files are usage errors."""
    pack = example("fenland-water")
    (pack / "documents" / "x.md").write_text("x")
    (pack / "documents" / "y.md").write_text("y")
    x, y = pack / "documents/x.md", pack / "documents/y.md"
    assert run("register", "add", pack, x, "--kind", "report", "--id", "FW03")[1:] == (
        "",
        f"Error: --id FW03 is already in {pack}/register.yml\n",
    )
    assert run("register", "add", pack, x, "--kind", "report", "--id", "1x")[0] == 2
    assert (
        run("register", "add", pack, x, "--kind", "report", "--date", "2026-02-30")[2]
        == "Error: --date '2026-02-30' is not a date (YYYY-MM-DD)\n"
    )
    assert run("register", "add", pack, x, y, "--kind", "report", "--id", "Z1")[0] == 2
    code, out, _ = run("register", "add", pack, x, "--kind", "report", "--id", "RISK-1")
    assert (code, out.split(":")[0]) == (0, "RISK-1")


@pytest.mark.parametrize(
    ("existing", "count", "expected"),
    [
        ([], 2, ["E01", "E02"]),
        (["FW01", "FW02", "FW13"], 1, ["FW14"]),
        (["E-9"], 2, ["E-10", "E-11"]),
        (["E98", "E99"], 2, ["E100", "E101"]),
        (["NR01", "NR02", "policy", "X1"], 1, ["NR03"]),
        (["A1", "B1", "B2", "A2", "A3"], 1, ["A4"]),
    ],
)
def test_proposed_ids_follow_the_registers_numbering(existing: list[str], count: int, expected: list[str]) -> None:
    """The next ids continue the most common prefix at its width; an empty register starts at E01."""
    assert propose_ids(existing, count) == expected


def test_refresh_lists_each_changed_hash_and_changes_only_those_lines(example) -> None:
    """After a deliberate edit, refresh prints old -> new for that document and replaces only its sha256 line."""
    pack = example("northgate-rail")  # NR10 was edited after it was registered
    before = (pack / "register.yml").read_text()
    old = re.search(r"path: documents/[^\n]*organisation[^\n]*\n    sha256: ([0-9a-f]{64})", before)
    assert old is not None
    document = pack / re.search(r"path: (documents/[^\n]*organisation[^\n]*)\n", before).group(1)  # type: ignore[union-attr]
    new = sha(document)
    code, out, err = run("register", "refresh", pack)
    assert (code, err) == (0, f"refreshed 1 document(s) in {pack}/register.yml\n")
    assert out == f"NR10: {document.relative_to(pack)}: {old.group(1)} -> {new}\n"
    assert (pack / "register.yml").read_text() == before.replace(old.group(1), new)
    assert run("register", "refresh", pack) == (
        0,
        "",
        f"nothing to refresh: every sha256 in {pack}/register.yml matches its document\n",
    )


def test_refresh_refuses_unknown_ids_and_missing_documents(example) -> None:
    """An id not in the register is a usage error; a missing document is located at its path and nothing is written."""
    pack = example("fenland-water")
    assert run("register", "refresh", pack, "FW99")[0:3:2] == (2, f"Error: not in {pack}/register.yml: FW99\n")
    (pack / "documents" / "2026-04-14-executive-committee-minutes.md").unlink()
    before = snapshot(pack)
    code, out, err = run("register", "refresh", pack)
    assert (code, out) == (3, "")
    assert (
        err
        == f"{pack}/register.yml:33:11: FW03: documents/2026-04-14-executive-committee-minutes.md: document not found\n"
    )
    assert snapshot(pack) == before


def test_a_register_whose_layout_cannot_be_kept_is_refused_not_reformatted(example) -> None:
    """A file mixing indentation styles is refused at the first line the editor would change, and left as it is."""
    pack = example("fenland-water")
    register = pack / "register.yml"
    register.write_text(
        "".join(line[2:] if line.startswith("  ") else line for line in register.read_text().splitlines(True))
    )
    (pack / "documents" / "x.md").write_text("x")
    before = snapshot(pack)
    code, out, err = run("register", "add", pack, pack / "documents/x.md", "--kind", "report")
    assert (code, out) == (3, "")
    assert err == (
        f"{register}:12:1: cannot be edited without changing its layout from this line on (indentation or quoting "
        "the editor cannot reproduce); make the change by hand\n"
    )
    assert snapshot(pack) == before
