"""Parsed expressions kept on disk between runs.

The Python ANTLR runtime builds its prediction DFA anew in every process,
which costs most of a cold check; a parse that was done before is read back
instead. Entries are SymPy ``srepr`` strings keyed by the exact text handed
to the parser.
"""

from __future__ import annotations

import atexit
import json
import os
import tempfile
from pathlib import Path

import sympy


class ParseCache:
    """A JSON file of parses, loaded on first use and saved at exit.

    Location: $GRADPROOF_CACHE_DIR, else $XDG_CACHE_HOME/gradproof, else
    ~/.cache/gradproof; GRADPROOF_CACHE=off disables it. A broken cache is ignored.
    """

    VERSION = "1"

    def __init__(self):
        self.entries: dict[str, str] | None = None
        self.dirty = False
        self.path = None

    def _load(self) -> None:
        self.entries = {}
        if os.environ.get("GRADPROOF_CACHE", "").lower() in ("off", "0", "no"):
            return
        root = os.environ.get("GRADPROOF_CACHE_DIR") or os.path.join(
            os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
            "gradproof")
        self.path = Path(root) / f"parse-v{self.VERSION}.json"
        try:
            self.entries = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        atexit.register(self.save)

    def get(self, text: str):
        if self.entries is None:
            self._load()
        found = self.entries.get(text)
        if found is None:
            return None
        try:
            return _from_srepr(found)
        except Exception:
            return None

    def put(self, text: str, expr) -> None:
        if self.entries is None:
            self._load()
        if isinstance(expr, sympy.Basic):
            self.entries[text] = sympy.srepr(expr)
            self.dirty = True

    def save(self) -> None:
        if not self.dirty or self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.entries, handle)
            os.replace(tmp, self.path)
        except OSError:
            pass
        self.dirty = False


def _from_srepr(text: str):
    namespace = {name: getattr(sympy, name) for name in dir(sympy) if not name.startswith("_")}
    namespace["Function"] = sympy.Function
    return eval(text, {"__builtins__": {}}, namespace)  # noqa: S307 - our own srepr output
