"""The parse cache is data, never code (issue 15, S2): entries are srepr strings read back by a
parser of srepr's own grammar; a corrupt or planted entry is ignored and parsed again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

from symbolic.latex.parse_cache import ParseCache, _from_srepr

ROOT = Path(__file__).resolve().parents[2]
# decimals are outside the plain fragment (symbolic.latex.plain_terms): the grammar reads them, and they are cached
NOTE = ROOT / "derivations" / "seed_worked_numbers.md"


def check(cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GRADPROOF_CACHE_DIR": str(cache)}
    env.pop("GRADPROOF_CACHE", None)
    return subprocess.run([sys.executable, "-m", "symbolic.cli", "check", "--format", "json", str(NOTE)],
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)


def verdicts(done) -> list[str]:
    return [c["verdict"] for c in json.loads(done.stdout)["files"][0]["claims"]]


def test_a_planted_entry_holding_code_is_ignored_and_rebuilt(tmp_path):
    cache = tmp_path / "cache"
    first = check(cache)
    path = cache / f"parse-v{ParseCache.VERSION}.json"
    data = json.loads(path.read_text())
    assert data["version"] == ParseCache.VERSION and data["entries"]
    marker = tmp_path / "ran"
    payload = f"__import__('os').system('touch {marker}')"
    planted = {key: payload for key in data["entries"]}
    path.write_text(json.dumps({"version": ParseCache.VERSION, "entries": planted}))
    second = check(cache)
    assert not marker.exists()
    assert verdicts(second) == verdicts(first)
    rebuilt = json.loads(path.read_text())["entries"]
    assert payload not in rebuilt.values() and rebuilt


@pytest.mark.parametrize("content", ["{not json", "[]", '{"version": "2", "entries": {"x": "Symbol(\'x\')"}}',
                                     '{"version": "3", "entries": {"a": 5}}'])
def test_a_corrupt_or_old_cache_file_is_ignored(tmp_path, content):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / f"parse-v{ParseCache.VERSION}.json").write_text(content)
    done = check(cache)
    assert done.returncode == 0 and "Traceback" not in done.stderr


@pytest.mark.parametrize("text", [
    "__import__('os').system('true')", "Symbol('x').__class__", "sympify('1+1')", "S('x')",
    "parse_expr('x')", "Integer(1) + Integer(2)", "[Integer(1)]", "Symbol(\"__import__('os')\")",
    "lambda: 0", "Function(Symbol('f'))", "Symbol('x')(Integer(1))", "(" * 300 + "1" + ")" * 300,
])
def test_the_reader_accepts_only_sreprs_of_expressions(text):
    with pytest.raises((ValueError, SyntaxError, TypeError, RecursionError)):
        _from_srepr(text)


def test_the_reader_rebuilds_what_the_parser_returns_unevaluated():
    x, y = sympy.Symbol("x"), sympy.Symbol("y")
    with sympy.evaluate(False):
        expr = sympy.Mul(sympy.Integer(-1), sympy.Add(x, sympy.Pow(sympy.E, y)),
                         sympy.Function("f")(x), sympy.log(y, sympy.E))
    stored = sympy.srepr(expr, order="none")
    assert sympy.srepr(_from_srepr(stored), order="none") == stored
