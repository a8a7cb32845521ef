"""Exact arithmetic on concrete values: zero tests and real-function evaluation.

Two questions are asked of the difference of a step's two sides, both over the
atoms of :mod:`symbolic.concrete`:

* Is it the zero rational function (atoms as independent symbols)? A random
  exact rational point filters out most non-identities cheaply; a common
  denominator and an expanded numerator then prove the identity. Zero here
  proves the step at these sizes, whatever the atoms' real values are.
* What are both sides when leaves get rational values and atoms are computed
  with the real functions (mpmath, 40 digits)? A clear difference there is a
  counterexample; nothing is ever refuted on a failed simplification alone.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import mpmath
import sympy

from ..errors import check_time
from ..model.functions import FUNCTIONS
from ..settings import (AGREEMENT_TOLERANCE, COUNTEREXAMPLE_DENOMINATOR,
                       COUNTEREXAMPLE_NUMERATORS, EVALUATION_DIGITS, MAX_TERMS)
from .concrete import Concrete

try:  # symengine expands large numerators ~100× faster; SymPy is the fallback
    import symengine as _symengine
except ImportError:  # pragma: no cover - exercised only without symengine
    _symengine = None


class Undefined(Exception):
    """The expression has no value at this point (division by zero, log of a negative)."""


def _fraction_value(expr, point: dict, draw, memo: dict) -> Fraction:
    cached = memo.get(expr)
    if cached is not None:
        return cached
    if isinstance(expr, sympy.Symbol):
        value = point.get(expr)
        if value is None:
            value = point[expr] = draw()
    elif isinstance(expr, sympy.Rational):
        value = Fraction(int(expr.p), int(expr.q))
    elif isinstance(expr, sympy.Add):
        value = sum((_fraction_value(a, point, draw, memo) for a in expr.args), Fraction(0))
    elif isinstance(expr, sympy.Mul):
        value = Fraction(1)
        for a in expr.args:
            value *= _fraction_value(a, point, draw, memo)
    elif isinstance(expr, sympy.Pow) and isinstance(expr.exp, sympy.Integer):
        base = _fraction_value(expr.base, point, draw, memo)
        if base == 0 and expr.exp < 0:
            raise Undefined("division by zero")
        value = base ** int(expr.exp)
    else:
        raise Undefined(f"not rational: {expr}")
    memo[expr] = value
    return value


def is_zero_function(expr: sympy.Expr, *, trials: int = 3) -> bool:
    """True iff ``expr`` is the zero rational function of its symbols (exact)."""
    rng = random.Random(7)
    tested = False
    for _ in range(trials):
        try:
            value = _fraction_value(expr, {}, lambda: Fraction(rng.randint(-97, 97), rng.randint(1, 61)), {})
        except Undefined:
            continue
        tested = True
        if value != 0:
            return False
        break
    if not tested and not expr.free_symbols:
        return sympy.nsimplify(expr) == 0
    return _expanded_numerator_is_zero(expr)


class TooLarge(Exception):
    """Expanding the numerator would produce more terms than :data:`settings.MAX_TERMS`."""


def _expanded_numerator_is_zero(expr: sympy.Expr) -> bool:
    """Exact: the numerator over a common denominator expands to zero.

    The expansion runs in C (symengine), where the time limit cannot interrupt it, so the
    size of what it would produce is bounded first (:func:`expansion_bound`).
    """
    check_time()
    if expansion_bound(expr) > MAX_TERMS.value:  # shared subterms (a recurrence unrolled) would
        raise TooLarge(MAX_TERMS.exceeded())  # be copied out before the bound below is reached
    if _symengine is not None:
        numerator, _ = _symengine.sympify(expr).as_numer_denom()
    else:
        numerator, _ = sympy.fraction(sympy.together(expr))
    if expansion_bound(numerator) > MAX_TERMS.value:
        raise TooLarge(MAX_TERMS.exceeded())
    if _symengine is not None:
        return _symengine.expand(numerator) == 0
    return sympy.expand(numerator) == 0


def real_value(expr, concrete: Concrete, leaves: dict, draw, memo: dict):
    """``expr`` with leaves from ``leaves`` (drawn when missing) and atoms evaluated for real."""
    cached = memo.get(expr)
    if cached is not None:
        return cached
    if isinstance(expr, sympy.Symbol):
        atom = concrete.atoms.get(expr)
        if atom is not None:
            arg = real_value(atom.argument, concrete, leaves, draw, memo)
            rule = FUNCTIONS[atom.function]
            if not rule.defined_at(arg):
                raise Undefined(f"{rule.name} outside its domain")
            value = rule.evaluate(arg)
        else:
            if expr not in leaves:
                leaves[expr] = draw()
            value = mpmath.mpf(leaves[expr].p) / leaves[expr].q
    elif isinstance(expr, sympy.Rational):
        value = mpmath.mpf(int(expr.p)) / int(expr.q)
    elif isinstance(expr, sympy.NumberSymbol):  # π in a derivative (erf, Φ, GELU)
        value = mpmath.mpf(expr.evalf(mpmath.mp.dps + 5)._mpf_)
    elif isinstance(expr, sympy.Add):
        value = mpmath.fsum(real_value(a, concrete, leaves, draw, memo) for a in expr.args)
    elif isinstance(expr, sympy.Mul):
        value = mpmath.mpf(1)
        for a in expr.args:
            value *= real_value(a, concrete, leaves, draw, memo)
    elif isinstance(expr, sympy.Pow):
        base = real_value(expr.base, concrete, leaves, draw, memo)
        exponent = real_value(expr.exp, concrete, leaves, draw, memo)
        if base == 0 and exponent < 0:
            raise Undefined("division by zero")
        if base < 0 and not float(exponent).is_integer():
            raise Undefined("a fractional power of a negative number")
        value = base ** exponent
    else:
        raise Undefined(f"cannot evaluate {expr}")
    memo[expr] = value
    return value


def leaf_draw(seed: int):
    """A reproducible generator of small rational leaf values."""
    rng = random.Random(seed)

    def draw() -> sympy.Rational:
        return sympy.Rational(rng.choice(COUNTEREXAMPLE_NUMERATORS), COUNTEREXAMPLE_DENOMINATOR)

    return draw


def differ(a, b) -> bool:
    """True when two real values differ beyond rounding at the working precision."""
    scale = max(mpmath.mpf(1), abs(a), abs(b))
    return abs(a - b) > AGREEMENT_TOLERANCE * scale


def working_precision():
    return mpmath.workdps(EVALUATION_DIGITS)


def expansion_bound(expr) -> int:
    """An upper bound of the number of terms ``expr`` (SymPy or symengine) expands to.

    Sums add, products multiply, a positive integer power n of t terms gives
    C(t + n - 1, n) monomials; anything else (a negative power, a function) is one term.
    """
    cap = MAX_TERMS.value + 1
    memo: dict = {}

    def size(e) -> int:
        found = memo.get(e)
        if found is not None:
            return found
        kind = type(e).__name__
        if kind == "Add":
            result = min(cap, sum(size(a) for a in e.args))
        elif kind == "Mul":
            result = min(cap, math.prod(size(a) for a in e.args))
        elif kind == "Pow":
            base, exponent = e.args
            result = 1
            if type(exponent).__name__ in ("Integer", "One") and int(exponent) > 1:
                terms = size(base)
                result = terms if terms <= 1 else min(cap, math.comb(terms + int(exponent) - 1,
                                                                      int(exponent)))
        else:
            result = 1
        memo[e] = result
        return result

    return size(expr)
