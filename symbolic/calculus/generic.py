"""Index-generic proof: a step that holds for every size, not only the checked ones.

Both sides are brought to one normal form in index notation, with the sizes
left symbolic: claim-defined names are inlined, every derivative is replaced
by its index-notation derivation (:mod:`symbolic.derive`), definitions are
written by their names, products are distributed inside sums, Kronecker
deltas collapse their sums, Σ t = 1 is applied under its assumption, and
bound indices get canonical names term by term. If the difference of the two
normal forms is zero, every rewrite used being an identity for all sizes,
the step is *proved*. When the forms differ, :mod:`symbolic.calculus.sum_atoms` writes
both sides out with sums and sizes as values (a mean, a variance under a square root) and
compares them as rational functions. Anything else leaves the concrete verdict as it is.
"""

from __future__ import annotations

import dataclasses

import sympy

from ..engine.exact import expansion_bound
from ..errors import NotationError, check_time
from ..model.context import Context
from ..model.index_notation import Grad, free_indices
from ..model.bounded_sums import InRange
from ..model.offsets import has_offsets, offset_entries
from ..model.tensors import Definition, Tensor
from ..settings import MAX_TERMS
from .derive import Deriver, entry
from .index_algebra import apply_sum_to_one, canonical_bound, collapse, expand_sums, pull_constants
from .sum_atoms import zero_difference


def _inline_claim_names(context: Context, expr):
    """Replace names defined by claims (δ_k = o_k - t_k) by what they stand for."""
    claim_defined = {d.tensor: d for d in context.claim_definitions}
    for _ in range(len(claim_defined) + 1):
        def visit(e):
            if isinstance(e, sympy.Indexed):
                tensor = context.network.tensors.get(e.base.label.name)
                d = claim_defined.get(tensor)
                if d is not None:
                    return d.expr.xreplace(dict(zip(d.indices, e.indices)))
                return e
            if isinstance(e, sympy.Symbol) and e.name in context.network.tensors:
                d = claim_defined.get(context.network.tensors[e.name])
                return d.expr if d is not None else e
            if e.args:
                return e.func(*[visit(a) for a in e.args])
            return e

        new = visit(expr)
        if new == expr:
            return expr
        expr = new
    return expr


def _derivatives(deriver: Deriver, expr):
    """Replace every ∂X/∂Y by its derivation in index notation."""
    if isinstance(expr, Grad):
        of, wrt = expr.args
        wrt_tensor, wrt_idx = entry(deriver.network, wrt)
        if isinstance(of, sympy.Indexed) or (isinstance(of, sympy.Symbol)
                                             and of.name in deriver.network.tensors):
            of_tensor, of_idx = entry(deriver.network, of)
            return deriver.gradient(of_tensor, of_idx, wrt_tensor, wrt_idx)
        # the derivative of an explicit expression: name it, then derive as usual
        network = deriver.network
        idx = tuple(sorted(free_indices(of), key=str))
        named = Tensor("expression", tuple(network.index_ranges[str(i).rstrip("'")] for i in idx))
        extended = dataclasses.replace(
            # first in the list, so that naming never rewrites the model into it
            network, definitions=(Definition(named, idx, of), *network.definitions),
            tensors={**network.tensors, named.key: named})
        local = Deriver(extended, deriver.assumptions, simplify=False)
        return local.gradient(named, idx, wrt_tensor, wrt_idx)
    if isinstance(expr, sympy.Basic) and expr.args and not isinstance(expr, sympy.Indexed):
        return expr.func(*[_derivatives(deriver, a) for a in expr.args])
    return expr


def _deriver(context: Context) -> Deriver:
    """One deriver per context, kept on it, so repeated derivatives are derived once and freed
    with the context (a context never changes: a claim's definition makes a new one)."""
    cached = context.__dict__.get("_generic_deriver")
    if cached is None:
        cached = context.__dict__["_generic_deriver"] = Deriver(
            context.network, context.assumptions, simplify=False)
    return cached


def _derived(context: Context, expr):
    """``expr`` with claim-defined names inlined and every derivative derived."""
    expr = _inline_claim_names(context, expr)
    expr = _derivatives(_deriver(context), expr)
    return _inline_claim_names(context, expr)


def normal_form(context: Context, expr, targets: list[Tensor]):
    """A sum of monomials with collapsed deltas and canonically named bound indices; None if
    expanding it would produce more than ``settings.MAX_TERMS`` terms."""
    return _normal_form(context, _derived(context, expr), targets)


def _normal_form(context: Context, expr, targets: list[Tensor]):
    expr = _deriver(context).named(expr)
    if expansion_bound(expr) > MAX_TERMS.value:  # expanding would not fit in memory
        return None
    check_time()
    expr = collapse(expand_sums(sympy.expand(expr)))
    for tensor in targets:
        expr = apply_sum_to_one(expr, tensor, context.network)
    terms = sympy.Add.make_args(sympy.expand(pull_constants(expand_sums(expr))))
    return sympy.Add(*[canonical_bound(t) for t in terms])


def proved(context: Context, lhs, rhs, condition=None) -> bool:
    """True when ``lhs = rhs`` holds for every size by the index-generic normal form."""
    if has_offsets(context.network) or offset_entries(lhs) or offset_entries(rhs) \
            or any(e.has(InRange) for e in (lhs, rhs, *(d.expr for d in context.network.definitions))):
        return False  # index arithmetic (x_{i+m}, h_{t-1}), bounded sums: ranges it does not track
    targets = [a.tensor for a in context.assumptions]
    for a, b, equal in (condition.pairs if condition is not None else ()):
        if equal:  # i = j: one index for both
            lhs, rhs = lhs.xreplace({a: b}), rhs.xreplace({a: b})
        else:  # i ≠ j: their delta vanishes
            zero = {sympy.KroneckerDelta(a, b): 0, sympy.KroneckerDelta(b, a): 0}
            lhs, rhs = lhs.xreplace(zero), rhs.xreplace(zero)
    try:
        lhs, rhs = _derived(context, lhs), _derived(context, rhs)
        left = _normal_form(context, lhs, targets)
        right = _normal_form(context, rhs, targets)
        if left is not None and right is not None and sympy.expand(left - right) == 0:
            return True
    except NotationError:  # a form the index algebra does not derive is simply not proved
        return False
    # the forms differ, or are too large: sums and sizes as values may still line them up
    return zero_difference(context.network, lhs, rhs, targets)
