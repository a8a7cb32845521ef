"""The part of the matrix grammar (:mod:`symbolic.latex.matrix_parse`) that deep learning
courses' vectorised backward passes use: the block's arbitrary activation with its layer and
primes (``g'^{[l]}(Z^{[l]})``, ``g^{[l]'}(z^{[l]})``) and the sum along a batch axis
(``\\operatorname{sum}(dZ, axis=1)``)."""

from __future__ import annotations

import re

from .matrix_tree import Call, Operator

GENERIC = {"f", "g", "h"}  # the block's arbitrary activation (symbolic.model.generic_functions)


class BatchGrammar:
    """Methods of :class:`~symbolic.latex.matrix_parse.MatrixParser` (which has ``take``,
    ``is_``, ``expect``, ``error``, ``expr``, ``group_text`` and ``argument``)."""

    def axis_sum(self, pos: int) -> Operator:
        """``\\operatorname{sum}(dZ, axis=1)``: the sum along one axis (1: of each row, a column)."""
        self.expect("char", "(", "'(' after sum")
        inner = self.expr()
        self.expect("char", ",", r"', axis=0' or ', axis=1' in \operatorname{sum}(X, axis=1)")
        word = "".join(self.take().value for _ in range(4) if self.is_("letter"))
        if word != "axis" or not self.is_("char", "="):
            raise self.error(r"\operatorname{sum} takes the axis as axis=0 or axis=1", self.peek().pos)
        self.take()
        axis = self.take()
        if axis.kind != "num" or axis.value not in ("0", "1"):
            raise self.error(r"\operatorname{sum} takes the axis as axis=0 or axis=1", axis.pos)
        self.expect("char", ")", "')' after the axis")
        return Operator(f"sum axis={axis.value}", inner, pos=pos)

    def generic_call(self) -> Call | None:
        """``g'(Z)``, ``g^{[l]}(Z^{[l]})``, ``g^{[l]'}(z)``, ``g'^{[l]}(Z)``: the block's arbitrary
        activation f, g or h (and its derivatives), perhaps with the layer it belongs to; None
        (a name) unless a prime or a bracketed layer and then a parenthesis follow the letter."""
        start, token = self.at, self.take()
        order, layer = 0, None
        while self.is_("char", "'"):
            self.take()
            order += 1
        if self.is_("char", "^"):
            self.take()
            sup, _ = self.group_text()
            sup = re.sub(r"\s+", "", sup)
            bare = sup.rstrip("'")
            order += len(sup) - len(bare)
            layer = bare
            while self.is_("char", "'"):
                self.take()
                order += 1
            if not re.fullmatch(r"\[[^\]]*\]|\([^)]*\)", layer):
                self.at = start
                return None
        if not self.is_("char", "(") or order == 0 and layer is None:  # g(Z): a name before (…)
            self.at = start
            return None
        return Call(token.value, order, self.argument(), pos=token.pos, layer=layer)
