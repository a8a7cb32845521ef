"""Every test run starts with an empty parse cache of its own.

Set at import time, before any parse: the suite and the ``gradproof``
subprocesses it starts (they inherit the environment) neither read nor fill
the developer's ~/.cache/gradproof, so results cannot depend on what was
cached by an earlier run or by another checkout.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_CACHE_DIR = tempfile.mkdtemp(prefix="gradproof-test-cache-")
os.environ["GRADPROOF_CACHE_DIR"] = _CACHE_DIR
os.environ.pop("GRADPROOF_CACHE", None)  # on, but cold: the cache path is exercised too
# Verdicts are not reused between tests (many plant faults in the checker and check the same
# notes again); tests/surfaces/test_verdict_cache.py turns the cache on for itself.
os.environ["GRADPROOF_VERDICT_CACHE"] = "off"
# Registered before the parse cache registers its own save, so it runs after it.
atexit.register(shutil.rmtree, _CACHE_DIR, ignore_errors=True)
