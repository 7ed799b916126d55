"""Session-wide settings: tests use a cache of their own, never the user's, and leave no folder behind."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Set at import, before any test or subprocess runs, so every process the tests start inherits it.
if "GATEKEEPER_CACHE" not in os.environ:
    _cache = tempfile.mkdtemp(prefix="gatekeeper-test-cache-")
    os.environ["GATEKEEPER_CACHE"] = _cache
    atexit.register(shutil.rmtree, _cache, ignore_errors=True)
