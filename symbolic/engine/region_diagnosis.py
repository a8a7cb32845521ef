"""Where a refuted piecewise step does hold: "holds only where z_{j} > 0".

A step with ReLU, the step, |u| or a max is refuted on some sign regions of its piecewise
arguments (:mod:`symbolic.engine.regions`); on the others it may hold — the ReLU mask
dropped from ∇b_j is right wherever z_j > 0. Every region of every instance the step is
checked at (size assignment, free-index value, assumption instance) is classified with the
exact per-region test: the step holds on a region where its difference is the zero function
there, and fails where it is not, as written nor in elementary terms. An instance says
something when the regions it holds on are exactly those that satisfy one conjunction of
argument signs; the conjunction is written with the instance's entries (``z_{1} > 0``) and,
where every argument is an entry indexed by free index letters, in those letters
(``z_{j} > 0``).

The statement goes only as far as the instances agree: in the free indices when every
instance says the same, else at the counterexample's index values when every size
assignment says the same there, else at the counterexample's sizes as well. An instance on
which the step holds everywhere, nowhere, or on no conjunction of signs stops a statement
that would cover it, so nothing is said that one checked instance contradicts.
"""

from __future__ import annotations

import functools
import itertools
import time
from dataclasses import dataclass

import sympy

from ..errors import GradproofError
from ..model.context import Assumption
from ..model.tensors import Network
from ..results import StepResult
from ..settings import MAX_SIGN_REGIONS, REGION_DIAGNOSIS_SHARE
from .concrete import Concrete
from .exact import TooLarge, is_zero_function
from .regions import Signs, multiple_of, on_region, piecewise_arguments, sign_blind, sign_regions, sign_texts
from .verify import (Condition, assumption_instances, check_free_indices, free_index_values, parse_condition,
                     size_assignments, step_assignments)


@dataclass(eq=False)
class Where:
    """What one instance says: the argument signs on which the step holds, and the ways to
    write them in the free index letters (none when an argument is not such an entry)."""

    concrete: Concrete
    literals: Signs
    generic: frozenset[str]

    @functools.cached_property
    def written(self) -> str:
        """The signs at the instance's own entries: ``x_{1} > x_{2}, x_{1} > x_{3}``."""
        return ", ".join(sorted(sign_texts(self.concrete, self.literals, list(self.literals))))


EVERYWHERE = "everywhere"  # what an instance says when the step holds on all its regions


class _OutOfTime(Exception):
    """The diagnosis's deadline passed: nothing is said."""


def holding_condition(network: Network, assumptions: list[Assumption], lhs, rhs, step: StepResult,
                      deadline: float) -> str | None:
    """``z_{j} > 0`` when the refuted step ``lhs = rhs`` holds exactly where that sign condition
    does, at every instance it was checked at (or ``z_{1} > 0 (at j = 1)`` when only the
    counterexample's index values agree); None when nothing so simple is true.

    Args:
        step: the step's result; only a counterexample that names a region is looked at.
        deadline: the diagnosis's ``time.monotonic()`` deadline; this takes a share of what
            is left (:data:`settings.REGION_DIAGNOSIS_SHARE`) and past it says nothing.
    """
    found = step.counterexample
    if found is None or not found.region:
        return None
    try:
        condition = parse_condition(step.condition, network)
        free = check_free_indices(lhs, rhs, None)
        at = {s: sympy.Integer(found.indices[str(s)] - 1) for s in free}
    except (GradproofError, KeyError):
        return None
    condition = Condition(tuple(p for p in condition.pairs if {p[0], p[1]} <= set(free)))
    assignments = step_assignments(network, lhs, rhs) or size_assignments(network)
    if found.sizes not in assignments:
        return None
    now = time.monotonic()
    share = now + REGION_DIAGNOSIS_SHARE * max(0.0, deadline - now)
    instances = _Instances(network, assumptions, lhs, rhs, share)
    try:
        return _statement(instances, assignments, free, condition, at, found.sizes)
    except (_OutOfTime, GradproofError):  # a size the refutation never reached can be too large
        return None


def _statement(instances: "_Instances", assignments: list[dict], free: list, condition: Condition,
               at: dict, sizes: dict) -> str | None:
    """The widest statement every instance it covers agrees with (see the module)."""
    said = instances.say(sizes, at)
    if not all(isinstance(where, Where) for where in said) or len({w.written for w in said}) != 1:
        return None
    first = said[0]
    generic = set(first.generic)
    for other in assignments:
        for env in free_index_values(free, instances.network, other, condition):
            for where in instances.say(other, env):
                generic &= where.generic if isinstance(where, Where) else set()
            if not generic:
                break
        if not generic:
            break
    if generic:
        return min(generic)
    index = ", ".join(f"{s} = {int(v) + 1}" for s, v in at.items())
    agree = all(isinstance(where, Where) and where.written == first.written for other in assignments
                if _inside(instances.network, other, at, condition) for where in instances.say(other, at))
    if agree:
        return f"{first.written} (at {index})" if index else first.written
    shown = ", ".join(f"{k}={v}" for k, v in sizes.items())
    return f"{first.written} (at {index}, for {shown})" if index else f"{first.written} (for {shown})"


def _inside(network: Network, sizes: dict, env: dict, condition: Condition) -> bool:
    """Whether the index values ``env`` exist at ``sizes`` (and satisfy the step's condition)."""
    return condition.holds(env) and all(
        int(v) < sizes[network.index_ranges[str(s).rstrip("'")]] for s, v in env.items())


