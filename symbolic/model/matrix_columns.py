"""Reading the columns of a batch and the names before parentheses in matrix notation: the vector
of ones, sums over the examples (``\\sum_{i=1}^{m} dZ^{[l](i)}``: column i of dZ summed over i),
transposes written with a prime (``X'``) and a name right before parentheses (``V (o - t)``,
``S(X)``)."""

from __future__ import annotations

import re

import sympy

from ..errors import GradproofError
from ..latex import matrix_parse as mp
from .matrix_values import Value

_COLUMN = re.compile(r"(?P<rest>.*?)\((?P<letter>[A-Za-z])\)")  # [l](i): layer [l], column i
PRIME_HINT = r"write the transpose as ^T, or declare prime: transpose in the block; a derivative as \sigma'(z)"


class ColumnReading:
    """Methods of :class:`~symbolic.model.matrix_notation.MatrixResolver` (which has ``network``,
    ``value``, ``error``, ``fresh``, ``size``, ``prime`` and ``columns``)."""

    def _ones(self, node: mp.Ones) -> Value:
        return Value(sympy.Integer(1), ones="column")

    def _examplesum(self, node: mp.ExampleSum) -> Value:
        size = self.network.index_ranges.get(node.letter)
        if size is None:
            raise self.error(f"the sum's index {node.letter} has no range here", node,
                             f"declare it under indices, e.g. {node.letter}: m")
        if node.upper is not None and node.upper != size:
            raise self.error(f"the sum runs to {node.upper}, but {node.letter} runs over {size}", node,
                             f"write \\sum_{{{node.letter}=1}}^{{{size}}}")
        symbol = self.fresh(size)
        self.columns[node.letter] = (size, symbol)
        try:
            body = self.value(node.body)
        finally:
            del self.columns[node.letter]
        if symbol not in body.expr.free_symbols:
            raise self.error(f"the sum over {node.letter} has no column ({node.letter}) in it", node,
                             r"pick column i of a batch matrix with a superscript: dZ^{[l](i)}")
        return Value(sympy.Sum(body.expr, (symbol, 0, self.size(size) - 1)), body.rows, body.cols)

    def column_of(self, node: mp.Name) -> Value | None:
        """``dZ^{[l](i)}`` inside a sum over i: column i of dZ^{[l]} (None: no column is picked)."""
        found = _COLUMN.fullmatch(node.sup or "")
        if found is None:
            return None
        letter = found.group("letter")
        if letter not in self.columns:
            if not found.group("rest"):
                return None  # x^{(i)} alone: the index notation's example, not a column
            raise self.error(f"{node.written} picks example {letter}, which is read only inside a sum "
                             f"over {letter}", node, r"write \sum_{i=1}^{m} dZ^{[l](i)}")
        size, symbol = self.columns[letter]
        matrix = self.value(mp.Name(node.base, found.group("rest") or None, node.written, pos=node.pos))
        if matrix.cols is None or matrix.cols[0] != size:
            raise self.error(f"{node.written} picks column {letter} of a {matrix.shape} array, which has no "
                             f"{size} columns", node, "(i) picks an example: a column of a batch matrix")
        return Value(matrix.expr.xreplace({matrix.cols[1]: symbol}), matrix.rows)

    def check_prime(self, node: mp.Transpose) -> None:
        """A prime is a transpose where the block declares ``prime: transpose``, or on a matrix the
        model does not define (a leaf is no function, so its prime is no derivative)."""
        if self.prime == "transpose":
            return
        if isinstance(node.arg, mp.Name):
            tensor = self.tensor_named(node.arg)
            if tensor is not None and len(tensor.ranges) == 2 and self.network.definition_of(tensor) is None:
                return
        written = self.text[node.arg.pos:node.pos + 1].strip()
        raise self.error(f"the prime in {written} is read as a transpose only on a matrix the model does "
                         "not define, or where the block declares prime: transpose", node, PRIME_HINT)

    def tensor_named(self, node: mp.Name):
        """The model's tensor a written name stands for (None: not one tensor)."""
        value = self.value(node, ones_ok=True) if node.sup is None or "(" not in node.sup else None
        if value is None or not isinstance(value.expr, sympy.Indexed | sympy.Symbol):
            return None
        base = value.expr.base if isinstance(value.expr, sympy.Indexed) else value.expr
        return next((t for t in self.network.tensors.values() if t.base == base), None)

    def applied_array(self, node: mp.Applied, name: Value) -> Value | None:
        """``V (o - t)`` with V a vector or matrix the model does not define: a product (a leaf is no
        function). ``S(X)`` with S defined from X, where S X is no product: S itself. None: neither."""
        tensor = self.tensor_named(node.name)
        if tensor is None or name.scalar:
            return None
        if self.network.definition_of(tensor) is None:
            return self.multiply(name, self.value(node.arg), node.arg)
        argument = node.arg
        if isinstance(argument, mp.Name) and argument.sup is None and \
                any(t.name == argument.base for t in self.network.dependencies().get(tensor, ())):
            try:
                self.multiply(name, self.value(argument), argument)
            except GradproofError:  # S X is no product: S(X) is S, written with its argument
                return name
        return None
