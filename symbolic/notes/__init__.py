"""Stage 1, notes: Markdown → derivation blocks and chains of math, at exact file positions.

No LaTeX is parsed here: chains are cut at top-level '=' as text, with their
labels, conditions and expectations (and, for ``A \\Rightarrow B``, which chain is a premise:
:mod:`.premises`).
"""

from .math_block import ChainSource, Term
from .premises import Premises
from .reader import ContextSource, Note, Problem, parse_note, read_note

__all__ = ["ChainSource", "ContextSource", "Note", "Premises", "Problem", "Term", "parse_note", "read_note"]
