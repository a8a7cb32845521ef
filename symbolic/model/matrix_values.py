"""Arrays in matrix notation and their arithmetic: sums, matrix and Hadamard products, ``*`` as
the block declares it, and the vector of ones, whose length a neighbour gives it.

A value is one index expression with a free index symbol for its rows and one for its columns
(:class:`Value`). The vector of ones ``\\mathbf{1}`` has no length of its own: in a product it
sums the rows (``dZ \\mathbf{1}``) or the columns (``\\mathbf{1}^\\top X``) of its neighbour, in a
sum it takes the shape of the vector beside it (``\\mathbf{1} - y``); anywhere else its length is
not determined, and that is an error, never a guess.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import sympy

from ..latex import matrix_parse as mp
from .shapes import Shape

Axis = tuple[str, sympy.Symbol] | None  # (size, free symbol) of a dimension; None: one
ONES_HINT = r"\mathbf{1} gets its length from a product (dZ \mathbf{1}, \mathbf{1}^T x) or a sum with a vector"


@dataclass
class Value:
    """An array as one index expression with free symbols for its rows and columns; ``ones``
    marks the vector of ones (a column or, transposed, a row) whose length is not yet known."""

    expr: sympy.Expr
    rows: Axis = None
    cols: Axis = None
    ones: Literal["column", "row"] | None = None

    @property
    def shape(self) -> Shape:
        return Shape(self.rows[0] if self.rows else None, self.cols[0] if self.cols else None)

    @property
    def scalar(self) -> bool:
        return self.rows is None and self.cols is None and self.ones is None

    def at(self, rows: Axis, cols: Axis) -> sympy.Expr:
        """The entry expression with this value's free symbols renamed to those of ``rows``/``cols``."""
        swap = {}
        if self.rows and rows:
            swap[self.rows[1]] = rows[1]
        if self.cols and cols:
            swap[self.cols[1]] = cols[1]
        return self.expr.xreplace(swap)

    def transposed(self) -> "Value":
        ones = {"column": "row", "row": "column"}.get(self.ones) if self.ones else None
        return Value(self.expr, self.cols, self.rows, ones)


