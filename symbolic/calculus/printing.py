"""Print model expressions back in the author's notation (LaTeX and plain text)."""

from __future__ import annotations

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from ..model.functions import FUNCTIONS, Opaque
from ..model.tensors import Network


def _indices(indices) -> str:
    parts = []
    for i in indices:
        parts.append(str(int(i) + 1) if isinstance(i, sympy.Integer) else str(i))
    joiner = "," if any(len(p.rstrip("'")) > 1 for p in parts) else ""
    return joiner.join(parts)


class NotationLatexPrinter(LatexPrinter):
    """LaTeX with tensors as ``w_{jk}``, sums as ``\\sum_{k'}`` and deltas as ``1_{ki}``."""

    def __init__(self, network: Network | None = None):
        super().__init__({"mul_symbol": None})
        self.network = network

    def _tensor_name(self, base) -> str:
        if self.network is not None and str(base) in self.network.tensors:
            return self.network.tensors[str(base)].latex
        return str(base).split("[")[0]

    def _print_Indexed(self, expr):
        return f"{self._tensor_name(expr.base)}_{{{_indices(expr.indices)}}}"

    def _print_Symbol(self, expr, style="plain"):
        if self.network is not None and str(expr) in self.network.tensors:
            return self.network.tensors[str(expr)].latex
        return str(expr) if "'" in str(expr) else super()._print_Symbol(expr)

    def _print_KroneckerDelta(self, expr, exp=None):
        # 1_{ki}, never \delta_{ki}: notes often name an error signal \delta_k
        text = f"1_{{{_indices(expr.args)}}}"
        return f"{text}^{{{exp}}}" if exp else text

    def _print_Sum(self, expr):
        subs = "".join(rf"\sum_{{{var}}} " for var, _lo, _hi in expr.limits)
        body = self._print(expr.function)
        if isinstance(expr.function, sympy.Add):
            body = rf"\left({body}\right)"
        return subs + body

    def _print_Function(self, expr, exp=None):
        if isinstance(expr, Opaque):
            return FUNCTIONS[expr.name].to_latex(self._print(expr.args[0]), exp)
        if type(expr).__name__ == "Grad":
            of, wrt = (self._print(a) for a in expr.args)
            return rf"\frac{{\partial {of}}}{{\partial {wrt}}}"
        return super()._print_Function(expr, exp)


class NotationStrPrinter(StrPrinter):
    """Plain text: ``h_j*(o_k - t_k)``, ``sum_{k'}(...)``, ``1_{k'k}``."""

    printmethod = "_gradproof_str"  # Indexed's own _sympystr would print the base key

    def _print_Function(self, expr):
        if isinstance(expr, Opaque):
            return f"{expr.name}({self._print(expr.args[0])})"
        if type(expr).__name__ == "Grad":
            of, wrt = (self._print(a) for a in expr.args)
            return f"d{of}/d{wrt}"
        return super()._print_Function(expr)

    def _print_Symbol(self, expr):
        if self.network is not None and str(expr) in self.network.tensors:
            return self.network.tensors[str(expr)].name
        return super()._print_Symbol(expr)

    def __init__(self, network: Network | None = None):
        super().__init__()
        self.network = network

    def _print_Indexed(self, expr):
        name = str(expr.base).split("[")[0]
        if self.network is not None and str(expr.base) in self.network.tensors:
            name = self.network.tensors[str(expr.base)].name
        return f"{name}_{{{_indices(expr.indices)}}}"

    def _print_KroneckerDelta(self, expr):
        return f"1_{{{_indices(expr.args)}}}"

    def _print_Sum(self, expr):
        subs = "".join(f"sum_{{{var}}} " for var, _lo, _hi in expr.limits)
        return f"{subs}({self._print(expr.function)})"


def to_latex(expr, network: Network | None = None) -> str:
    return NotationLatexPrinter(network).doprint(expr)


def to_text(expr, network: Network | None = None) -> str:
    return NotationStrPrinter(network).doprint(expr)
