"""Sums over part of a range: ``\\sum_{m=\\max(0, i-K+1)}^{\\min(i, M-1)}``, ``\\sum_{m=i}^{T}``.

A sum whose written bounds are not the whole range of its index is the sum over the whole
range times the indicator of the bounds, ``[lower ≤ m ≤ upper]`` (an :class:`InRange` factor
that becomes 1 or 0 once the sizes and the other indices have values). The bounds are
index arithmetic: whole multiples of index letters and sizes, and ``\\max``/``\\min`` of such.

This reading is exact only when the bounds never leave the index's range (then the terms
the indicator drops are exactly those the written sum does not have). So the bounds must
provably stay inside it, for every size and every value of the other indices: ``\\max(0, …)``
is at least the first entry, ``\\min(i, …)`` with ``i`` in the same range at most the last.
Bounds that might leave it are an error at the claim, never a silently clipped sum.
"""

from __future__ import annotations

import sympy

from ..errors import NotationError, Span
from ..latex.notation import WHOLE_RANGE
from .offsets import base_sizes, size_expr, span_of
from .tensors import Network


class InRange(sympy.Function):
    """``[lower ≤ value ≤ upper]`` of 0-based whole numbers: 1 or 0 once all three are numbers."""

    nargs = 3

    @classmethod
    def eval(cls, value, lower, upper):
        if all(isinstance(a, sympy.Integer) for a in (value, lower, upper)):
            return sympy.Integer(int(bool(lower <= value) and bool(value <= upper)))
        return None

    def at(self, env: dict, sizes: dict) -> sympy.Integer:
        """The indicator's value at these index values (symbol -> value) and sizes.

        Raises:
            NotationError: a bound that does not become a whole number.
        """
        value = self.xreplace(env).xreplace(sizes)
        if not isinstance(value, sympy.Integer):
            raise NotationError(f"the bounds {self.args[1]}, {self.args[2]} of a sum are not whole "
                                "numbers at these sizes")
        return value

    def _latex(self, printer, exp=None):
        value, lower, upper = (printer._print(a) for a in self.args)
        return rf"[{lower} \le {value} \le {upper}]"


def bounded_range(token: str, symbol: sympy.Symbol, lower, upper, network: Network,
                  letter_symbol, span: Span | None) -> sympy.Expr | None:
    """The indicator ``[lower ≤ token ≤ upper]`` of a sum's written bounds, 0-based; None when
    the bounds hold neither an index letter nor ``\\max``/``\\min`` (a plain partial sum such
    as ``\\sum_{k=2}^{K}``, left to the caller's error).

    Raises:
        NotationError: bounds that are not index arithmetic, or that can leave the range.
    """
    letters = set(network.index_ranges)
    written = [b for b in (lower, upper) if isinstance(b, sympy.Basic)]
    named = {s.name for b in written for s in b.free_symbols}
    if len(written) < 2 or not (named & letters or any(b.has(sympy.Max, sympy.Min) for b in written)):
        return None
    if WHOLE_RANGE in named:  # \sum_{m=i}: where does it stop?
        raise NotationError(f"the sum over {token} from {lower} has no upper bound", span,
                            f"write both bounds, e.g. \\sum_{{{token}={lower}}}^{{…}}")
    if token.rstrip("'") in named or token in named:
        raise NotationError(f"a bound of the sum over {token} names {token} itself", span,
                            "bound the sum with other index letters and sizes")
    origin = network.origin
    low, high = (_zero_based(b, network, letter_symbol, span) - origin for b in (lower, upper))
    top = size_expr(network.index_ranges[token.rstrip("'")]) - 1
    if not (_at_least(low, 0, network) and _at_most(high, top, network)):
        last = size_expr(network.index_ranges[token.rstrip("'")]) + origin - 1  # L - W + 1 - 1 is L - W
        raise NotationError(f"the sum over {token} runs from {lower} to {upper}, which can leave "
                            f"the range of {token} ({origin}..{last})", span,
                            f"declare {token} over a range its bounds stay in (indices: "
                            f"{{{token}: …}}), or bound the sum with \\max({origin}, …) and "
                            f"\\min(…, {last})")
    return InRange(symbol, low, high)


