"""A small Python API for notebooks and scripts.

    >>> from symbolic import api
    >>> report = api.check("derivations/backprop_seed.md")
    >>> [(c.label, c.verdict.value) for c in report.claims if c.label][:2]
    [('1', 'refuted'), ('2', 'refuted')]

``check`` and ``check_text`` return a :class:`~symbolic.results.FileReport`
whose ``claims`` are :class:`~symbolic.results.ClaimResult` records (verdict,
message, steps with their evidence). ``load`` gives the contexts of a note
(each with its :class:`~symbolic.tensors.Network`) for further work, such as
compiling the model with the ``numeric`` package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .check import CheckedChain, NoteChecker, Options, check_file, check_text
from .errors import GradproofError, NotesError
from .model.context import Context
from .notes.reader import read_note
from .results import ClaimResult, FileReport
from .verdicts import Verdict

__all__ = ["check", "check_text", "load", "Document", "Verdict", "ClaimResult", "FileReport",
           "GradproofError", "Options"]


def check(path: str | Path, *, timeout: float | None = None, inline: bool = False) -> FileReport:
    """Check every claim of one note file."""
    options = Options(inline=inline)
    if timeout is not None:
        options.timeout = timeout
    return check_file(path, options)


@dataclass
class Document:
    """A checked note: its report, its contexts, and its checked chains."""

    path: str
    report: FileReport
    contexts: list[Context] = field(default_factory=list)
    chains: list[CheckedChain] = field(default_factory=list)

    def context(self, number: int = 1) -> Context:
        """The ``number``-th (1-based) derivation block that could be read."""
        if not 1 <= number <= len(self.contexts):
            raise NotesError(f"{self.path} has {len(self.contexts)} readable derivation block(s); "
                             f"block {number} does not exist", hint="count blocks from 1")
        return self.contexts[number - 1]

    def claims(self, verdict: Verdict | None = None) -> list[ClaimResult]:
        return [c for c in self.report.claims if verdict is None or c.verdict == verdict]


def load(path: str | Path, options: Options | None = None) -> Document:
    """Read and check a note, keeping its contexts and parsed chains.

    Raises:
        GradproofError: the file cannot be read at all.
    """
    options = options or Options()
    note = read_note(path, inline=options.inline)
    checker = NoteChecker(note, options)
    report = checker.run()
    return Document(str(path), report, checker.contexts, checker.chains)
