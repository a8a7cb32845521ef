"""Recurrence over time: a definition that uses its own (or another defined quantity's)
value at an earlier step, ``h_{t,j} = \\tanh(\\sum_k W_{jk} h_{t-1,k} + …)``.

A mention is *delayed* when one of its positions is ``t - c`` (c ≥ 1) with ``t`` an index
of the definition's left side. Delayed mentions do not count as a dependency cycle: at
concrete sizes each entry is computed from entries of earlier steps, down to the entries
before the first, which the block's ``outside:`` declares (``initial``: the leaf h_0;
``0``: a zero initial state). The size of such a ``t`` is a *time range*; it is checked
unrolled at T = 3 and T = 4 (see :func:`time_ranges` and the engine's size assignments).
"""

from __future__ import annotations

import sympy

from .tensors import Network, Tensor


def step_back(index) -> tuple[sympy.Symbol, int] | None:
    """``(t, c)`` for an index ``t - c`` with c ≥ 1 a whole number and t an index letter (not a
    size: ``h_{T,j}`` is the last step, T - 1 counted from 0), else None."""
    if not isinstance(index, sympy.Add):
        return None
    constant, rest = index.as_coeff_Add()
    if constant.is_Integer and constant < 0 and isinstance(rest, sympy.Symbol) and not rest.is_positive:
        return rest, int(-constant)
    return None


def delayed(entry: sympy.Indexed, lhs_indices) -> bool:
    """Whether ``entry`` reads an earlier step of one of the left side's indices."""
    return any((back := step_back(i)) is not None and back[0] in lhs_indices for i in entry.indices)


def immediate_tensors(expr, lhs_indices, tensors) -> list[Tensor]:
    """The tensors ``expr`` uses at the same step (``tensors``: key -> tensor), in order of
    first use; a tensor read only at earlier steps is left out."""
    found: list[Tensor] = []
    walk = sympy.preorder_traversal(expr)
    for atom in walk:
        if isinstance(atom, sympy.Indexed):
            walk.skip()  # its base's label would name the tensor again
            if delayed(atom, lhs_indices):
                continue
            key = atom.base.label.name
        elif isinstance(atom, sympy.Symbol):
            key = atom.name
        else:
            continue
        tensor = tensors.get(key)
        if tensor is not None and tensor not in found:
            found.append(tensor)
    return found


def time_ranges(network: Network) -> list[str]:
    """Size names along which the model recurs (the range of t in h_{t-1,k}), in order."""
    return network._cached("_time_ranges", lambda: recurring_sizes(network.definitions,
                                                                   network.index_ranges))


def recurring_sizes(definitions, index_ranges: dict[str, str]) -> list[str]:
    """The time ranges of ``definitions`` (index letter -> size in ``index_ranges``)."""
    found: list[str] = []
    for d in definitions:
        for entry in sorted(d.expr.atoms(sympy.Indexed), key=str):
            for i in entry.indices:
                back = step_back(i)
                if back is not None and back[0] in d.indices:
                    size = index_ranges.get(str(back[0]).rstrip("'"))
                    if size is not None and size not in found:
                        found.append(size)
    return found


def recurrent_tensors(network: Network) -> list[Tensor]:
    """Defined tensors read at an earlier step by some definition (h in h_{t-1,k})."""
    found: list[Tensor] = []
    for d in network.definitions:
        for entry in sorted(d.expr.atoms(sympy.Indexed), key=str):
            if delayed(entry, d.indices):
                tensor = network.tensors.get(entry.base.label.name)
                if tensor is not None and tensor not in found:
                    found.append(tensor)
    return found


def truncated(network: Network) -> tuple[str, Network] | None:
    """The model with the dependence through earlier steps cut (truncated backpropagation
    through time: h_{t-1} held constant in h_t), with what that variant is; None for a
    model without a recurrence."""
    import dataclasses
    tensors, times = recurrent_tensors(network), time_ranges(network)
    if not tensors or not times:
        return None
    letter = next((k for k, v in network.index_ranges.items() if v == times[0]), "t")
    names = ", ".join(f"{t.latex}_{{{letter}-1}}" for t in tensors)
    return (f"holds if the dependence through {names} is cut (truncated backpropagation "
            "through time)", dataclasses.replace(network, cut_delayed=True))
