"""pytest plugin: derivation notes are collected as tests, one item per claim.

Opt-in: only Markdown files matching a ``gradproof_notes`` glob (relative to
the rootdir) are collected::

    [tool.pytest.ini_options]
    gradproof_notes = ["derivations/*.md", "docs/examples/*.md"]

Each file is checked once when it is collected; an item passes when its
claim's verdict is what the author expects (or holds, when nothing is
expected). Registered through the ``pytest11`` entry point; nothing heavy is
imported until a note is collected.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

import pytest

INI_NAME = "gradproof_notes"
NOTES_KEY = pytest.StashKey[frozenset]()
SHOWN_SOURCE_LINES = 12
SHOWN_LEAVES = 40


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(INI_NAME, type="linelist", default=[],
                  help="globs (relative to the rootdir) of derivation notes to collect as tests")


def _notes(config: pytest.Config) -> frozenset:
    """The resolved paths matched by the ``gradproof_notes`` globs, found once per session."""
    if NOTES_KEY not in config.stash:
        root = str(config.rootpath)
        found = set()
        for pattern in config.getini(INI_NAME):
            for match in glob.glob(os.path.join(root, pattern), recursive=True):
                found.add(os.path.realpath(match))
        config.stash[NOTES_KEY] = frozenset(found)
    return config.stash[NOTES_KEY]


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.suffix == ".md" and os.path.realpath(file_path) in _notes(parent.config):
        return DerivationFile.from_parent(parent, path=file_path)
    return None


class DerivationFile(pytest.File):
    """A derivation note: checked once, one item per claim."""

    def collect(self):
        from .checker import check_file
        from .report import counted

        report = check_file(self.path)
        seen: set[str] = set()
        for claim in report.claims:
            if not counted(claim):  # as in the CLI's summary and exit code
                continue
            name = claim.name if claim.name not in seen else f"{claim.name} line {claim.line}"
            seen.add(name)
            yield ClaimItem.from_parent(self, name=name, claim=claim)


class ClaimFailure(Exception):
    """A claim whose verdict is not the one expected."""


class ClaimItem(pytest.Item):
    """One claim of a note; passes when its verdict matches the expectation."""

    def __init__(self, *, claim, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim

    def runtest(self) -> None:
        if not self.claim.passes:
            raise ClaimFailure(self.claim)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailure):
            return describe_failure(self.claim, self.path, self.config.rootpath)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, max(self.claim.line - 1, 0), f"{self.claim.name}"


def _source_lines(claim, path: Path) -> list[str]:
    """The lines of the note that hold the claim, numbered as in the file."""
    source = claim.source.strip("\n")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    offset = text.find(source) if source else -1
    if offset < 0:
        return [f"       | {line}" for line in source.splitlines()[:SHOWN_SOURCE_LINES]]
    first = text.count("\n", 0, offset) + 1
    lines = text.splitlines()
    last = first + source.count("\n")
    shown = range(first, min(last, first + SHOWN_SOURCE_LINES - 1) + 1)
    return [f"  {n:>4} | {lines[n - 1]}" for n in shown if n - 1 < len(lines)]


def describe_failure(claim, path: Path, root: Path | None = None) -> str:
    """The text pytest shows for a failing claim: where, what was written, what is true."""
    from .report import MARKS

    shown = path.relative_to(root) if root is not None and path.is_relative_to(root) else path
    expected = f" (expected {claim.expected.value})" if claim.expected is not None else ""
    lines = [f"{shown}:{claim.line}:{claim.column}: claim {claim.name} is {claim.verdict.value}{expected}"]
    lines += _source_lines(claim, path)
    if not claim.steps:
        lines.append(f"  {MARKS[claim.verdict]} {claim.message}")
        if claim.hint:
            lines.append(f"    hint: {claim.hint}")
    for number, step in enumerate(claim.steps, 1):
        mark = MARKS[step.verdict]
        lines.append(f"  {mark} step {number} ({step.verdict.value}): {step.lhs} = {step.rhs}")
        if step.verdict.holds:
            continue
        cx = step.counterexample
        if cx is None:
            lines.append(f"      {step.message}")
            continue
        sizes = ", ".join(f"{k}={v}" for k, v in cx.sizes.items())
        indices = ", ".join(f"{k}={v}" for k, v in cx.indices.items())
        lines.append(f"      counterexample at {sizes}" + (f"; {indices}" if indices else ""))
        leaves = [f"{k}={v}" for k, v in cx.leaves.items()]
        more = f", … ({len(leaves) - SHOWN_LEAVES} more)" if len(leaves) > SHOWN_LEAVES else ""
        lines.append("      values: " + ", ".join(leaves[:SHOWN_LEAVES]) + more)
        lines.append(f"      left side = {cx.lhs}, right side = {cx.rhs}")
    lines += [f"  → {note}" for note in claim.diagnosis]
    if claim.correct:
        lines.append(f"  → correct: {claim.correct}")
    lines += [f"  warning: {w}" for w in claim.warnings]
    return "\n".join(lines)
