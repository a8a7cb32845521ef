"""How far a step's truth can depend on the sizes, so that enough sizes are checked.

How it works: a sum over k whose every term depends on k (``\\sum_k x_k``,
``\\sum_{k'} e^{a_{k'}}``) adds terms of the same kind for each k; the size K
never becomes a value. A sum with a term that does not depend on k
(``\\sum_k 1``, ``\\sum_k x_j``, a derivative gradproof cannot see into) multiplies
that term by K. Counting such sums bounds the degree of each side in each size,
as a numerator and a denominator degree (a quotient moves them), through
products, powers, derivatives and the model's definitions. Two sides whose
difference has degree at most d in K and agree at d + 1 values of K agree at
every K; so a step needs d + 1 sizes per range, on a grid over the ranges that
have a degree. A size inside exp, tanh, log or a fractional power has no
polynomial bound: such a step can only be *proved*.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy

from ..model.functions import Opaque
from ..model.index_notation import Grad
from ..model.pooling import WindowMax
from ..model.tensors import Definition, Network, Tensor

Degrees = dict[str, tuple[int, int]]  # size name -> (numerator, denominator) degree bound


class Unbounded(Exception):
    """A size enters the step through a function that is not a polynomial."""


def _add(a: Degrees, b: Degrees) -> Degrees:
    out = {}
    for r in a.keys() | b.keys():
        (n1, m1), (n2, m2) = a.get(r, (0, 0)), b.get(r, (0, 0))
        out[r] = (max(n1 + m2, n2 + m1), m1 + m2)
    return out


def _mul(a: Degrees, b: Degrees) -> Degrees:
    out = {}
    for r in a.keys() | b.keys():
        (n1, m1), (n2, m2) = a.get(r, (0, 0)), b.get(r, (0, 0))
        out[r] = (n1 + n2, m1 + m2)
    return out


def _constant(d: Degrees) -> bool:
    return all(n == 0 and m == 0 for n, m in d.values())


@dataclass
class _Walker:
    network: Network

    def __post_init__(self):
        self.definitions: dict[Tensor, Definition] = self.network.defined()
        self._degree_memo: dict[Tensor, Degrees] = {}
        self._depends_memo: dict[tuple[Tensor, int], bool] = {}
        self._active: set = set()

    def _tensor(self, e) -> Tensor | None:
        if isinstance(e, sympy.Indexed):
            return self.network.tensors.get(e.base.label.name)
        if isinstance(e, sympy.Symbol):
            return self.network.tensors.get(e.name)
        return None

    # -- degrees --------------------------------------------------------------------
    def degree(self, e) -> Degrees:
        tensor = self._tensor(e)
        if tensor is not None:
            return self._defined_degree(tensor)
        if isinstance(e, (sympy.Number, sympy.NumberSymbol, sympy.KroneckerDelta, sympy.Symbol)):
            return {}
        if isinstance(e, sympy.Sum):
            body = self.degree(e.function)
            for var, _lo, hi in e.limits:
                if not self.every_term_depends(e.function, var):
                    size = next(iter(hi.free_symbols)).name
                    n, m = body.get(size, (0, 0))
                    body = {**body, size: (n + 1, m)}
            return body
        if isinstance(e, sympy.Add):
            out: Degrees = {}
            for arg in e.args:
                out = _add(out, self.degree(arg))
            return out
        if isinstance(e, sympy.Mul):
            out = {}
            for arg in e.args:
                out = _mul(out, self.degree(arg))
            return out
        if isinstance(e, sympy.Pow):
            base = self.degree(e.base)
            if _constant(base) and _constant(self.degree(e.exp)):
                return {}
            if not (e.exp.is_Integer):
                raise Unbounded
            k = int(e.exp)
            return {r: (k * n, k * m) if k >= 0 else (-k * m, -k * n) for r, (n, m) in base.items()}
        if isinstance(e, (Opaque, WindowMax)):  # a max over m, like a sum of terms that all
            inner = e.args[0].function if isinstance(e, WindowMax) else e.args[0]  # depend on m,
            if _constant(self.degree(inner)):  # never has M as a value
                return {}
            raise Unbounded
        if isinstance(e, Grad):
            of = self.degree(e.args[0])
            return {r: (n + m, 2 * m) for r, (n, m) in of.items()}
        raise Unbounded

    def _defined_degree(self, tensor: Tensor) -> Degrees:
        definition = self.definitions.get(tensor)
        if definition is None or tensor in self._active:
            return {}
        if tensor not in self._degree_memo:
            self._active.add(tensor)
            try:
                self._degree_memo[tensor] = self.degree(definition.expr)
            finally:
                self._active.discard(tensor)
        return self._degree_memo[tensor]

    # -- dependence -----------------------------------------------------------------
    def every_term_depends(self, e, var: sympy.Symbol) -> bool:
        """Whether every term of ``e``, multiplied out, changes with ``var`` (conservative)."""
        tensor = self._tensor(e)
        if tensor is not None:
            if not isinstance(e, sympy.Indexed):
                return False
            return any((index == var or var in index.free_symbols)  # x_{i+m-1}: one entry per m
                       and self._entry_depends(tensor, position)
                       for position, index in enumerate(e.indices))
        if isinstance(e, sympy.KroneckerDelta):
            return var in e.args
        if isinstance(e, sympy.Add):
            return all(self.every_term_depends(a, var) for a in e.args)
        if isinstance(e, sympy.Mul):
            return any(self.every_term_depends(a, var) for a in e.args)
        if isinstance(e, sympy.Pow):
            return self.every_term_depends(e.base, var)
        if isinstance(e, sympy.Sum):
            return self.every_term_depends(e.function, var)
        if isinstance(e, WindowMax):
            return self.every_term_depends(e.args[0].function, var)
        if isinstance(e, Opaque):
            return self.every_term_depends(e.args[0], var)
        return False  # numbers, scalars, and derivatives gradproof does not look into

    def _entry_depends(self, tensor: Tensor, position: int) -> bool:
        definition = self.definitions.get(tensor)
        if definition is None:
            return True  # a leaf: each entry is its own variable
        key = (tensor, position)
        if key not in self._depends_memo:
            self._depends_memo[key] = False  # a cycle proves nothing
            self._depends_memo[key] = self.every_term_depends(definition.expr,
                                                              definition.indices[position])
        return self._depends_memo[key]


def size_degrees(network: Network, lhs, rhs) -> dict[str, int] | None:
    """The degree in each size of ``lhs - rhs``'s numerator, or None if it has no bound."""
    walker = _Walker(network)
    try:
        difference = _add(walker.degree(lhs), walker.degree(rhs))
    except Unbounded:
        return None
    return {r: n for r, (n, _m) in difference.items() if n > 0}


def size_grid(base: list[dict[str, int]], degrees: dict[str, int]) -> list[dict[str, int]]:
    """Assignments that settle a difference of these degrees: ``base``, plus sizes until each
    range of degree d takes d + 1 values (one range), or a grid over those ranges (several)."""
    out = [dict(sizes) for sizes in base]
    if len(degrees) == 1:
        (size, degree), = degrees.items()
        values = sorted({sizes[size] for sizes in out})
        while len(values) < degree + 1:
            values.append(values[-1] + 1)
            out.append({**base[0], size: values[-1]})
        return out
    ranges = sorted(degrees)
    for shift in itertools.product(*(range(degrees[r] + 1) for r in ranges)):
        point = {**base[0], **{r: base[0][r] + s for r, s in zip(ranges, shift)}}
        if point not in out:
            out.append(point)
    return out
