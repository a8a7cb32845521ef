"""Stage 2, LaTeX: one side of an equation → a raw SymPy expression with names as written.

The only importer of latex2sympy2 and antlr4; holds the notation tables and the
parse cache. Giving names their meaning is the model stage's job.
"""

from .parse import DerivativeSource, RawExpr, parse_latex

__all__ = ["DerivativeSource", "RawExpr", "parse_latex"]
