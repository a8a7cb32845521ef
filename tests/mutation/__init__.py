"""Semantic mutation testing of true claims: mutate, decide in float64, run gradproof, classify.

Every import from ``symbolic`` used by this package is made here (and in
``tests/float_reference.py``), so a move of modules inside ``symbolic`` is fixed in one place.
The mutator and the runner use only the public API and the note reader; the evaluator
also uses the LaTeX front end (parse and resolve), never the exact engine or its verdicts.
"""

from __future__ import annotations

from pathlib import Path

from symbolic import api  # (public API: check_text, Options, Verdict)
from symbolic.checker import NoteChecker, Options  # (contexts of a prefix)
from symbolic.errors import GradproofError, Span
from symbolic.latex.parse import parse_latex
from symbolic.notes.reader import ChainSource, ContextSource, parse_note
from symbolic.model.index_notation import Resolver, free_indices
from symbolic.verdicts import Verdict
from symbolic.engine.verify import parse_condition

ROOT = Path(__file__).resolve().parents[2]
NOTE_GLOBS = ("derivations/*.md", "docs/examples/*.md")

__all__ = ["api", "NoteChecker", "Options", "GradproofError", "Span", "parse_latex", "ChainSource",
           "ContextSource", "parse_note", "Resolver", "free_indices", "Verdict", "parse_condition",
           "ROOT", "NOTE_GLOBS"]
