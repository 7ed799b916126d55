"""A new evidence pack for a gate, written from the rule pack so a programme office starts from the Code."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import textwrap
from collections.abc import Mapping
from pathlib import Path

import yaml

from gatekeeper.evaluation.kinds import describe
from gatekeeper.model import RulePack

PLACEHOLDER_ASSESSOR = "Assessor to be appointed"


def _scalar(value: str) -> str:
    """A YAML scalar for `value`, quoted wherever a plain one could be misread."""
    return yaml.safe_dump(value, default_style='"', width=10_000).strip()


def _comment(text: str, indent: str = "  ") -> list[str]:
    flat = " ".join(text.split())
    return [f"{indent}# {line}" for line in textwrap.wrap(flat, width=92)]


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
    return slug if len(slug) >= 2 else "alliance"


def scaffold(rules: RulePack, *, alliance: str, gate: str, today: dt.date | None = None) -> dict[str, str]:
    """File name -> YAML text of a new pack for `gate` (a gate of the policy): manifest, claim stubs,
    empty register and facts. The manifest's phase is the one an alliance asks for that gate in."""
    today = today or dt.date.today()
    phase = rules.policy.gates[gate].asked_in
    since = today.isoformat()
    manifest = "\n".join(
        [
            "# Evidence pack manifest: who the alliance is and who assessed it (evidence_schema/manifest.schema.json).",
            "# Declare every organisation, person and governance body once, with an id; every other file names",
            "# them by id or by name. Names are compared ignoring case, width and spacing; invisible characters,",
            "# letters of two scripts and look-alikes of another declared name are refused.",
            "schema_version: 2",
            "alliance:",
            f"  id: {_slug(alliance)}",
            f"  name: {_scalar(alliance)}",
            f"  phase: {phase}",
            "# The organisations party to the alliance: exactly one client, then the partners.",
            "parties:",
            '  - {id: client, name: "Client organisation", role: client}',
            '  - {id: partner, name: "Partner organisation", role: partner, description: "contractor"}',
            "# Other organisations the pack refers to: the assessors' firm, advisers.",
            "organisations:",
            '  - {id: assurance, name: "Independent assurance"}',
            "# Everyone the pack names: employer, and the governance roles each holds (Sponsor, Client Board,",
            "# Alliance Board, Alliance Manager, ...) from a date. Approvals and decisions count only when the",
            "# person held the role that day.",
            "people:",
            f'  - {{id: sponsor, name: "Sponsor", organisation: client, roles: [{{role: Sponsor, from: "{since}"}}]}}',
            "  - id: alliance-manager",
            '    name: "Alliance Manager"',
            "    organisation: client",
            f'    roles: [{{role: Alliance Manager, from: "{since}"}}]',
            f'  - {{id: assessor, name: "{PLACEHOLDER_ASSESSOR}", organisation: assurance}}',
            "# Governance bodies that approve collectively; an approval by the body names the body.",
            "bodies:",
            "  - id: client-board",
            '    name: "Client Board"',
            "    role: Client Board",
            "    organisation: client",
            "    members: [sponsor]",
            f'    from: "{since}"',
            "# The people directly involved in the alliance. An assessor on the roster, employed by a party, or",
            "# author or approver of the evidence they assess is not independent: their claims are self-assessments.",
            "roster: [sponsor, alliance-manager]",
            "owner: alliance-manager",
            "assessment:",
            f'  date: "{today.isoformat()}"',
            "  # The Code: assessments are best made through interviews, by assessors not directly involved in the alliance.",
            "  assessors: [assessor]",
            "",
        ]
    )
    claims = [
        f"# Claims for the {gate} gate: one per outcome it evaluates (evidence_schema/claims.schema.json).",
        "# Each stub starts as not_met. Assess the outcome, cite the evidence ids from register.yml, set the status.",
        "schema_version: 1",
        "claims:",
    ]
    for outcome in rules.in_phases(rules.policy.gates[gate].evaluates):
        claims.append(f"  # {outcome.id}{' (critical)' if outcome.critical else ''} - {outcome.subheading}")
        claims += _comment(outcome.text)
        for item in outcome.sub_items:
            claims += _comment(f"- {item}")
        for req in outcome.requirements:
            claims += _comment(f"Needs: {describe(req, rules.checklists)}")
        claims += [
            f"  - outcome: {outcome.id}",
            "    status: not_met",
            f"    assessed_by: {_scalar(PLACEHOLDER_ASSESSOR)}",
            "    method: interview",
            f'    date: "{today.isoformat()}"',
            "    evidence: []",
        ]
    register = "\n".join(
        [
            "# The evidence register: every document a claim or fact cites (evidence_schema/register.schema.json).",
            "# Example entry:",
            "#   - id: E01",
            "#     title: Client Board decision to alliance",
            "#     kind: decision_record",
            "#     path: documents/board-decision.md",
            "#     sha256: <sha256sum of the document>",
            '#     date: "2026-01-31"',
            "#     owner: alliance-manager",
            '#     approvals: [{name: Client Board, role: Client Board, date: "2026-01-31"}]',
            "schema_version: 1",
            "evidence: []",
            "",
        ]
    )
    facts = "\n".join(
        [
            "# Structured facts the rules check directly (evidence_schema/facts.schema.json):",
            "# customer_outcomes, targets, baseline, alliance, milestones, governance, risk, checklists, surveys, suitability.",
            "schema_version: 1",
            "",
        ]
    )
    return {
        "manifest.yml": manifest,
        "claims.yml": "\n".join(claims) + "\n",
        "register.yml": register,
        "facts.yml": facts,
    }


