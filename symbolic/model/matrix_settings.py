"""Settings and shapes around matrix claims: the block's ``star:``, ``prime:`` and ``cost:`` keys, and the
shapes of the sides read in matrix notation (two sides of different shapes are an error that
names both: :func:`shape_mismatch`, asked by the engine before it compares the sides)."""

from __future__ import annotations

import contextlib
import contextvars
from typing import Iterator

import sympy

from ..errors import ModelError, Span
from .index_notation import free_indices
from .shapes import Shape
from .tensors import Network

STARS = ("hadamard", "product", "by shape")  # the block's star: what '*' between arrays is

# The terms of one claim read in matrix notation, by their expression. Kept for one claim only
# (:func:`claim_shapes`): an expression is a value, and the same value read in index notation in
# another claim, note or block is no matrix reading (a registry shared by all claims made a claim's
# verdict depend on which notes were checked before it in the same process).
_READ_SHAPES: contextvars.ContextVar[dict | None] = contextvars.ContextVar("read_shapes", default=None)


@contextlib.contextmanager
def claim_shapes() -> Iterator[None]:
    """The scope of one claim's matrix readings: recorded inside, forgotten after."""
    token = _READ_SHAPES.set({})
    try:
        yield
    finally:
        _READ_SHAPES.reset(token)


def record_shape(expr: sympy.Expr, shape: Shape) -> None:
    """Remember the shape of a term read in matrix notation, for the claim being checked."""
    shapes = _READ_SHAPES.get()
    if shapes is not None:
        shapes[expr] = shape


def _recorded() -> dict:
    return _READ_SHAPES.get() or {}


def read_in_matrices(expr: sympy.Expr) -> bool:
    """Whether a side is (the expression of) a term of this claim read in matrix notation."""
    return expr in _recorded()


def shape_mismatch(lhs: sympy.Expr, rhs: sympy.Expr, network: Network) -> str | None:
    """The error for a claim whose sides, one of them read in matrix notation, are arrays of
    different shapes (None when they agree, when neither side is a matrix reading, or when one
    side is a scalar: ``\nabla_W L = 0`` sets every entry)."""
    shapes = [_recorded().get(side) for side in (lhs, rhs)]
    if shapes == [None, None]:
        return None
    left, right = (shape or side_shape(side, network) for shape, side in zip(shapes, (lhs, rhs)))
    if left == right or left.scalar or right.scalar:
        return None
    return f"the two sides have different shapes: {left} on the left, {right} on the right"


def read_cost(cost, network: Network, span: Span) -> tuple[str, str] | None:
    """The block's ``cost: {J: m}``: J, a scalar of the model, averages the loss over m examples."""
    if cost is None:
        return None
    if isinstance(cost, dict) and len(cost) == 1:
        name, size = (str(v).strip() for v in next(iter(cost.items())))
        tensor = network.tensors.get(name)
        if tensor is not None and not tensor.ranges and size in network.index_ranges.values():
            return name, size
    raise ModelError(f"cost: {cost!r} is not a scalar of the model and a size", span,
                     "write cost: {J: m} for J = \\frac{1}{m} L over m examples")


def read_star(star, span: Span) -> str | None:
    """The block's ``star:``: '*' between arrays in matrix claims (not read without it)."""
    if star is None or str(star).strip() in STARS:
        return None if star is None else str(star).strip()
    raise ModelError(f"unknown star {star!r}", span, f"star: is one of {', '.join(STARS)}")


PRIMES = ("transpose",)  # the block's prime: what a prime on a matrix or vector is (X': X^T)


def read_prime(prime, span: Span) -> str | None:
    """The block's ``prime: transpose`` (statistics' ``X'``); without it a prime is a transpose only
    on a matrix the model does not define, where it cannot be a derivative."""
    if prime is None or str(prime).strip() in PRIMES:
        return None if prime is None else str(prime).strip()
    raise ModelError(f"unknown prime {prime!r}", span, "write prime: transpose to read X' as X^T")


def side_shape(expr: sympy.Expr, network: Network) -> Shape:
    """The shape of a side read in matrix notation, from its canonical free indices."""
    rows = cols = None
    for symbol in free_indices(expr):
        name = str(symbol)
        size = network.index_ranges.get(name.rstrip("'"))
        if name.endswith("'") and not name.endswith("''"):
            cols = size
        elif not name.endswith("'"):
            rows = size
    return Shape(rows, cols)
