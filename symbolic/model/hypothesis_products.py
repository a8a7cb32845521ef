"""The inner product a block function is built on, written without indices: ``\\theta x^{(i)}``.

Course notes define the hypothesis on an inner product, ``h_\\theta(x) = \\sigma(\\sum_j \\theta_j
x_j)``, and then write that product as ``\\theta^T x^{(i)}`` or just ``\\theta x^{(i)}``
(``e^{-\\theta x^{(i)}}``). Where the block's function pairs the two names under one sum, a claim
that writes the two names side by side — the parameter vector, an optional transpose, then the
function's parameter with or without an example superscript, neither with a subscript — is
that inner product at the example. Nothing else is read this way: another pair of names, or
either one with an index, is left to the model stage as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .hypothesis_calls import FunctionDefinition

_TRANSPOSED = r"(?:\s*\^\s*(?:\{\s*(?:T|\\top)\s*\}|T(?![A-Za-z])|\\top(?![A-Za-z])))?"
_EXAMPLE = r"(?:\s*\^\s*(?:\{\s*[(\[]\s*[A-Za-z]\s*[)\]]\s*\}))?"


@dataclass(frozen=True)
class InnerProduct:
    """``\\sum_k a_k b_k`` in a function's body: the vector ``a``, the parameter ``b``, the letter k."""

    vector: str  # '\\theta'
    param: str  # 'x'
    letter: str  # 'j'

    def pattern(self) -> re.Pattern:
        vector, param = re.escape(self.vector), re.escape(self.param)
        return re.compile(rf"(?<![\\A-Za-z]){vector}(?![A-Za-z]){_TRANSPOSED}\s*(?:\\cdot\s*)?"
                          rf"(?<![A-Za-z]){param}(?P<example>{_EXAMPLE})(?![A-Za-z_^'])")

    def expand(self, text: str) -> str:
        """``text`` with each written product as the sum it stands for."""
        def written_out(m: re.Match) -> str:
            letter = self.letter
            while re.search(rf"(?<![\\A-Za-z]){re.escape(letter)}(?![A-Za-z])", text):
                letter += "'"  # a letter of the range that the claim does not use
            example = m.group("example").strip()
            return (rf"\left(\sum_{{{letter}}} {self.vector}_{{{letter}}} "
                    rf"{self.param}{example}_{{{letter}}}\right)")
        return self.pattern().sub(written_out, text)


def inner_products(functions: tuple[FunctionDefinition, ...]) -> tuple[InnerProduct, ...]:
    """The products the block's functions are built on (``\\sum_j \\theta_j x_j`` in a body)."""
    found = []
    for function in functions:
        param = re.escape(function.param)
        for m in re.finditer(r"\\sum\s*_\s*\{?\s*([A-Za-z])\s*\}?\s*(\\?[A-Za-z]+)\s*_\s*\{?\s*\1\s*\}?\s*"
                             rf"({param})\s*_\s*\{{?\s*\1\s*\}}?(?![A-Za-z_^])", function.body):
            if m.group(2) != function.param:
                found.append(InnerProduct(m.group(2), m.group(3), m.group(1)))
    return tuple(dict.fromkeys(found))
