"""The part of the matrix grammar (:mod:`symbolic.latex.matrix_parse`) that reads derivatives:
``\\frac{\\partial L}{\\partial W}``, ``\\frac{d}{dX} f``, ``\\nabla_W L`` and ``\\nabla E(W)``, the
gradient of the model's scalar by the argument it is written with; and plain fractions."""

from __future__ import annotations

import re

from .matrix_tree import Applied, Derivative, Frac, Name, Node


class DerivativeGrammar:
    """Methods of :class:`~symbolic.latex.matrix_parse.MatrixParser` (which has ``take``, ``is_``,
    ``error``, ``group_text``, ``sub_parser``, ``primary``, ``postfix`` and ``starts_factor``)."""

    def fraction(self) -> Node:
        token = self.take()
        num, num_at = self.group_text()
        den, den_at = self.group_text()
        partial = re.match(r"\s*\\partial(?![A-Za-z])", num)
        upright = re.fullmatch(r"\s*(?:d|\\mathrm\s*\{d\}|\\mathrm\s*d)\s*", num)  # \frac{d}{dX} f
        if partial or upright:
            mark = re.match(r"\s*\\partial(?![A-Za-z])" if partial else
                            r"\s*(?:\\mathrm\s*\{d\}|\\mathrm\s*d|d)", den)
            if mark is None:
                raise self.error("a derivative needs \\partial (or d) in its denominator", den_at)
            of_text = num[partial.end():] if partial else ""
            if of_text.strip().startswith("^") or den[mark.end():].strip().startswith("^"):
                raise self.error("higher derivatives are not read in matrix notation", token.pos)
            wrt = self.sub_parser(den[mark.end():], den_at + mark.end()).parse()
            of = self.sub_parser(of_text, num_at + partial.end()).parse() if of_text.strip() else None
            if of is None:
                of = self.postfix(self.primary())  # \frac{\partial}{\partial W} L
            return Derivative(of, wrt, self.text[token.pos:self.peek().pos].strip(), pos=token.pos)
        return Frac(self.sub_parser(num, num_at).parse(), self.sub_parser(den, den_at).parse(),
                    pos=token.pos)

    def nabla(self) -> Node:
        token = self.take()
        if not self.is_("char", "_"):  # \nabla E(W): the gradient of the model's scalar by its argument
            of = self.postfix(self.primary()) if self.starts_factor() else None
            if isinstance(of, Applied) and isinstance(of.arg, Name):
                return Derivative(of, of.arg, self.text[token.pos:self.peek().pos].strip(), pos=token.pos)
            raise self.error(r"\nabla needs the variable as a subscript", token.pos, r"write \nabla_W L")
        self.take()
        wrt_text, at = self.group_text()
        wrt = self.sub_parser(wrt_text, at).parse()
        of = self.postfix(self.primary()) if self.starts_factor() else None
        return Derivative(of, wrt, self.text[token.pos:self.peek().pos].strip(), pos=token.pos)
