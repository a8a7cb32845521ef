"""The part of the matrix grammar (:mod:`symbolic.latex.matrix_parse`) for the indicator of every
entry: ``\\mathbb{1}[z > 0]``, the unit step of each entry of z (ReLU's derivative, 0 at 0), and
``\\mathbb{1}[z < 0]``, the step of -z. Any other condition is an error, never a guess."""

from __future__ import annotations

from .matrix_tree import Call, Neg, Node

STEP = r"\operatorname{step}"  # the model's unit step, as the function table spells it
_HINT = r"write \mathbb{1}[z > 0] (or < 0) for the indicator of every entry of z"


class IndicatorGrammar:
    """Methods of :class:`~symbolic.latex.matrix_parse.MatrixParser` (which has ``take``, ``is_``,
    ``peek``, ``error``, ``expect``, ``expr`` and ``group_text``)."""

    def indicator(self) -> Node:
        """``\\mathbb{1}[E > 0]``: the step of every entry of E; ``[E < 0]``: of -E."""
        token = self.take()
        inner, at = self.group_text()
        if inner.strip() != "1":
            raise self.error(f"\\mathbb{{{inner.strip()}}} is not read in matrix notation", token.pos, _HINT)
        if not self.is_("char", "["):
            raise self.error(r"\mathbb{1} without a condition in brackets", token.pos,
                             _HINT + r"; the vector of ones is \mathbf{1}")
        self.take()
        arg = self.expr()
        relation = self.peek()
        if not (self.is_("char", ">") or self.is_("char", "<")):
            raise self.error("the condition of \\mathbb{1}[…] is read only as > 0 or < 0", relation.pos, _HINT)
        self.take()
        if not (self.is_("num") and self.peek().value == "0"):
            raise self.error("the condition of \\mathbb{1}[…] is read only against 0", self.peek().pos, _HINT)
        self.take()
        self.expect("char", "]", "']'")
        if relation.value == "<":
            arg = Neg(arg, pos=arg.pos)
        return Call(STEP, 0, arg, pos=token.pos)
