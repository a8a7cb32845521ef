"""Decide whether two index expressions are equal under a context.

How it works: the step ``lhs = rhs`` is instantiated at every size assignment
of :data:`settings.SIZE_ASSIGNMENTS`, at every value of its free indices that
satisfies its condition, and at every instance of the context's assumptions
(each class of a one-hot target; Σ t = 1 by eliminating the last entry). At
each instance both sides become rational functions of leaves and atoms
(:mod:`symbolic.concrete`). Zero difference proves the instance. A non-zero
difference is only a suspicion: the step is refuted when real-function
evaluation at rational leaf values shows the two sides differ, and left
undecided when it cannot.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field, replace

import mpmath
import sympy

from ..errors import NotationError, Span
from ..model.context import Assumption
from ..model.index_notation import free_indices
from ..model.matrix_settings import shape_mismatch
from ..model.offsets import settle_sizes, size_names
from ..model.recurrence import time_ranges
from ..model.tensors import Network, index_symbol
from ..results import Counterexample
from ..settings import (COUNTEREXAMPLE_POINTS, MAX_SIZE_ASSIGNMENTS, RANDOM_SEED, SHOWN_DIGITS,
                       SIZE_ASSIGNMENTS)
from ..verdicts import Verdict
from .adjoint import adjoint_difference
from .concrete import Concrete
from .exact import TooLarge, Undefined, differ, is_zero_function, leaf_draw, real_value, working_precision
from .regions import check_regions, describe, piecewise_arguments, point_in
from .size_degree import size_degrees, size_grid


@dataclass(frozen=True)
class Condition:
    """Equalities and inequalities between free indices: ``i = j``, ``i \\neq j``."""

    pairs: tuple[tuple[sympy.Symbol, sympy.Symbol, bool], ...] = ()

    def holds(self, env: dict) -> bool:
        return all((env[a] == env[b]) == equal for a, b, equal in self.pairs)

    def letters(self) -> set[sympy.Symbol]:
        return {s for a, b, _ in self.pairs for s in (a, b)}

    def describe(self) -> str:
        return ", ".join(f"{a} {'=' if eq else '≠'} {b}" for a, b, eq in self.pairs)

    def __and__(self, other: "Condition") -> "Condition":
        return Condition(self.pairs + other.pairs)


# operands as the notes read them (a letter, or a name such as y_i: never read as its letter y)
_OPERAND = r"[A-Za-z]'*(?:\s*_\s*(?:\{\s*[A-Za-z]\s*\}|[A-Za-z](?![A-Za-z])))?"
_COMPARISON = re.compile(rf"({_OPERAND})\s*(=|\\neq|\\ne|≠)\s*({_OPERAND})")


def parse_condition(text: str | None, network: Network, span: Span | None = None) -> Condition:
    """Read a condition such as ``i = j`` or ``i \\neq j, j = k``."""
    if not text:
        return Condition()
    pairs = []
    for m in _COMPARISON.finditer(text):
        a, b = m.group(1), m.group(3)
        for letter in (a, b):
            if letter.rstrip("'") not in network.index_ranges:
                raise NotationError(f"condition '{text}': {letter} is not an index letter", span,
                                    "conditions compare index letters, e.g. (i = j)")
        pairs.append((index_symbol(a), index_symbol(b), m.group(2) == "="))
    if not pairs:
        raise NotationError(f"cannot read the condition '{text}'", span,
                            r"write (i = j) or \text{for } i \neq j")
    return Condition(tuple(pairs))


@dataclass
class Outcome:
    """The verdict on one identity, with its evidence."""

    verdict: Verdict
    message: str = ""
    sizes: list[dict[str, int]] = field(default_factory=list)
    assignments: int = 0
    counterexample: Counterexample | None = None
    sizes_settle: bool = True  # False: only the all-sizes proof can decide this step
    piecewise: bool = False  # a piecewise function (ReLU, the step, |u|) is in the step


def size_assignments(network: Network) -> list[dict[str, int]]:
    """One dict per row of :data:`settings.SIZE_ASSIGNMENTS`, over the context's size names.

    A context with more names than a row has gets the row again, shifted past it (the
    7th name of ``(2, 3, 4, 5, 6, 7)`` gets 8): sizes stay different within a row.
    """
    names = size_names(list(dict.fromkeys(network.index_ranges.values())), time_ranges(network))
    return [settle_sizes({name: _size(row, n) for n, name in enumerate(names)}) for row in SIZE_ASSIGNMENTS]


def _size(row: tuple[int, ...], n: int) -> int:
    return row[n % len(row)] + len(row) * (n // len(row))


def step_assignments(network: Network, lhs, rhs) -> list[dict[str, int]] | None:
    """The size assignments that settle ``lhs = rhs`` (see :mod:`symbolic.size_degree`);
    None when no number of them can (a size inside a function, or too many)."""
    degrees = size_degrees(network, lhs, rhs)
    if degrees is None:
        return None
    base = size_assignments(network)
    assignments = [settle_sizes(point, base[0]) for point in size_grid(base, degrees)]
    return assignments if len(assignments) <= MAX_SIZE_ASSIGNMENTS else None


def check_free_indices(lhs, rhs, span: Span | None) -> list[sympy.Symbol]:
    """The free indices of a step; an error if each side has one the other lacks."""
    left, right = free_indices(lhs), free_indices(rhs)
    for side, extra in ((lhs, left - right), (rhs, right - left)):
        past_its_sum = sorted(str(s) for s in extra & _summed_indices(side))
        if past_its_sum:  # -\frac{1}{m} \sum_i y_i \log p_i + (1 - y_i) \log(1 - p_i)
            letter = past_its_sum[0]
            raise NotationError(f"index {letter} is summed over and also used after the sum ends: "
                                f"\\sum_{{{letter}}} covers only the term right after it (up to the "
                                "next + or -), so the rest has a free index the other side lacks",
                                span, f"bracket the summand: \\sum_{{{letter}}} \\left[ … + … \\right]")
    if not (left <= right or right <= left):
        only_l = ", ".join(sorted(map(str, left - right)))
        only_r = ", ".join(sorted(map(str, right - left)))
        raise NotationError(f"index mismatch: {only_l} only on the left, {only_r} only on the right",
                            span, "both sides of '=' must have the same free indices")
    return sorted(left | right, key=str)


def _summed_indices(expr) -> set[sympy.Symbol]:
    return {limit[0] for e in sympy.preorder_traversal(expr) if isinstance(e, sympy.Sum) for limit in e.limits}


def free_index_values(free, network: Network, sizes, condition: Condition):
    """Each assignment of 0-based values to the free indices ``free`` that satisfies ``condition``."""
    ranges = [range(sizes[network.index_ranges[str(s).rstrip("'")]]) for s in free]
    for values in itertools.product(*ranges):
        env = {s: sympy.Integer(v) for s, v in zip(free, values)}
        if condition.holds(env):
            yield env


def assumption_instances(assumptions: list[Assumption], concrete: Concrete):
    """Substitutions for leaf entries, one per instance of the assumptions."""
    choices = []
    for a in assumptions:
        n = concrete.size(a.tensor.ranges[0])
        entries = [concrete.leaf((a.tensor, (m,))) for m in range(n)]
        if a.kind == "one-hot":
            choices.append([{e: sympy.Integer(int(m == c)) for m, e in enumerate(entries)}
                            for c in range(n)])
        elif len(a.tensor.ranges) == 2:  # \sum_k Y_{kn} = 1: the last entry of each column follows
            summed, across = a.tensor.ranges[a.axis], a.tensor.ranges[1 - a.axis]
            lines = [[concrete.leaf((a.tensor, (m, c) if a.axis == 0 else (c, m)))
                      for m in range(concrete.size(summed))] for c in range(concrete.size(across))]
            choices.append([{line[-1]: 1 - sympy.Add(*line[:-1]) for line in lines}])
        else:
            choices.append([{entries[-1]: 1 - sympy.Add(*entries[:-1])}])
    for combo in itertools.product(*choices):
        merged: dict = {}
        for subs in combo:
            merged.update(subs)
        yield merged


def check_identity(network: Network, assumptions: list[Assumption], lhs, rhs,
                   condition: Condition = Condition(), *, deadline: float | None = None,
                   span: Span | None = None) -> Outcome:
    """Verify or refute ``lhs = rhs`` for all free-index values satisfying ``condition``."""
    mismatch = shape_mismatch(lhs, rhs, network)
    if mismatch is not None:
        raise NotationError(mismatch, span, "a matrix claim's two sides must have one shape; "
                                            "check the transposes and the order of the factors")
    free = check_free_indices(lhs, rhs, span)
    assignments = step_assignments(network, lhs, rhs)
    settle = assignments is not None
    if not settle:  # a counterexample still refutes; agreement decides nothing
        assignments = size_assignments(network)
    # a chain's condition applies to the steps that have its indices
    condition = Condition(tuple(p for p in condition.pairs if {p[0], p[1]} <= set(free)))
    checked, count, suspicious, too_large, piecewise = [], 0, None, None, False
    evaluated = COUNTEREXAMPLE_POINTS  # fewest points evaluated at a suspicious instance
    for sizes in assignments:
        concrete = Concrete(network, sizes)
        for env in free_index_values(free, network, sizes, condition):
            left, right = concrete.value(lhs, env), concrete.value(rhs, env)
            piecewise = piecewise or any(piecewise_arguments(concrete, side) for side in (left, right))
            for subs in assumption_instances(assumptions, concrete):
                count += 1
                difference = (left - right).xreplace(subs) if subs else left - right
                if not _zero(difference):
                    regions = check_regions(concrete, difference, _zero)
                    if regions is not None and not regions.too_many:
                        if not regions.failing:  # zero on every sign region of ReLU & co.
                            continue
                        inside = region_counterexample(concrete, left, right, subs, env, regions.failing)
                        if inside is not None:
                            found, where = inside
                            return Outcome(Verdict.REFUTED, f"the two sides differ where {where}",
                                           checked + [sizes], count, found)
                    found, points = compare(concrete, left, right, subs, env)
                    if found is not None:
                        return Outcome(Verdict.REFUTED, "the two sides differ", checked + [sizes],
                                       count, found)
                    if _zero(concrete.in_elementary_terms(difference)) or (
                            _too_large(difference) and _zero(adjoint_difference(concrete, lhs, rhs, env, subs))):
                        continue
                    too_large = too_large or _too_large(difference)
                    suspicious = suspicious or (sizes, env)
                    evaluated = min(evaluated, points)
                if deadline is not None and time.monotonic() > deadline:
                    return Outcome(Verdict.UNDECIDED, "time limit reached before every case was "
                                   "checked", checked, count)
        checked.append(sizes)
    if suspicious is not None and too_large:
        return Outcome(Verdict.UNDECIDED, "no counterexample, but the two sides are too large to "
                       f"compare exactly: {too_large}", checked, count)
    if suspicious is not None:
        if evaluated == 0:
            evidence = "and the two sides could not be evaluated at any real point"
        else:
            evidence = f"yet the two sides agree at {evaluated} numeric point{'s' * (evaluated > 1)}"
        return Outcome(Verdict.UNDECIDED, "not an identity when exp/tanh/log are treated as "
                       f"independent, {evidence}", checked, count)
    if count == 0:
        return Outcome(Verdict.UNDECIDED, "no index values satisfy the condition", checked, 0)
    if not settle:
        return Outcome(Verdict.UNDECIDED, "exact at the checked sizes, but the two sides depend "
                       "on the sizes in a way that no number of checked sizes settles (a size "
                       "inside a function, or too high a degree), and it is not proved for "
                       "every size", checked, count, sizes_settle=False)
    return Outcome(Verdict.VERIFIED, "", checked, count, piecewise=piecewise)


def _zero(difference) -> bool:
    """Whether ``difference`` is the zero function; False when it is too large to expand.

    Asked of the plain difference, and (after no counterexample was found) of the difference
    with atoms written in exp/log/erf (softplus′ = σ): each rewrite is an identity, so zero
    there proves the instance as the plain zero test does.
    """
    if difference is None:
        return False
    try:
        return is_zero_function(difference)
    except TooLarge:
        return False


def _too_large(difference) -> str | None:
    """The limit's message if ``difference`` is too large to expand exactly."""
    try:
        is_zero_function(difference)
    except TooLarge as err:
        return str(err)
    return None


