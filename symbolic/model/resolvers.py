"""The seam where notations plug in: parsed LaTeX → expressions over a context's network.

A notation is a class built with ``(network, mode, span, text)`` whose ``resolve(raw)``
turns a :class:`~symbolic.latex.RawExpr` (names as written) into an expression over the
network's tensors: index expressions (``Indexed`` entries, ``Sum``, ``KroneckerDelta``,
the opaque functions and unevaluated derivatives ``Grad``). The engine, the all-sizes
proof and the diagnosis see only those expressions, so a new notation — matrices and
vectors, layer superscripts — is one more entry in :data:`NOTATIONS` and touches
nothing below it. Today's index notation is the first.
"""

from __future__ import annotations

from typing import Literal, Protocol

import sympy

from ..errors import ModelError, Span
from ..latex import RawExpr
from .index_notation import Resolver
from .matrix_notation import MatrixResolver
from .tensors import Network

Mode = Literal["define", "claim"]


class Notation(Protocol):
    """What a notation does: resolve one parsed term in one network."""

    def __init__(self, network: Network, mode: Mode, span: Span, text: str = "",
                 layer: int | None = None): ...

    def resolve(self, raw: RawExpr) -> sympy.Expr: ...


NOTATIONS: dict[str, type[Notation]] = {"index": Resolver, "matrix": MatrixResolver}
DEFAULT_NOTATION = "index"


def notation(name: str, span: Span | None = None) -> type[Notation]:
    """The notation called ``name``.

    Raises:
        ModelError: no notation has that name.
    """
    found = NOTATIONS.get(name)
    if found is None:
        raise ModelError(f"unknown notation {name!r}", span,
                         f"notation: is one of {', '.join(sorted(NOTATIONS))}")
    return found
