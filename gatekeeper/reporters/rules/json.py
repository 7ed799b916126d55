"""The outcomes as JSON (rules.schema.json): each with its cell, criticality, whole text and the rule pack."""

from __future__ import annotations

from gatekeeper.reporters._common.json import json_document, safe_opt, safe_text
from gatekeeper.reporters.options import RenderOptions
from gatekeeper.reporters.rules import OutcomeListing

SCHEMA_VERSION = 1


def render(result: OutcomeListing, options: RenderOptions) -> str:
    """One JSON document, outcomes in rule pack order."""
    return json_document(
        {
            "schema_version": SCHEMA_VERSION,
            "rule_pack": {
                "name": safe_text(result.rule_pack_name),
                "version": safe_text(result.rule_pack_version),
                "digest": safe_text(result.rule_pack_digest),
            },
            "profile": safe_opt(result.profile_name),
            "outcomes": [
                {
                    "id": o.id,
                    "cell": o.cell,
                    "phase": o.phase,
                    "theme": o.theme,
                    "section": safe_text(o.section),
                    "subheading": safe_text(o.subheading),
                    "text": safe_text(o.text),
                    "critical": o.critical,
                    "rationale": safe_opt(o.rationale or None),
                }
                for o in result.outcomes
            ],
        }
    )
