"""How the resolver reads a function applied to an argument.

A call is a function of the table (``\\tanh(z)``), a prime on one (``\\sigma'(z)``), a
piecewise function (``\\max(0, z)``, ``|z|``), an arbitrary function the block uses
(``h(a_j)``, ``h'(a_j)``), the model's own quantity written as a function of its leaves
(``J(\\theta)``, ``f'(x)``), or an unknown function: an error that names it.
"""

from __future__ import annotations

import sympy

from ..errors import ModelError
from ..latex.notation import NON_DIFFERENTIABLE, native_function_name
from ..latex.primes import BARE, GENERIC, primed_function
from .function_table import AbsValue, Relu, Sign, Step
from .functions import FUNCTIONS, UNSUPPORTED_HINTS, function_written
from .generic_functions import LETTERS as GENERIC_LETTERS
from .generic_functions import MAX_ORDER, generic_row
from .mentions import Grad, split_symbol


class CallReader:
    """The part of :class:`~symbolic.model.index_notation.Resolver` that reads calls; it uses
    the resolver's ``network``, ``mode``, ``span`` and ``_convert``."""

    def _primed(self, primed: tuple[str, int], e) -> sympy.Expr:
        """``\\sigma'(z)``: the row's derivative of that order, at the argument."""
        spelling, order = primed
        if spelling.startswith(GENERIC):
            return self._primed_quantity(spelling.lstrip(GENERIC), order, e, spelling.startswith(BARE))
        row = function_written(native_function_name(spelling)) or function_written(spelling.lstrip("\\"))
        if row is None or row.derivative is None:
            raise ModelError(f"{spelling}' is the derivative of a function gradproof does not know",
                             self.span, "write the derivative out, e.g. \\sigma(z)(1 - \\sigma(z))")
        if len(e.args) != 1:
            raise ModelError(f"{spelling}' takes one argument", self.span)
        u = sympy.Dummy("u", real=True)
        derivative = row.cls(u)
        for _ in range(order):
            derivative = derivative.diff(u)
        return derivative.xreplace({u: self._convert(e.args[0])})

    def _primed_quantity(self, letter: str, order: int, e, bare: bool = False) -> sympy.Expr:
        """``f'(x)``: the derivative of the model's scalar f by x, where x is the one leaf f
        depends on (``u'``, ``bare``: by that leaf); anything else is a function gradproof does
        not know."""
        if letter in self.network.generic_functions and not bare and len(e.args) == 1:
            if order > MAX_ORDER:
                raise ModelError(f"{letter}{chr(39) * order}: derivatives of an arbitrary function are "
                                 f"read up to order {MAX_ORDER}", self.span)
            return generic_row(letter, order).cls(self._convert(e.args[0]))
        quantity = self.network.tensors.get(letter)
        reach = self.network.dependencies().get(quantity, ()) if quantity is not None else ()
        leaves = [t for t in reach if t in self.network.leaves]
        wanted = leaves[0].base if len(leaves) == 1 and not leaves[0].ranges else None
        argument = wanted if bare else self._convert(e.args[0]) if len(e.args) == 1 else None
        if quantity is None or quantity.ranges or wanted is None or argument != wanted:
            raise ModelError(f"{letter}' is the derivative of a function gradproof does not know",
                             self.span, f"use {letter} in the block, as an arbitrary activation "
                             f"(z_j = {letter}(a_j)) or as a quantity of one leaf ({letter} = "
                             f"\\log(1 + e^{{x}}), read as {letter}'(x)); the functions of the table "
                             "are read with a prime (\\sigma'(z), \\tanh'(z))")
        if order != 1:
            raise ModelError(f"{letter}{chr(39) * order} (a derivative of order {order}) is not read yet",
                             self.span, f"write {letter}' and differentiate it as a claim")
        return Grad(quantity.base, argument)

    def _piecewise(self, e):
        """max, min, |u| and the step in ReLU terms: ``\\max(0, z) = ReLU(z)``,
        ``\\max(a, b) = b + ReLU(a - b)``, ``\\min(a, b) = a - ReLU(a - b)``; each exact."""
        args = [self._convert(a) for a in e.args]
        if isinstance(e, sympy.Abs):
            return AbsValue(args[0])
        if isinstance(e, sympy.Heaviside):
            return Step(args[0])
        if isinstance(e, sympy.sign):
            return Sign(args[0])
        if len(args) != 2:
            raise ModelError(f"{type(e).__name__.lower()} of {len(args)} arguments is not read yet",
                             self.span, "write max(a, b) of two arguments, nested if need be")
        a, b = args
        if isinstance(e, sympy.Max):
            return Relu(b) if a == 0 else Relu(a) if b == 0 else b + Relu(a - b)
        return -Relu(-b) if a == 0 else -Relu(-a) if b == 0 else a - Relu(a - b)

    def _function(self, e):
        name = getattr(e.func, "__name__", None) or str(e.func)
        primed = primed_function(name)
        if primed is not None:
            return self._primed(primed, e)
        label = NON_DIFFERENTIABLE.get(name.lower())
        if label is not None:
            raise ModelError(f"{label} is not differentiable everywhere", self.span,
                             "gradproof checks smooth models: use tanh, sigmoid, exp, log or softmax")
        row = function_written(name)
        if row is None and (quantity := self._quantity_call(e, name)) is not None:
            return quantity
        if row is None and self._generic(name):
            row = generic_row(name)
        if row is None:
            known = ", ".join(r.spellings[0] for r in FUNCTIONS.values() if r.spellings)
            hint = UNSUPPORTED_HINTS.get(name.lstrip("\\"), f"supported: {known}")
            if name in self.network.tensors:
                hint = (f"{name}(…) is read as the model's {name} only when its arguments are names "
                        f"{name} depends on, such as {name}(" + ", ".join(sorted(
                            t.latex for t in self.network.dependencies().get(self.network.tensors[name], ())
                            if t in self.network.leaves)[:3]) + ")")
            raise ModelError(f"unknown function {name.lstrip(chr(92))}", self.span, hint)
        args = [self._convert(a) for a in e.args]
        if len(args) != 1:
            raise ModelError(f"{name} takes one argument", self.span)
        return row.cls(args[0])

    def _generic(self, name: str) -> bool:
        """Whether ``name(…)`` is an arbitrary function: f, g or h called in a define line
        without being defined (the block checks that it is no value anywhere else)."""
        if name not in GENERIC_LETTERS or name in {t.name for t in self.network.tensors.values()}:
            return False
        if self.mode == "define":
            self.network.generic_functions.add(name)
        return name in self.network.generic_functions

    def _quantity_call(self, e, name: str):
        """``J(\\theta)``, ``L(w, b)``: the model's scalar written with names it depends on is that
        scalar; anything else is not (None)."""
        scalar = self.network.tensors.get(name)
        reach = self.network.dependencies().get(scalar) if scalar is not None and not scalar.ranges else None
        if not reach or not all(isinstance(a, sympy.Symbol) and split_symbol(a.name).name in
                                {t.name for t in reach} for a in e.args):
            return None
        return scalar.base
