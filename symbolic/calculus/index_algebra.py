"""Algebra on index expressions: Kronecker deltas, sums and patterns.

Small, general rewrites used by :mod:`symbolic.derive`: collapsing a sum
against a delta, distributing and merging sums, applying Σ t = 1, renaming
bound indices, and replacing a definition's right side by its name.
"""

from __future__ import annotations

import itertools

import sympy

from ..model.functions import Opaque
from ..model.index_notation import free_indices
from ..model.tensors import Network, Tensor, index_symbol


def free_tensors(expr, network: Network) -> bool:
    return any(isinstance(a, sympy.Indexed) or str(a) in network.tensors
               for a in sympy.preorder_traversal(expr))


def collapse(expr):
    """Σ_k δ_{kx} f(k) → f(x) wherever a delta multiplies a whole summand."""
    if isinstance(expr, sympy.Sum):
        body = collapse(expr.function)
        limits = list(expr.limits)
        changed = True
        while changed:
            changed = False
            for n, (var, lo, hi) in enumerate(limits):
                terms = sympy.Add.make_args(body)
                kept, out = [], []
                for term in terms:
                    delta = next((f for f in sympy.Mul.make_args(term)
                                  if isinstance(f, sympy.KroneckerDelta) and var in f.args
                                  and f.args[0] != f.args[1]), None)
                    if delta is None:
                        kept.append(term)
                        continue
                    other = delta.args[1] if delta.args[0] == var else delta.args[0]
                    out.append((term / delta).xreplace({var: other}))
                if out:
                    rest = [lim for m, lim in enumerate(limits) if m != n]
                    body_kept = sympy.Add(*kept)
                    moved = sympy.Add(*out)
                    result = (sympy.Sum(body_kept, *limits) if kept else 0)
                    moved = sympy.Sum(moved, *rest) if rest else moved
                    return collapse(result) + collapse(moved)
        return sympy.Sum(body, *limits) if body != 0 else sympy.Integer(0)
    if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow)) or isinstance(expr, Opaque):
        return expr.func(*[collapse(a) for a in expr.args])
    return expr


def expand_sums(expr):
    """Distribute products over sums inside every Σ body (exposing deltas)."""
    if isinstance(expr, sympy.Sum):
        body = sympy.expand(expand_sums(expr.function))
        return sympy.Add(*[sympy.Sum(t, *expr.limits) for t in sympy.Add.make_args(body)])
    if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow)):
        return sympy.expand(expr.func(*[expand_sums(a) for a in expr.args]))
    return expr


def merge_sums(expr):
    """c1 Σ_k f(k) + c2 Σ_k g(k) → Σ_k (c1 f(k) + c2 g(k)), recursively."""
    if isinstance(expr, sympy.Add):
        groups: dict = {}
        rest = []
        for term in expr.args:
            coeff, sums = sympy.S.One, [f for f in sympy.Mul.make_args(term) if isinstance(f, sympy.Sum)]
            if len(sums) == 1:
                coeff = term / sums[0]
                key = canonical_bound(sympy.Sum(sympy.Integer(1), *sums[0].limits))
                groups.setdefault(key, []).append((coeff, sums[0]))
            else:
                rest.append(merge_sums(term))
        for items in groups.values():
            limits = items[0][1].limits
            body = sympy.Add(*[c * s.function.xreplace({a[0]: b[0] for a, b in zip(s.limits, limits)})
                               for c, s in items])
            rest.append(sympy.Sum(sympy.factor_terms(merge_sums(body)), *limits))
        return sympy.Add(*rest)
    if isinstance(expr, (sympy.Mul, sympy.Pow)):
        return expr.func(*[merge_sums(a) for a in expr.args])
    if isinstance(expr, sympy.Sum):
        return sympy.Sum(sympy.factor_terms(merge_sums(expr.function)), *expr.limits)
    return expr


