"""Recurrent groups: defined tensors that read one another at other time steps.

``z_{t,j}`` reads ``h_{t-1,k}`` and ``h_{t,j}`` reads ``z_{t,j}``: the two form a group that
is filled one step at a time (see :mod:`numeric.unrolled`), z before h within a step, and
forwards in time; ``ε_{t,j}`` reading ``ε_{t+1,k}`` is a group of one filled backwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from symbolic.errors import ModelError
from symbolic.model.recurrence import step_back
from symbolic.model.tensors import Network, Tensor, tensors_in


@dataclass
class Group:
    """Defined tensors that read each other at other time steps, filled step by step."""

    tensors: list[Tensor]  # in the order one step computes them
    time: str  # the size name they recur along
    forwards: bool  # h_{t-1}: step 0 first; ε_{t+1}: the last step first
    filled: dict[Tensor, np.ndarray] = field(default_factory=dict)  # per tensor: the steps computed


def recurrent_groups(network: Network) -> list[Group]:
    """Defined tensors that read each other at other steps, each group with its time range and
    direction, its tensors in the order one step computes them.

    Raises:
        ModelError: a cycle with no step between (a definition cycle), or one that reads both
            earlier and later steps.
    """
    defined = {d.tensor: d for d in network.definitions}
    reads = {t: [u for u in tensors_in(d.expr, network) if u in defined] for t, d in defined.items()}
    groups, seen = [], set()
    for tensor in defined:
        if tensor in seen:
            continue
        members = [t for t in defined if _reaches(reads, tensor, t) and _reaches(reads, t, tensor)]
        if not members:
            continue
        seen.update(members)
        groups.append(_group(network, defined, members))
    return groups


def _reaches(reads, start: Tensor, goal: Tensor) -> bool:
    stack, found = list(reads[start]), set()
    while stack:
        tensor = stack.pop()
        if tensor == goal:
            return True
        if tensor not in found:
            found.add(tensor)
            stack.extend(reads.get(tensor, ()))
    return False


def _group(network: Network, defined, members: list[Tensor]) -> Group:
    shifts, times = set(), set()
    immediate: dict[Tensor, set[Tensor]] = {t: set() for t in members}
    for tensor in members:
        definition = defined[tensor]
        for entry in definition.expr.atoms(sympy.Indexed):
            used = network.tensors.get(entry.base.label.name)
            if used not in immediate:
                continue
            moved = [(back, n) for n, i in enumerate(entry.indices)
                     if (back := _shift(i)) is not None and back[0] in definition.indices]
            if not moved:
                immediate[tensor].add(used)
            for (letter, shift), _n in moved:
                shifts.add(shift > 0)
                times.add(network.index_ranges[str(letter).rstrip("'")])
    names = ", ".join(t.latex for t in members)
    if not shifts:
        raise ModelError(f"{names} are defined in terms of each other at the same step (a definition cycle)")
    if len(shifts) > 1 or len(times) > 1:
        raise ModelError(f"the recurrence through {names} reads both earlier and later steps",
                         hint="a recurrence reads one direction in time only (h_{t-1}, or ε_{t+1})")
    order: list[Tensor] = []
    while len(order) < len(members):
        ready = [t for t in members if t not in order and immediate[t] - {t} <= set(order)]
        if not ready:
            raise ModelError(f"{names} are defined in terms of each other at the same step (a definition cycle)")
        order.append(ready[0])
    return Group(order, times.pop(), forwards=not shifts.pop())


def _shift(index) -> tuple[sympy.Symbol, int] | None:
    """(t, −c) for t − c and (t, c) for t + c, with t an index letter and c ≥ 1."""
    back = step_back(index)
    if back is not None:
        return back[0], -back[1]
    if isinstance(index, sympy.Add):
        constant, rest = index.as_coeff_Add()
        if constant.is_Integer and constant > 0 and isinstance(rest, sympy.Symbol) and not rest.is_positive:
            return rest, int(constant)
    return None
