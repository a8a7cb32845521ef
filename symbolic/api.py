"""A small Python API for notebooks and scripts, re-exported by :mod:`symbolic`.

    >>> import symbolic
    >>> report = symbolic.checker("derivations/backprop_seed.md")
    >>> [(c.label, c.verdict.value) for c in report.claims if c.label][:2]
    [('1', 'refuted'), ('2', 'refuted')]

``check`` and ``check_text`` return a :class:`~symbolic.results.FileReport`
whose ``claims`` are :class:`~symbolic.results.ClaimResult` records (verdict,
message, steps with their evidence). ``load`` gives the contexts of a note
(each with its :class:`~symbolic.model.tensors.Network`) for further work, such as
compiling the model with the ``numeric`` package. ``derive`` gives the verified
gradient of a note's loss with respect to one of its variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .calculus.derive import Derived
from .checker import CheckedChain, NoteChecker, Options, check_file, check_text
from .errors import GradproofError, NotationError, NotesError, Span, UsageError
from .model.context import Context
from .notes.reader import ChainSource, ContextSource, read_note
from .results import ClaimResult, FileReport
from .verdicts import Verdict

NOTATIONS = ("index", "matrix")  # how derive writes a gradient

__all__ = ["check", "check_text", "load", "derive", "Document", "Derived", "Verdict", "ClaimResult",
           "FileReport", "GradproofError", "Options"]


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


def derive(path: str | Path, wrt: str, of: str | None = None, *, block: int = 1,
           notation: str = "index") -> Derived:
    """The gradient of a note's loss (or of ``of``) with respect to ``wrt``, verified exactly.

    Args:
        path: a note with at least ``block`` derivation blocks.
        wrt: the variable as LaTeX in the note's notation, e.g. ``"w_{jk}"``.
        of: the quantity differentiated, e.g. ``"o_j"``; the block's loss when None.
        block: which derivation block of the note (1-based) holds the model.
        notation: ``"index"``, or ``"matrix"`` to also write it in matrix and vector
            notation (``matrix``: read back and verified as a claim of the block).

    Returns:
        The derived formula (``latex``, ``text``, ``claim_latex``; ``matrix``), verified.

    Raises:
        GradproofError: the note or the block cannot be read, ``wrt`` or ``of`` is not a
            quantity of the model, the derived formula could not be verified, or (matrix)
            it has no faithful matrix form.
    """
    from .calculus.derive import derive as derive_gradient
    from .model.recurrence import recurrent_tensors

    if notation not in NOTATIONS:
        raise UsageError(f"unknown notation {notation!r}", Span("--notation", 1, 1),
                         f"notation is one of {', '.join(NOTATIONS)}")
    note = read_note(path)
    starts = [n for n, item in enumerate(note.items) if isinstance(item, ContextSource)]
    if len(starts) > block >= 1:  # read no further than the block asked for
        note.items = note.items[:starts[block]]
    # the block's claims as written: their bold names set the style of a matrix form
    written = [item.source for item in note.items[starts[block - 1]:]
               if isinstance(item, ChainSource)] if len(starts) >= block >= 1 else []
    checker = NoteChecker(note, Options(diagnose=False, claims=False))
    context = Document(str(path), checker.run(), checker.contexts).context(block)

    if recurrent_tensors(context.network):
        raise NotationError("derive does not write gradients through a recurrence (the gradient by "
                            "a step sums over every later one)", Span("--wrt", 1, 1),
                            "write the BPTT claim in the note (a sum over t, or a recursive error) "
                            "and check it; gradcheck compares it with finite differences")
    of_expr = context.read(of, Span("--of", 1, 1)) if of else None
    derived = derive_gradient(context, context.read(wrt, Span("--wrt", 1, 1)), of_expr)
    if derived.verdict != Verdict.VERIFIED:
        raise NotationError(f"the derived formula could not be verified ({derived.verdict.value})",
                            Span("--wrt", 1, 1), "please report this note")
    if notation == "matrix":
        from .calculus.matrix_derive import matrix_form

        derived.matrix = matrix_form(context, derived, written)
    return derived