def pull_constants(expr):
    """Σ_k c f(k) → c Σ_k f(k) for factors c without k."""
    if isinstance(expr, sympy.Sum):
        body = pull_constants(expr.function)
        bound = {lim[0] for lim in expr.limits}
        inside, outside = [], []
        for f in sympy.Mul.make_args(body):
            (inside if (free_indices(f) | f.free_symbols) & bound or f.has(*bound) else outside).append(f)
        return sympy.Mul(*outside) * sympy.Sum(sympy.Mul(*inside), *expr.limits)
    if isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow)):
        return expr.func(*[pull_constants(a) for a in expr.args])
    return expr


def apply_sum_to_one(expr, tensor: Tensor, network: Network):
    """Σ_k t_k → 1 for a target with one-hot or sum-to-one targets."""
    expr = pull_constants(expand_sums(expr))

    def visit(e):
        if isinstance(e, sympy.Sum) and len(e.limits) == 1:
            body = e.function
            var = e.limits[0][0]
            if isinstance(body, sympy.Indexed) and str(body.base) == tensor.key and body.indices == (var,):
                return sympy.Integer(1)
        if e.args and not isinstance(e, (sympy.Indexed, sympy.Symbol)):
            return e.func(*[visit(a) for a in e.args])
        return e

    return collapse(visit(expr))


def replace_pattern(expr, pattern, build, pattern_indices):
    """Replace every subexpression equal to ``pattern`` under some renaming of its indices."""
    index_set = tuple(pattern_indices)

    def candidates(node):
        if not index_set:
            yield {}
            return
        pool = sorted(free_indices(node) | {s for s in node.free_symbols if s.is_integer}, key=str)
        pool += [a for a in sympy.preorder_traversal(node) if isinstance(a, sympy.Integer)][:2]
        for combo in itertools.product(pool, repeat=len(index_set)):
            yield dict(zip(index_set, combo))

    canonical_pattern = canonical_bound(pattern)

    def visit(node):
        if isinstance(node, (sympy.Symbol, sympy.Number)) or not node.args:
            return node
        if node.func == pattern.func:
            canon = canonical_bound(node)
            for mapping in candidates(node):
                if canonical_pattern.xreplace(mapping) == canon:
                    return build(mapping)
        if isinstance(node, sympy.Indexed):
            return node
        return node.func(*[visit(a) for a in node.args])

    return visit(expr)


def canonical_bound(expr):
    """Rename bound summation indices to fixed dummies so equal sums compare equal."""
    counter = itertools.count()

    def visit(e):
        if isinstance(e, sympy.Sum):
            mapping = {}
            limits = []
            for var, lo, hi in e.limits:
                new = sympy.Symbol(f"_b{next(counter)}", integer=True)
                mapping[var] = new
                limits.append((new, lo, hi))
            return sympy.Sum(visit(e.function.xreplace(mapping)), *limits)
        if e.args and not isinstance(e, (sympy.Indexed, sympy.Symbol)):
            return e.func(*[visit(a) for a in e.args])
        return e

    return visit(expr)


def rename_bound(expr, taken: set, ranges: dict[str, str] | None = None):
    """Give every bound index the first letter of its range that is free where it is used.

    ``ranges`` maps index letters to range names; letters of the same range are
    tried in order, each with 0, 1, 2… primes. Without it only primes are added.
    """
    ranges = ranges or {}

    def letters_for(var) -> list[str]:
        base = str(var).rstrip("'")
        size = ranges.get(base)
        return [k for k, v in ranges.items() if v == size] if size else [base]

    def visit(e, busy):
        if isinstance(e, sympy.Sum):
            mapping, limits = {}, []
            inner = set(busy)
            for var, lo, hi in e.limits:
                body_free = free_indices(e.function) - {var}
                candidates = (index_symbol(letter + "'" * primes)
                              for primes in range(10) for letter in letters_for(var))
                new = next((c for c in candidates if c not in inner and c not in body_free), var)
                inner.add(new)
                mapping[var] = new
                limits.append((new, lo, hi))
            return sympy.Sum(visit(e.function.xreplace(mapping), inner), *limits)
        if e.args and not isinstance(e, (sympy.Indexed, sympy.Symbol)):
            return e.func(*[visit(a, busy) for a in e.args])
        return e

    return visit(expr, set(taken) | free_indices(expr))
