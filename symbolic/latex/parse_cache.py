"""Parsed expressions kept on disk between runs.

The Python ANTLR runtime builds its prediction DFA anew in every process,
which costs most of a cold check; a parse that was done before is read back
instead. Entries are SymPy ``srepr`` strings (arguments in the parser's
order) keyed by the exact text handed to the parser; one is stored only if it
reads back as exactly the expression the parser returned.
"""

from __future__ import annotations

import atexit
import functools
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

    VERSION = "2"  # 1 stored Add/Mul arguments reordered

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
        if self.path is None or not isinstance(expr, sympy.Basic):
            return  # disabled: lru_cache in latex.py already serves this process
        stored = sympy.srepr(expr, order="none")
        try:
            exact = sympy.srepr(_from_srepr(stored), order="none") == stored
        except Exception:
            exact = False
        if exact:
            self.entries[text] = stored
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
    """The expression ``text`` is the srepr of, built as the parser built it: unevaluated."""
    with sympy.evaluate(False):
        return eval(text, {"__builtins__": {}}, _namespace())  # noqa: S307 - our own srepr output


@functools.cache
def _namespace() -> dict:
    namespace = {name: getattr(sympy, name) for name in dir(sympy) if not name.startswith("_")}
    namespace["Function"] = sympy.Function
    # latex2sympy2 builds sums with evaluation on (their bodies are unevaluated already);
    # unevaluated, Sum would wrap its body in Mul(1, body).
    namespace["Sum"], namespace["Product"] = _evaluated(sympy.Sum), _evaluated(sympy.Product)
    return namespace


def _evaluated(cls):
    def build(*args):
        with sympy.evaluate(True):
            return cls(*args)
    return build
