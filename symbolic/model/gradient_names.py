"""Names the block declares for the loss's gradient: Bishop's errors ``δ_j ≡ ∂E_n/∂a_j``.

A textbook defines its δ once, in the prose or an equation the note does not copy, and then
states facts about it (``δ_k = y_k - t_k``, ``δ_j = h'(a_j) Σ_k w_{kj} δ_k``). The block says
so with ``gradients: {\\delta: a}``: for every tensor ``a`` of the model (``a_j`` over M and
``a_k`` over K are two), ``δ`` with the same indices is ∂(loss)/∂a. Claims that state
``δ_k = …`` are then checked, never read as definitions.
"""

from __future__ import annotations

import re

from ..errors import ModelError, Span
from .mentions import Grad
from .tensors import Definition, Network, Tensor, index_symbol


def declared_gradients(data: dict, network: Network, span: Span) -> list[Definition]:
    """The definitions ``δ_… = ∂(loss)/∂a_…`` of the block's ``gradients:`` mapping.

    Raises:
        ModelError: the mapping is malformed, names a quantity the model does not have, uses
            a name of the model, or there is no loss to differentiate.
    """
    declared = data.get("gradients")
    if not declared:
        return []
    hint = r"write gradients: {\delta: a}: δ_j is the loss's gradient by a_j"
    if not isinstance(declared, dict):
        raise ModelError("gradients: must map a name to the quantity it is the gradient by",
                         span, hint)
    if network.loss is None:
        raise ModelError("gradients: needs a loss, and the block defines none", span,
                         "define the loss in the block, or name it with loss:")
    out: list[Definition] = []
    for written, by in declared.items():
        name, target = str(written).strip().lstrip("\\"), str(by).strip().lstrip("\\")
        if not re.fullmatch(r"[A-Za-z]+", name) or not re.fullmatch(r"[A-Za-z]+", target):
            raise ModelError(f"gradients: '{written}: {by}' is not a name and a quantity", span, hint)
        if any(t.name == name for t in network.tensors.values()):
            raise ModelError(f"gradients: {name} is already a quantity of the model", span,
                             "choose a name the block does not use")
        targets = [t for t in network.tensors.values() if t.name == target]
        if not targets:
            raise ModelError(f"gradients: the model has no quantity {target}", span,
                             f"name a quantity of the model; it has "
                             f"{', '.join(sorted({t.name for t in network.tensors.values()}))}")
        for tensor in targets:
            letters = [_letter_for(network, r) for r in tensor.ranges]
            indices = tuple(index_symbol(letter) for letter in letters)
            wrt = tensor.entry(*indices) if indices else tensor.base
            source = rf"\frac{{\partial {network.loss.latex}}}{{\partial {tensor.latex}" + (
                f"_{{{''.join(letters)}}}" if letters else "") + "}"
            out.append(Definition(Tensor(name, tensor.ranges), indices, Grad(network.loss.base, wrt),
                                  span, source))
    return out


def _letter_for(network: Network, size: str) -> str:
    return next(letter for letter, s in network.index_ranges.items() if s == size)
