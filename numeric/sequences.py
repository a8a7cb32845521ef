"""Models with index arithmetic (recurrences, convolutions): their sizes, a check point, loss and gradients.

Such a model is evaluated by :mod:`numeric.unrolled`. Without a data set it is
checked at seeded random values of every leaf, at small sizes (a time range
gets :data:`STEPS` steps). A model with piecewise functions (ReLU, |u|, a step)
is checked only at points where every argument of one stays at least
:data:`KINK_MARGIN` from its kink, so that a central difference does not straddle
one; points closer are redrawn, and the report says how many were. Every perturbed
loss evaluation is then watched: one on another side of a kink is counted
(:meth:`Evaluation.watch_kinks`), and its differences are not taken for derivatives.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import sympy

from symbolic.errors import ModelError, UsageError
from symbolic.model.index_notation import Grad
from symbolic.model.offsets import derived, has_offsets, settle_sizes, size_expr, size_names
from symbolic.model.recurrence import time_ranges
from symbolic.model.tensors import Definition, Network, Tensor

from .finite_differences import STEP
from .formulas import GradientFormula
from .unrolled import AFTER, KINKED, Unrolled

Arrays = dict[str, np.ndarray]

STEPS = 5  # steps of a time range at the check point
SIZES = (4, 3, 5, 6, 7, 2)  # the other plain sizes, in order: distinct, so that swapped indices show
KINK_MARGIN = 100 * STEP  # least |argument| of a piecewise function at a check point
MAX_DRAWS = 200  # check points drawn before giving up on staying away from kinks
PARAMETER_SCALE = 0.5  # standard deviation of a random vector parameter (weights: Glorot)


def needs_unrolling(network: Network) -> bool:
    """Whether the model reads a tensor at shifted indices (h_{t-1,k}, x_{i+m-1})."""
    return has_offsets(network) or bool(time_ranges(network))


def completed_network(network: Network, chains, number: int) -> tuple[Network, list[str]]:
    """The network with every name defined as a derivative (ε_{t,j} = ∂L/∂h_{t,j}) given the
    formula a claim of block ``number`` writes for it (a verified or proved one first), and
    one line per name saying which claim was used."""
    definitions, notes = list(network.definitions), []
    for n, definition in enumerate(definitions):
        if not isinstance(definition.expr, Grad):
            continue
        found = []
        for chain in chains:
            result = chain.result
            head = chain.terms[0] if chain.terms else None
            if chain.block != number or result is None or result.condition or len(chain.terms) < 2:
                continue
            base = head.base.label.name if isinstance(head, sympy.Indexed) else str(head)
            formula = chain.terms[-1]
            if base != definition.tensor.key or formula.has(Grad):
                continue
            indices = tuple(head.indices) if isinstance(head, sympy.Indexed) else ()
            if all(isinstance(i, sympy.Symbol) for i in indices) and len(set(indices)) == len(indices):
                found.append((result.verdict.value not in ("proved", "verified"), indices, formula, result))
        if not found:
            continue
        _, indices, formula, result = min(found, key=lambda f: f[0])
        definitions[n] = Definition(definition.tensor, indices, formula, definition.span, definition.source)
        label = f"claim ({result.label})" if result.label else "a claim"
        notes.append(f"{definition.tensor.latex} from {label}, {result.verdict.value}")
    if not notes:
        return network, notes
    return dataclasses.replace(network, definitions=tuple(definitions)), notes


def model_sizes(network: Network, chosen: dict[str, int] | None = None) -> dict[str, int]:
    """Small sizes for every range: :data:`STEPS` for a time range, :data:`SIZES` for the rest,
    ``chosen`` where given; derived sizes (``I - M + 1``) follow and stay at least 1.

    Raises:
        UsageError: a chosen size that the model does not declare or that is not positive.
    """
    chosen = dict(chosen or {})
    declared = list(dict.fromkeys(network.index_ranges.values()))
    times = time_ranges(network)
    names = size_names(declared, times)
    for name, value in chosen.items():
        if name not in names:
            raise UsageError(f"the model has no size {name}", hint=f"its sizes: {', '.join(names)}")
        if value < 1:
            raise UsageError(f"the size {name} must be positive, not {value}")
    sizes, others = {}, iter(SIZES * len(names))
    for name in names:
        if not derived(name):
            sizes[name] = chosen.get(name, STEPS if name in times else next(others))
    for name in names:
        if derived(name):  # I - M + 1 follows I and M (and stays at least 1: settle_sizes)
            sizes[name] = int(size_expr(name).xreplace({size_expr(n): v for n, v in sizes.items()}))
    settled = settle_sizes(sizes)
    for name, value in chosen.items():
        if settled[name] != value:
            raise UsageError(f"the size {name} cannot be {value} with the others", hint=f"sizes: {settled}")
    return settled


def parse_sizes(text: str | None) -> dict[str, int]:
    """``T=8,H=4`` as {T: 8, H: 4}.

    Raises:
        UsageError: not NAME=N pairs.
    """
    out = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        name, _, value = part.partition("=")
        if not value.strip().lstrip("-").isdigit():
            raise UsageError(f"cannot read the size {part!r}", hint="write --sizes T=8,H=4")
        out[name.strip()] = int(value)
    return out


@dataclass
class Point:
    """Values of every leaf: trained tensors unbatched, the rest with a batch axis first."""

    parameters: Arrays
    data: Arrays
    initial: Arrays  # initial states (outside: initial), batched
    draws: int = 1  # points drawn to find this one (more when some were near a kink)
    kink_distance: float = math.inf


class Evaluation:
    """The loss and gradient formulas of one network at given sizes."""

    def __init__(self, network: Network, sizes: dict[str, int]):
        self.network = network
        self.sizes = sizes
        self.plans: dict = {}  # shared by every evaluation at these sizes
        self.sides: list[np.ndarray] | None = None  # kink sides at the check point (see watch_kinks)
        self.crossings = 0  # loss evaluations since then that were on another side of a kink

    def run(self, point: Point) -> Unrolled:
        # finite differences hold a scalar parameter as an array of one entry
        leaves = {key: np.reshape(value, self._shape(key)) for key, value in point.parameters.items()}
        leaves.update(point.data)
        return Unrolled(self.network, self.sizes, leaves, set(point.data), point.initial, self.plans)

    def _shape(self, key: str) -> tuple[int, ...]:
        return tuple(self.sizes[name] for name in self.network.tensors[key].ranges)

    def mean_loss(self, point: Point) -> float:
        unrolled = self.run(point)
        values = unrolled.array(self.network.loss)
        if self.sides is not None and not _same_sides(self.sides, unrolled.kink_sides):
            self.crossings += 1
        return float(values.mean())

    def watch_kinks(self, point: Point) -> None:
        """From now on, count loss evaluations where a piecewise function's argument is on another
        side of its kink than at ``point``: a difference across a kink is no derivative."""
        unrolled = self.run(point)
        unrolled.array(self.network.loss)
        self.sides, self.crossings = unrolled.kink_sides, 0

    def gradient(self, unrolled: Unrolled, formula: GradientFormula) -> np.ndarray:
        """The formula's batch mean, in the shape of its tensor."""
        if not all(isinstance(i, sympy.Symbol) for i in formula.indices):
            raise ModelError(f"{formula.name} is written for one entry, not for every entry of {formula.tensor}")
        value = unrolled.expression(formula.expr, {})
        stored = unrolled.stored(value, formula.indices, unrolled.shape(formula.tensor))
        return stored.mean(axis=0)


