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
from ..latex.window_max import window_kind, without_marker
from .function_table import AbsValue, Relu, Sign, Step
from .functions import FUNCTIONS, UNSUPPORTED_HINTS, function_written
from .generic_functions import LETTERS as GENERIC_LETTERS
from .generic_functions import MAX_ORDER, generic_row
from .mentions import Grad, split_symbol
from .pooling import argmax_mask, running_max, window_max


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
        if len(args) < 2:
            raise ModelError(f"{type(e).__name__.lower()} of one argument", self.span,
                             "write max(a, b, …) of two or more arguments, or \\max_{m} over an index")
        if len(args) > 2:  # max(a, b, c) = max(max(a, b), c): each comparison with the max so far
            if isinstance(e, sympy.Max):
                return running_max(args)
            return -running_max([-a for a in args])
        a, b = args
        if isinstance(e, sympy.Max):
            return Relu(b) if a == 0 else Relu(a) if b == 0 else b + Relu(a - b)
        return -Relu(-b) if a == 0 else -Relu(-a) if b == 0 else a - Relu(a - b)

    def _window(self, e: sympy.Sum):
        """``\\max_{m} body`` (and ``\\min_{m}``): a sum marked in its body by the LaTeX stage
        (:mod:`symbolic.latex.window_max`), its bounds checked as a sum's, read as the max over
        the whole range of its index (:class:`~symbolic.model.pooling.WindowMax`)."""
        kind = window_kind(e)
        if kind == "arg":
            raise ModelError("an arg max is read only compared with an index in an indicator", self.span,
                             r"write \mathbb{1}[k = \arg\max_{m} x_{2i+m}], or the mask \mathbb{1}[x_k = y_i]")
        if kind.startswith("ell"):
            e, kind = self._over_the_size(e), kind[3:]
        summed = self._sum(without_marker(e))
        body, limits = summed.function, list(summed.limits)
        if kind == "min":
            return -window_max(-body, limits)
        return window_max(body, limits)

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
        if row is not None and row.name == "iszero":
            if (delta := self._index_equality(e.args[0])) is not None:
                return delta
            if (mask := self._argmax_mask(e.args[0])) is not None:
                return mask
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

    def _index_equality(self, difference):
        """``\\mathbb{1}[k = i]`` between two index letters of the block: the Kronecker delta
        (read as iszero(k - i) by the LaTeX stage, which cannot tell indices from scalars)."""
        terms = sympy.Add.make_args(difference)
        letters = [split_symbol(t.name if t.is_Symbol else (-t).name).name for t in terms
                   if t.is_Symbol or (-t).is_Symbol]
        if len(terms) != 2 or len(letters) != 2 or \
                not all(letter.rstrip("'") in self.network.index_ranges and letter not in self.network.tensors
                        for letter in letters):
            return None
        return sympy.KroneckerDelta(*(self.index(str(t if t.is_Symbol else -t)) for t in terms))

    def _over_the_size(self, e: sympy.Sum) -> sympy.Sum:
        """``\\max(x_1, x_2, \\cdots, x_n)``, read as a max over the size n: over an index letter
        whose range is n, x_n written x_i."""
        size, = (str(v) for v, _, _ in e.limits)
        letters = [k for k, v in self.network.index_ranges.items() if v == size]
        if not letters:
            raise ModelError(f"the max up to {size}: no index ranges over {size}", self.span,
                             f"declare one, e.g. indices: {{i: {size}}}")
        index = sympy.Symbol(letters[0])
        entries = {s: sympy.Symbol(s.name.replace(f"_{{{size}}}", f"_{{{letters[0]}}}"))
                   for s in e.function.free_symbols if s.name.endswith(f"_{{{size}}}")}
        return sympy.Sum(e.function.xreplace(entries), *[(index, lo, hi) for _, lo, hi in e.limits])

    def _argmax_mask(self, difference):
        """``k - \\arg\\max_{m} f(m)`` inside iszero (an indicator ``\\mathbb{1}[k = \\arg\\max_m f(m)]``):
        the mask of the max (:func:`~symbolic.model.pooling.argmax_mask`), else None."""
        terms = sympy.Add.make_args(difference)
        letter = [t for t in terms if t.is_Symbol]
        window = [-t for t in terms if window_kind(-t) == "arg"]
        if len(terms) != 2 or len(letter) != 1 or len(window) != 1:
            return None
        return argmax_mask(self, letter[0].name, without_marker(window[0]))

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
