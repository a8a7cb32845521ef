"""Which files of a repository are notes: folders walked the way a person would expect.

Files named on the command line are always checked. Below a folder named, notes are the
``*.md``, ``*.ipynb`` and ``*.tex`` files, except in hidden folders (``.git``), virtual
environments (a folder holding ``pyvenv.cfg``, or ``site-packages``), ``node_modules``,
Jupyter's checkpoint copies, what the repository's ``.gitignore`` files ignore, and what
``--exclude`` globs or the project's ``[tool.gradproof] exclude`` list (pyproject.toml at
the repository root) name.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

NOTE_SUFFIXES = (".md", ".ipynb", ".tex")
NEVER_ENTERED = {"node_modules", "site-packages", "__pycache__", ".ipynb_checkpoints"}


@dataclass
class Walk:
    """The notes found, and for each file named on the command line whether it was named."""

    files: list[Path] = field(default_factory=list)
    named: set[Path] = field(default_factory=set)


def _ignored_by_git(folder: Path, root: Path, specs: dict[Path, pathspec.PathSpec]):
    """The ``.gitignore`` rules that apply in ``folder``: its own and its parents' up to ``root``."""
    rules = []
    for parent in [folder, *folder.parents]:
        spec = specs.get(parent)
        if spec is None:
            ignore = parent / ".gitignore"
            try:
                lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = []
            spec = specs[parent] = pathspec.GitIgnoreSpec.from_lines(lines)
        rules.append((parent, spec))
        if parent == root:
            break
    return rules


def _repository_root(folder: Path) -> Path:
    """The enclosing git work tree (its ``.gitignore`` files apply), else the folder itself."""
    start = folder.resolve()
    for parent in [start, *start.parents]:
        if (parent / ".git").exists():
            return parent
    return start


def project_excludes(root: Path) -> list[str]:
    """The ``exclude`` globs of ``[tool.gradproof]`` in the project's pyproject.toml."""
    try:
        import tomllib
    except ImportError:  # Python 3.10: no TOML reader in the standard library
        return []
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    found = data.get("tool", {}).get("gradproof", {}).get("exclude", [])
    return [str(item) for item in found] if isinstance(found, list) else []


def _matches(rules, path: Path, is_dir: bool) -> bool:
    for base, spec in rules:
        relative = path.relative_to(base).as_posix() + ("/" if is_dir else "")
        if spec.match_file(relative):
            return True
    return False


def _excluded(path: Path, excludes: list[str]) -> bool:
    text = path.as_posix()
    return any(fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(path.name, pattern)
               or fnmatch.fnmatch(text, f"*/{pattern}") for pattern in excludes)


def collect(paths: list[str], excludes: list[str] | None = None) -> Walk:
    """The notes to check, in a stable order."""
    excludes = list(excludes or [])
    walk = Walk()
    specs: dict[Path, pathspec.PathSpec] = {}
    for text in paths:
        path = Path(text)
        if not path.is_dir():
            walk.files.append(path)
            walk.named.add(path)
            continue
        root = _repository_root(path)
        excludes_here = excludes + project_excludes(root)
        for folder, dirs, files in os.walk(path.resolve()):
            here = Path(folder)
            rules = _ignored_by_git(here, root, specs)
            dirs[:] = sorted(d for d in dirs if not (
                d.startswith(".") or d in NEVER_ENTERED or (here / d / "pyvenv.cfg").exists()
                or _matches(rules, here / d, True) or _excluded(here / d, excludes_here)))
            for name in sorted(files):
                file = here / name
                if file.suffix in NOTE_SUFFIXES and not _matches(rules, file, False) \
                        and not _excluded(file, excludes_here):
                    walk.files.append(path / file.relative_to(path.resolve()))  # as the user wrote it
    return walk
