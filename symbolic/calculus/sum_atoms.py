"""Sums as values: the all-sizes proof for steps where a sum or a size is a number.

A mean ``μ = (1/D) Σ_i x_i`` or a variance ``σ² = (1/D) Σ_i (x_i - μ)²`` puts a size and
whole sums inside denominators and square roots, where the normal form of
:mod:`symbolic.calculus.generic` cannot line the two sides up: ``Σ_i (x_i - μ)`` is
zero only once μ is written out, and ``Σ_i 1`` only cancels against ``1/D`` as the
number D.

How it works: every definition is written out down to the leaves or to the argument of
an elementary function (the model's definitions, then the claim's), so μ becomes
``Σ_i x_i / D`` everywhere, inside square roots too. Products are distributed inside
sums, Kronecker deltas collapse their sums, factors that do not change with a sum's
index leave it, and a sum of a constant becomes the constant times its number of terms
(``Σ_{i=0}^{D-1} c = D c``, with D ≥ 1). What remains is a rational function of:

* the sizes and the leaf entries with free indices;
* *sum atoms*: one symbol per sum, its bound indices named canonically, so
  ``Σ_j x_j`` and ``Σ_k x_k`` are one atom;
* *root atoms*: ``A^{1/q}`` for each base A in canonical rational form, with
  ``A^{p/q} = A^{⌊p/q⌋} (A^{1/q})^{p mod q}``;
* *function atoms*: one symbol per elementary function of a canonical argument.

Every rewrite is an identity for every size; and a rational function that is zero
with its atoms taken as independent variables is zero at whatever values the atoms
really have. So a zero difference proves the step for every size (where both sides
are defined). A nonzero one proves nothing: the atoms are not independent.
"""

from __future__ import annotations

import itertools

import sympy

from ..engine.exact import expansion_bound
from ..errors import check_time
from ..model.functions import Opaque
from ..model.index_notation import Grad
from ..model.tensors import Network, Tensor
from ..settings import MAX_TERMS
from .index_algebra import apply_sum_to_one, canonical_bound, collapse, pull_constants


class NotWrittenOut(Exception):
    """A side holds something this proof does not write out (a derivative, a huge expansion)."""


def _fresh_bound(expr, counter):
    """Rename the bound indices of every sum in ``expr`` to new names, so that substituting
    the definition's free indices can never capture one of them."""
    def visit(e):
        if isinstance(e, sympy.Sum):
            mapping = {var: sympy.Symbol(f"_w{next(counter)}", integer=True) for var, _lo, _hi in e.limits}
            limits = [(mapping[var], lo, hi) for var, lo, hi in e.limits]
            return sympy.Sum(visit(e.function.xreplace(mapping)), *limits)
        if isinstance(e, (sympy.Add, sympy.Mul, sympy.Pow, Opaque)):
            return e.func(*[visit(a) for a in e.args])
        if isinstance(e, (sympy.Indexed, sympy.Symbol, sympy.Number, sympy.NumberSymbol,
                          sympy.KroneckerDelta)):
            return e
        raise NotWrittenOut(f"a {type(e).__name__} the proof does not write out")

    return visit(expr)


def written_out(network: Network, expr):
    """``expr`` with every defined tensor replaced by its definition, down to the leaves or to
    a function's argument, which stays in the names it is written in (``a_j = σ(z_j)`` becomes
    ``σ(z_j)``, not σ of z's definition): a deep network is written out one layer at a time, so
    both sides meet at the same calls, and the work grows with the depth, not exponentially.

    Raises:
        NotWrittenOut: an underived derivative remains (its meaning depends on the names).
    """
    definitions = network.defined()
    counter = itertools.count()

    def tensor_of(e) -> Tensor | None:
        if isinstance(e, sympy.Indexed):
            return network.tensors.get(e.base.label.name)
        if isinstance(e, sympy.Symbol):
            return network.tensors.get(e.name)
        return None

    def visit(e, depth=0):
        if isinstance(e, Grad):
            raise NotWrittenOut("a derivative the index algebra did not derive")
        tensor = tensor_of(e)
        if tensor is not None:
            definition = definitions.get(tensor)
            if definition is None:
                return e
            if depth > len(definitions):  # definitions are acyclic; this is only a guard
                raise NotWrittenOut("definitions that refer to themselves")
            body = _fresh_bound(definition.expr, counter)
            if isinstance(e, sympy.Indexed):
                body = body.xreplace(dict(zip(definition.indices, e.indices)))
            return visit(body, depth + 1)
        if isinstance(e, Opaque):  # a function's argument stays as written: see the docstring
            return e
        if isinstance(e, sympy.Sum):
            return sympy.Sum(visit(e.function, depth), *e.limits)
        if isinstance(e, (sympy.Add, sympy.Mul, sympy.Pow)):
            return e.func(*[visit(a, depth) for a in e.args])
        if isinstance(e, (sympy.Indexed, sympy.Symbol, sympy.Number, sympy.NumberSymbol,
                          sympy.KroneckerDelta)):
            return e
        raise NotWrittenOut(f"a {type(e).__name__} the proof does not write out")

    return visit(expr)


