"""The part of the matrix grammar (:mod:`symbolic.latex.matrix_parse`) that deep learning
courses' vectorised backward passes use: the block's arbitrary activation with its layer and
primes (``g'^{[l]}(Z^{[l]})``, ``g^{[l]'}(z^{[l]})``) and the sum along a batch axis
(``\\operatorname{sum}(dZ, axis=1)``, and ``np.sum(dZ, axis=1, keepdims=True)`` as courses print it)."""

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

    def numpy_sum(self, pos: int) -> Operator:
        """``np.sum(dZ, axis=1, keepdims=True)``, as courses print it in their formulas: the sum
        along one axis. ``keepdims=True`` keeps a column (axis=1) or a row (axis=0); without it
        numpy returns a flat vector, which is read only for axis=1, where it is the column."""
        for _ in range(2):
            self.take()  # n, p
        self.expect("char", ".", "'.' in np.sum")
        for _ in range(3):
            self.take()  # s, u, m
        self.expect("char", "(", "'(' after np.sum")
        inner = self.expr()
        self.expect("char", ",", "', axis=0' or ', axis=1' in np.sum(X, axis=1, keepdims=True)")
        axis = self._keyword("axis", ("0", "1"), "np.sum takes the axis as axis=0 or axis=1")
        keep = "False"
        if self.is_("char", ","):
            self.take()
            keep = self._keyword("keepdims", ("True", "False"), "np.sum's other argument read is "
                                 "keepdims=True or keepdims=False")
        self.expect("char", ")", "')' after np.sum's arguments")
        if keep == "False" and axis == "0":
            raise self.error("np.sum(X, axis=0) without keepdims=True is a flat vector of the "
                             "column sums: whether it is a row or a column is not written", pos,
                             r"write np.sum(X, axis=0, keepdims=True) or \mathbf{1}^\top X")
        return Operator(f"sum axis={axis}", inner, pos=pos)

    def _keyword(self, word: str, values: tuple[str, ...], hint: str) -> str:
        """``word=value`` of a NumPy call (the letters come one token each); the value read."""
        at = self.peek().pos
        written = "".join(self.take().value for _ in range(len(word)) if self.is_("letter"))
        if written != word or not self.is_("char", "="):
            raise self.error(f"np.sum's argument here is not {word}=…", at, hint)
        self.take()
        first = self.take()
        value = first.value
        while first.kind == "letter" and self.is_("letter"):  # True / False: one letter a token
            value += self.take().value
        if value not in values:
            raise self.error(f"np.sum's {word} is read as {' or '.join(values)}", first.pos, hint)
        return value

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
