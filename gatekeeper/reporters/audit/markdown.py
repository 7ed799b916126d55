"""The audit as Markdown, for a merge request or an assurance file: summary, findings table, register table."""

from __future__ import annotations

from gatekeeper.audit import AuditResult
from gatekeeper.reporters._common.markdown import markdown_inline as md
from gatekeeper.reporters.audit.text import gates_text, headline, profile_text
from gatekeeper.reporters.options import RenderOptions


def render(result: AuditResult, options: RenderOptions) -> str:
    out = [
        f"# Evidence audit: {md(result.alliance_name)} ({md(result.alliance_id)})",
        "",
        f"**{headline(result)}**",
        "",
        f"- Client: {md(result.client)}; phase: {md(result.phase)}",
        f"- As of {result.as_of.isoformat()}, looking {result.expiring_within} days ahead",
        f"- Rule pack {md(result.rule_pack_name)} {md(result.rule_pack_version)}; {md(gates_text(result))}",
        *[f"- {md(t.strip().removeprefix('- '))}" for t in profile_text(result)],
        "",
        "## Findings",
        "",
    ]
    if result.findings:
        out += ["| Location | Severity | Category | Outcome | Item | Finding |", "|---|---|---|---|---|---|"]
        for f in result.findings:
            where = f"{f.file}:{f.line}:{f.col}" if f.line else f.file
            out.append(
                f"| {md(where)} | {f.severity} | {f.category} | {md(f.outcome or '')} | {md(f.item or '')} | {md(f.message)} |"
            )
    else:
        out.append("No findings.")
    out += ["", "## Evidence register", ""]
    if result.register_rows:
        out += ["| Id | Title | Kind | Date | Owner | Used by | Status | Notes |", "|---|---|---|---|---|---|---|---|"]
        for r in result.register_rows:
            used = ", ".join([*r.used_by, *(f"facts:{p}" for p in r.facts)])
            out.append(
                f"| {md(r.id)} | {md(r.title)} | {md(r.kind)} | {r.date.isoformat()} | {md(r.owner)} | {md(used)} "
                f"| {r.status} | {md('; '.join(r.notes))} |"
            )
    else:
        out.append("The register is empty.")
    return "\n".join(out) + "\n"