def _count_terms(expr):
    """Σ_{i=lo}^{hi} c → (hi - lo + 1) c for a summand c without i."""
    if isinstance(expr, sympy.Sum):
        body = _count_terms(expr.function)
        kept = []
        for var, lo, hi in expr.limits:
            count = hi - lo + 1
            # a count known to be ≥ 0 (sizes are positive); any other range stays a sum (an atom)
            if body.has(var) or count.is_nonnegative is not True:
                kept.append((var, lo, hi))
            else:
                body = body * count
        return sympy.Sum(body, *kept) if kept else body
    if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow)):
        return expr.func(*[_count_terms(a) for a in expr.args])
    return expr


def _distribute(expr):
    """Σ_k (a + b) c → Σ_k a c + Σ_k b c inside every sum; nothing outside sums is multiplied
    out (the rational function of the atoms is brought together once, at the end)."""
    if isinstance(expr, sympy.Sum):
        body = _distribute(expr.function)
        if expansion_bound(body) > MAX_TERMS.value:
            raise NotWrittenOut("too many terms to expand")
        return sympy.Add(*[sympy.Sum(t, *expr.limits) for t in sympy.Add.make_args(sympy.expand(body))])
    if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow)):
        return expr.func(*[_distribute(a) for a in expr.args])
    return expr


def _sum_form(expr, network: Network, targets: list[Tensor]):
    """Sums distributed, deltas collapsed, constants pulled out and constant sums counted,
    repeated until nothing changes."""
    for _ in range(6):
        check_time()
        new = collapse(_distribute(expr))
        for tensor in targets:
            new = apply_sum_to_one(new, tensor, network)
        new = _count_terms(pull_constants(_distribute(new)))
        if new == expr:
            break
        expr = new
    return expr


class _Atoms:
    """The atoms of one comparison: the same sum, root or function gets the same symbol."""

    def __init__(self, form):
        self.form = form  # the sum form, for the arguments of functions
        self.symbols: dict = {}
        self.roots: dict[sympy.Symbol, tuple[sympy.Expr, int]] = {}

    def _symbol(self, key, prefix: str) -> sympy.Symbol:
        found = self.symbols.get(key)
        if found is None:
            found = self.symbols[key] = sympy.Dummy(f"{prefix}{len(self.symbols)}")
        return found

    def rational(self, expr):
        """``expr`` as a rational function of atoms."""
        if isinstance(expr, sympy.Sum):
            return self._symbol(("sum", canonical_bound(expr)), "S")
        if isinstance(expr, Opaque):
            argument = canonical(self.rational(self.form(expr.args[0])))
            return self._symbol(("call", expr.func, argument), "F")
        if isinstance(expr, sympy.Pow):
            base, exponent = self.rational(expr.base), expr.exp
            if exponent.is_Integer:
                return base ** exponent
            if not exponent.is_Rational or exponent.free_symbols:
                raise NotWrittenOut("a power that is not rational")
            base = canonical(base)
            p, q = int(exponent.p), int(exponent.q)
            root = self._symbol(("root", base, q), "R")
            self.roots[root] = (base, q)
            return base ** (p // q) * root ** (p % q)
        if isinstance(expr, (sympy.Add, sympy.Mul)):
            return expr.func(*[self.rational(a) for a in expr.args])
        if isinstance(expr, sympy.Float):  # rounded: a zero difference would prove nothing
            raise NotWrittenOut("a floating-point number")
        if isinstance(expr, (sympy.Indexed, sympy.Symbol, sympy.Rational, sympy.NumberSymbol,
                             sympy.KroneckerDelta)):
            return expr
        raise NotWrittenOut(f"a {type(expr).__name__} the proof does not take apart")

    def reduce_roots(self, numerator):
        """Lower every root atom's power below its order: (A^{1/q})^q = A."""
        def lower(e):
            if isinstance(e, sympy.Pow) and e.base in self.roots and e.exp.is_Integer:
                base, q = self.roots[e.base]
                n = int(e.exp)
                if n >= q:
                    return base ** (n // q) * e.base ** (n % q)
            return e

        return numerator.replace(lambda e: isinstance(e, sympy.Pow) and e.base in self.roots, lower)


def canonical(expr):
    """A rational expression as one expanded quotient, so equal values compare equal."""
    return sympy.cancel(sympy.together(expr))


def zero_difference(network: Network, left, right, targets: list[Tensor]) -> bool:
    """True when ``left - right`` (derivatives already derived) is zero as a rational function
    of sizes, leaf entries and sum, root and function atoms: then it holds for every size."""
    try:
        def form(expr):
            return _sum_form(expr, network, targets)

        atoms = _Atoms(form)
        difference = (atoms.rational(form(written_out(network, left)))
                      - atoms.rational(form(written_out(network, right))))
        if expansion_bound(difference) > MAX_TERMS.value:
            return False
        check_time()
        numerator = sympy.expand(sympy.fraction(sympy.together(difference))[0])
        for _ in range(3):  # a lowered root can multiply another root: lower again
            if numerator == 0 or not atoms.roots:
                break
            check_time()
            numerator = sympy.expand(sympy.fraction(sympy.together(atoms.reduce_roots(numerator)))[0])
        return numerator == 0
    except NotWrittenOut:
        return False
