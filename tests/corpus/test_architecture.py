"""The import structure: stages import only down the pipeline, nothing imports in a circle,
no private name crosses a module boundary, and every module imported at run time is declared.

Read with ``ast`` from the source, so a lazy import inside a function counts like any other.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The pipeline, bottom first. A module may import its own stage and the stages below it.
STAGES = [
    ("base", ["symbolic.errors", "symbolic.verdicts", "symbolic.settings", "symbolic.results"]),
    ("notes", ["symbolic.notes"]),
    ("latex", ["symbolic.latex"]),
    ("model", ["symbolic.model"]),
    ("engine", ["symbolic.engine"]),
    ("calculus", ["symbolic.calculus"]),
    ("diagnose", ["symbolic.diagnose"]),
    ("check", ["symbolic.checker"]),
    ("surfaces", ["symbolic.report", "symbolic.export", "symbolic.api", "symbolic.cli",
                  "symbolic.pytest_plugin", "symbolic"]),
    ("numeric", ["numeric"]),
]
# Loaded lazily on purpose: the CLI reaches the numeric commands only when asked (numpy is heavy).
ALLOWED_UPWARD = {("symbolic.cli", "numeric.commands"), ("symbolic.cli", "numeric")}


def stage_of(module: str) -> int:
    best, rank = -1, None
    for number, (_name, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), number
    assert rank is not None, f"{module} belongs to no stage"
    return rank


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in ("symbolic", "numeric"):
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def imports(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """(imported module, names taken from it) for every import statement in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((target, [alias.name for alias in node.names]))
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        for target, names in imports(name, path):
            # "from package import module" imports the module
            candidates = [f"{target}.{n}" for n in names if f"{target}.{n}" in known] or [target]
            edges.setdefault(name, set()).update(c for c in candidates if c in known)
    return edges


def test_every_module_belongs_to_a_stage():
    for name in modules():
        stage_of(name)


def test_imports_point_down_the_pipeline():
    upward = []
    for source, targets in graph().items():
        for target in targets:
            if stage_of(target) > stage_of(source) and (source, target) not in ALLOWED_UPWARD:
                upward.append(f"{source} -> {target}")
    assert upward == []


def test_no_import_cycles():
    edges = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if (node, nxt) in ALLOWED_UPWARD:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(trail[trail.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_private_name_crosses_a_module():
    crossing = []
    known = modules()
    for name, path in known.items():
        for target, names in imports(name, path):
            if target in known and target != name:
                crossing += [f"{name} imports {target}.{n}" for n in names
                             if n.startswith("_") and not (n.startswith("__") and n.endswith("__"))]
    assert crossing == []


def test_no_module_grows_past_about_400_lines():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}


def _third_party_imports() -> set[str]:
    own = {"symbolic", "numeric"}
    found = set()
    for name, path in modules().items():
        for target, _names in imports(name, path):
            top = target.split(".")[0]
            if top and top not in own and top not in sys.stdlib_module_names:
                found.add(top)
    return found


DISTRIBUTIONS = {"yaml": "pyyaml", "sklearn": "scikit-learn", "latex2sympy2": "latex2sympy2",
                 "antlr4": "antlr4-python3-runtime", "markdown_it": "markdown-it-py",
                 "mdit_py_plugins": "mdit-py-plugins", "IPython": "ipython"}


def test_every_third_party_import_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {d.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("<")[0].strip().lower()
                for d in project["dependencies"]
                + [d for extra in project.get("optional-dependencies", {}).values() for d in extra]}
    missing = {m for m in _third_party_imports()
               if DISTRIBUTIONS.get(m, m).lower().replace("_", "-") not in declared}
    assert missing == set()
    assert "symengine" in {d.split(">")[0].split("=")[0].strip() for d in project["dependencies"]}


@pytest.mark.parametrize("module", ["symbolic", "symbolic.cli", "symbolic.checker", "numeric.commands"])
def test_each_entry_module_imports_in_a_fresh_interpreter(module):
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True,
                          cwd=ROOT.parent, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_exact_engine_has_symengine():
    """Without symengine every check still runs, two to three times slower: it must be installed."""
    done = subprocess.run([sys.executable, "-c", "import symengine"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, "symengine is missing: pip install -e . should have installed it"


def test_only_the_grammar_module_imports_the_latex_parser():
    importers = {name for name, path in modules().items()
                 for target, _names in imports(name, path)
                 if target.split(".")[0] in ("latex2sympy2", "antlr4")}
    assert importers == {"symbolic.latex.grammar"}
