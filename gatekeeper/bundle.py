"""An auditor's bundle: a BagIt bag (RFC 8493) holding the pack, the gate result as JSON and HTML, the
audit, and the alliance's ledger rows with the ledger's head hash.

A reviewer elsewhere checks the bag's completeness with any BagIt tool, re-runs the decision offline
from data/pack with the same rule pack version (named in result.json), and compares the ledger rows'
file hashes with the pack. The bag is built beside the target and renamed into place: nothing is
ever half-written, and an existing target is never replaced.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gatekeeper import __version__
from gatekeeper.problems import UsageError

# The payload, under data/: what each file is, for bag-info.txt and the reviewer.
PAYLOAD: dict[str, str] = {
    "pack/": "the evidence pack as read (regular files only)",
    "result.json": "the gate result (evidence_schema/result.schema.json)",
    "report.html": "the sponsor's report, brief first",
    "audit.json": "the evidence audit",
    "audit.html": "the evidence audit as a page",
    "ledger.json": "the ledger rows recorded for this alliance, the ledger's head and its verification",
}


@dataclass(frozen=True)
class Bundle:
    """What was bundled: where, for which alliance and gate, and how many ledger rows."""

    path: Path
    alliance_id: str
    gate: str
    decision: str
    ledger_rows: int
    head: dict[str, Any] | None


def _copy_pack(pack: Path, target: Path) -> None:
    """Every regular file of the pack, no symbolic link followed and none copied: the bag holds only
    what is really in the pack folder."""
    for top, dirs, files in os.walk(pack, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(top, d)))
        for name in sorted(files):
            source = Path(top) / name
            if source.is_symlink() or not source.is_file():
                continue
            dest = target / source.relative_to(pack)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, dest)


def _ledger(url: str | None, alliance_id: str) -> dict[str, Any]:
    from gatekeeper.ledger import open_ledger

    opened = open_ledger(url)
    try:
        rows = opened.rows()
        findings = opened.verify()
    finally:
        opened.close()
    mine = [row.as_dict() for row in rows if (row.entry.get("alliance") or {}).get("id") == alliance_id]
    head = {"seq": rows[-1].seq, "row_hash": rows[-1].row_hash} if rows else None
    return {
        "location": opened.location,
        "alliance": alliance_id,
        "head": head,
        "rows_in_ledger": len(rows),
        "rows": mine,
        "findings": [{"seq": f.seq, "message": f.message} for f in findings],
    }


def write_bundle(
    pack: Path,
    out: Path,
    *,
    ledger_url: str | None,
    as_of: dt.date,
    gate: str | None = None,
    profile: Path | None = None,
) -> Bundle:
    """Write the bag for `pack` at `out` (which must not exist yet) and return what it holds."""
    import bagit

    from gatekeeper import api
    from gatekeeper.audit import audit
    from gatekeeper.reporters.audit import AUDIT
    from gatekeeper.reporters.gate import GATE
    from gatekeeper.reporters.options import RenderOptions

    if out.exists() or out.is_symlink():
        raise UsageError(f"{out} exists: give a new folder for the bundle")
    if not out.parent.is_dir():
        raise UsageError(f"cannot write {out}: {out.parent} is not a folder")
    result = api.check(pack, gate=gate, as_of=as_of, profile=profile)
    rules, loaded = api.load(pack, profile=profile)
    audited = audit(rules, loaded, as_of=as_of)
    ledger = _ledger(ledger_url, result.alliance_id)
    options = RenderOptions()
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _copy_pack(pack, staging / "pack")
        outputs = {
            "result.json": GATE.render(result, "json", options=options),
            "report.html": GATE.render(result, "html", options=options),
            "audit.json": AUDIT.render(audited, "json", options=options),
            "audit.html": AUDIT.render(audited, "html", options=options),
            "ledger.json": json.dumps(ledger, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        }
        for name, text in outputs.items():
            assert isinstance(text, str)
            (staging / name).write_text(text, encoding="utf-8")
        head = ledger["head"]
        bagit.make_bag(
            str(staging),
            bag_info={
                "Source-Organization": result.client,
                "External-Identifier": f"{result.alliance_id} {result.gate} gate as of {as_of.isoformat()}",
                "External-Description": f"Gate decision bundle: {result.alliance_name}, {result.gate} gate, "
                f"computed {result.decision}. " + "; ".join(f"{k} {v}" for k, v in PAYLOAD.items()),
                "Bagging-Date": as_of.isoformat(),
                "Bag-Group-Identifier": result.alliance_id,
                "Internal-Sender-Identifier": f"gatekeeper {__version__}",
                "Ledger-Head": f"{head['seq']} {head['row_hash']}" if head else "empty",
            },
            checksums=["sha256"],
        )
        staging.chmod(0o755)  # mkdtemp made it private; the bag is for handing over
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Bundle(out, result.alliance_id, result.gate, result.decision, len(ledger["rows"]), head)
