"""Evaluate models with index arithmetic in numpy: recurrences unrolled over time, offsets gathered.

The whole-array compiler (:mod:`numeric.codegen`) reads plain index letters only.
A model with ``h_{t-1,k}`` (a recurrence) or ``x_{i+m-1}`` (a convolution) is
evaluated here instead, from the same SymPy definitions; this module and
:mod:`numeric.codegen` are the two places that cross from SymPy to numpy.

How it works: every subexpression becomes a :class:`Labelled` array whose axes
are named by index symbols (and a leading batch label). An entry such as
``x_{i+m-1}`` is a gather: each position's affine index expression becomes an
integer array over the letters it uses, and entries outside the tensor's range
are what the block's ``outside:`` says (0, or the initial state, a leaf).
Defined tensors that read one another at an earlier (or later) step form a
recurrent group; the group is filled one time step at a time, each step
vectorised over every other index, in the direction its offsets point
(``h_{t-1}``: forwards; ``ε_{t+1}``: backwards). Reading an entry of the group
that is not filled yet is an error, never a stale zero.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import sympy

from symbolic.errors import ModelError
from symbolic.model.functions import FUNCTIONS
from symbolic.model.index_notation import Grad
from symbolic.model.offsets import size_expr
from symbolic.model.tensors import Definition, Network, Tensor

from .contraction import HELPERS
from .extras import need
from .recurrent_groups import Group, recurrent_groups
from .rewrite import flatten_sum, function_name

Arrays = dict[str, np.ndarray]
BATCH = "batch·"  # axis label of the batch; other axes are labelled by their index letter's name
AFTER = " after"  # key suffix of the leaves past a tensor's last entry (h_{T+1} in ε's recursion)
KINKED = tuple(name for name, row in FUNCTIONS.items() if row.piecewise)  # relu, abs, step, sign


@dataclass(frozen=True)
class Labelled:
    """An array and the index letter (or :data:`BATCH`) naming each of its axes."""

    value: np.ndarray
    labels: tuple

    def aligned(self, target: tuple) -> np.ndarray:
        """The array transposed and expanded to broadcast against axes ``target``."""
        order = [label for label in target if label in self.labels]
        value = np.transpose(self.value, [self.labels.index(label) for label in order])
        return value.reshape([value.shape[order.index(label)] if label in order else 1 for label in target])


def _union(label_tuples) -> tuple:
    labels: list = []
    if any(BATCH in labels for labels in label_tuples):
        labels.append(BATCH)
    for group in label_tuples:
        labels += [label for label in group if label not in labels]
    return tuple(labels)


class Unrolled:
    """One evaluation of a network at concrete sizes, on one batch of leaves.

    Args:
        network: the model (definitions may have been completed by claims: see
            :func:`numeric.sequences.completed_network`).
        sizes: size name → int, derived sizes (``I - M + 1``) included.
        leaves: every leaf's array keyed by tensor key, batched ones with the batch axis first.
        batched: keys of the leaves that carry a batch axis.
        initial: for a tensor with ``outside: initial``, the leaves outside its range: under its
            key an array of its shape (batch first) whose entry v + size is the entry v < 0 (the
            initial state), under its key + :data:`AFTER` one whose entry v - size is the entry
            v ≥ size (read only where a claim multiplies it by zero, as ε_{T+1} h_{T+1}).
        plans: index arrays and groups already worked out, kept between evaluations at the same
            sizes (the SymPy work is then done once, not at every step of every batch).
    """

    def __init__(self, network: Network, sizes: Mapping[str, int], leaves: Arrays, batched: set[str],
                 initial: Arrays | None = None, plans: dict | None = None):
        self.network = network
        self.sizes = dict(sizes)
        self.leaves = leaves
        self.batched = set(batched)
        self.initial = initial or {}
        self.values: Arrays = {}
        self.kink_distance = np.inf  # the least |argument| of any piecewise function evaluated
        self.kink_sides: list[np.ndarray] = []  # the sign of each such argument, in evaluation order
        self._size_values = {sympy.Symbol(name, integer=True, positive=True): n for name, n in self.sizes.items()}
        self._plans = plans if plans is not None else {}
        if "groups" not in self._plans:
            self._plans["groups"] = recurrent_groups(network)
        self._groups = self._plans["groups"]
        self._active: Group | None = None

    # ----- tensors --------------------------------------------------------------

    def shape(self, tensor: Tensor) -> tuple[int, ...]:
        return tuple(self.size(name) for name in tensor.ranges)

    def size(self, name: str) -> int:
        if name not in self.sizes:
            self.sizes[name] = int(size_expr(name).xreplace(self._size_values))
        return self.sizes[name]

    def array(self, tensor: Tensor) -> np.ndarray:
        """The tensor's full array (batch axis first when it has one), computing it when needed."""
        key = tensor.key
        if key in self.leaves:
            return self.leaves[key]
        if key not in self.values:
            group = next((g for g in self._groups if tensor in g.tensors), None)
            if group is not None:
                self._fill(group)
            else:
                definition = self._definition(tensor)
                value = self.expression(definition.expr, {})
                self.values[key] = self.stored(value, definition.indices, self.shape(tensor))
        return self.values[key]

    def _definition(self, tensor: Tensor) -> Definition:
        definition = self.network.definition_of(tensor)
        if definition is None:
            raise ModelError(f"no value for {tensor}: it is neither defined nor given")
        if definition.expr.has(Grad):
            raise ModelError(f"{tensor.latex} is defined as a derivative, and no claim gives a formula for it",
                             hint=f"write its recursion or formula as a claim, e.g. {tensor.latex}_{{t,j}} = …")
        return definition

    def stored(self, value: Labelled, indices, shape) -> np.ndarray:
        target = (BATCH,) + tuple(str(i) for i in indices)
        stray = [str(label) for label in value.labels if label not in target]
        if stray:
            raise ModelError(f"the index {', '.join(stray)} is free on the right side but not on the left")
        batch = self._batch_size()
        return np.broadcast_to(value.aligned(target), (batch,) + tuple(shape)).copy()

    def _batch_size(self) -> int:
        return next((self.leaves[key].shape[0] for key in self.batched), 1)

    def _fill(self, group: Group) -> None:
        """Every tensor of a recurrent group, one time step after another."""
        steps = self.size(group.time)
        batch = self._batch_size()
        for tensor in group.tensors:
            self.values[tensor.key] = np.zeros((batch,) + self.shape(tensor))
        group.filled = {tensor: np.zeros(steps, bool) for tensor in group.tensors}
        outer, self._active = self._active, group
        try:
            for step in (range(steps) if group.forwards else reversed(range(steps))):
                for tensor in group.tensors:
                    definition = self._definition(tensor)
                    position = tensor.ranges.index(group.time)
                    letter = definition.indices[position]
                    value = self.expression(definition.expr, {letter: sympy.Integer(step)})
                    rest = tuple(i for n, i in enumerate(definition.indices) if n != position)
                    shape = tuple(s for n, s in enumerate(self.shape(tensor)) if n != position)
                    where = (slice(None),) * (position + 1) + (step,)
                    self.values[tensor.key][where] = self.stored(value, rest, shape)
                    group.filled[tensor][step] = True
        finally:
            self._active = outer

    # ----- expressions ----------------------------------------------------------

    def expression(self, expr, env: dict) -> Labelled:
        """The value of ``expr`` with the index symbols of ``env`` fixed to whole numbers."""
        key = ("expression", expr)
        if key not in self._plans:  # the SymPy tree is read once; evaluations run its plan
            self._plans[key] = self._plan(expr)
        return self._plans[key](self, env)

    def _plan(self, expr):
        """A function (evaluation, env) -> Labelled computing ``expr``."""
        if expr.is_Number or (expr.is_number and not expr.has(sympy.Function)):
            constant = Labelled(np.asarray(float(expr)), ())
            return lambda u, env: constant
        if isinstance(expr, sympy.Indexed) or (isinstance(expr, sympy.Symbol) and expr.name in self.network.tensors):
            return lambda u, env: u._entry(expr, env)
        if isinstance(expr, sympy.Symbol):
            if expr not in self._size_values:
                raise ModelError(f"cannot evaluate the symbol {expr}: it is not a tensor or a size")
            constant = Labelled(np.asarray(float(self._size_values[expr])), ())
            return lambda u, env: constant
        if isinstance(expr, sympy.Add):
            terms = expr.args

            def add(u, env):
                parts = [u.expression(arg, env) for arg in terms]
                labels = _union([p.labels for p in parts])
                return Labelled(sum(p.aligned(labels) for p in parts), labels)
            return add
        if isinstance(expr, sympy.Mul):
            factors = expr.args
            return lambda u, env: u._product(factors, (), env)
        if isinstance(expr, sympy.Sum):
            body, limits = flatten_sum(expr)
            for symbol, lower, upper in limits:
                if lower != 0 or int(upper.xreplace(self._size_values)) + 1 != self.size(self._range(symbol)):
                    raise ModelError(f"the sum over {symbol} runs from {lower} to {upper}, not over its whole "
                                     "range", hint="only sums over a whole index range can be evaluated")
            factors, summed = sympy.Mul.make_args(body), tuple(symbol for symbol, _, _ in limits)
            return lambda u, env: u._product(factors, summed, env)
        if isinstance(expr, sympy.Pow):
            base, exponent = expr.args
            if not exponent.is_Number:
                raise ModelError(f"cannot evaluate {expr}: the exponent must be a number")
            power = float(exponent)

            def pow_(u, env):
                value = u.expression(base, env)
                return Labelled(np.square(value.value) if power == 2 else np.power(value.value, power), value.labels)
            return pow_
        if isinstance(expr, sympy.KroneckerDelta):
            def delta(u, env):
                first, second = (u._index_array(arg, env) for arg in expr.args)
                labels = _union([first.labels, second.labels])
                return Labelled((first.aligned(labels) == second.aligned(labels)).astype(float), labels)
            return delta
        if isinstance(expr, sympy.Function) and len(expr.args) == 1:
            name = function_name(expr)
            if name not in FUNCTIONS:
                raise ModelError(f"no numpy form for the function {name}", hint=f"known: {', '.join(FUNCTIONS)}")
            argument, function, kinked = expr.args[0], _ufunc(name), name in KINKED

            def apply(u, env):
                value = u.expression(argument, env)
                if kinked:
                    u.note_kinks(value.value)
                return Labelled(function(value.value), value.labels)
            return apply
        raise ModelError(f"cannot evaluate {expr} in numpy",
                         hint="supported: sums, products, powers, Kronecker deltas and " + ", ".join(FUNCTIONS))

    def note_kinks(self, argument: np.ndarray) -> None:
        """Keep the side and the least |argument| of a piecewise function. Exact zeros are left out: at a random
        point they come from a zero extension (z_{T+1} = 0, padding), constants that no parameter
        moves, so that no difference straddles them."""
        self.kink_sides.append(np.sign(argument))
        moving = np.abs(argument[argument != 0])
        if moving.size:
            self.kink_distance = min(self.kink_distance, float(moving.min()))

    def _product(self, factors, summed: tuple, env: dict) -> Labelled:
        """Σ over ``summed`` of the product of ``factors`` (one einsum)."""
        inner = env
        if any(symbol in env for symbol in summed):  # a bound letter shadows a fixed outer one
            inner = {k: v for k, v in env.items() if k not in summed}
        arrays = [self.expression(f, inner) for f in factors]
        labels = _union([a.labels for a in arrays])
        names = [symbol.name for symbol in summed]
        for name in names:
            if name not in labels:  # a summand that does not use its index: times the range's size
                arrays.append(Labelled(np.ones(self.size(self._range(name))), (name,)))
                labels = labels + (name,)
        kept = tuple(label for label in labels if label not in names)
        if len(arrays) == 1 and kept == arrays[0].labels:
            return arrays[0]
        letters = {label: chr(ord("a") + n) for n, label in enumerate(labels)}
        specs = ["".join(letters[label] for label in a.labels) for a in arrays]
        spec = ",".join(specs) + "->" + "".join(letters[label] for label in kept)
        return Labelled(np.einsum(spec, *(a.value for a in arrays), optimize=len(arrays) > 2), kept)

    # ----- entries --------------------------------------------------------------

    def _range(self, letter) -> str:
        name = str(letter).rstrip("'")
        if name not in self.network.index_ranges:
            raise ModelError(f"the index {letter} has no declared range")
        return self.network.index_ranges[name]

    def _index_array(self, index, env: dict) -> Labelled:
        """An affine index expression as whole numbers over the free letters it uses."""
        key = (index, frozenset(env.items()))
        if key not in self._plans:
            self._plans[key] = self._plan_index(index, env)
        return self._plans[key]

    def _plan_index(self, index, env: dict) -> Labelled:
        index = sympy.sympify(sympy.sympify(index).xreplace(env).xreplace(self._size_values))
        letters = sorted((s for s in index.free_symbols), key=str)
        constant = sympy.sympify(index.xreplace({s: 0 for s in letters}))
        if not constant.is_Integer or any(not index.coeff(s).is_Integer for s in letters) \
                or sympy.expand(index - constant - sum(index.coeff(s) * s for s in letters)) != 0:
            raise ModelError(f"the index {index} is not a whole-number offset of index letters")
        value = np.asarray(int(constant))
        for s in letters:
            axis = np.arange(self.size(self._range(s))) * int(index.coeff(s))
            value = value[..., None] + axis if value.ndim else value + axis
        return Labelled(value, tuple(s.name for s in letters))

    def _entry(self, expr, env: dict) -> Labelled:
        key = ("entry", expr, frozenset(env.items()))
        if key not in self._plans:
            self._plans[key] = self._plan_entry(expr, env)
        tensor, labels, clipped, outside, grids = self._plans[key]
        array = self.array(tensor) if not self._being_filled(tensor) else self.values[tensor.key]
        batch = (BATCH,) if tensor.key in self.batched or tensor.key not in self.leaves else ()
        if clipped is None:
            return Labelled(array, batch)
        lead = (slice(None),) * len(batch)
        self._check_filled(tensor, expr, clipped, outside)
        value = array[lead + clipped]
        if outside is not None:
            value = np.where(outside, self._outside(tensor, expr, grids, self.shape(tensor), lead), value)
        return Labelled(value, batch + labels)

    def _plan_entry(self, expr, env: dict):
        """The tensor, the labels, the in-range indices and the mask of entries outside the range."""
        tensor = self.network.tensors[expr.base.label.name if isinstance(expr, sympy.Indexed) else expr.name]
        if not isinstance(expr, sympy.Indexed):
            return tensor, (), None, None, None
        positions = [self._index_array(i, env) for i in expr.indices]
        labels = _union([p.labels for p in positions])
        grids = np.broadcast_arrays(*(p.aligned(labels) for p in positions))
        shape = self.shape(tensor)
        outside = np.zeros(grids[0].shape, bool)
        for grid, size in zip(grids, shape):
            outside |= (grid < 0) | (grid >= size)
        clipped = tuple(np.clip(grid, 0, size - 1) for grid, size in zip(grids, shape))
        return tensor, labels, clipped, (outside if outside.any() else None), grids

    def _being_filled(self, tensor: Tensor) -> bool:
        return self._active is not None and tensor in self._active.tensors

    def _check_filled(self, tensor: Tensor, expr, clipped, outside) -> None:
        group = self._active if self._being_filled(tensor) else None
        if group is None:
            return
        times = clipped[tensor.ranges.index(group.time)]
        times = times[~outside] if outside is not None else times
        if not group.filled[tensor][times].all():
            raise ModelError(f"{expr} reads a step of {tensor.latex} that is not computed yet",
                             hint="a recurrence reads one direction in time only (h_{t-1}, or ε_{t+1})")

    def _outside(self, tensor: Tensor, expr, grids, shape, lead) -> np.ndarray:
        kind = self.network.outside.get(tensor.name)
        if kind == "0":
            return np.zeros(())
        if kind == "initial" and tensor.key in self.initial:
            if any(((grid < -size) | (grid >= 2 * size)).any() for grid, size in zip(grids, shape)):
                raise ModelError(f"{expr} reads an entry more than one range away from {tensor}'s")
            wrapped = lead + tuple(np.mod(grid, size) for grid, size in zip(grids, shape))
            after = np.zeros(grids[0].shape, bool)
            for grid, size in zip(grids, shape):
                after |= grid >= size
            before = self.initial[tensor.key][wrapped]
            return np.where(after, self.initial[tensor.key + AFTER][wrapped], before) if after.any() else before
        raise ModelError(f"{expr} reads outside the range of {tensor} and no value is given there",
                         hint=f"declare outside: {{{tensor.name}: 0}} or give its initial state")


@functools.cache
def _ufunc(name: str):
    """The numpy function of a row of the function table."""
    template = FUNCTIONS[name].numpy
    namespace = {"np": np}
    for helper, (module, statement) in HELPERS.items():
        if helper + "(" in template:
            need(module, f"the numpy form of {helper.lstrip('_')}")
            exec(statement, namespace)
    return eval(f"lambda u: {template.format(u='u')}", namespace)
