"""Compile a network's index formulas into batched numpy functions.

A :class:`Network`'s definitions become a ``forward`` function and a set of
per-sample gradient formulas becomes a ``gradients`` function returning each
parameter's gradient averaged over the batch. Both are generated as
straight-line Python source (kept in :attr:`CompiledNetwork.source`) and are
generic in every size. The source comes from :mod:`numeric.codegen`, the one
module that crosses from SymPy to numpy; this module runs it, with the runtime
helpers it calls (``_sigmoid``, ``_times_transpose``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from symbolic.errors import ModelError
from symbolic.model.tensors import Network, Tensor

from .codegen import Compiler
from .contraction import BATCH, GRADIENT_SCALE
from .formulas import GradientFormula
from .layout import example_range
from .rewrite import BatchMean


Arrays = dict[str, np.ndarray]


@dataclass
class CompiledNetwork:
    """Batched numpy functions for one network and one set of gradient formulas.

    ``forward(P, D, S)`` takes parameter arrays ``P`` and data arrays ``D`` (the
    input and the target, batch axis first) keyed by :attr:`Tensor.key`, and the
    sizes ``S`` (size name → int); it returns every definition the loss and the
    prediction need, keyed the same way. ``gradients(P, D, S, V)`` takes those
    values ``V`` too and returns the batch-mean gradient of every parameter that
    has a formula. A model whose input and target share an example index (x_{ni},
    y_n) has no batch axis: ``D`` holds the arrays as the model indexes them, ``S``
    the number of examples, the loss is one number and each gradient is its formula,
    not a batch mean. Every gradient is multiplied by ``S[GRADIENT_SCALE]`` when the
    sizes hold that key (the trainer passes its learning rate: the factor then costs
    nothing, it is applied to the smallest batched array, and the update saves a pass).
    """

    network: Network
    formulas: dict[Tensor, GradientFormula]
    prediction: Tensor | None
    forward: Callable[[Arrays, Arrays, dict[str, int]], Arrays]
    gradients: Callable[[Arrays, Arrays, dict[str, int], Arrays], Arrays]
    source: str

    def mean_loss(self, parameters: Arrays, data: Arrays, sizes: dict[str, int]) -> float:
        """The loss averaged over the batch."""
        return float(self.forward(parameters, data, sizes)[self.network.loss.key].mean())


def _sigmoid(u):
    return 0.5 + 0.5 * np.tanh(0.5 * u)  # no overflow for large |u|


SMALL_INNER = 64  # below this contracted size, a transposed right operand is copied first


def _times_transpose(a, b):
    """``a @ b.T``. OpenBLAS is up to 25× slower on a transposed right operand with a
    short inner dimension (δ_k W_jk^T with K = 10) than on a contiguous copy of it."""
    if b.shape[1] < SMALL_INNER:
        return a @ np.ascontiguousarray(b.T)
    return a @ b.T


def compile_network(network: Network, formulas: Mapping[Tensor, GradientFormula] | None = None,
                    size_hints: Mapping[str, int] | None = None) -> CompiledNetwork:
    """Compile ``network``'s forward pass and the gradient ``formulas``.

    Args:
        network: the model; ``input``, ``target`` and ``loss`` must be set.
        formulas: per-sample gradient formulas keyed by parameter tensor.
        size_hints: expected sizes (size name → int, ``"batch"``), used only to
            order contractions; the functions work for any sizes.

    Raises:
        ModelError: the network or a formula uses something that cannot be compiled.
    """
    formulas = dict(formulas or {})
    for role in ("input", "target", "loss"):
        if getattr(network, role) is None:
            raise ModelError(f"the model has no {role}", hint="declare it in the derivation block")
    prediction = prediction_tensor(network)
    batch_axis = example_range(network) is None
    forward_compiler = Compiler(network, size_hints, values_available=False, batch_axis=batch_axis)
    wanted = [network.loss] + ([prediction] if prediction else [])
    outputs = {tensor.key: forward_compiler.tensor(tensor).code for tensor in wanted}
    computed = {d.tensor.key: forward_compiler.computed[d.tensor] for d in network.definitions
                if d.tensor in forward_compiler.computed}
    computed.update(outputs)
    forward_source = forward_compiler.source("forward", "P, D, S", computed)

    defined = {d.tensor for d in network.definitions}
    gradient_compiler = Compiler(network, size_hints, values_available=True,
                                  available=set(forward_compiler.computed) & defined, batch_axis=batch_axis)
    for tensor, formula in formulas.items():
        if tensor not in network.parameters:
            raise ModelError(f"{formula.name} is not the gradient of a parameter",
                             hint=f"parameters are {', '.join(str(p) for p in network.parameters)}")
    shared = gradient_compiler.shared_linear_factor([f.expr for f in formulas.values()])
    results = {}
    for tensor, formula in formulas.items():
        expr = formula.expr.xreplace({shared: BatchMean(shared)}) if shared is not None else formula.expr
        results[tensor.key] = gradient_compiler.gradient(formula, expr)
    gradient_source = gradient_compiler.source("gradients", "P, D, S, V", results)

    source = forward_source + "\n\n" + gradient_source
    namespace = {"np": np, "_sigmoid": _sigmoid, "_times_transpose": _times_transpose}
    exec(compile(source, f"<gradproof compiled {network.loss.key}>", "exec"), namespace)
    return CompiledNetwork(network, formulas, prediction, namespace["forward"],
                           namespace["gradients"], source)


def prediction_tensor(network: Network) -> Tensor | None:
    """The defined tensor read as the network's output: the last one shaped like the target."""
    needed = network.dependencies().get(network.loss, frozenset())
    candidates = [d.tensor for d in network.definitions
                  if d.tensor.ranges == network.target.ranges and d.tensor in needed]
    return candidates[-1] if candidates else None


__all__ = ["BATCH", "GRADIENT_SCALE", "CompiledNetwork", "GradientFormula", "compile_network", "prediction_tensor"]