def _rewrap_comments(lines: list[str]) -> list[str]:
    """Comment paragraphs (consecutive comment lines at one indent) with a line over 80 columns,
    re-wrapped as one paragraph, so a wrapped sentence does not leave a ragged short line behind."""
    out: list[str] = []
    block: list[str] = []
    prefix = ""

    def flush() -> None:
        if any(len(b) > 80 for b in block):
            words = " ".join(b.strip()[2:] for b in block)
            out.extend(textwrap.wrap(words, width=80, initial_indent=prefix, subsequent_indent=prefix))
        else:
            out.extend(block)
        block.clear()

    for line in lines:
        stripped = line.lstrip(" ")
        here = line[: len(line) - len(stripped)] + "# "
        if stripped.startswith("# ") and (not block or here == prefix):
            block.append(line)
            prefix = here
            continue
        flush()
        if stripped.startswith("# "):
            block.append(line)
            prefix = here
        else:
            out.append(line)
    flush()
    return out


class _IndentedDumper(yaml.SafeDumper):
    """Block sequences indented under their key, as yamllint's default `indent-sequences` wants."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def for_editors(files: Mapping[str, str], pack: Path, schemas: Path) -> dict[str, str]:
    """The files with what editors and linters expect: a schema modeline, a document start, lines of 80 or less.

    The `yaml-language-server` modeline points at the schema of each file among the installed
    schemas in `schemas`, relative to the pack, so VS Code's YAML extension (and every editor
    using the YAML language server) completes keys and flags errors as the user types. Comment
    lines are re-wrapped to yamllint's default 80 columns; the modeline itself may be longer
    (a path cannot be wrapped), and tells yamllint so.
    """
    out: dict[str, str] = {}
    for name, text in files.items():
        schema = schemas / f"{Path(name).stem}.schema.json"
        # The document start first: comments above it are lost when register add rewrites the file.
        lines = ["---"]
        if schema.is_file():
            lines.append("# yamllint disable-line rule:line-length")
            lines.append(f"# yaml-language-server: $schema={os.path.relpath(schema, pack.resolve())}")
        for line in _rewrap_comments(text.splitlines()):
            stripped = line.lstrip(" ")
            indent = line[: len(line) - len(stripped)]
            flow = re.fullmatch(r"(- |[a-z_]+: )(\{.*\})", stripped)
            if len(line) > 80 and flow is not None and isinstance(yaml.safe_load(flow.group(2)), dict):
                # A flow mapping too long for one line, as the same mapping in block style (nested
                # values included: a list of roles stays a list).
                head, mapping = flow.group(1), yaml.safe_load(flow.group(2))
                block = yaml.dump(
                    mapping,
                    Dumper=_IndentedDumper,
                    sort_keys=False,
                    default_flow_style=False,
                    width=76,
                    allow_unicode=True,
                ).splitlines()
                if head == "- ":
                    lines.append(f"{indent}- {block[0]}")
                    lines += [f"{indent}  {b}" for b in block[1:]]
                else:
                    lines.append(f"{indent}{head.rstrip()}")
                    lines += [f"{indent}  {b}" for b in block]
            else:
                lines.append(line)
        out[name] = "\n".join(lines) + "\n"
    return out


def write_scaffold(files: Mapping[str, str], pack: Path) -> None:
    """Write the files into a fresh folder, atomically: the pack appears whole or not at all."""
    parent = pack.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{pack.name}."))
    try:
        # mkdtemp makes the folder private (0700); the pack is an ordinary folder, under the user's
        # umask (reading the umask means setting it; it is put straight back).
        umask = os.umask(0o077)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        (staging / "documents").mkdir()
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        if pack.exists():
            pack.rmdir()  # the caller checked it is an empty folder
        os.replace(staging, pack)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
