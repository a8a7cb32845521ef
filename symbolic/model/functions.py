"""Opaque elementary functions: one row of :mod:`symbolic.model.function_table` each.

SymPy's own ``exp`` rewrites ``1/exp(a)`` to ``exp(-a)`` and merges
``exp(a)*exp(b)``; after such rewrites the same quantity appears as different
atoms and true claims look false. The classes here never evaluate or combine.

Everything gradproof knows about a function is in its row
(:class:`~symbolic.model.elementary.ElementaryFunction`): how it is written in LaTeX, its SymPy class, its
derivative, its form in exp/log/erf, its mpmath and numpy implementations, its
domain and range, and how it prints. Every other stage reads the rows:

* the LaTeX stage learns which commands are calls from :func:`register_spellings`
  (it cannot import this module: stages import only downward);
* the resolver finds a parsed function with :func:`function_written`;
* the concrete engine differentiates, canonicalises (``reflect``, ``at_zero``)
  and, when atoms alone cannot decide, rewrites atoms into their ``form``;
* the exact engine evaluates with ``mpmath`` inside ``domain``;
* printing uses ``latex``; ``numeric`` compiles ``numpy``.
"""

from __future__ import annotations

from ..latex.notation import CALLED, native_function_name
from .elementary import ROWS_BY_NAME, ElementaryFunction, Opaque, opaque_class
from .function_table import (ROWS, UNSUPPORTED_HINTS, AbsValue, Erf, Exp, Gelu, Log, NormalCdf,
                             Sigmoid, Softplus, Softsign, Swish, Tanh)

class _Table(dict):
    """The rows by name; a name missing here may be an arbitrary function a block uses
    (:mod:`symbolic.model.generic_functions`), made while reading it and found by name."""

    def __missing__(self, name: str) -> ElementaryFunction:
        return ROWS_BY_NAME[name]


FUNCTIONS: dict[str, ElementaryFunction] = _Table({row.name: row for row in ROWS})
ROWS_BY_NAME.update(FUNCTIONS)
OPAQUE_CLASSES = tuple(row.cls for row in ROWS)

_WRITTEN: dict[str, ElementaryFunction] = {}
for _row in ROWS:
    for _spelling in _row.spellings:
        _WRITTEN[native_function_name(_spelling)] = _row
        _WRITTEN.setdefault(_spelling.lstrip("\\"), _row)  # \sigma(a) read by latex2sympy2 itself


def register_spellings() -> None:
    """Tell the LaTeX stage which commands are calls of a parenthesised argument."""
    for row in ROWS:
        for spelling in row.spellings:
            if native_function_name(spelling) == spelling:  # not read by latex2sympy itself
                CALLED.register(spelling)


register_spellings()


def function_written(name: str) -> ElementaryFunction | None:
    """The row of a function as the parser names it (``tanh``, ``\\operatorname{GELU}``)."""
    return _WRITTEN.get(name)


__all__ = ["AbsValue", "ElementaryFunction", "Erf", "Exp", "FUNCTIONS", "Gelu", "Log",
           "NormalCdf", "OPAQUE_CLASSES", "Opaque", "Sigmoid", "Softplus", "Softsign", "Swish",
           "Tanh", "UNSUPPORTED_HINTS", "function_written", "opaque_class"]
