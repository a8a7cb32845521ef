"""pytest plugin: derivation notes are collected as tests, one item per claim.

Opt-in: only Markdown files matching a ``gradproof_notes`` glob (relative to
the rootdir) are collected::

    [tool.pytest.ini_options]
    gradproof_notes = ["derivations/*.md", "docs/examples/*.md"]

Collection reads each file and parses its model and definitions, checking no
claim; each item checks its own claim when it runs, so ``-k``, ``-x``, ``--lf``,
``--durations`` and pytest-xdist work as for ordinary tests. An item passes when
its claim's verdict is what the author expects (or holds, when nothing is
expected). Registered through the ``pytest11`` entry point; nothing heavy is
imported until a note is collected.
"""

from __future__ import annotations

import glob
import importlib.machinery
import os
import sys
from pathlib import Path

import pytest

PRIVATE_NAME = "_gradproof_symbolic"
INI_NAME = "gradproof_notes"
NOTES_KEY = pytest.StashKey[frozenset]()
SHOWN_SOURCE_LINES = 12
SHOWN_LEAVES = 40


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser, args) -> None:
    """Before the user's conftest files are imported: if the user has a module of their own
    called ``symbolic`` (a ``symbolic.py`` beside their tests), ours steps aside so that
    their ``import symbolic`` finds theirs, and this plugin keeps working."""
    folders = {early_config.rootpath, early_config.invocation_params.dir}
    for arg in args:
        candidate = (early_config.invocation_params.dir / str(arg).split("::")[0])
        if candidate.exists():
            folders.add(candidate if candidate.is_dir() else candidate.parent)
    if user_module_shadows(folders):
        step_aside()


def user_module_shadows(folders) -> bool:
    """Whether a module called ``symbolic`` other than gradproof's is importable from the
    folders tests run from."""
    ours = Path(__file__).resolve().parent
    spec = importlib.machinery.PathFinder.find_spec(__package__, [str(f) for f in folders])
    origin = Path(spec.origin).resolve() if spec is not None and spec.origin else None
    return origin is not None and ours not in (origin, origin.parent)


def step_aside() -> None:
    """Move gradproof's ``symbolic`` modules to a private name in ``sys.modules``. Their
    relative imports (the only kind the package uses) follow them there, so the checker is
    still imported from gradproof, and ``import symbolic`` is free for the user's module."""
    public = __package__  # this module is renamed too, on the way
    for name in [n for n in sys.modules if n == public or n.startswith(public + ".")]:
        module = sys.modules.pop(name)
        private = PRIVATE_NAME + name[len(public):]
        module.__name__ = private
        module.__package__ = private if hasattr(module, "__path__") else private.rpartition(".")[0]
        if module.__spec__ is not None:
            module.__spec__.name = private
        sys.modules[private] = module


def pytest_configure(config: pytest.Config) -> None:
    # antlr4 (under latex2sympy2) imports typing.io, deprecated: not the user's concern
    config.addinivalue_line("filterwarnings", "ignore:typing.io is deprecated:DeprecationWarning")


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
    if file_path.suffix in (".md", ".ipynb", ".tex") and os.path.realpath(file_path) in _notes(parent.config):
        return DerivationFile.from_parent(parent, path=file_path)
    return None


class DerivationFile(pytest.File):
    """A derivation note: read (not checked) at collection, one item per chain; the model
    and the names claims define are read once, when the first item runs."""

    def collect(self):
        from .errors import GradproofError
        from .notes import ChainSource, read_note

        try:
            note = read_note(self.path)
        except GradproofError as err:
            yield ClaimItem.from_parent(self, name="file", problem=err)
            return
        self.note = note
        self.chains = [item for item in note.items if isinstance(item, ChainSource)]
        self._plan = None
        seen: set[str] = set()
        for index, chain in enumerate(self.chains):
            if len(chain.terms) < 2 and not chain.continues and chain.label is None \
                    and chain.expect is None:
                continue  # math with no '=' and no label: not a claim
            name = f"({chain.label})" if chain.label else f"line {chain.span.line}"
            name = name if name not in seen else f"{name} line {chain.span.line}"
            seen.add(name)
            yield ClaimItem.from_parent(self, name=name, index=index)

    def plan(self):
        """The note read with its models and definitions, claims unchecked (once per file)."""
        if self._plan is None:
            from .checker import NoteChecker, Options

            self._plan = NoteChecker(self.note, Options(claims=False, diagnose=False)).run()
        return self._plan


class ClaimFailure(Exception):
    """A claim whose verdict is not the one expected."""


class ClaimItem(pytest.Item):
    """One claim of a note, checked when the item runs; passes when its verdict matches the
    expectation."""

    def __init__(self, *, index: int | None = None, problem=None, **kwargs):
        super().__init__(**kwargs)
        self.index = index
        self.problem = problem  # the file could not be read at all
        self.claim = None

    def runtest(self) -> None:
        from .checker import error_record
        from .report import counted
        from .verdicts import Verdict

        if self.problem is not None:
            self.claim = error_record(str(self.path), self.problem)
        else:
            chain = self.parent.chains[self.index]
            definition = _record_at(self.parent.plan(), chain)
            if definition is not None and definition.verdict == Verdict.DEFINITION:
                pytest.skip(f"a definition: {definition.message}")
            self.claim = check_chain(self.parent.note, self.parent.chains, self.index,
                                     _definitions(self.parent.plan()))
        if self.claim is None or not counted(self.claim):
            pytest.skip("not a claim: only a substitution of numbers, or math without '='")
        if not self.claim.passes:
            raise ClaimFailure(self.claim)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailure):
            return describe_failure(self.claim, self.path, self.config.rootpath)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        line = 1 if self.index is None else self.parent.chains[self.index].span.line
        return self.path, line - 1, self.name


def _record_at(report, chain):
    return next((c for c in report.claims if (c.line, c.column) == (chain.span.line, chain.span.column)),
                None)


def _definitions(report) -> set:
    from .verdicts import Verdict

    return {(c.line, c.column) for c in report.claims if c.verdict == Verdict.DEFINITION}


def check_chain(note, chains: list, index: int, definitions: set):
    """Check one chain of a note: the note read with its derivation blocks, the chains that
    define names, and the chain with the chains it continues; nothing else is checked."""
    from .checker import NoteChecker, Options
    from .notes import ContextSource, Note
    from .verdicts import Verdict

    first = index
    while first > 0 and chains[first].continues:
        first -= 1
    keep = {id(c) for c in chains[first:index + 1]}
    keep |= {id(c) for c in chains[:index] if (c.span.line, c.span.column) in definitions}
    items = [item for item in note.items if isinstance(item, ContextSource) or id(item) in keep]
    report = NoteChecker(Note(note.path, note.text, items), Options()).run()
    chain = chains[index]  # the last item kept: its record, if any, is the last one
    last = report.claims[-1] if report.claims else None
    inside = last is not None and chain.span.line <= last.line <= chain.end_line
    return last if inside and last.verdict != Verdict.DEFINITION else None


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
