"""Opaque elementary functions used throughout gradproof.

SymPy's own ``exp`` rewrites ``1/exp(a)`` to ``exp(-a)`` and merges
``exp(a)*exp(b)``; after such rewrites the same quantity appears as different
atoms and true claims look false. These classes never evaluate or combine.
One table, :data:`FUNCTIONS`, says how each is written in LaTeX, evaluated by
mpmath and differentiated: the index-notation deriver reads that derivative
through ``fdiff`` (the chain rule lives once in SymPy's ``Function`` base), the
concrete engine reads it directly. The numeric side maps the same names to
numpy ufuncs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import mpmath
import sympy


class Opaque(sympy.Function):
    """A one-argument function that SymPy must not rewrite."""

    nargs = 1
    name: str = ""

    @classmethod
    def eval(cls, arg):  # never evaluate: keep the node opaque
        return None

    def _latex(self, printer, exp=None):
        inner = printer._print(self.args[0])
        head = FUNCTIONS[self.name].latex
        if exp is not None:
            return rf"{head}^{{{exp}}}\left({inner}\right)"
        return rf"{head}\left({inner}\right)"

    def _sympystr(self, printer):
        return f"{self.name}({printer._print(self.args[0])})"

    def fdiff(self, argindex=1):
        return FUNCTIONS[self.name].derivative(self, self.args[0])


class Exp(Opaque):
    name = "exp"

    def _latex(self, printer, exp=None):
        inner = printer._print(self.args[0])
        base = rf"e^{{{inner}}}"
        return rf"\left({base}\right)^{{{exp}}}" if exp is not None else base


class Tanh(Opaque):
    name = "tanh"


class Sigmoid(Opaque):
    name = "sigmoid"


class Log(Opaque):
    name = "log"


@dataclass(frozen=True)
class FunctionRule:
    """How one opaque function is written, built, evaluated and differentiated."""

    cls: type
    latex: str
    mpmath: Callable
    derivative: Callable  # (value F, argument u) -> dF/du, in terms of F and u


FUNCTIONS: dict[str, FunctionRule] = {
    "exp": FunctionRule(Exp, r"\exp", mpmath.exp, lambda f, u: f),
    "tanh": FunctionRule(Tanh, r"\tanh", mpmath.tanh, lambda f, u: 1 - f**2),
    "sigmoid": FunctionRule(Sigmoid, r"\sigma", lambda x: 1 / (1 + mpmath.exp(-x)),
                            lambda f, u: f * (1 - f)),
    "log": FunctionRule(Log, r"\log", mpmath.log, lambda f, u: 1 / u),
}

OPAQUE_CLASSES = tuple(rule.cls for rule in FUNCTIONS.values())
