"""An independent float64 reference for claims: direct evaluation plus finite differences.

It shares only the parsed model with gradproof; values come from plain math
functions and every derivative from central differences, never from the
exact engine under test.
"""

from __future__ import annotations

import itertools
import math
import random

import sympy

from symbolic.model.functions import Opaque
from symbolic.model.index_notation import Grad, free_indices

FUNCS = {"exp": math.exp, "tanh": math.tanh, "log": math.log,
         "sigmoid": lambda x: 1 / (1 + math.exp(-x))}
EPS = 1e-5


class FloatModel:
    """Evaluates a network's definitions in floats with optional overridden entries."""

    def __init__(self, network, sizes, leaves):
        self.network = network
        self.sizes = sizes
        self.definitions = {d.tensor: d for d in network.definitions}
        self.leaves = leaves  # (tensor, idx) -> float
        self.overrides = {}
        self.memo = {}

    def entry(self, tensor, idx):
        key = (tensor, idx)
        if key in self.overrides:
            return self.overrides[key]
        if key in self.memo:
            return self.memo[key]
        d = self.definitions.get(tensor)
        if d is None:
            value = self.leaves.setdefault(key, random.uniform(-1, 1))
        else:
            env = dict(zip(d.indices, idx))
            value = self.eval(d.expr, env)
        self.memo[key] = value
        return value

    def locate(self, expr, env):
        if isinstance(expr, sympy.Indexed):
            tensor = self.network.tensor_of(expr.base)
            return tensor, tuple(int(i.xreplace(env)) if not isinstance(i, int) else i
                                 for i in expr.indices)
        return self.network.tensors[str(expr)], ()

    def eval(self, expr, env):
        if isinstance(expr, sympy.Indexed) or (isinstance(expr, sympy.Symbol)
                                               and str(expr) in self.network.tensors):
            return self.entry(*self.locate(expr, env))
        if isinstance(expr, sympy.Number):
            return float(expr)
        if isinstance(expr, sympy.KroneckerDelta):
            a, b = (int(x.xreplace(env)) for x in expr.args)
            return float(a == b)
        if isinstance(expr, sympy.Sum):
            var, _lo, hi = expr.limits[0]
            n = int(hi.subs({s: self.sizes[str(s)] for s in hi.free_symbols})) + 1
            inner = sympy.Sum(expr.function, *expr.limits[1:]) if len(expr.limits) > 1 else expr.function
            return sum(self.eval(inner, {**env, var: sympy.Integer(v)}) for v in range(n))
        if isinstance(expr, Opaque):
            return FUNCS[expr.name](self.eval(expr.args[0], env))
        if isinstance(expr, Grad):
            return self.finite_difference(expr.args[0], expr.args[1], env)
        if isinstance(expr, sympy.Add):
            return sum(self.eval(a, env) for a in expr.args)
        if isinstance(expr, sympy.Mul):
            return math.prod(self.eval(a, env) for a in expr.args)
        if isinstance(expr, sympy.Pow):
            return self.eval(expr.base, env) ** self.eval(expr.exp, env)
        raise TypeError(expr)

    def finite_difference(self, of, wrt, env):
        key = self.locate(wrt, env)
        base = self.entry(*key)
        values = []
        for step in (EPS, -EPS):
            saved_memo, saved_over = self.memo, dict(self.overrides)
            self.memo = {}
            self.overrides[key] = base + step
            values.append(self.eval(of, env))
            self.memo, self.overrides = saved_memo, saved_over
        return (values[0] - values[1]) / (2 * EPS)


def numerically_equal(context, lhs, rhs, *, condition=None, points=3, seed=0,
                      sizes=None) -> bool:
    """Do both sides agree (float64, finite differences) at random points and all indices?"""
    network = context.network
    names = list(dict.fromkeys(network.index_ranges.values()))
    sizes = sizes or dict(zip(names, (2, 3, 4, 5, 6)))
    free = sorted(free_indices(lhs) | free_indices(rhs), key=str)
    rng = random.Random(seed)
    for _ in range(points):
        random.seed(rng.random())
        leaves = {}
        for a in context.assumptions:  # one-hot target: a random class
            n = sizes[a.tensor.ranges[0]]
            c = rng.randrange(n)
            for m in range(n):
                leaves[(a.tensor, (m,))] = float(m == c)
        model = FloatModel(network, sizes, leaves)
        ranges = [range(sizes[network.index_ranges[str(s).rstrip("'")]]) for s in free]
        for values in itertools.product(*ranges):
            env = {s: sympy.Integer(v) for s, v in zip(free, values)}
            if condition is not None and not condition.holds(env):
                continue
            a, b = model.eval(lhs, env), model.eval(rhs, env)
            if not math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-7):
                return False
    return True
