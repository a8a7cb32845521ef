"""A parameter's copy per time step: the "dummy variables" of backpropagation through time.

Texts on recurrent networks (Goodfellow et al., ch. 10; many BPTT notes) pretend that the
unit at step k has its own copy ``W^{(k)}`` of a shared parameter W, so that
``∂J/∂W = Σ_k ∂J/∂W^{(k)}`` and ``∂W^{(k)}/∂W = 1``. The block declares it with
``copies: [W_f]``: for each declared parameter (a leaf of the model, with no time index),
every use in the definition of a quantity at step t becomes the entry t of a new quantity,
the copy, defined as the parameter itself: ``W_f^{(t)}_{ij} = W_{f,ij}``. Values do not
change, the derivative by W still runs through every step (through its copies), and in
claims ``W_f^{(k)}`` is the copy used at step k only. It is opt-in: a superscript on a
parameter may also be an optimisation step (``W^{(t+1)} = W^{(t)} - η …``), which it would
never be here; and a name the block writes with a time index keeps the meaning it has.
"""

from __future__ import annotations

import re

import sympy

from ..errors import ModelError, Span
from .recurrence import recurring_sizes
from .tensors import Definition, Network, Tensor, index_symbol, tensors_in

HINT = "write copies: [W_f]: the parameters each time step has a copy of"


def step_copies(data: dict, definitions: list[Definition], network: Network,
                span: Span | None) -> list[Definition]:
    """``definitions`` with each declared parameter's uses at step t read from its copy at t,
    and the copies' definitions after them; ``definitions`` as they are without ``copies:``.

    Raises:
        ModelError: the declaration is malformed; a name that is not a parameter, that the
            block already writes with a time index, or that is used outside one time step.
    """
    declared = data.get("copies")
    if not declared:
        return definitions
    names = [declared] if isinstance(declared, str) else declared
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise ModelError("copies: must list the parameters that have a copy per time step", span, HINT)
    times = recurring_sizes(definitions, network.index_ranges)
    if not times:
        raise ModelError("copies: the model has no recurrence over time, so no time step to "
                         "copy a parameter for", span, "copies are for recurrent models "
                         "(h_{t-1} in the definition of h_t)")
    defined = {d.tensor for d in definitions}
    out = list(definitions)
    for written in names:
        name = re.sub(r"[{}\s]", "", written).lstrip("\\")
        same = [t for t in network.tensors.values() if t.name == name]
        leaves = [t for t in same if t not in defined and not set(t.ranges) & set(times)]
        if not leaves:
            what = ("is defined by the model or has a time index: only a parameter (a leaf "
                    "without one) has copies" if same
                    else "is not a quantity of the model")
            raise ModelError(f"copies: {written} {what}", span, HINT)
        for parameter in leaves:
            out = _with_copy(out, parameter, times, network, span)
    return out


def _with_copy(definitions: list[Definition], parameter: Tensor, times: list[str],
               network: Network, span: Span | None) -> list[Definition]:
    users = [d for d in definitions if parameter in tensors_in(d.expr, network)]
    steps = {d.tensor: _step_of(d, parameter, times, network, span) for d in users}
    sizes = {network.index_ranges[str(s).rstrip("'")] for s in steps.values()}
    if len(sizes) != 1:
        raise ModelError(f"copies: {parameter.name} is used along {' and '.join(sorted(sizes)) or 'no'} "
                         "time ranges", span, "a copy is per step of one time range")
    copy = Tensor(parameter.name, (sizes.pop(), *parameter.ranges))
    if copy.key in network.tensors:
        raise ModelError(f"copies: the block already writes {parameter.name} with a time index, "
                         f"as {copy}", span, "a name written with a time step keeps its meaning")
    network.tensors[copy.key] = copy
    rewritten = []
    for d in definitions:
        step = steps.get(d.tensor)
        if step is None:
            rewritten.append(d)
            continue
        expr = d.expr.replace(
            lambda e: isinstance(e, sympy.Indexed) and e.base == parameter.base,
            lambda e: copy.entry(step, *e.indices)) if parameter.ranges else \
            d.expr.xreplace({parameter.base: copy.entry(step)})
        rewritten.append(Definition(d.tensor, d.indices, expr, d.span, d.source))
    letters = _letters(copy.ranges, network)
    rewritten.append(Definition(copy, letters, parameter.entry(*letters[1:]), span,
                                f"{parameter.latex}^{{({letters[0]})}} = {parameter.latex}"))
    return rewritten


def _step_of(definition: Definition, parameter: Tensor, times: list[str], network: Network,
             span: Span | None) -> sympy.Symbol:
    """The index of ``definition``'s left side that is its time step."""
    steps = [i for i in definition.indices if network.index_ranges.get(str(i).rstrip("'")) in times]
    if len(steps) != 1:
        where = "no" if not steps else "more than one"
        raise ModelError(f"copies: {parameter.name} is used in the definition of "
                         f"{definition.tensor.name}, which has {where} time step", definition.span or span,
                         "a parameter has a copy per step only where each use is at one step")
    for summed in definition.expr.atoms(sympy.Sum):
        over_time = [v for v, *_ in summed.limits if network.index_ranges.get(str(v).rstrip("'")) in times]
        if over_time and parameter in tensors_in(summed.function, network):
            raise ModelError(f"copies: {parameter.name} is used inside a sum over the time steps in "
                             f"the definition of {definition.tensor.name}", definition.span or span,
                             "a parameter has a copy per step only where each use is at one step")
    return steps[0]


def _letters(ranges: tuple[str, ...], network: Network) -> tuple[sympy.Symbol, ...]:
    """Distinct index letters, one of each range in turn (primed once a range's run out)."""
    used: list[str] = []
    for size in ranges:
        base = [k for k, v in network.index_ranges.items() if v == size]
        letter = next((k for k in base if k not in used), None)
        primes = 1
        while letter is None:
            letter = next((k + "'" * primes for k in base if k + "'" * primes not in used), None)
            primes += 1
        used.append(letter)
    return tuple(index_symbol(letter) for letter in used)