class ArrayArithmetic:
    """Methods of :class:`~symbolic.model.matrix_notation.MatrixResolver` (which has ``value``,
    ``error``, ``axis``, ``size``, ``fractions`` and ``star``)."""

    def _sum(self, node: mp.Sum) -> Value:
        total: Value | None = None
        values = [self.value(term, ones_ok=True) for _, term in node.terms]
        vectors = {v.shape for v in values if v.rows is None or v.cols is None} - {Shape(None, None)}
        arrays = {v.shape for v in values if not v.scalar and not v.ones}
        for k, (_, term) in enumerate(node.terms):  # 1 - h: a number on every entry of a vector
            if isinstance(term, mp.Num) and len(vectors) == 1 and arrays == vectors:
                shape = next(iter(vectors))
                values[k] = Value(term.value, self.axis(shape.rows), self.axis(shape.cols))
            elif values[k].ones:
                values[k] = self.ones_like(values[k], arrays, term)
        for (sign, term), value in zip(node.terms, values):
            if total is None:
                total = dataclasses.replace(value, expr=sign * value.expr)
                continue
            if value.shape != total.shape:
                raise self.error(f"shape mismatch in a sum: {total.shape} and {value.shape}", term,
                                 "both terms of + and - must have one shape")
            total = dataclasses.replace(total, expr=total.expr + sign * value.at(total.rows, total.cols))
        return total

    def ones_like(self, ones: Value, shapes: set[Shape], node: mp.Node) -> Value:
        """The vector of ones in a sum or a Hadamard product: the shape of the vectors beside it."""
        if len(shapes) != 1:
            raise self.error(r"the length of the vector of ones \mathbf{1} is not determined here", node,
                             ONES_HINT)
        shape = next(iter(shapes))
        vector = (shape.rows is None) != (shape.cols is None)
        if not vector or (shape.cols is None) != (ones.ones == "column"):
            kind = "column" if ones.ones == "column" else "row"
            raise self.error(f"the vector of ones (a {kind}) beside a {shape} array", node,
                             r"\mathbf{1} is added to a vector of its own orientation; transpose one of them")
        return Value(ones.expr, self.axis(shape.rows), self.axis(shape.cols))

    def _product(self, node: mp.Product) -> Value:
        groups = []
        for group in node.groups:
            values = [(op, self.divisor(f) if op == "/" else self.value(f, ones_ok=True), f) for op, f in group]
            if len(node.groups) > 1 and sum(not v.scalar for _, v, _ in values) > 1:
                raise self.error("a matrix product next to \\odot without parentheses", node,
                                 r"put parentheses around the product: (W^T \delta) \odot \sigma'(z)")
            result = values[0][1]
            for op, value, factor in values[1:]:
                result = self.divide(result, value, factor) if op == "/" else \
                    self.star_product(result, value, factor) if op == "*" else \
                    self.multiply(result, value, factor)
            groups.append((result, group[0][1]))
        if len(groups) > 1:  # \mathbf{1} \odot x: the ones take the shape of the other factors
            shapes = {v.shape for v, _ in groups if not v.ones and not v.scalar}
            groups = [(self.ones_like(v, shapes, f) if v.ones else v, f) for v, f in groups]
        result = groups[0][0]
        for value, factor in groups[1:]:
            if value.shape != result.shape or result.scalar:
                raise self.error(f"shape mismatch in a Hadamard product: {result.shape} ⊙ {value.shape}",
                                 factor, r"\odot multiplies two arrays of one shape entry by entry")
            result = dataclasses.replace(result, expr=result.expr * value.at(result.rows, result.cols))
        return result

    def divisor(self, node: mp.Node) -> Value:
        """What follows a '/': a size is a value there (1/m), as in \\frac."""
        self.fractions += 1
        try:
            return self.value(node)
        finally:
            self.fractions -= 1

    def star_product(self, left: Value, right: Value, node: mp.Node) -> Value:
        """``*`` as the block's ``star:`` says: ``hadamard``, ``product`` (the matrix product), or
        ``by shape`` — whichever of the two the shapes allow, an error when both do."""
        if left.scalar or right.scalar or self.star == "product":
            return self.multiply(left, right, node)
        if left.ones or right.ones:
            raise self.error("'*' beside the vector of ones", node,
                             r"write the product by juxtaposition: dZ \mathbf{1}")
        same = left.shape == right.shape
        if self.star == "by shape" and left.shape.cols == right.shape.rows:
            if same:
                raise self.error(f"'*' between two {left.shape} arrays may be the element-wise or the "
                                 "matrix product", node, r"write \odot or a product by juxtaposition")
            return self.multiply(left, right, node)
        if not same:
            raise self.error(f"shape mismatch in an element-wise product ('*'): {left.shape} and "
                             f"{right.shape}", node, "'*' multiplies two arrays of one shape entry by entry"
                             if self.star == "hadamard" else "'*' is read by the shapes (star: by shape)")
        return dataclasses.replace(left, expr=left.expr * right.at(left.rows, left.cols))

    def divide(self, left: Value, right: Value, node: mp.Node) -> Value:
        if not right.scalar:
            shown = "the vector of ones" if right.ones else f"a {right.shape} array"
            raise self.error(f"division by {shown}", node, "divide by scalars only")
        return dataclasses.replace(left, expr=left.expr / right.expr)

    def multiply(self, left: Value, right: Value, node: mp.Node) -> Value:
        if left.scalar or right.scalar:
            array = right if left.scalar else left
            return dataclasses.replace(array, expr=left.expr * right.expr)
        if left.ones or right.ones:
            return self.multiply_ones(left, right, node)
        inner_l, inner_r = left.cols, right.rows
        if (inner_l[0] if inner_l else None) != (inner_r[0] if inner_r else None):
            raise self.error(f"shape mismatch in a product: {left.shape} times {right.shape}", node,
                             "the columns of the left factor must match the rows of the right one"
                             + ("; for an element-wise product write \\odot"
                                if left.shape == right.shape else ""))
        if inner_l is None:  # an outer product: a column times a row
            return Value(left.expr * right.expr, left.rows, right.cols)
        entry = left.expr * right.at(inner_l, right.cols)
        return Value(sympy.Sum(entry, (inner_l[1], 0, self.size(inner_l[0]) - 1)), left.rows, right.cols)

    def multiply_ones(self, left: Value, right: Value, node: mp.Node) -> Value:
        """``X \\mathbf{1}`` sums each row of X, ``\\mathbf{1}^T X`` each column; the ones take the
        length of the axis they meet. Beside a row (``\\mathbf{1} x^T``) the length is not known."""
        if right.ones == "column" and not left.ones and left.cols is not None:
            axis = left.cols
            return Value(sympy.Sum(left.expr * right.expr, (axis[1], 0, self.size(axis[0]) - 1)), left.rows)
        if left.ones == "row" and not right.ones and right.rows is not None:
            axis = right.rows
            return Value(sympy.Sum(left.expr * right.expr, (axis[1], 0, self.size(axis[0]) - 1)),
                         None, right.cols)
        if right.ones == "column" and not left.ones or right.ones == "row" and left.cols is not None:
            raise self.error(f"shape mismatch in a product: {left.shape} times the {right.ones} of ones", node,
                             r"a column of ones sums the columns of a matrix on its left: dZ \mathbf{1}")
        if left.ones == "row" and not right.ones or left.ones == "column" and right.rows is not None:
            raise self.error(f"shape mismatch in a product: the {left.ones} of ones times {right.shape}", node,
                             r"a row of ones sums the rows of a matrix on its right: \mathbf{1}^T X")
        raise self.error(r"the length of the vector of ones \mathbf{1} is not determined here", node,
                         ONES_HINT)
