"""The machinery of an elementary function: its opaque SymPy class and its table row.

The rows are in :mod:`symbolic.model.function_table`; :mod:`symbolic.model.functions`
collects them and registers them here (:data:`ROWS_BY_NAME`), where an
:class:`Opaque` node finds its own row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal

import sympy

ROWS_BY_NAME: dict[str, "ElementaryFunction"] = {}  # filled by symbolic.model.functions


class Opaque(sympy.Function):
    """A one-argument function that SymPy must not rewrite."""

    nargs = 1
    name: str = ""

    @classmethod
    def eval(cls, arg):  # never evaluate: keep the node opaque
        return None

    @property
    def rule(self) -> "ElementaryFunction":
        return ROWS_BY_NAME[self.name]

    def _latex(self, printer, exp=None):
        return self.rule.to_latex(printer._print(self.args[0]), exp)

    def _sympystr(self, printer):
        return f"{self.name}({printer._print(self.args[0])})"

    def fdiff(self, argindex=1):
        rule = self.rule
        if rule.derivative is None:
            raise ValueError(f"{rule.name} is not differentiable everywhere")
        return rule.derivative(self, self.args[0])


def opaque_class(name: str, class_name: str) -> type:
    """A new :class:`Opaque` subclass for the function called ``name``."""
    return type(class_name, (Opaque,), {"name": name})


Derivative = Callable[[sympy.Expr, sympy.Expr], sympy.Expr]


@dataclass(frozen=True)
class ElementaryFunction:
    """Everything gradproof knows about one elementary function.

    ``derivative(f, u)`` is d f(u)/du as any SymPy expression in the argument
    ``u`` and the value ``f`` (other functions' classes applied to ``u`` allowed);
    ``form(u)`` writes f(u) with exp, log, erf, abs and arithmetic only (None
    for those primitives); ``reflect(f, v)`` is f(−v) given f = f(v);
    ``numpy`` is source text over ``np`` (and ``_erf``) with ``{u}`` for the argument;
    ``piecewise(u, positive)`` gives a piecewise function's branch on each side of 0
    (its ``derivative`` then holds almost everywhere: everywhere but at u = 0).
    """

    name: str
    cls: type
    spellings: tuple[str, ...]
    latex: str
    derivative: Derivative | None
    form: Callable[[sympy.Expr], sympy.Expr] | None
    mpmath: Callable
    numpy: str
    image: sympy.Interval = sympy.Interval(-sympy.oo, sympy.oo)
    domain: sympy.Interval = sympy.Interval(-sympy.oo, sympy.oo)
    reflect: Callable[[sympy.Expr, sympy.Expr], sympy.Expr] | None = None
    at_zero: sympy.Expr | None = None
    printed: Literal["call", "power", "bars", "indicator"] = "call"
    swap_with: str | None = None  # the nearby activation the diagnosis tries instead
    # a piecewise function (ReLU, the step, |u|): ``piecewise(u, positive)`` is its branch
    # where u > 0 (positive) or u < 0, in u and rows' classes; checked region by region
    piecewise: Callable[[sympy.Expr, bool], sympy.Expr] | None = None
    derivative_uses_functions: bool = field(init=False, default=False)

    def __post_init__(self):
        if self.derivative is not None:
            f, u = sympy.symbols("f u", real=True)
            object.__setattr__(self, "derivative_uses_functions", self.derivative(f, u).has(Opaque))

    def to_latex(self, inner: str, power=None) -> str:
        if self.printed == "power":
            text = f"e^{{{inner}}}"
            return rf"\left({text}\right)^{{{power}}}" if power else text
        if self.printed == "bars":
            text = rf"\left|{inner}\right|"
            return f"{text}^{{{power}}}" if power else text
        if self.printed == "indicator":  # \mathbb{1}[u > 0]
            text = rf"{self.latex}\left[{inner} > 0\right]"
            return f"{text}^{{{power}}}" if power else text
        head = rf"{self.latex}^{{{power}}}" if power else self.latex
        return rf"{head}\left({inner}\right)"

    @property
    def positive(self) -> bool:
        """Every value is > 0."""
        return bool(self.image.inf > 0 or (self.image.inf == 0 and self.image.left_open))

    @property
    def nonnegative(self) -> bool:
        return bool(self.image.inf >= 0)

    def defined_at(self, x) -> bool:
        """Whether the real number ``x`` (an mpmath value) lies in the domain."""
        lo, hi = self.domain.inf, self.domain.sup
        if lo.is_finite and (x < float(lo) or (x == float(lo) and self.domain.left_open)):
            return False
        if hi.is_finite and (x > float(hi) or (x == float(hi) and self.domain.right_open)):
            return False
        return True

    def evaluate(self, x):
        """The real value at an mpmath number (the caller checks the domain)."""
        return self.mpmath(x)
