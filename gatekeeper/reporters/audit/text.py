"""The audit for a terminal: one `file:line:col: [severity] message (category)` line per finding, then a summary."""

from __future__ import annotations

from gatekeeper.audit import AuditResult
from gatekeeper.reporters._common import text as v
from gatekeeper.reporters._common.profile import change_text
from gatekeeper.reporters.options import RenderOptions

_SEVERITY_SGR: dict[str, str] = {"error": "1;31", "warning": "33"}


def headline(result: AuditResult) -> str:
    """The outcome of the audit in one sentence."""
    if not result.findings:
        return "CLEAN: no findings."
    verdict = "CLEAN" if result.clean else "PROBLEMS"
    return f"{verdict}: {_n(result.errors, 'error')}, {_n(result.warnings, 'warning')}."


def gates_text(result: AuditResult) -> str:
    """The gates an alliance in the pack's phase asks for: the header names only these."""
    names = ", ".join(v.line(g) for g in result.phase_gates) or "none"
    return f"gates for the {v.line(result.phase)} phase: {names}"


def profile_text(result: AuditResult) -> list[str]:
    """The profile and what it changed against the rule pack, one line each; nothing without a profile."""
    if result.profile_name is None:
        return []
    changes = [change_text(c) for c in result.profile_changes]
    lines = [f"Profile {v.line(result.profile_name)}: {len(changes)} change(s) against the rule pack"]
    return lines + [f"  - {c}" for c in changes]


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render(result: AuditResult, options: RenderOptions) -> str:
    """Render `result` for a terminal; ANSI colour only when `options.color`."""

    def paint(text: str, sgr: str) -> str:
        return f"\x1b[{sgr}m{text}\x1b[0m" if options.color else text

    out = [
        f"Audit of {v.line(result.alliance_name)} ({v.line(result.alliance_id)}), client {v.line(result.client)}, "
        f"phase {v.line(result.phase)}",
        f"As of {result.as_of.isoformat()}, looking {result.expiring_within} days ahead; rule pack "
        f"{v.line(result.rule_pack_name)} {v.line(result.rule_pack_version)}; {gates_text(result)}",
        *profile_text(result),
        "",
    ]
    for f in result.findings:
        where = f"{v.line(f.file)}:{f.line}:{f.col}" if f.line else v.line(f.file)
        out.append(
            f"{where}: {paint(f'[{f.severity}]', _SEVERITY_SGR.get(f.severity, ''))} {v.line(f.message)} ({f.category})"
        )
    if result.findings:
        out.append("")
    counted = [f"{name} {n}" for name, n in result.counts() if n]
    statuses: dict[str, int] = {}
    for row in result.register_rows:
        statuses[row.status] = statuses.get(row.status, 0) + 1
    out.append(paint(headline(result), "1;32" if result.clean else "1;31"))
    if counted:
        out.append(f"  findings: {', '.join(counted)}")
    register = ", ".join(f"{status} {n}" for status, n in sorted(statuses.items()))
    out.append(f"  register: {_n(len(result.register_rows), 'item')}" + (f" ({register})" if register else ""))
    return "\n".join(out) + "\n"
