"""Functions the block uses without defining them: an arbitrary activation ``h(a_j)``.

A textbook writes ``z_j = h(a_j)`` for "any activation h" and proves ``δ_j = h'(a_j) Σ_k w_kj
δ_k``. The letter f, g or h called on one symbol in a ``define`` line, and used nowhere
in the block as a value, is such a function: a row of its own (``h``) whose derivative is
another row (``h'``), and so on. The exact engine treats h(u), h'(u), h''(u) as independent
atoms, so a claim it proves holds for every differentiable h. To refute a claim it needs
numbers: then h is one fixed smooth function, sin(u)/2 + u³/9 + u/3, with its true
derivatives; a claim that holds for that h but not as an identity of atoms stays undecided.
"""

from __future__ import annotations

import re

import mpmath

from .elementary import ROWS_BY_NAME, ElementaryFunction, opaque_class

MAX_ORDER = 3  # h and its first three derivatives; a higher one is an error

# Only the letters people name functions with: a(b) or s(1 - s) is far more often a product.
LETTERS = frozenset("fgh")
# f, g or h right before parentheses that hold more than one symbol: the grammar reads a
# product there (h(a_j + b) is h times a sum), which is rarely what an author means.
# one symbol, with a subscript and a layer superscript in either order (f(z^l_j), f(z_j^{(l+1)})),
# is a call's argument; anything else inside f(…) reads as a product
_LABEL = r"\^\s*(?:\{\s*[(\[]?\s*(?:[A-Za-z](?:\s*[+-]\s*\d)?|\d)\s*[)\]]?\s*\}|[A-Za-z])"
AMBIGUOUS_CALL = re.compile(r"(?<![\\A-Za-z_^{])([fgh])\s*\((?!\s*\\?[A-Za-z]+\s*(?:(?:_\s*(?:\{[^{}]*\}|[A-Za-z0-9])"
                            rf"|{_LABEL})\s*){{0,2}}\))")

# The stand-in h used for numbers, and its derivatives: value and numpy form per order.
_STAND_IN = (
    (lambda x: mpmath.sin(x) / 2 + x**3 / 9 + x / 3, "(np.sin({u}) / 2 + {u}**3 / 9 + {u} / 3)"),
    (lambda x: mpmath.cos(x) / 2 + x**2 / 3 + mpmath.mpf(1) / 3, "(np.cos({u}) / 2 + {u}**2 / 3 + 1 / 3)"),
    (lambda x: -mpmath.sin(x) / 2 + 2 * x / 3, "(-np.sin({u}) / 2 + 2 * {u} / 3)"),
    (lambda x: -mpmath.cos(x) / 2 + mpmath.mpf(2) / 3, "(-np.cos({u}) / 2 + 2 / 3)"),
)


def row_name(letter: str, order: int = 0) -> str:
    return f"generic {letter}" + "'" * order


def generic_row(letter: str, order: int = 0) -> ElementaryFunction:
    """The row of the arbitrary function ``letter`` (its ``order``-th derivative), made once."""
    name = row_name(letter, order)
    row = ROWS_BY_NAME.get(name)
    if row is not None:
        return row
    value, numpy = _STAND_IN[order]
    cls = opaque_class(name, f"Generic_{letter}_{order}")
    row = ElementaryFunction(name, cls, (), letter + "'" * order,
                             derivative=_next_derivative(letter, order) if order < MAX_ORDER else None,
                             form=None, mpmath=value, numpy=numpy)
    ROWS_BY_NAME[name] = row  # FUNCTIONS finds it here: the table of the rows stays as written
    return row


def _next_derivative(letter: str, order: int):
    """The row's derivative rule: the next row, applied to the same argument."""
    return lambda f, u: generic_row(letter, order + 1).cls(u)


def stand_in_note(letters) -> str:
    """Said with a counterexample: its values are those of one h, so the claim fails for every h."""
    return (f"the values take {', '.join(sorted(letters))} as sin(u)/2 + u³/9 + u/3, one "
            "differentiable function: the claim does not hold for every one")
