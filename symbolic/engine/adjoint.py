"""Derivatives written through the entries that use the seed: dY/dX = Σ_C dY/dC · ∂C/∂X.

Forward accumulation (:meth:`~symbolic.engine.concrete.Concrete.derivative`) builds dY/dX as
one tree per seed X. Two sides of a step that take the same gradient by different seeds —
``∂J/∂f_{k,p}`` and ``Σ_m ∂J/∂s_{k,m} · ∂s_{k,m}/∂f_{k,p}`` in a recurrence unrolled over
several steps — then share no subterm, and their difference, exact as it is, expands past
the term limit. Here the derivative by an entry X is the sum, over the entries C whose
definitions mention X, of the derivative by C times the local partial ∂C/∂X (the other
entries held fixed). Every dY/dC is kept once per (Y, C), so both sides are built from the
same objects, and what the chain rule makes equal cancels before any expansion.

It is the chain rule over the unrolled graph of entries — the same derivative, only written
another way — so a zero difference here proves the instance exactly as the forward one would.
"""

from __future__ import annotations

import itertools

import sympy

from ..model.bounded_sums import InRange
from ..model.functions import Opaque
from ..model.index_notation import Grad
from ..model.pooling import WindowMax
from .concrete import Concrete, Entry


class NotWritable(Exception):
    """The model holds something this route does not follow (a derivative inside a name's
    definition, a truncated recurrence): keep the forward derivative."""


class Adjoint:
    """Derivatives by reverse accumulation over the entries of one concrete model.

    Args:
        concrete: the model at its sizes; its atoms and values are shared, so atoms of both
            routes are one and the same symbols.
    """

    def __init__(self, concrete: Concrete):
        if concrete.network.cut_delayed:
            raise NotWritable("a truncated recurrence")
        self.concrete = concrete
        # names defined by a derivative (δ = ∂L/∂z): their values are taken as they are, and
        # nothing is differentiated through them
        self._derived = {d.tensor for d in concrete.network.definitions if d.expr.has(Grad)}
        self._users: dict[Entry, list[Entry]] | None = None
        self._totals: dict[tuple[Entry, Entry], sympy.Expr] = {}
        self._locals: dict[tuple[Entry, Entry], sympy.Expr] = {}

    def value(self, expr, env: dict) -> sympy.Expr:
        """``expr`` over leaves and atoms, with every derivative taken by this route."""
        concrete = self.concrete
        # a name defined by a derivative (γ = ∂J/∂h) is evaluated by this route too, so that it
        # shares its objects with the other side; the forward route keeps its own values of it
        with concrete.fresh_values(self._derived):
            concrete.entry_rule = self.total
            try:
                return concrete.value(expr, env)
            finally:
                concrete.entry_rule = None

    # -- the graph of entries -------------------------------------------------------
    def users(self, entry: Entry) -> list[Entry]:
        """The defined entries whose definitions mention ``entry`` directly."""
        if self._users is None:
            self._users = {}
            concrete = self.concrete
            for definition in concrete.network.definitions:
                if definition.tensor in self._derived:
                    continue
                ranges = [range(concrete.size(r)) for r in definition.tensor.ranges]
                for idx in itertools.product(*ranges):
                    env = dict(zip(definition.indices, map(sympy.Integer, idx)))
                    user = (definition.tensor, tuple(idx))
                    for used in set(self._mentions(definition.expr, env)):
                        self._users.setdefault(used, []).append(user)
        return self._users.get(entry, [])

    def _mentions(self, expr, env):
        concrete = self.concrete
        if isinstance(expr, sympy.Indexed) or (isinstance(expr, sympy.Symbol)
                                               and expr.name in concrete.network.tensors):
            yield concrete.entry_of(expr, env)
        elif isinstance(expr, sympy.Sum):
            ranges = [(var, range(int(hi.xreplace(concrete._size_subs())) + 1))
                      for var, _lo, hi in expr.limits]
            for values in itertools.product(*(r for _v, r in ranges)):
                inner = dict(env)
                inner.update({v: sympy.Integer(x) for (v, _r), x in zip(ranges, values)})
                yield from self._mentions(expr.function, inner)
        elif isinstance(expr, WindowMax):
            yield from self._mentions(expr.unrolled(concrete._size_subs()), env)
        elif isinstance(expr, Grad):
            raise NotWritable("a derivative inside a definition")
        elif isinstance(expr, (Opaque, sympy.Add, sympy.Mul, sympy.Pow)):
            for arg in expr.args:
                yield from self._mentions(arg, env)
        elif not isinstance(expr, (sympy.Number, sympy.NumberSymbol, sympy.KroneckerDelta, InRange,
                                   sympy.Symbol)):
            raise NotWritable(f"cannot follow '{expr}'")

    # -- derivatives ---------------------------------------------------------------
    def total(self, entry: Entry, seed: Entry) -> sympy.Expr:
        """d entry / d seed: the sum over the seed's users C of d entry / dC · ∂C/∂seed."""
        concrete = self.concrete
        if entry == seed:
            return sympy.Integer(1)
        tensor = entry[0]
        if concrete.outside(entry) or tensor not in concrete.definitions \
                or not concrete.depends(tensor, seed[0]):
            return sympy.Integer(0)
        key = (entry, seed)
        cached = self._totals.get(key)
        if cached is not None:
            return cached
        if tensor in self._derived or self._derived & concrete._upstream.get(tensor, frozenset()):
            raise NotWritable("a derivative of a name defined by a derivative")
        terms = []
        for user in self.users(seed):
            if user != entry and not concrete.depends(tensor, user[0]):
                continue
            upstream = self.total(entry, user)
            if upstream != 0:
                terms.append(upstream * self.local(user, seed))
        result = sympy.Add(*terms)
        self._totals[key] = result
        return result

    def local(self, user: Entry, seed: Entry) -> sympy.Expr:
        """∂user/∂seed with every other entry of ``user``'s definition held fixed."""
        key = (user, seed)
        cached = self._locals.get(key)
        if cached is not None:
            return cached
        concrete = self.concrete
        definition = concrete.definitions[user[0]]
        env = dict(zip(definition.indices, map(sympy.Integer, user[1])))
        rule = concrete.entry_rule
        concrete.entry_rule = lambda entry, s: sympy.Integer(int(entry == s))
        try:
            result = concrete.derivative(definition.expr, env, seed)
        finally:
            concrete.entry_rule = rule
        self._locals[key] = result
        return result


def adjoint_difference(concrete: Concrete, lhs, rhs, env: dict, subs: dict) -> sympy.Expr | None:
    """``lhs - rhs`` at ``env`` with derivatives by reverse accumulation; None when the model
    holds something this route does not follow."""
    try:
        adjoint = Adjoint(concrete)
        difference = adjoint.value(lhs, env) - adjoint.value(rhs, env)
    except NotWritable:
        return None
    return difference.xreplace(subs) if subs else difference
