"""The part of the matrix grammar (:mod:`symbolic.latex.matrix_parse`) for sums over the columns
of a batch and for transposes written with a prime: the vector of ones (``dZ \\mathbf{1}``,
``\\mathbf{1}^\\top x``), sums over the examples (``\\sum_{i=1}^{m} dZ^{[l](i)}``) and ``X'``."""

from __future__ import annotations

import re

from .matrix_tree import ExampleSum, Node, Transpose

_LIMITS = re.compile(r"\s*([A-Za-z])\s*(?:=\s*1\s*)?")
_SUM_HINT = (r"a sum in a matrix expression runs over the examples, picking column i of a batch "
             r"matrix: \sum_{i=1}^{m} dZ^{(i)}; otherwise write the claim in index notation")


class ColumnGrammar:
    """Methods of :class:`~symbolic.latex.matrix_parse.MatrixParser` (which has ``take``, ``is_``,
    ``peek``, ``error``, ``term`` and ``group_text``)."""

    def example_sum(self) -> ExampleSum:
        """``\\sum_{i=1}^{m} E`` or ``\\sum_i E``: E (the rest of the product) summed over i, where E
        picks columns with an ``(i)`` superscript; any other sum is index notation (an error here)."""
        token = self.take()
        if not self.is_("char", "_"):
            raise self.error(r"\sum without its index in a matrix expression", token.pos, _SUM_HINT)
        self.take()
        sub, at = self.group_text()
        limits = _LIMITS.fullmatch(sub)
        if limits is None:
            raise self.error(f"the sum over '{sub.strip()}' is not read in a matrix expression", at, _SUM_HINT)
        upper = None
        if self.is_("char", "^"):
            self.take()
            upper = re.sub(r"\s+", "", self.group_text()[0])
        start = self.peek().pos
        body = self.term()
        letter = limits.group(1)
        if not re.search(r"\(\s*" + letter + r"\s*\)\s*\}?", self.text[start:self.peek().pos]):
            raise self.error(f"a sum over {letter} in a matrix expression with no column ({letter}) in it",
                             token.pos, _SUM_HINT)
        return ExampleSum(letter, upper, body, pos=token.pos)

    def primed(self, node: Node) -> Transpose:
        """``X'``: a transpose, which the model stage allows only where a prime cannot be a
        derivative (a matrix leaf, or a block that declares ``prime: transpose``)."""
        quote = self.take()
        if self.is_("char", "'"):
            raise self.error("two primes on a matrix or vector", self.peek().pos,
                             r"write the transpose as ^T; a derivative as \sigma'(z)")
        return Transpose(node, pos=quote.pos, by_prime=True)
