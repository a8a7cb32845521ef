"""Names the block declares for the loss's gradient: Bishop's errors ``δ_j ≡ ∂E_n/∂a_j``.

A textbook defines its δ once, in the prose or an equation the note does not copy, and then
states facts about it (``δ_k = y_k - t_k``, ``δ_j = h'(a_j) Σ_k w_{kj} δ_k``). The block says
so with ``gradients: {\\delta: a}``: for every tensor ``a`` of the model (``a_j`` over M and
``a_k`` over K are two), ``δ`` with the same indices is ∂(loss)/∂a. Claims that state
``δ_k = …`` are then checked, never read as definitions.

A name written with the variable as its subscript, ``gradients: {\\Delta_x: x}``, is the
gradient by the whole of x, written the way the author writes ``\\nabla_x``: in claims
``\\Delta_x`` is ``\\nabla_{x} L`` (a vector or a matrix, in the block's ``layout:``).

A name for the gradient of another quantity than the loss (J^{(t)}, the loss at one step) is
declared with its indices and the derivative written out (:mod:`.written_gradients`).
"""

from __future__ import annotations

import re

from ..errors import ModelError, Span
from .mentions import Grad
from .tensors import Definition, Network, Tensor, index_symbol
from .written_gradients import is_written, written_gradient


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
        if is_written(by):  # '\gamma_{t[i]}^{(k)}': '\frac{\partial J^{(t)}}{\partial h^{(k)}_{[i]}}'
            out.append(written_gradient(written, by, network, span))
            continue
        if _OPERATOR.fullmatch(str(written).strip()):
            continue  # \Delta_x: read in the text (gradient_operators)
        name, target = str(written).strip().lstrip("\\"), str(by).strip().lstrip("\\")
        if not re.fullmatch(r"[A-Za-z]+", name) or not re.fullmatch(r"[A-Za-z]+", target):
            raise ModelError(f"gradients: '{written}: {by}' is not a name and a quantity", span, hint)
        if any(t.name == name for t in network.tensors.values()):
            raise ModelError(f"gradients: {name} is already a quantity of the model", span,
                             "choose a name the block does not use")
        # z and, written with a superscript that is a name's (no layers: block), z^{l}, z^{l+1}
        targets = [t for t in network.tensors.values() if t.name.split("^", 1)[0] == target]
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
            superscript = tensor.name[len(target):]  # δ^{l+1} is the gradient by z^{l+1}
            out.append(Definition(Tensor(name + superscript, tensor.ranges), indices,
                                  Grad(network.loss.base, wrt), span, source))
    return out


_OPERATOR = re.compile(r"\\?([A-Za-z]+)\s*_\s*\{?\s*([A-Za-z])\s*\}?")


def gradient_operators(data: dict, span: Span) -> tuple[tuple[str, str], ...]:
    """The names ``gradients:`` declares with their variable as a subscript: (name, variable).

    Raises:
        ModelError: the subscript is not the variable the name is declared for.
    """
    declared = data.get("gradients")
    found = []
    for written, by in (declared.items() if isinstance(declared, dict) else ()):
        m = _OPERATOR.fullmatch(str(written).strip())
        if m is None:
            continue
        if m.group(2) != str(by).strip().lstrip("\\"):
            raise ModelError(f"gradients: {written} is written by {m.group(2)} but declared for {by}",
                             span, f"write gradients: {{{str(written).split('_')[0]}_{by}: {by}}}")
        found.append((m.group(1), m.group(2)))
    return tuple(found)


def write_operators(text: str, operators: tuple[tuple[str, str], ...], loss: str) -> str:
    """``text`` with each declared gradient name (``\\Delta_x``) as ``\\nabla_{x} L``."""
    for name, variable in operators:
        text = re.sub(rf"(?<![A-Za-z])\\?{name}\s*_\s*(?:\{{\s*{variable}\s*\}}|{variable}(?![A-Za-z]))(?!\s*[_^])",
                      lambda _m: rf"\nabla_{{{variable}}} {loss}", text)
    return text


def _letter_for(network: Network, size: str) -> str:
    return next(letter for letter, s in network.index_ranges.items() if s == size)
