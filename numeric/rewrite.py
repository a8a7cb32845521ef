"""SymPy-level rewrites that :mod:`numeric.codegen` applies before emitting numpy.

Pure SymPy, no numpy: recognising a softmax, collapsing a Kronecker delta under
its own sum, (1 + u)(1 − u) → 1 − u², and the factors a formula is linear in.
"""

from __future__ import annotations

import sympy


class BatchMean(sympy.Function):
    """Marks the factor that carries the 1/B of a batch mean (see ``shared_linear_factor``)."""

    nargs = 1


def linear_factors(expr) -> list:
    """``expr`` and the subexpressions it is linear in through products and sums."""
    found = [expr]
    if isinstance(expr, sympy.Mul):
        for factor in expr.args:
            if not factor.is_Number:
                found += linear_factors(factor)
    elif isinstance(expr, sympy.Sum):
        found += linear_factors(expr.function)
    return found


def occurrences(expr, part) -> int:
    return sum(1 for node in sympy.preorder_traversal(expr) if node == part)


def softmax_parts(factors, range_of):
    """Find ``e^u`` and ``(Σ_{k'} e^{u'})^{-1}`` among ``factors`` with u' = u at k'.

    Returns (u, the softmax axis label, the remaining factors) or None.
    """
    factors = list(factors)
    for p, denominator in enumerate(factors):
        if not (isinstance(denominator, sympy.Pow) and denominator.exp == -1
                and isinstance(denominator.base, sympy.Sum)):
            continue
        body, limits = flatten_sum(denominator.base)
        if len(limits) != 1 or function_name(body) != "exp":
            continue
        dummy = limits[0][0]
        for q, numerator in enumerate(factors):
            if q == p or function_name(numerator) != "exp":
                continue
            exponent = numerator.args[0]
            for label in exponent.free_symbols:
                if (isinstance(label, sympy.Symbol) and label.is_integer and not label.is_positive
                        and range_of(label) == range_of(dummy)
                        and body.args[0].xreplace({dummy: label}) == exponent):
                    rest = [f for n, f in enumerate(factors) if n not in (p, q)]
                    return exponent, label, rest
    return None


def difference_of_squares(factors: list) -> list:
    """(1 + u)(1 − u) → 1 − u²: one array operation fewer (the tanh derivative)."""
    for p, first in enumerate(factors):
        for q, second in enumerate(factors):
            if p < q and isinstance(first, sympy.Add) and isinstance(second, sympy.Add) and first + second == 2:
                rest = [f for n, f in enumerate(factors) if n not in (p, q)]
                return difference_of_squares(rest + [1 - (first - 1) ** 2])
    return factors


def collapse_deltas(factors: list, summed: set):
    """Under Σ_a, δ_{ab} f(a) = f(b): substitute instead of building an identity matrix."""
    changed = True
    while changed:
        changed = False
        for n, factor in enumerate(factors):
            if not isinstance(factor, sympy.KroneckerDelta):
                continue
            first, second = factor.args
            for gone, kept in ((first, second), (second, first)):
                if gone in summed and gone != kept and isinstance(kept, sympy.Symbol):
                    rest = factors[:n] + factors[n + 1:]
                    if any(kept in bound_indices(f) for f in rest):
                        continue
                    factors = [f.xreplace({gone: kept}) for f in rest]
                    summed = summed - {gone}
                    changed = True
                    break
            if changed:
                break
    return factors, summed


def factor_out_of_sums(factors: list) -> list:
    """f · Σ_k (g_k · u) → f · u · Σ_k g_k: factors that a sum's index does not reach leave it.

    The contraction planner then sees them beside the sum: under the batch sum,
    Σ_k δ_k W_{kj} x_i becomes ((δ W) ⊙ …)ᵀ x, a matrix product, instead of a
    batch × J × I outer product summed afterwards; and Σ_k δ_k W_{kj} is the same
    text, so computed once, in every formula that uses it.
    """
    flat = []
    pending = list(factors)
    while pending:
        factor = pending.pop(0)
        if not isinstance(factor, sympy.Sum):
            flat.append(factor)
            continue
        body, limits = flatten_sum(factor)
        bound = {symbol for symbol, _, _ in limits}
        parts = sympy.Mul.make_args(body)
        inner = [f for f in parts if f.free_symbols & bound]
        outer = [f for f in parts if not f.free_symbols & bound]
        if not outer or not inner:
            flat.append(factor)
            continue
        flat.append(sympy.Sum(sympy.Mul(*inner), *limits))
        pending = outer + pending
    return flat


def bound_indices(expr) -> set:
    return {limit[0] for s in expr.atoms(sympy.Sum) for limit in s.limits}


def flatten_sum(expr):
    limits = []
    while isinstance(expr, sympy.Sum):
        limits.extend(expr.limits)
        expr = expr.function
    return expr, limits


def rename_bound(expr):
    """``expr`` with every summation index replaced by a fresh dummy of the same name."""
    def rename(node):
        if isinstance(node, sympy.Sum):
            mapping = {limit[0]: sympy.Dummy(limit[0].name, integer=True) for limit in node.limits}
            body = rename(node.function).xreplace(mapping)
            limits = [(mapping[s], lo, hi) for s, lo, hi in node.limits]
            return sympy.Sum(body, *limits)
        if node.args:
            return node.func(*(rename(arg) for arg in node.args))
        return node
    return rename(expr)


def function_name(expr) -> str | None:
    if isinstance(expr, sympy.Function) and len(expr.args) == 1:
        return getattr(type(expr), "name", None) or type(expr).__name__.lower()
    return None