def _zero_based(bound, network: Network, letter_symbol, span: Span | None) -> sympy.Expr:
    """A written bound with index letters as their written values and sizes as size symbols."""
    for node in sympy.preorder_traversal(bound):
        if not isinstance(node, (sympy.Integer, sympy.Symbol, sympy.Add, sympy.Mul, sympy.Max,
                                 sympy.Min)):
            raise NotationError(f"the bound {bound} of a sum is not index arithmetic", span,
                                "bound a sum with index letters, sizes, whole numbers, "
                                "\\max and \\min: \\sum_{m=\\max(0, i-K+1)}^{\\min(i, M-1)}")
    subs = {}
    for s in bound.free_symbols:
        if s.name in network.index_ranges:
            subs[s] = letter_symbol(s.name) + network.origin
        elif s.name in base_sizes(network.index_ranges.values()):  # also I in I - M + 1
            subs[s] = size_expr(s.name)
        else:
            raise NotationError(f"the bound {bound} of a sum names {s.name}, which is neither an "
                                "index letter nor a size of the block", span,
                                "bound a sum with index letters and the sizes under indices:")
    expr = bound.xreplace(subs)
    for term in sympy.Add.make_args(sympy.expand(expr.replace(lambda e: isinstance(e, (sympy.Max, sympy.Min)),
                                                              lambda e: sympy.Integer(0)))):
        factors = sympy.Mul.make_args(term)
        indices = [f for f in factors if isinstance(f, sympy.Symbol) and not f.is_positive]
        sizes = [f for f in factors if isinstance(f, sympy.Symbol) and f.is_positive]
        if len(indices) > 1 or (indices and sizes) or len(sizes) > 1 or \
                not all(isinstance(f, (sympy.Integer, sympy.Symbol)) for f in factors):
            raise NotationError(f"the bound {bound} of a sum is not index arithmetic", span,
                                "use whole multiples of index letters and sizes")
    return expr


def _at_least(expr: sympy.Expr, bound, network: Network) -> bool:
    """Whether ``expr`` ≥ ``bound`` for every size and index value (conservative)."""
    return _ordered(expr, bound, network, True)


def _at_most(expr: sympy.Expr, bound, network: Network) -> bool:
    """Whether ``expr`` ≤ ``bound`` for every size and index value (conservative)."""
    return _ordered(expr, bound, network, False)


def _ordered(expr: sympy.Expr, bound, network: Network, above: bool) -> bool:
    """``expr`` ≥ ``bound`` (``above``) or ≤ it: a max above a bound needs one argument above
    it and a min all of them (the other way round below); otherwise the least value of the gap."""
    expr, bound = _moved(expr, bound)
    one, every = (sympy.Max, sympy.Min) if above else (sympy.Min, sympy.Max)
    if isinstance(expr, one):
        return any(_ordered(a, bound, network, above) for a in expr.args)
    if isinstance(expr, every):
        return all(_ordered(a, bound, network, above) for a in expr.args)
    if expr.has(sympy.Max, sympy.Min):
        return False
    low, _high = _span(expr - bound if above else bound - expr, network)
    return low is not None and sympy.simplify(low).is_nonnegative is True


def _moved(expr: sympy.Expr, bound):
    """``max(…) - 1`` against ``b`` as ``max(…)`` against ``b + 1``: the one max or min alone."""
    if isinstance(expr, sympy.Add):
        extreme = [a for a in expr.args if isinstance(a, (sympy.Max, sympy.Min))]
        if len(extreme) == 1 and not (expr - extreme[0]).has(sympy.Max, sympy.Min):
            return extreme[0], bound - (expr - extreme[0])
    return expr, bound


def _span(expr: sympy.Expr, network: Network):
    """The least and greatest value of an affine index expression; (None, None) if not affine."""
    expr = sympy.expand(expr)
    letters = [s for s in expr.free_symbols if not s.is_positive]
    if not all(isinstance(expr.coeff(s), sympy.Integer) for s in letters) or \
            any(str(s).rstrip("'") not in network.index_ranges for s in letters):
        return None, None
    return span_of(expr, network)