class _Instances:
    """What each instance says, computed once per size assignment and index values."""

    def __init__(self, network: Network, assumptions: list[Assumption], lhs, rhs, deadline: float):
        self.network, self.assumptions, self.lhs, self.rhs = network, assumptions, lhs, rhs
        self.deadline = deadline
        self.concretes: dict[tuple, Concrete] = {}
        self.said: dict[tuple, list[Where | str | None]] = {}

    def say(self, sizes: dict, env: dict) -> list[Where | str | None]:
        """One entry per assumption instance at these sizes and free-index values."""
        size_key = tuple(sorted(sizes.items()))
        key = (size_key, tuple(sorted((str(s), int(v)) for s, v in env.items())))
        if key not in self.said:
            if size_key not in self.concretes:
                self.concretes[size_key] = Concrete(self.network, sizes)
            concrete = self.concretes[size_key]
            left, right = concrete.value(self.lhs, env), concrete.value(self.rhs, env)
            said = []
            for subs in assumption_instances(self.assumptions, concrete):
                if time.monotonic() > self.deadline:
                    raise _OutOfTime()
                difference = (left - right).xreplace(subs) if subs else left - right
                said.append(_where(concrete, difference, env, self.deadline))
            self.said[key] = said
        return self.said[key]


def _where(concrete: Concrete, difference: sympy.Expr, env: dict, deadline: float) -> Where | str | None:
    """What one instance says: EVERYWHERE, a sign condition, or None (nowhere, or no conjunction)."""
    arguments = piecewise_arguments(concrete, difference)
    if not arguments:
        return EVERYWHERE if _holds(concrete, difference) else None
    if _zero(difference):
        return EVERYWHERE
    holding, failing = [], []
    for count, signs in enumerate(sign_regions(concrete, arguments), 1):
        if count > MAX_SIGN_REGIONS:
            return None
        if time.monotonic() > deadline:
            raise _OutOfTime()
        held = _holds(concrete, on_region(concrete, difference, signs, {}))
        if held is None:
            return None
        (holding if held else failing).append(signs)
    if not failing:
        return EVERYWHERE
    literals = _separating(concrete, holding, failing)
    if literals is None:
        return None
    return Where(concrete, literals, _in_letters(concrete, literals, env))


def _zero(expr: sympy.Expr) -> bool | None:
    """Whether ``expr`` is the zero function; None when it is too large to tell."""
    try:
        return is_zero_function(expr)
    except TooLarge:
        return None


def _holds(concrete: Concrete, difference: sympy.Expr) -> bool | None:
    """Zero as it stands or in elementary terms (True), neither (False), or too large (None)."""
    zero = _zero(difference)
    if zero is not False:
        return zero
    elementary = concrete.in_elementary_terms(difference)
    return False if elementary is None else _zero(elementary)


def _separating(concrete: Concrete, holding: list[Signs], failing: list[Signs]) -> Signs | None:
    """The fewest argument signs shared by every holding region and met by no failing one.

    The candidates are the signs all holding regions share; one is dropped when the rest
    still exclude every failing region and still fix the arguments inside theirs (the second
    comparison of a max, ``x_2 + ReLU(x_1 - x_2) - x_3``, means x_1 - x_3 only where
    x_1 > x_2)."""
    if not holding:
        return None
    blind = sign_blind(concrete)
    literals = {a: v for a, v in holding[0].items()
                if v is not None and a not in blind and all(s[a] == v for s in holding)}
    if not literals or not _closed(concrete, literals) or any(_meets(s, literals) for s in failing):
        return None
    for argument in reversed(list(literals)):
        fewer = {a: v for a, v in literals.items() if a != argument}
        if fewer and _closed(concrete, fewer) and not any(_meets(s, fewer) for s in failing):
            literals = fewer
    return literals


def _meets(signs: Signs, literals: Signs) -> bool:
    return all(signs[a] == v for a, v in literals.items())


def _closed(concrete: Concrete, literals: Signs) -> bool:
    """Whether the signs fix every piecewise argument inside the arguments they sign."""
    try:
        for argument in literals:
            on_region(concrete, argument, literals, {})
    except KeyError:
        return False
    return True


def _in_letters(concrete: Concrete, literals: Signs, env: dict) -> frozenset[str]:
    """The sign condition written with the free index letters, each way it can be (z_{i}
    and z_{j} where i = j), or none when an argument is not an entry at those letters."""
    names = set(concrete.entry_names().values())
    options = []
    for argument, positive in literals.items():
        form = on_region(concrete, argument, literals, {})
        ways = {f"{text} {'>' if positive == (ratio > 0) else '<'} 0"
                for text, ratio in _entries_at_letters(concrete, form, env, names)}
        if not ways:
            return frozenset()
        options.append(sorted(ways))
    return frozenset(", ".join(sorted(set(parts))) for parts in itertools.product(*options))


def _entries_at_letters(concrete: Concrete, form: sympy.Expr, env: dict, names: set[str]):
    """(``z_{j}``, c) for each entry at free index letters whose value c times is ``form``."""
    network = concrete.network
    for tensor in network.tensors.values():
        choices = [[s for s in env if network.index_ranges.get(str(s).rstrip("'")) == size]
                   for size in tensor.ranges]
        for letters in itertools.product(*choices):
            at = ",".join(str(int(env[s]) + 1) for s in letters)
            if (f"{tensor.latex}_{{{at}}}" if letters else tensor.latex) not in names:
                continue  # never computed at this instance: not what a piecewise argument is
            try:
                value = concrete.value(tensor.entry(*letters), env)
            except GradproofError:
                continue
            ratio = multiple_of(form, value)
            if ratio is not None:
                spelled = [str(s) for s in letters]
                joined = "".join(spelled) if all(len(s) == 1 for s in spelled) else ",".join(spelled)
                yield (f"{tensor.latex}_{{{joined}}}" if letters else tensor.latex), ratio