def counterexample(concrete: Concrete, left, right, subs: dict, env: dict) -> Counterexample | None:
    """Leaf values at which the two sides differ when computed with the real functions."""
    return compare(concrete, left, right, subs, env)[0]


def compare(concrete: Concrete, left, right, subs: dict, env: dict) -> tuple[Counterexample | None, int]:
    """A counterexample or None, and at how many points both sides had a real value."""
    evaluated = 0
    with working_precision():
        for attempt in range(COUNTEREXAMPLE_POINTS):
            draw = leaf_draw(RANDOM_SEED + attempt)
            leaves = _first_leaves(subs, draw)
            values = _real_sides(concrete, left, right, leaves, draw)
            if values is None:
                continue
            a, b = values
            evaluated += 1
            if differ(a, b):
                return _counterexample(concrete, env, leaves, a, b), evaluated
    return None, evaluated


def region_counterexample(concrete: Concrete, left, right, subs: dict, env: dict,
                          regions: list[dict]) -> tuple[Counterexample, str] | None:
    """A point inside one of ``regions`` (sign patterns of piecewise arguments) where the two
    sides differ, with the region described; None if no drawn point is inside any of them."""
    with working_precision():
        for signs in regions:
            inside = point_in(concrete, signs, lambda draw: _first_leaves(subs, draw))
            if inside is None:
                continue
            leaves, draw = inside
            values = _real_sides(concrete, left, right, leaves, draw)
            if values is not None and differ(*values):
                a, b = values
                difference = (left - right).xreplace(subs) if subs else left - right
                where = describe(concrete, signs, difference, _zero)
                return replace(_counterexample(concrete, env, leaves, a, b), region=where), where
    return None