def _same_sides(first: list[np.ndarray], second: list[np.ndarray]) -> bool:
    return len(first) == len(second) and all(np.array_equal(a, b) for a, b in zip(first, second))


def random_point(network: Network, sizes: dict[str, int], trained: list[Tensor], batch: int, seed: int,
                 draw: int = 0) -> Point:
    """Seeded random values: Glorot weights, vector parameters N(0, 0.5²), data N(0, 1)."""
    rng = np.random.default_rng([seed, draw])
    parameters, data, initial = {}, {}, {}
    for tensor in network.leaves:
        shape = tuple(sizes[name] for name in tensor.ranges)
        if tensor in trained:
            scale = math.sqrt(2.0 / (shape[0] + shape[-1])) if len(shape) >= 2 else PARAMETER_SCALE
            parameters[tensor.key] = rng.standard_normal(shape) * scale
        else:
            data[tensor.key] = rng.standard_normal((batch,) + shape)
    for tensor in network.tensors.values():
        if network.outside.get(tensor.name) == "initial" and tensor not in network.leaves:
            shape = tuple(sizes[r] for r in tensor.ranges)
            for key in (tensor.key, tensor.key + AFTER):
                initial[key] = rng.standard_normal((batch,) + shape) * PARAMETER_SCALE
    return Point(parameters, data, initial)


def away_from_kinks(evaluation: Evaluation, formulas: list[GradientFormula], trained: list[Tensor],
                    batch: int, seed: int) -> Point:
    """A random point where no piecewise function's argument is within :data:`KINK_MARGIN` of its
    kink, in the loss or in any formula; the first one drawn for a smooth model.

    Raises:
        ModelError: :data:`MAX_DRAWS` points were all too near a kink.
    """
    for draw in range(MAX_DRAWS):
        point = random_point(evaluation.network, evaluation.sizes, trained, batch, seed, draw)
        unrolled = evaluation.run(point)
        unrolled.array(evaluation.network.loss)
        for formula in formulas:
            try:
                unrolled.expression(formula.expr, {})
            except ModelError:
                continue  # reported when the formula is checked
        point.draws, point.kink_distance = draw + 1, unrolled.kink_distance
        if unrolled.kink_distance >= KINK_MARGIN:
            return point
    raise ModelError(f"every one of {MAX_DRAWS} random points has an argument of "
                     f"{'/'.join(KINKED)} within {KINK_MARGIN:g} of its kink",
                     hint="use a smaller --batch or smaller --sizes")
