"""The trainable models of a derivation note, their gradient formulas, and why a block is not one.

:func:`load_models` is the one place that asks ``symbolic`` for a note's
networks and gradient formulas. A block that cannot be trained says why in one
line: no loss, no input, no target, a loss without parameters, or an input or
target of a shape no data set fills.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from symbolic.errors import GradproofError, ModelError, NotesError, UsageError
from symbolic.model.context import Context
from symbolic.model.tensors import Network, Tensor

from .formulas import GradientFormula
from .layout import DataLayout, data_layout
from .sequences import completed_network, needs_unrolling


@dataclass
class Model:
    """One trainable context of a derivation file and every parameter-gradient formula for it."""

    path: str
    number: int  # 1-based position of the derivation block
    network: Network
    layout: DataLayout | None  # None: a model with index arithmetic (numeric.sequences)
    formulas: list[GradientFormula] = field(default_factory=list)
    # names defined as derivatives (ε = ∂L/∂h) and the claim that gives each its formula
    completions: list[str] = field(default_factory=list)

    @property
    def unrolled(self) -> bool:
        """Whether the model has index arithmetic and is evaluated step by step, not compiled."""
        return self.layout is None

    def formulas_for(self, tensor: Tensor) -> list[GradientFormula]:
        return [f for f in self.formulas if f.tensor == tensor]


@dataclass(frozen=True)
class Untrainable:
    """Why one derivation block cannot be trained: a one-line reason and a hint."""

    number: int
    line: int | None
    reason: str
    hint: str

    @property
    def where(self) -> str:
        return f"block {self.number}" + (f" (line {self.line})" if self.line else "")


def untrainable(context: Context, number: int) -> Untrainable | DataLayout | None:
    """The data layout of a trainable block (None for a model with index arithmetic, which is
    checked on random data and trained on synthetic sequences), or why the block cannot be trained."""
    network = context.network
    line = context.span.line if context.span else None

    def no(reason: str, hint: str) -> Untrainable:
        return Untrainable(number, line, reason, hint)

    leaves = ", ".join(t.name for t in network.leaves) or "none"
    defined = ", ".join(dict.fromkeys(d.tensor.name for d in context.model_definitions)) or "nothing"
    if network.loss is None:
        return no(f"no loss: the model defines {defined} but no scalar L",
                  "define a scalar loss, e.g. L = -\\sum_k t_k \\log o_k, or name it with loss: in the block")
    reached = network.dependencies().get(network.loss, frozenset())
    if needs_unrolling(network):
        if not any(leaf in reached for leaf in network.leaves):
            return no(f"the loss {network.loss.name} depends on no leaf", "compute it from the model's leaves")
        return None
    if network.input is None:
        return no(f"no input: no leaf of the model is named x (its leaves: {leaves})",
                  "name the data input x, or say which leaf it is with input: NAME in the block")
    if network.target is None:
        return no(f"no target: no leaf of the model is named t (its leaves: {leaves})",
                  "name the targets t, or say which leaf they are with target: NAME in the block (e.g. target: y)")
    name = network.loss.name
    if network.input not in reached:
        return no(f"the loss {name} does not depend on the input {network.input.name}",
                  f"compute {name} from the input through the model's definitions")
    if network.target not in reached:
        return no(f"the loss {name} does not depend on the target {network.target.name}",
                  f"compare the model's output with {network.target.name} in {name}")
    if not any(p in reached for p in network.parameters):
        return no(f"the loss has no parameters: {name} depends only on the data "
                  f"({network.input.name}, {network.target.name})",
                  "add weights or biases, e.g. a = \\sum_i w_i x_i + b")
    try:
        return data_layout(network)
    except UsageError as err:
        return no(err.message, err.hint or "")


def load_models(path: str, *, derive: bool = True) -> list[Model]:
    """The trainable contexts of ``path``: networks with an input, and their gradient formulas.

    Claims are display chains ``∂L/∂θ = … = E`` about a parameter θ, without a
    condition; E (the last right-hand side) is the formula, with the chain's
    verdict. With ``derive``, the formula that ``symbolic`` derives for every
    parameter is added with origin ``derived``.

    Raises:
        GradproofError: the file cannot be read, or no block of it can be trained (the
            message says why for each block).
    """
    from symbolic import api
    from symbolic.checker import Options
    from symbolic.calculus.derive import derive_parameters, entry
    from symbolic.model.index_notation import Grad

    document = api.load(path, Options(diagnose=False))
    models, reasons = [], []
    for number, context in enumerate(document.contexts, start=1):
        network = context.network
        layout = untrainable(context, number)
        if isinstance(layout, Untrainable):
            reasons.append(layout)
            continue
        completions: list[str] = []
        if layout is None:  # ε_{t,j} = ∂L/∂h_{t,j} is evaluated by the recursion a claim gives it
            network, completions = completed_network(network, document.chains, number)
        model = Model(str(path), number, network, layout, completions=completions)
        for chain in document.chains:
            result = chain.result
            if chain.block != number or result is None or result.condition or len(chain.terms) < 2:
                continue
            head, formula = chain.terms[0], chain.terms[-1]
            if not isinstance(head, Grad) or head.args[0] != network.loss.base or formula.has(Grad):
                continue
            tensor, indices = entry(network, head.args[1])
            if tensor in network.parameters:
                model.formulas.append(GradientFormula(
                    tensor, indices, formula, "claim", result.label, result.verdict.value,
                    result.expected.value if result.expected else None))
        if derive:
            for derived in derive_parameters(context):
                tensor, indices = entry(network, derived.wrt)
                model.formulas.append(GradientFormula(tensor, indices, derived.expr, "derived", None,
                                                      derived.verdict.value))
        models.append(model)
    if not models:
        raise _nothing_to_train(str(path), document, reasons)
    return models


def _nothing_to_train(path: str, document, reasons: list[Untrainable]) -> GradproofError:
    if len(reasons) == 1:
        (only,) = reasons
        return ModelError(f"{path}: {only.reason}", hint=only.hint)
    if reasons:
        text = "; ".join(f"{r.where}: {r.reason}" for r in reasons)
        return ModelError(f"{path}: no block can be trained: {text}", hint=reasons[0].hint)
    broken = [c for c in document.report.claims if c.verdict.value == "error"]
    if broken:  # the first error is the block's own; the claims after it only point to it
        first = broken[0]
        return NotesError(f"{path}: no model: the note has an error at line {first.line}: {first.message}",
                          hint=first.hint or "fix it first (gradproof check shows it)")
    return NotesError(f"{path}: no model: the note has no derivation block, so nothing defines a loss to train",
                      hint="add a ```derivation block with the model, e.g. define: a = \\sum_i w_i x_i + b, "
                           "p = \\sigma(a), L = …")


def choose_formulas(model: Model, use_claims: bool) -> dict[Tensor, GradientFormula]:
    """Per parameter: a claim that holds, else the derived formula; any claim with ``use_claims``.

    Raises:
        UsageError: a parameter has no formula at all.
    """
    chosen = {}
    for tensor in model.network.parameters:
        candidates = model.formulas_for(tensor)
        claims = [f for f in candidates if f.origin == "claim" and (use_claims or f.verdict in ("proved", "verified"))]
        derived = [f for f in candidates if f.origin == "derived"]
        if claims or derived:
            chosen[tensor] = (claims or derived)[0]
        else:
            raise UsageError(f"no gradient formula for {tensor}: no claim holds and none could be derived",
                             hint="write its gradient as a claim, e.g. \\nabla b_j = …")
    return chosen
