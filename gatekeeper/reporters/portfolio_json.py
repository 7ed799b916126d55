"""Where the reading of a previous review (`portfolio --since`) finds the portfolio schema check.

The JSON format itself is gatekeeper.reporters.portfolio.json.
"""

from __future__ import annotations

from gatekeeper.reporters.portfolio.json import SCHEMA, schema_problems, to_data

__all__ = ["SCHEMA", "schema_problems", "to_data"]