def _real_sides(concrete: Concrete, left, right, leaves: dict, draw):
    """Both sides computed with the real functions at ``leaves`` (drawing the missing ones),
    or None where either has no real value."""
    memo: dict = {}
    try:
        a = real_value(left, concrete, leaves, draw, memo)
        b = real_value(right, concrete, leaves, draw, memo)
    except (Undefined, ZeroDivisionError, ValueError, TypeError):
        return None
    if isinstance(a, mpmath.mpc) or isinstance(b, mpmath.mpc):
        return None
    return a, b


def _first_leaves(subs: dict, draw) -> dict:
    """The leaves an assumption instance fixes: a one-hot target's entries, and Σ t = 1's
    eliminated entry following the others."""
    leaves = {k: v for k, v in subs.items() if isinstance(v, sympy.Rational)}
    for key, value in subs.items():
        if key not in leaves:
            for s in sorted(value.free_symbols, key=str):
                leaves.setdefault(s, draw())
            leaves[key] = value.xreplace(leaves)
    return leaves


def _counterexample(concrete: Concrete, env: dict, leaves: dict, a, b) -> Counterexample:
    shown = [(s, v) for s, v in sorted(leaves.items(), key=lambda kv: _leaf_order(concrete, kv[0]))
             if s in concrete.leaves]
    return Counterexample(
        sizes=dict(concrete.sizes),
        indices={str(k): int(v) + concrete.network.origin for k, v in env.items()},  # as written
        leaves={_leaf_name(concrete, s): str(v) for s, v in shown},
        lhs=mpmath.nstr(a, SHOWN_DIGITS), rhs=mpmath.nstr(b, SHOWN_DIGITS),
        values=[_leaf_value(concrete, s, v) for s, v in shown])


def _leaf_order(concrete: Concrete, symbol):
    """Data first (input, target), then parameters in model order."""
    network = concrete.network
    if symbol not in concrete.leaves:
        return (9, 0, ())
    tensor, idx = concrete.leaves[symbol]
    rank = {network.input: 0, network.target: 1}.get(tensor, 2)
    order = network.leaves.index(tensor) if tensor in network.leaves else 99
    return (rank, order, idx)


def _leaf_value(concrete: Concrete, symbol, value) -> dict:
    """One leaf of a counterexample, keyed by structure rather than by a display string."""
    tensor, idx = concrete.leaves[symbol]
    return {"tensor": tensor.name, "ranges": list(tensor.ranges), "index": [i + concrete.network.origin for i in idx],
            "value": str(value)}


def _leaf_name(concrete: Concrete, symbol) -> str:
    tensor, idx = concrete.leaves[symbol]
    if not idx:
        return tensor.name
    same = [t for t in concrete.network.tensors.values() if t.name == tensor.name]
    shape = f"({'×'.join(tensor.ranges)})" if len(same) > 1 else ""
    return f"{tensor.latex}{shape}[{','.join(str(i + concrete.network.origin) for i in idx)}]"
