r"""A gradient name declared with its indices and the derivative it stands for.

``gradients: {'\gamma_{t[i]}^{(k)}': '\frac{\partial J^{(t)}}{\partial h^{(k)}_{[i]}}'}`` is
the author's own definition written out: γ at (k, t, i) is the gradient of the step loss
J^{(t)} by h^{(k)}_{[i]}. The left side is read as the left side of a definition (a new name,
distinct index letters, superscripts and labels by the usual rules), the right side as a claim
term, and it must be one derivative whose free indices are the left side's — a name for a
gradient, never for anything else. Where the variable has initial states (``outside: {h:
initial}``), the name at a step before the first is the gradient by the initial state, as
written: ``\gamma_{t[i]}^{(k-1)}`` at k = 1 is ∂J^{(t)}/∂h^{(0)}_{[i]}.
"""

from __future__ import annotations

import sympy

from ..errors import GradproofError, ModelError, Span
from ..latex.parse import parse_latex
from .index_notation import Resolver, free_indices
from .labels import read_label
from .mentions import Grad, split_symbol
from .tensors import Definition, Network, Tensor, index_symbol

DERIVATIVE = "derivative"  # what lies outside the name's range: the same derivative
HINT = (r"write gradients: {'\gamma_{t[i]}^{(k)}': '\frac{\partial J^{(t)}}{\partial h^{(k)}_{[i]}}'}: "
        "a new name with its indices, and the one derivative it stands for")


def is_written(by) -> bool:
    """Whether a ``gradients:`` value is a derivative written out (not a quantity's name)."""
    return "\\partial" in str(by)


def written_gradient(written: str, by: str, network: Network, span: Span) -> Definition:
    """The definition ``written = by`` of a declared gradient name.

    Raises:
        ModelError: the left side is not a new name with distinct index letters, or the right
            side is not one derivative over exactly those indices.
    """
    written, by = str(written).strip(), str(by).strip()
    try:
        raw = parse_latex(written, span)
        if not isinstance(raw.expr, sympy.Symbol) or raw.derivatives:
            raise ModelError(f"gradients: '{written}' is not one name with its indices", span, HINT)
        mention = read_label(split_symbol(raw.expr.name), network, span, defining=True)
        if mention.sup is not None:
            mention = Resolver(network, "define", span, written).named(mention, power=False)
        expr = Resolver(network, "claim", span, by).resolve(parse_latex(by, span))
    except GradproofError as err:
        raise ModelError(f"gradients: '{written}: {by}' is not read: {err.message}", span,
                         err.hint or HINT) from None
    letters = list(getattr(mention, "tokens", None) or [])
    if isinstance(mention, int) or any(t.rstrip("'") not in network.index_ranges for t in letters) \
            or len(set(letters)) != len(letters):
        raise ModelError(f"gradients: '{written}' must be a name with distinct index letters", span, HINT)
    if any(t.name == mention.name for t in network.tensors.values()):
        raise ModelError(f"gradients: {mention.written} is already a quantity of the model", span,
                         "choose a name the block does not use")
    if not isinstance(expr, Grad):
        raise ModelError(f"gradients: '{by}' is not one derivative", span, HINT)
    indices = tuple(index_symbol(t) for t in letters)
    if free_indices(expr) != set(indices):
        raise ModelError(f"gradients: the free indices of '{by}' are not those of '{written}'",
                         span, HINT)
    tensor = Tensor(mention.name, tuple(network.index_ranges[t.rstrip("'")] for t in letters))
    variable = network.tensor_of(expr.args[1].base if isinstance(expr.args[1], sympy.Indexed)
                                 else expr.args[1])
    if network.outside.get(variable.name) == "initial" and tensor.name not in network.outside:
        # γ^{(0)} is the gradient by the initial state h^{(0)}, a leaf: the same derivative
        network.outside[tensor.name] = DERIVATIVE
    return Definition(tensor, indices, expr, span, by)
