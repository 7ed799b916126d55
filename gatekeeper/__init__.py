"""gatekeeper: readiness gates for infrastructure alliances, from the Alliancing Code of Practice."""

__version__ = "0.3.0"
