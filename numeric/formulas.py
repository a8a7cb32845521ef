"""Gradient formulas handed to the compiler: per-sample ``∂loss/∂tensor[indices] = expr``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sympy

from symbolic.model.tensors import Tensor

Origin = Literal["claim", "derived"]


@dataclass(frozen=True)
class GradientFormula:
    """Per-sample ``∂loss/∂tensor[indices] = expr``, and where it came from."""

    tensor: Tensor
    indices: tuple[sympy.Symbol, ...]
    expr: sympy.Expr
    origin: Origin
    label: str | None = None
    verdict: str | None = None  # the symbolic verdict of a claim, when known
    expected: str | None = None  # the verdict the author recorded for the claim (expect:)

    @property
    def origin_text(self) -> str:
        """``claim (label)``, ``claim`` or ``derived``."""
        return f"claim ({self.label})" if self.origin == "claim" and self.label else self.origin

    @property
    def name(self) -> str:
        return f"∂L/∂{self.tensor.name}[{','.join(map(str, self.indices))}] ({self.origin_text})"
