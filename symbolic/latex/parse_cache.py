"""Parsed expressions kept on disk between runs.

The Python ANTLR runtime builds its prediction DFA anew in every process,
which costs most of a cold check; a parse that was done before is read back
instead. (Terms in the plain fragment of :mod:`symbolic.latex.plain_terms` are
built without the grammar and are not stored.) Entries are SymPy ``srepr`` strings (arguments in the parser's
order) keyed by the exact text handed to the parser; one is stored only if it
reads back as exactly the expression the parser returned.

The cache is data, never code: an entry is read by :func:`_from_srepr`, a parser
of ``srepr``'s own small grammar (calls of SymPy expression classes on integers,
symbol names and other such calls) that builds the expression node by node and
rejects anything else. Whoever can write the cache folder can make gradproof
mis-parse, at worst, never run code. An entry that does not read back is
dropped and parsed again.
"""

from __future__ import annotations

import ast
import atexit
import functools
import json
import os
import re
import tempfile
from pathlib import Path

import sympy

from ..settings import cache_directory


class ParseCache:
    """A JSON file of parses, loaded on first use and saved at exit.

    Location: $GRADPROOF_CACHE_DIR, else $XDG_CACHE_HOME/gradproof, else
    ~/.cache/gradproof; GRADPROOF_CACHE=off disables it. A broken cache is ignored.
    """

    VERSION = "3"  # 1 stored Add/Mul arguments reordered; 2 was read with eval

    def __init__(self):
        self.entries: dict[str, str] | None = None
        self.dirty = False
        self.path = None

    def _load(self) -> None:
        self.entries = {}
        root = cache_directory()
        if root is None:
            return
        self.path = Path(root) / f"parse-v{self.VERSION}.json"
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError, RecursionError):
            data = None
        if isinstance(data, dict) and data.get("version") == self.VERSION \
                and isinstance(data.get("entries"), dict):
            self.entries = {k: v for k, v in data["entries"].items()
                            if isinstance(k, str) and isinstance(v, str)}
        atexit.register(self.save)

    def get(self, text: str):
        if self.entries is None:
            self._load()
        found = self.entries.get(text)
        if found is None:
            return None
        try:
            expr = _from_srepr(found)
            if not isinstance(expr, sympy.Basic):
                raise ValueError("not an expression")
            return expr
        except (ValueError, TypeError, SyntaxError, RecursionError, AttributeError):
            del self.entries[text]  # corrupt or planted: parsed again and replaced
            self.dirty = True
            return None

    def put(self, text: str, expr) -> None:
        if self.entries is None:
            self._load()
        if self.path is None or not isinstance(expr, sympy.Basic):
            return  # disabled: lru_cache in latex.py already serves this process
        stored = sympy.srepr(expr, order="none")
        try:
            exact = sympy.srepr(_from_srepr(stored), order="none") == stored
        except (ValueError, TypeError, SyntaxError, RecursionError, AttributeError):
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
                json.dump({"version": self.VERSION, "entries": self.entries}, handle)
            os.replace(tmp, self.path)
        except OSError:
            pass
        self.dirty = False


def _from_srepr(text: str):
    """The expression ``text`` is the srepr of, built as the parser built it: unevaluated.

    Raises:
        ValueError: ``text`` is not the srepr of an expression made of SymPy's classes.
    """
    if len(text) > _MAX_ENTRY:
        raise ValueError("entry too long")
    tree = ast.parse(text, mode="eval")
    with sympy.evaluate(False):
        return _build(tree.body, 0)


_MAX_ENTRY = 200_000
_CONSTANTS = frozenset({"E", "pi", "I", "oo", "zoo", "nan", "EulerGamma", "GoldenRatio", "Catalan"})
_MAX_DEPTH = 200
_NAME = re.compile(r"[A-Za-z0-9_{}\\'^ ,.\x00-\x1f]{1,200}")  # symbol and function names


def _build(node: ast.expr, depth: int):
    """One node of an srepr: an integer, a constant (E, pi), a name string in Symbol/Function,
    or a call of an expression class."""
    if depth > _MAX_DEPTH:
        raise ValueError("entry nested too deeply")
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant) and type(node.operand.value) is int):
        return -node.operand.value
    if isinstance(node, ast.Name) and node.id in _CONSTANTS:
        return getattr(sympy, node.id)
    if not isinstance(node, ast.Call) or node.keywords:
        raise ValueError(f"not part of an srepr: {type(node).__name__}")
    if isinstance(node.func, ast.Call):  # Function('f')(x): a call of an undefined function
        function = _build(node.func, depth + 1)
        if not isinstance(function, sympy.core.function.UndefinedFunction):
            raise ValueError("only an undefined function is called")
        return function(*[_build(a, depth + 1) for a in node.args])
    if not isinstance(node.func, ast.Name):
        raise ValueError("only SymPy classes are called")
    name = node.func.id
    if name in ("Symbol", "Function"):
        [arg] = node.args
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                and _NAME.fullmatch(arg.value)):
            raise ValueError(f"{name} takes a name")
        return getattr(sympy, name)(arg.value)
    build = _classes().get(name)
    if build is None:
        raise ValueError(f"not an expression class: {name}")
    return build(*[_build(a, depth + 1) for a in node.args])


@functools.cache
def _classes() -> dict:
    """SymPy's expression classes by name: the only callables an entry may name."""
    classes = {name: value for name, value in vars(sympy).items()
               if isinstance(value, type) and issubclass(value, sympy.Basic) and not name.startswith("_")}
    classes.pop("Symbol", None), classes.pop("Function", None)  # these take a checked name
    # latex2sympy2 builds sums with evaluation on (their bodies are unevaluated already);
    # unevaluated, Sum would wrap its body in Mul(1, body).
    classes["Sum"], classes["Product"] = _evaluated(sympy.Sum), _evaluated(sympy.Product)
    return classes


def _evaluated(cls):
    def build(*args):
        with sympy.evaluate(True):
            return cls(*args)
    return build
