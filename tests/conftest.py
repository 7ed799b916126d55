"""Session-wide settings: tests use a cache of their own, never the user's."""

from __future__ import annotations

import os
import tempfile

# Set at import, before any test or subprocess runs, so every process the tests start inherits it.
os.environ.setdefault("GATEKEEPER_CACHE", tempfile.mkdtemp(prefix="gatekeeper-test-cache-"))
